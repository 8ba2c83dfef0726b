"""What the results are measured on: the machine, its software, the database's size and rows."""

import os
import platform
import shutil
import subprocess
from pathlib import Path


def machine_facts(db: dict) -> dict:
    import django
    import gunicorn
    import weasyprint
    from django.conf import settings

    cpu = ""
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GB"
                break
    except OSError:
        pass
    cache = settings.CACHES["default"]
    wrk = shutil.which("wrk")
    wrk_version = ""
    if wrk:
        completed = subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=10, check=False)
        wrk_version = (completed.stdout or completed.stderr).split("[")[0].strip()
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": db["postgresql"],
        "gunicorn": gunicorn.__version__,
        "weasyprint": weasyprint.__version__,
        "load_driver": wrk_version or "Python threads (bench/run_bench.py --load-driver)",
        "cache": f"{cache['BACKEND'].rsplit('.', 2)[-2]} ({cache.get('LOCATION')}), "
        f"sessions: {settings.SESSION_ENGINE.rsplit('.', 1)[-1]}",
    }


def database_facts() -> dict:
    from django.db import connection

    from accounts.models import User
    from applications.models import Application, Attachment, BudgetLine, StatusChange
    from committees.models import AgendaItem, CommitteeSession, Decision, Payment, Vote
    from funds.models import CarrierAssociation, Fund
    from reports.models import Bilan, CvsBilan, EffectChange, EffectObservation

    models = [
        CarrierAssociation,
        Fund,
        User,
        Application,
        BudgetLine,
        StatusChange,
        Attachment,
        CommitteeSession,
        AgendaItem,
        Vote,
        Decision,
        Payment,
        Bilan,
        CvsBilan,
        EffectObservation,
        EffectChange,
    ]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {
        "postgresql": version,
        "size": size,
        "rows": {model._meta.verbose_name_plural.capitalize(): model.objects.count() for model in models},
    }
