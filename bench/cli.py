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
import datetime
import json
import os
import time
import urllib.parse
from pathlib import Path

from bench.common import BENCH_DIR, DEFAULT_DATABASE_URL, HOST, STATE_DIR, django_setup, setup_environment
from bench.database import migrate_and_load, prepare_database
from bench.facts import database_facts, machine_facts
from bench.pages import count_queries, full_size_pages, time_pages
from bench.pdfs import measure_pdfs, pdf_worker
from bench.profiling import profile_page
from bench.report import Report
from bench.throughput import load_driver, throughput


def main() -> None:
    args = parser().parse_args()
    if args.load_driver:
        drive_load(args)
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
    run(args)


def parser() -> argparse.ArgumentParser:
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
    return parser


def drive_load(args) -> None:
    """The Python load driver (started by the main run when `wrk` is not installed): prints its figures."""
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


def run(args) -> None:
    """The whole benchmark: database, load data, each measure asked for, RESULTS.md."""
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
