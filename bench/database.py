"""The benchmark's PostgreSQL database: created if missing, migrated, loaded with the load data; its facts."""

import datetime
import json
import os
import time
import urllib.parse
from pathlib import Path

from bench.common import BENCH_ENV, HOST, STATE_DIR, maxrss_mb


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

    from devdata.loaddata import load_data_present

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
