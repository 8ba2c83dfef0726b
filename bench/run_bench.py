#!/usr/bin/env python
"""Portail PIC benchmark: region-sized load data, then queries, server times, PDFs and throughput.

Run by `make bench` (see bench/README.md). It creates and migrates its PostgreSQL database if needed,
generates the load data if missing (`manage.py generate_load_data`), collects the static files, measures,
and writes bench/RESULTS.md. Every figure in that file is measured by the run that writes it.

Internal modes (started by the main run in a separate process):
  --pdf-worker KIND --pk N   build one PDF, print its time and memory as JSON
  --load-driver URL          the Python load driver, used when `wrk` is not installed
Tool for investigations:
  --profile PATH --as EMAIL  cProfile one page and list its SQL queries (no RESULTS.md)
"""

import argparse
import contextlib
import datetime
import gc
import http.client
import json
import math
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
STATE_DIR = Path(os.environ.get("BENCH_STATE_DIR", "/tmp/pic-bench"))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pic_bench"
HOST = "127.0.0.1"

# Production-like settings (DEBUG off) with a test secret, plain HTTP on 127.0.0.1.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "pic_portal.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-never-used-in-production-4f1d0c9a7b2e",
    "DJANGO_ALLOWED_HOSTS": f"{HOST},testserver",
    "DJANGO_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "PORTAL_BASE_URL": f"http://{HOST}",
    "DJANGO_STATIC_ROOT": str(STATE_DIR / "static"),
    "DJANGO_MEDIA_ROOT": str(STATE_DIR / "media"),
    "DJANGO_LOG_LEVEL": "WARNING",
    "DATABASE_CONN_MAX_AGE": "60",
    # The production set-up the README recommends: a cache shared by the workers (and sessions read from
    # it). Database 14 of the machine's Redis, emptied at the start and at the end of a run.
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
}

# Targets (ms for server times).
PAGE_TARGETS_MS = {"inbox": 50, "holder": 50, "fund": 50, "dashboard": 300, "annual": 300}
RECEIPT_TARGET_S = 1.0
DOCUMENT_TARGET_S = 10.0
DOCUMENT_TARGET_MB = 500
HOLDER_RATIO_TARGET = 0.30
SHOWCASE_RATIO_TARGET = 0.60
QUERY_ROWS = (10, 1000)


def setup_environment(database_url: str) -> None:
    for key, value in BENCH_ENV.items():
        os.environ[key] = value
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))


def django_setup(urlconf: str = "bench.urls") -> None:
    import django
    from django.conf import settings

    settings.ROOT_URLCONF = urlconf
    django.setup()


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- Database ---------------------------------------------------------------------------------------------


def prepare_database(database_url: str, *, fresh: bool) -> str:
    """Create the benchmark's database if missing (drop it first with --fresh). Returns its name."""
    import psycopg2
    from psycopg2 import sql

    parts = urllib.parse.urlparse(database_url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or not name:
        raise SystemExit(f"The benchmark runs on PostgreSQL: got {database_url!r}.")
    if not name.startswith("pic_bench"):
        raise SystemExit(f"Refusing to use database {name!r}: the benchmark's database name starts with pic_bench.")
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or HOST,
        port=parts.port or 5432,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
            if exists and fresh:
                print(f"Dropping database {name} (--fresh)")
                cursor.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
                exists = False
            if not exists:
                print(f"Creating database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
    return name


def metadata_path(database_name: str) -> Path:
    return STATE_DIR / f"loaddata-{database_name}.json"


def migrate_and_load(database_name: str, *, seed: int, scale: float) -> dict:
    """Migrate, generate the load data if missing (timed), collect static files. Returns the generation facts."""
    from django.core.management import call_command

    from devdata.loaddata_gen import load_data_present

    print("Migrating")
    call_command("migrate", interactive=False, verbosity=0)
    facts: dict = {}
    if load_data_present():
        if metadata_path(database_name).exists():
            facts = json.loads(metadata_path(database_name).read_text())
        facts["generated_in_this_run"] = False
        print("Load data already present")
    else:
        print(f"Generating load data (seed {seed}, scale {scale:g})")
        rss_before = maxrss_mb()
        started = time.perf_counter()
        call_command("generate_load_data", seed=seed, scale=scale, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        facts = {
            "seconds": round(time.perf_counter() - started, 1),
            "maxrss_growth_mb": round(maxrss_mb() - rss_before, 1),
            "seed": seed,
            "scale": scale,
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        }
        metadata_path(database_name).write_text(json.dumps(facts))
        facts["generated_in_this_run"] = True
        print(f"  done in {facts['seconds']} s")
    # Current planner statistics, as autovacuum keeps them on a live database (cheap when nothing changed).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    manifest = Path(BENCH_ENV["DJANGO_STATIC_ROOT"]) / "staticfiles.json"
    if not manifest.exists():
        print("Collecting static files")
        call_command("collectstatic", interactive=False, verbosity=0)
    return facts


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


# --- Sessions and the in-process client -------------------------------------------------------------------


def _session_store():
    from importlib import import_module

    from django.conf import settings

    return import_module(settings.SESSION_ENGINE).SessionStore


def session_for(user) -> str:
    """A logged-in session stored by the portal's session engine (as the log-in view would leave it)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = _session_store()()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def client_for(user=None):
    from django.conf import settings
    from django.test import Client

    client = Client()
    if user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_for(user)
    return client


def forget_session(client) -> None:
    """Delete the session `client_for` created (the benchmark leaves no session behind)."""
    from django.conf import settings

    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is not None:
        _session_store()(session_key=cookie.value).delete()


def get_ok(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}, expected 200")
    return response


@dataclass
class Page:
    key: str
    name: str
    path: str
    user: object  # None: anonymous
    who: str
    rows: str = ""
    cache_off: bool = False  # render every time: no page cache, no cached template fragment


def cache_off():
    """Settings under which every GET renders its page (for query counts and the "cache off" timings)."""
    from django.test import override_settings

    return override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, PERSONAL_PAGE_CACHE_SECONDS=0)


def clear_page_caches() -> None:
    from django.core.cache import caches

    caches["pages"].clear()  # the cached template fragments (the inbox's filters)


# --- 1. Queries at 10 and 1,000 rows ----------------------------------------------------------------------


def world_pages(summary) -> list[Page]:
    from accounts.models import User
    from funds.models import Fund, Neighbourhood

    staff = User.objects.get(email=summary.staff_emails[0])
    funder = User.objects.get(email=summary.funder_staff_emails[0])
    holder = User.objects.get(email=summary.busy_holder_email)
    fund = Fund.objects.get(slug=summary.fund_slugs[0])
    neighbourhood = Neighbourhood.objects.get(code=summary.neighbourhood_codes[0])
    return [
        Page("inbox", "Staff inbox", "/equipe/demandes/", staff, "association staff"),
        Page("holder", "Holder's space", "/mes-demandes/", holder, "holder"),
        Page("fund", "Fund page", f"/fonds/{fund.slug}/", staff, "association staff"),
        Page("dashboard", "Funder dashboard", "/financeurs/", funder, "co-funder staff"),
        Page("annual", "Annual report page", f"/rapports/{fund.slug}/{fund.year}/", staff, "association staff"),
        Page("showcase", "Showcase list", f"/projets/?neighbourhood={neighbourhood.pk}", None, "anonymous"),
        Page("bilans", "Bilans list", "/bilans/", staff, "association staff"),
    ]


def count_queries(seed: int) -> list[dict]:
    """Build a 10-request and a 1,000-request world (one association, fund, holder, co-funder, QPV each),
    count each page's queries in both, then roll everything back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from devdata.loaddata_gen import Spec, generate

    results: dict[str, dict] = {}
    with transaction.atomic():
        for rows in QUERY_ROWS:
            print(f"  world of {rows} requests")
            summary = generate(Spec.world(label=f"banc{rows}", requests=rows, seed=seed))
            for page in world_pages(summary):
                client = client_for(page.user)
                with cache_off():  # the queries of a full render, not of a page served from the cache
                    get_ok(client, page.path)  # warm caches (content types, sessions...) before counting
                    clear_page_caches()
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        get_ok(client, page.path)
                        elapsed = time.perf_counter() - started
                count = len(captured.captured_queries)  # read before the next request resets the log
                entry = results.setdefault(page.key, {"name": page.name, "path_pattern": page.path, "who": page.who})
                entry[rows] = {"queries": count, "ms": round(elapsed * 1000, 1)}
        transaction.set_rollback(True)
    return list(results.values())


# --- 2. Server time at full size --------------------------------------------------------------------------


def full_size_pages() -> list[Page]:
    from django.db.models import Count, Q

    from accounts.models import User
    from applications.models import Application
    from funds.models import CarrierAssociation, Fund
    from reports.annual import readable_funds

    big = (
        Fund.objects.filter(slug__startswith="charge-")
        .annotate(filed=Count("applications", filter=Q(applications__submitted_at__isnull=False)))
        .order_by("-filed", "slug")
        .first()
    )
    association = (
        CarrierAssociation.objects.filter(slug__startswith="charge-")
        .annotate(n=Count("funds__applications"))
        .order_by("-n", "slug")
        .first()
    )
    staff = User.objects.filter(association_links__association=association).order_by("email").first()
    region = User.objects.filter(funder_links__funder__name="Région Hauts-de-France").order_by("email").first()
    holder_row = (
        Application.objects.filter(fund__slug__startswith="charge-")
        .values("created_by")
        .annotate(n=Count("pk"))
        .order_by("-n", "created_by")
        .first()
    )
    holder = User.objects.get(pk=holder_row["created_by"])
    managed = Application.objects.managed_by(staff).count()
    region_funds = readable_funds(region).count()
    return [
        Page("inbox", "Staff inbox", "/equipe/demandes/", staff, staff.email, f"{managed} filed requests"),
        Page("holder", "Holder's space", "/mes-demandes/", holder, holder.email, f"{holder_row['n']} requests"),
        Page("fund", "Fund page", f"/fonds/{big.slug}/", staff, staff.email, f"{big.filed} filed requests"),
        Page("dashboard", "Funder dashboard", "/financeurs/", region, region.email, f"{region_funds} funds"),
        Page(
            "annual",
            "Annual report page",
            f"/rapports/{big.slug}/{big.year}/",
            staff,
            staff.email,
            f"{big.filed} projects",
        ),
        Page("showcase", "Showcase list (no target)", "/projets/", None, "anonymous", "all showcased projects"),
        Page("bilans", "Bilans list (no target)", "/bilans/", staff, staff.email, "1,500 rows, 50 per page"),
        # What the first visit costs, before anything is cached:
        Page(
            "inbox_render",
            "Staff inbox, cache off (no target)",
            "/equipe/demandes/",
            staff,
            staff.email,
            f"{managed} filed requests",
            cache_off=True,
        ),
        Page(
            "holder_render",
            "Holder's space, cache off (no target)",
            "/mes-demandes/",
            holder,
            holder.email,
            f"{holder_row['n']} requests",
            cache_off=True,
        ),
        Page(
            "showcase_render",
            "Showcase list, cache off (no target)",
            "/projets/",
            None,
            "anonymous",
            "all showcased projects",
            cache_off=True,
        ),
    ]


def time_pages(pages: list[Page], *, requests: int, warmup: int) -> list[dict]:
    results = []
    for page in pages:
        with cache_off() if page.cache_off else contextlib.nullcontext():
            results.append(_time_page(page, requests=requests, warmup=warmup))
        r = results[-1]
        print(f"  {page.name}: median {r['median_ms']} ms, p95 {r['p95_ms']} ms, Python CPU {r['cpu_median_ms']} ms")
    return results


def _time_page(page: Page, *, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(client):
        if page.cache_off:
            clear_page_caches()
        return get_ok(client, page.path)

    client = client_for(page.user)
    for _ in range(warmup):
        get(client)
    with CaptureQueriesContext(connection) as captured:
        get(client)
    # Read now: `captured_queries` is a view of the connection's log, which the next request resets.
    queries = list(captured.captured_queries)
    times = []
    cpu_times = []  # this process's CPU time per GET: the Python side, whatever else runs on the machine
    size = 0
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = get(client)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        size = len(response.content)
    forget_session(client)
    return {
        "key": page.key,
        "name": page.name,
        "path": page.path,
        "who": page.who,
        "rows": page.rows,
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "min_ms": round(min(times), 1),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "cpu_median_ms": round(statistics.median(cpu_times), 1),
        "requests": requests,
        "kb": round(size / 1024),
    }


# --- 3. PDFs, each in its own process ---------------------------------------------------------------------


def pdf_subjects() -> list[dict]:
    from django.db.models import Count, Q

    from applications.models import Application
    from committees.models import CommitteeSession
    from funds.models import Fund

    big = (
        Fund.objects.filter(slug__startswith="charge-")
        .annotate(filed=Count("applications", filter=Q(applications__submitted_at__isnull=False)))
        .order_by("-filed", "slug")
        .first()
    )
    receipt = (
        Application.objects.filter(fund=big, status="closed", bilan__isnull=False)
        .annotate(lines=Count("budget_lines", distinct=True))
        .order_by("-lines", "number")
        .first()
    )
    sessions = CommitteeSession.objects.filter(status="closed", committee__fund__slug__startswith="charge-").annotate(
        items_count=Count("items")
    )
    session = (
        sessions.filter(items_count=40).order_by("date", "pk").first()
        or sessions.order_by("-items_count", "pk").first()
    )
    return [
        {
            "kind": "receipt",
            "name": "Request receipt",
            "pk": receipt.pk,
            "subject": f"{receipt.reference} ({receipt.lines} budget lines)",
        },
        {
            "kind": "minutes",
            "name": "Session minutes",
            "pk": session.pk,
            "subject": f"session of {session.date:%d/%m/%Y}, {session.items_count} requests",
        },
        {"kind": "annual", "name": "Annual report PDF", "pk": big.pk, "subject": f"{big.slug}, {big.filed} projects"},
    ]


def build_pdf(kind: str, pk: int) -> bytes:
    from applications.models import Application
    from applications.pdf import render_receipt_pdf
    from committees.models import CommitteeSession
    from committees.pdf import render_minutes_pdf
    from funds.models import Fund
    from reports import annual
    from reports.documents import annual_pdf

    if kind == "receipt":
        return render_receipt_pdf(application=Application.objects.get(pk=pk))
    if kind == "minutes":
        return render_minutes_pdf(session=CommitteeSession.objects.get(pk=pk))
    if kind == "annual":
        return annual_pdf.render_annual_report_pdf(annual.annual_report(fund=Fund.objects.get(pk=pk)))
    raise ValueError(kind)


def pdf_worker(kind: str, pk: int, runs: int) -> None:
    """In a fresh process: warm WeasyPrint up on a one-line document, then build the PDF `runs` times (timed,
    RSS growth), then once more under tracemalloc (peak of Python allocations). Prints JSON."""
    django_setup()
    import io

    from pypdf import PdfReader
    from weasyprint import HTML

    started = time.perf_counter()
    HTML(string="<p>warm-up</p>").write_pdf()
    warmup_s = time.perf_counter() - started
    gc.collect()
    rss_before = maxrss_mb()
    times = []
    content = b""
    for _ in range(runs):
        started = time.perf_counter()
        content = build_pdf(kind, pk)
        times.append(time.perf_counter() - started)
    rss_after = maxrss_mb()
    gc.collect()
    tracemalloc.start()
    build_pdf(kind, pk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "warmup_s": round(warmup_s, 2),
                "times_s": [round(t, 3) for t in times],
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "rss_growth_mb": round(rss_after - rss_before, 1),
                "rss_peak_mb": round(rss_after, 1),
                "tracemalloc_peak_mb": round(peak / 2**20, 1),
                "pages": len(PdfReader(io.BytesIO(content)).pages),
                "kb": round(len(content) / 1024),
            }
        )
    )


def measure_pdfs(runs: int) -> list[dict]:
    results = []
    for subject in pdf_subjects():
        command = [sys.executable, __file__, "--pdf-worker", subject["kind"], "--pk", str(subject["pk"])]
        command += ["--runs", str(runs), "--database-url", os.environ["DATABASE_URL"]]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT, check=False)
        if completed.returncode != 0:
            raise RuntimeError(f"PDF worker {subject['kind']} failed:\n{completed.stderr[-3000:]}")
        measured = json.loads(completed.stdout.strip().splitlines()[-1])
        results.append({**subject, **measured})
        print(f"  {subject['name']}: {measured['median_s']} s, tracemalloc {measured['tracemalloc_peak_mb']} MB")
    return results


# --- 4. Throughput under gunicorn -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str, cookie: str = "", timeout: float = 10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def load_driver(port: int, path: str, *, seconds: float, concurrency: int, max_requests: int, cookie: str) -> dict:
    """Threads sending GET requests for `seconds` or `max_requests`, whichever ends first."""
    lock = threading.Lock()
    counts = {"ok": 0, "other": 0, "errors": 0}
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    issued = [0]

    def worker():
        while True:
            with lock:
                if issued[0] >= max_requests or time.perf_counter() >= deadline:
                    return
                issued[0] += 1
            started = time.perf_counter()
            try:
                status, _body = http_get(port, path, cookie)
            except OSError:
                with lock:
                    counts["errors"] += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                counts["ok" if status == 200 else "other"] += 1
                latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    duration = time.perf_counter() - started
    return {
        "rps": round(counts["ok"] / duration, 1),
        "requests": counts["ok"],
        "non_200": counts["other"],
        "errors": counts["errors"],
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "seconds": round(duration, 1),
    }


def run_load(port: int, path: str, *, seconds: int, concurrency: int, cookie: str = "") -> dict:
    """Drive the server from another process: wrk when installed, else this script's Python driver."""
    url = f"http://{HOST}:{port}{path}"
    wrk = shutil.which("wrk")
    if wrk:
        command = [wrk, "-t2", f"-c{concurrency}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        completed = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60, check=True)
        return parse_wrk(completed.stdout) | {"driver": "wrk"}
    command = [sys.executable, __file__, "--load-driver", url, "--seconds", str(seconds)]
    command += ["--concurrency", str(concurrency), "--cookie", cookie]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1]) | {"driver": "python"}


def duration_ms(text: str) -> float:
    """wrk's durations: 850.00us, 12.31ms, 1.02s, 1.50m."""
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text) * 1000


def parse_wrk(output: str) -> dict:
    result = {"non_200": 0, "errors": 0, "p50_ms": None}
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(line.split()[1])
        elif line.startswith("Non-2xx or 3xx responses:"):
            result["non_200"] = int(line.split()[-1])
        elif line.startswith("Socket errors:"):
            result["errors"] = sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
        elif line.startswith("50%"):
            result["p50_ms"] = round(duration_ms(line.split()[1]), 1)
        elif "requests in" in line:
            result["requests"] = int(line.split()[0])
    if "rps" not in result:
        raise RuntimeError(f"Could not read wrk's output:\n{output}")
    return result


def throughput(*, seconds: int, concurrency: int, workers: int) -> dict:
    """gunicorn with 2 workers on a free port of 127.0.0.1; the bare view, the holder's space and the showcase."""
    from django.db.models import Count

    from accounts.models import User
    from applications.models import Application

    holder_row = (
        Application.objects.filter(fund__slug__startswith="charge-")
        .values("created_by")
        .annotate(n=Count("pk"))
        .order_by("-n", "created_by")
        .first()
    )
    holder = User.objects.get(pk=holder_row["created_by"])
    from django.conf import settings

    session_key = session_for(holder)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    port = free_port()
    log_path = STATE_DIR / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "bench.wsgi:application", "--workers", str(workers)]
    command += ["--bind", f"{HOST}:{port}", "--log-level", "warning", "--timeout", "60", "--chdir", str(ROOT)]
    results: dict = {"workers": workers, "concurrency": concurrency, "seconds": seconds, "holder_rows": holder_row["n"]}
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=log, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if http_get(port, "/bench/bare/", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"gunicorn did not start: see {log_path}")
                time.sleep(0.3)
            status, _body = http_get(port, "/mes-demandes/", cookie)
            if status != 200:
                raise RuntimeError(f"The holder's session cookie was refused (HTTP {status})")
            targets = [
                ("bare", "/bench/bare/", ""),
                ("user", "/bench/user/", cookie),
                ("holder", "/mes-demandes/", cookie),
                ("showcase", "/projets/", ""),
                ("bare_again", "/bench/bare/", ""),
            ]
            for key, path, cookie_value in targets:
                run_load(port, path, seconds=2, concurrency=concurrency, cookie=cookie_value)  # warm-up
                results[key] = run_load(port, path, seconds=seconds, concurrency=concurrency, cookie=cookie_value)
                results[key]["path"] = path
                print(f"  {path}: {results[key]['rps']} req/s")
        finally:
            stop_process_group(server)
            _session_store()(session_key=session_key).delete()
    bare = statistics.mean([results["bare"]["rps"], results["bare_again"]["rps"]])
    results["bare_rps"] = round(bare, 1)
    results["holder_ratio"] = results["holder"]["rps"] / bare
    results["showcase_ratio"] = results["showcase"]["rps"] / bare
    return results


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process group we started (gunicorn's master and its workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# --- Machine facts ----------------------------------------------------------------------------------------


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


# --- RESULTS.md -------------------------------------------------------------------------------------------


@dataclass
class Line:
    measure: str
    target: str
    measured: str
    ok: bool | None  # None: no target

    @property
    def verdict(self) -> str:
        return "—" if self.ok is None else ("PASS" if self.ok else "**FAIL**")


@dataclass
class Report:
    started: datetime.datetime
    machine: dict
    db: dict
    generation: dict
    queries: list[dict] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)
    pdfs: list[dict] = field(default_factory=list)
    load: dict = field(default_factory=dict)
    seconds: float = 0.0
    load_average: list[tuple[str, float]] = field(default_factory=list)  # (moment, 1-minute load average)

    def note_load(self, moment: str) -> None:
        self.load_average.append((moment, round(os.getloadavg()[0], 2)))

    def lines(self) -> list[Line]:
        lines = []
        for row in self.queries:
            low, high = row[QUERY_ROWS[0]]["queries"], row[QUERY_ROWS[-1]]["queries"]
            lines.append(Line(f"{row['name']}: queries at 10 / 1,000 rows", "equal", f"{low} / {high}", low == high))
        for page in self.pages:
            target = PAGE_TARGETS_MS.get(page["key"]) if "no target" not in page["name"] else None
            measured = f"{page['median_ms']} ms (p95 {page['p95_ms']} ms)"
            if target is not None:
                lines.append(
                    Line(
                        f"{page['name']} median, {page['rows']}", f"< {target} ms", measured, page["median_ms"] < target
                    )
                )
        for pdf in self.pdfs:
            memory = max(pdf["tracemalloc_peak_mb"], pdf["rss_growth_mb"])
            measured = (
                f"{pdf['median_s']} s (max {pdf['max_s']} s); tracemalloc peak {pdf['tracemalloc_peak_mb']} MB, "
                f"RSS +{pdf['rss_growth_mb']} MB"
            )
            if pdf["kind"] == "receipt":
                lines.append(
                    Line(f"{pdf['name']} ({pdf['subject']})", "< 1 s", measured, pdf["max_s"] < RECEIPT_TARGET_S)
                )
            else:
                ok = pdf["max_s"] < DOCUMENT_TARGET_S and memory < DOCUMENT_TARGET_MB
                lines.append(Line(f"{pdf['name']} ({pdf['subject']})", "< 10 s, < 500 MB", measured, ok))
        if self.load:
            load = self.load
            for key, name, target in (
                ("holder", "Holder's space throughput", HOLDER_RATIO_TARGET),
                ("showcase", "Showcase throughput", SHOWCASE_RATIO_TARGET),
            ):
                ratio = load[f"{key}_ratio"]
                measured = f"{ratio:.0%} ({load[key]['rps']} / {load['bare_rps']} req/s)"
                lines.append(
                    Line(f"{name}, as a share of the bare view's", f"≥ {target:.0%}", measured, ratio >= target)
                )
        return lines

    def markdown(self) -> str:
        m, db, gen = self.machine, self.db, self.generation
        out = [
            "# Portail PIC — benchmark results",
            "",
            f"Written by `make bench` (`bench/run_bench.py`) on {self.started:%Y-%m-%d %H:%M} UTC, "
            f"in {self.seconds / 60:.1f} minutes. Every figure below was measured by that run "
            "(the load data's generation time: see its line).",
            "",
            "## Machine",
            "",
            "| | |",
            "|---|---|",
            f"| CPU | {m['cpu'] or 'unknown'}, {m['cores']} cores |",
            f"| Memory | {m['memory'] or 'unknown'} |",
            f"| System | {m['os']} |",
            f"| Python | {m['python']} |",
            f"| Django | {m['django']} |",
            f"| PostgreSQL | {m['postgresql']} (same machine, 127.0.0.1) |",
            f"| gunicorn | {m['gunicorn']} |",
            f"| WeasyPrint | {m['weasyprint']} |",
            f"| Load driver | {m['load_driver']} |",
            f"| Cache and sessions | {m.get('cache', 'unknown')} |",
            "| 1-minute load average | "
            + ", ".join(f"{value} ({moment})" for moment, value in self.load_average)
            + f" — on {m['cores']} cores, shared with whatever else runs on the machine |",
            "",
            "## Load data",
            "",
        ]
        if gen.get("generated_in_this_run"):
            out.append(
                f"Generated by this run: `manage.py generate_load_data --seed {gen['seed']} --scale {gen['scale']:g}` "
                f"took **{gen['seconds']} s** on PostgreSQL "
                f"(peak memory of the process: +{gen['maxrss_growth_mb']} MB)."
            )
        elif gen.get("seconds"):
            out.append(
                f"Already present (not generated by this run). When it was generated ({gen['date']}, seed "
                f"{gen['seed']}, scale {gen['scale']:g}), `generate_load_data` took {gen['seconds']} s. "
                "Run `make bench BENCH_ARGS=--fresh` to measure it again."
            )
        else:
            out.append("Already present; its generation time was not recorded. `make bench BENCH_ARGS=--fresh`.")
        out += ["", f"Database size: {db['size']}.", "", "| Table | Rows |", "|---|---:|"]
        out += [f"| {name} | {count:,} |" for name, count in db["rows"].items()]
        out += ["", "## Targets", "", "| Measure | Target | Measured | Result |", "|---|---|---|---|"]
        lines = self.lines()
        out += [f"| {line.measure} | {line.target} | {line.measured} | {line.verdict} |" for line in lines]
        failed = [line for line in lines if line.ok is False]
        out += ["", f"{len(lines) - len(failed)} of {len(lines)} lines pass."]
        if self.queries:
            out += [
                "",
                "## Queries per page at 10 and at 1,000 rows",
                "",
                "Two separate worlds built inside the benchmark database (one association, one fund, one holder "
                "with every request, a co-funder and a QPV of their own), in a transaction rolled back afterwards. "
                "Queries counted with `CaptureQueriesContext` around the second GET of each page (the first warms "
                "caches), with the page caches turned off: the queries of a full render. The showcase is filtered "
                "on the world's QPV.",
                "",
                "| Page | Seen as | Queries (10) | Queries (1,000) | Time (10) | Time (1,000) |",
                "|---|---|---:|---:|---:|---:|",
            ]
            low, high = QUERY_ROWS
            for row in self.queries:
                out.append(
                    f"| {row['name']} | {row['who']} | {row[low]['queries']} | {row[high]['queries']} | "
                    f"{row[low]['ms']} ms | {row[high]['ms']} ms |"
                )
        if self.pages:
            out += [
                "",
                "## Server time at full size",
                "",
                f"Django test client in the benchmark's process (DEBUG off, same settings as production), "
                f"{self.pages[0]['requests']} GETs per page after warm-up; p95 by nearest rank. The holder's space, "
                "the showcase and the inbox's filters are cached once rendered (as in production); the "
                '"cache off" lines render every time, what a first visit costs.',
                "",
                "| Page | URL | Seen as | Size | Queries | SQL time | Min | Median | p95 | Max "
                "| Python CPU (median) | HTML |",
                "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for p in self.pages:
                out.append(
                    f"| {p['name']} | `{p['path']}` | {p['who']} | {p['rows']} | {p['queries']} | {p['sql_ms']} ms | "
                    f"{p['min_ms']} ms | {p['median_ms']} ms | {p['p95_ms']} ms | {p['max_ms']} ms | "
                    f"{p['cpu_median_ms']} ms | {p['kb']} KB |"
                )
        if self.pdfs:
            out += [
                "",
                "## PDF documents",
                "",
                "One fresh process per document: WeasyPrint warmed up on a one-line document, then the document "
                "built (data read and PDF rendered, as its view does) several times for the time and the growth of "
                "the process's peak RSS (`getrusage` maxrss), then once more under `tracemalloc` for the peak of "
                "Python allocations.",
                "",
                "| Document | Subject | Runs | Median | Max | tracemalloc peak | RSS growth | Process peak RSS "
                "| Pages | Size |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for d in self.pdfs:
                out.append(
                    f"| {d['name']} | {d['subject']} | {len(d['times_s'])} | {d['median_s']} s | {d['max_s']} s | "
                    f"{d['tracemalloc_peak_mb']} MB | {d['rss_growth_mb']} MB | {d['rss_peak_mb']} MB | "
                    f"{d['pages']} | {d['kb']} KB |"
                )
        if self.load:
            load = self.load
            out += [
                "",
                "## Throughput under gunicorn",
                "",
                f"gunicorn ({load['workers']} sync workers, `bench.wsgi`, DEBUG off) on 127.0.0.1, driven from another "
                f"process ({load['bare']['driver']}, {load['concurrency']} connections, {load['seconds']} s per URL "
                "after a 2 s warm-up). The bare view (`/bench/bare/`, the whole middleware stack and nothing else) is "
                "measured first and last; the ratios use the mean of both. `/bench/user/` also loads the logged-in "
                "user (session and user rows): the ceiling of any page behind a log-in. The holder's space is the "
                f"busiest holder's ({load['holder_rows']} requests), with a session created in the database.",
                "",
                "| URL | Requests/s | Requests | Non-200 | Socket errors | Median latency | Share of bare |",
                "|---|---:|---:|---:|---:|---:|---:|",
            ]
            for key in ("bare", "user", "holder", "showcase", "bare_again"):
                r = load[key]
                share = r["rps"] / load["bare_rps"]
                out.append(
                    f"| `{r['path']}` | {r['rps']} | {r.get('requests', '')} | {r['non_200']} | {r['errors']} | "
                    f"{r['p50_ms']} ms | {share:.0%} |"
                )
        out.append("")
        return "\n".join(out)


# --- Profiling tool ---------------------------------------------------------------------------------------


def profile_page(path: str, email: str, repeat: int, explain: int = 0) -> None:
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    user = User.objects.get(email=email) if email else None
    client = client_for(user)
    get_ok(client, path)
    with CaptureQueriesContext(connection) as captured:
        get_ok(client, path)
    queries = list(captured.captured_queries)
    slowest = sorted(queries, key=lambda q: -float(q["time"]))
    for query in slowest[:15]:
        print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql'][:400]}")
    print(f"{len(queries)} queries, {sum(float(q['time']) for q in queries) * 1000:.1f} ms of SQL")
    for query in slowest[:explain]:
        # The logged SQL has its parameters inlined; a server-side cursor's DECLARE is stripped.
        sql = query["sql"].split(" FOR ", 1)[1] if query["sql"].startswith("DECLARE ") else query["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print(f"\n--- {sql[:200]}\n" + "\n".join(row[0] for row in cursor.fetchall()))
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        get_ok(client, path)
    profiler.disable()
    forget_session(client)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


# --- Main -------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL), help="PostgreSQL URL"
    )
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database (times the load data)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=30, help="timed GETs per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument("--load-seconds", type=int, default=10, help="seconds of load per URL under gunicorn")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-gunicorn", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--skip-queries", action="store_true", help="skip the query counts at 10 and 1,000 rows")
    parser.add_argument("--skip-pages", action="store_true", help="skip the server times at full size")
    parser.add_argument("--output", default=str(BENCH_DIR / "RESULTS.md"))
    # Internal and investigation modes.
    parser.add_argument("--pdf-worker", choices=("receipt", "minutes", "annual"), help=argparse.SUPPRESS)
    parser.add_argument("--pk", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--load-driver", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=10, help=argparse.SUPPRESS)
    parser.add_argument("--cookie", default="", help=argparse.SUPPRESS)
    parser.add_argument("--profile", metavar="PATH", help="profile one page (cProfile and its SQL), then stop")
    parser.add_argument("--as", dest="as_email", default="", help="e-mail address of the user for --profile")
    parser.add_argument("--explain", type=int, default=0, help="with --profile: EXPLAIN ANALYZE the N slowest queries")
    args = parser.parse_args()

    if args.load_driver:
        url = urllib.parse.urlparse(args.load_driver)
        if url.hostname != HOST:
            raise SystemExit("The load driver only talks to 127.0.0.1.")
        result = load_driver(
            url.port,
            url.path + (f"?{url.query}" if url.query else ""),
            seconds=min(args.seconds, 120),
            concurrency=min(args.concurrency, 32),
            max_requests=200_000,
            cookie=args.cookie,
        )
        print(json.dumps(result))
        return

    setup_environment(args.database_url)
    if args.pdf_worker:
        pdf_worker(args.pdf_worker, args.pk, max(1, min(args.runs, 10)))
        return
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    if args.profile:
        django_setup()
        profile_page(args.profile, args.as_email, repeat=10, explain=args.explain)
        return

    started_at = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    database_name = prepare_database(args.database_url, fresh=args.fresh)
    django_setup()
    from django.core.cache import cache

    cache.clear()  # nothing left from an earlier run (its pages, its sessions)
    generation = migrate_and_load(database_name, seed=args.seed, scale=args.scale)
    db = database_facts()
    report = Report(started=started_at, machine=machine_facts(db), db=db, generation=generation)
    report.note_load("start")
    if not args.skip_queries:
        print("Counting queries at 10 and 1,000 rows")
        report.queries = count_queries(args.seed)
    if not args.skip_pages:
        print("Timing pages at full size")
        report.note_load("server times")
        report.pages = time_pages(full_size_pages(), requests=args.requests, warmup=args.warmup)
    if not args.skip_pdf:
        print("Building PDFs")
        report.note_load("PDFs")
        report.pdfs = measure_pdfs(args.pdf_runs)
    if not args.skip_gunicorn:
        print("Throughput under gunicorn")
        report.note_load("gunicorn")
        report.load = throughput(
            seconds=min(args.load_seconds, 120), concurrency=min(args.concurrency, 32), workers=args.workers
        )
    report.note_load("end")
    cache.clear()
    report.seconds = time.perf_counter() - started
    Path(args.output).write_text(report.markdown())
    lines = report.lines()
    print(f"Wrote {args.output}: {sum(1 for line in lines if line.ok is not False)} of {len(lines)} lines pass.")


if __name__ == "__main__":
    main()
