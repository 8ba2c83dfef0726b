"""The submit click (POST of a complete draft's summary step), timed two ways side by side in one run.

- **in the click** (what the portal did before the outbox): no broker, so the acknowledgement e-mail and its PDF
  receipt are built and sent in the web process, right after the transaction commits, before the response;
- **with a worker**: the click only writes the request and an outbox row; a Celery worker (started here against
  the local Redis) builds the receipt and sends the e-mail.

Each mode files `--clicks` drafts of the same shape (a fund's call open, a confirmed resident, a bank-details PDF).
The time is the server's (Django's test client in this process: no network, no gunicorn), the median and the
95th percentile of the clicks after `--warmup` unmeasured ones. PostgreSQL and Redis are required.

    .venv/bin/python bench/submit_click.py [--clicks 40] [--warmup 5]
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get("BENCH_SUBMIT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pic_bench_submit")
REDIS_URL = os.environ.get("BENCH_SUBMIT_REDIS_URL", "redis://127.0.0.1:6379/8")
NOW = "2025-03-15 10:00:00+01:00"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def setup_django(*, with_broker: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "pic_portal.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "PORTAL_BASE_URL": "http://testserver",
            "DATABASE_URL": DATABASE_URL,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DJANGO_MEDIA_ROOT": "/tmp/pic-bench-submit-media",
            "PORTAL_PUBLIC_PAGE_CACHE_SECONDS": "0",
            "PORTAL_PERSONAL_PAGE_CACHE_SECONDS": "0",
        }
    )
    if with_broker:
        os.environ["CELERY_BROKER_URL"] = REDIS_URL
    import django

    django.setup()


def fresh_database() -> None:
    import psycopg2

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    connection = psycopg2.connect(admin_url + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def drafts(count: int):
    """`count` complete drafts of distinct confirmed residents in a fund whose call is open."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from applications import services
    from tests import factories as f

    theme = f.ThemeFactory(slug="bench-theme", name="Lien social")
    neighbourhood = f.NeighbourhoodFactory(code="QN05999M", name="Quartier du banc d'essai")
    fund = f.FundFactory(slug=f"bench-submit-{time.monotonic_ns()}", themes=[theme], neighbourhoods=[neighbourhood])
    confirmed = datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PDF")  # a one-page PDF, as a scanned RIB would be
    pdf = buffer.getvalue()
    result = []
    for _ in range(count):
        user = f.UserFactory(email_confirmed_at=confirmed)
        application = f.ApplicationFactory(fund=fund, created_by=user)
        services.add_attachment(
            user=user,
            application=application,
            kind="bank_details",
            uploaded_file=SimpleUploadedFile("rib.pdf", pdf, "application/pdf"),
        )
        result.append(application)
    return result


def click(application) -> float:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(application.created_by)
    url = reverse("applications:application_step", kwargs={"pk": application.pk, "step": "summary"})
    started = time.perf_counter()
    response = client.post(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, (response.status_code, response.content[:500])
    return elapsed


def start_worker() -> subprocess.Popen:
    env = {**os.environ, "CELERY_BROKER_URL": REDIS_URL}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pic_portal", "worker", "--pool=solo", "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure(*, mode: str, clicks: int, warmup: int) -> dict:
    """Run in a child process per mode: the broker setting is read once, when Django starts."""
    import time_machine

    with time_machine.travel(NOW, tick=True):
        applications = drafts(clicks + warmup)
        times = [click(application) for application in applications]
    measured = times[warmup:]
    return {
        "application_ids": [application.pk for application in applications],
        "mode": mode,
        "clicks": len(measured),
        "p50_ms": statistics.median(measured) * 1000,
        "p95_ms": percentile(measured, 0.95) * 1000,
    }


def wait_delivered(application_ids: list[int], timeout: float = 120) -> int:
    """How many of this run's acknowledgements (with their receipt) have left, waiting up to `timeout`."""
    from core.models import OutboxMessage

    ids = [str(pk) for pk in application_ids]
    deadline = time.monotonic() + timeout
    sent = 0
    while time.monotonic() < deadline:
        sent = OutboxMessage.objects.filter(state="sent", topic="submitted", target_id__in=ids).count()
        if sent >= len(ids):
            break
        time.sleep(0.5)
    return sent


def child(mode: str, clicks: int, warmup: int) -> None:
    setup_django(with_broker=mode == "worker")
    import json

    worker = start_worker() if mode == "worker" else None
    try:
        result = measure(mode=mode, clicks=clicks, warmup=warmup)
        result["receipts_delivered"] = wait_delivered(result.pop("application_ids"))
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--child", choices=["in_click", "worker"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.clicks, args.warmup)
        return
    import json

    fresh_database()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_DEBUG": "1"},
        check=True,
    )
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=False, capture_output=True)
    rows = []
    for mode in ("in_click", "worker"):
        output = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--clicks", str(args.clicks), "--warmup", str(args.warmup)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows.append(json.loads(output.strip().splitlines()[-1]))
    print("| submit click | clicks | p50 | p95 | receipts delivered |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['mode']} | {row['clicks']} | {row['p50_ms']:.0f} ms | {row['p95_ms']:.0f} ms "
            f"| {row['receipts_delivered']} of {row['clicks'] + args.warmup} |"
        )
    in_click, worker = rows
    print(f"p95 with a worker / in the click: {worker['p95_ms'] / in_click['p95_ms']:.2f} (target p95 < 300 ms)")


if __name__ == "__main__":
    main()
