"""The benchmark's settings, targets and small helpers, shared by its modules."""

import math
import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
ENTRY = BENCH_DIR / "run_bench.py"  # the script the PDF workers and the Python load driver are started as
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

# Targets (ms for server times, caches off, at the largest scale).
PAGE_TARGETS_MS = {
    "inbox": 40,
    "holder": 40,
    "fund": 40,
    "dashboard": 100,
    "dashboard_region": 100,
    "annual": 100,
    "annual_largest": 100,
    "bilans": 100,
    "showcase": 100,
}
SCALE_RATIO_TARGET = 1.25  # a page's time at the largest scale over its time at the smallest, same entity
RECEIPT_TARGET_S = 1.0
DOCUMENT_TARGET_S = 10.0  # the session minutes
DOCUMENT_TARGET_MB = 500
ANNUAL_PDF_TARGET_S = 8.0
ANNUAL_PDF_TARGET_MB = 300  # peak RSS of the fresh process that builds it
ANNUAL_XLSX_TARGET_S = 3.0
HOLDER_RATIO_TARGET = 0.15  # uncached, as a share of the bare view's requests per second
SHOWCASE_RATIO_TARGET = 0.10
QUERY_ROWS = (10, 1000)


def parse_scales(text: str) -> list[float]:
    """ "1,5" -> [1.0, 5.0] (sorted, without repeats); every scale positive."""
    try:
        scales = sorted({float(part) for part in str(text).split(",") if part.strip()})
    except ValueError as error:
        raise SystemExit(f"--scale takes numbers separated by commas, e.g. 1,5: got {text!r}") from error
    if not scales or scales[0] <= 0:
        raise SystemExit(f"--scale takes positive numbers: got {text!r}")
    return scales


def database_url_for(base_url: str, scale: float, *, several: bool) -> str:
    """The database of one scale: the base URL's database with `_s<scale>` appended when several are measured."""
    if not several:
        return base_url
    suffix = f"_s{scale:g}".replace(".", "_")
    head, _slash, name = base_url.rpartition("/")
    return f"{head}/{name}{suffix}"


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
