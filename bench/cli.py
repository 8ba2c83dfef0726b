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
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from bench.common import (
    BENCH_DIR,
    DEFAULT_DATABASE_URL,
    ENTRY,
    HOST,
    ROOT,
    STATE_DIR,
    database_url_for,
    django_setup,
    parse_scales,
    setup_environment,
)
from bench.database import migrate_and_load, prepare_database
from bench.facts import database_facts, machine_facts
from bench.pages import count_queries, full_size_pages, time_pages
from bench.pdfs import measure_pdfs, pdf_worker
from bench.profiling import profile_page
from bench.report import Report, previous_figures
from bench.throughput import load_driver, throughput


def main() -> None:
    args = parser().parse_args()
    if args.load_driver:
        drive_load(args)
        return
    if args.scale_worker:
        setup_environment(args.database_url)
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        measure_scale(args)
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
    parser.add_argument(
        "--scale",
        default="1,5",
        help="scales of the load data, separated by commas (default 1,5: one database each, pic_bench_s1 and "
        "pic_bench_s5 for the default URL); each page's time at the largest over its time at the smallest",
    )
    parser.add_argument("--requests", type=int, default=20, help="timed GETs per page (default 20)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pdf-runs", type=int, default=1)
    parser.add_argument("--load-seconds", type=int, default=10, help="seconds of load per URL under gunicorn")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-gunicorn", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--skip-queries", action="store_true", help="skip the query counts at 10 and 1,000 rows")
    parser.add_argument("--skip-pages", action="store_true", help="skip the server times at full size")
    parser.add_argument("--output", default=str(BENCH_DIR / "RESULTS.md"))
    # Internal and investigation modes.
    parser.add_argument("--pdf-worker", choices=("receipt", "minutes", "annual", "annual_xlsx"), help=argparse.SUPPRESS)
    parser.add_argument("--pk", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--scale-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--largest", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", default="", help=argparse.SUPPRESS)
    parser.add_argument("--load-driver", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=10, help=argparse.SUPPRESS)
    parser.add_argument("--cookie", default="", help=argparse.SUPPRESS)
    parser.add_argument("--targets", default="", help=argparse.SUPPRESS)
    parser.add_argument("--profile", metavar="PATH", help="profile one page (cProfile and its SQL), then stop")
    parser.add_argument("--as", dest="as_email", default="", help="e-mail address of the user for --profile")
    parser.add_argument("--explain", type=int, default=0, help="with --profile: EXPLAIN ANALYZE the N slowest queries")
    return parser


def drive_load(args) -> None:
    """The Python load driver (started by the main run when `wrk` is not installed): prints its figures."""
    url = urllib.parse.urlparse(args.load_driver)
    if url.hostname != HOST:
        raise SystemExit("The load driver only talks to 127.0.0.1.")
    targets = json.loads(Path(args.targets).read_text()) if args.targets else None
    result = load_driver(
        url.port,
        url.path + (f"?{url.query}" if url.query else ""),
        seconds=min(args.seconds, 120),
        concurrency=min(args.concurrency, 32),
        max_requests=200_000,
        cookie=args.cookie,
        targets=targets,
    )
    print(json.dumps(result))


def run(args) -> None:
    """The whole benchmark: one child process per scale (its database, load data and measures), then
    RESULTS.md with the scales side by side and the previous run's figures beside the new ones."""
    started_at = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    scales = parse_scales(args.scale)
    results = []
    for scale in scales:
        url = database_url_for(args.database_url, scale, several=len(scales) > 1)
        out = STATE_DIR / f"scale-{scale:g}.json"
        command = [sys.executable, str(ENTRY), "--scale-worker", "--scale", f"{scale:g}", "--database-url", url]
        command += ["--json-out", str(out), "--seed", str(args.seed), "--requests", str(args.requests)]
        command += ["--warmup", str(args.warmup), "--pdf-runs", str(args.pdf_runs)]
        command += ["--load-seconds", str(args.load_seconds), "--concurrency", str(args.concurrency)]
        command += ["--workers", str(args.workers)]
        flags = ("fresh", "skip_gunicorn", "skip_pdf", "skip_pages")
        command += [f"--{flag.replace('_', '-')}" for flag in flags if getattr(args, flag)]
        if scale == scales[-1]:
            command.append("--largest")  # the query worlds and the throughput run on the largest scale
            command += ["--skip-queries"] if args.skip_queries else []
        print(f"Scale {scale:g}: {url.rsplit('/', 1)[-1]}", flush=True)
        subprocess.run(command, cwd=ROOT, check=True)
        results.append(json.loads(out.read_text()))
    output = Path(args.output)
    previous = previous_figures(output.read_text()) if output.exists() else {}
    report = Report.from_scales(started=started_at, scales=results, previous=previous)
    report.seconds = time.perf_counter() - started
    output.write_text(report.markdown())
    lines = report.lines()
    print(f"Wrote {args.output}: {sum(1 for line in lines if line.ok is not False)} of {len(lines)} lines pass.")


def measure_scale(args) -> None:
    """One scale, in its own process: database, load data, measures; writes them as JSON (`--json-out`)."""
    scale = parse_scales(args.scale)[0]
    database_name = prepare_database(args.database_url, fresh=args.fresh)
    django_setup()
    from django.core.cache import cache

    cache.clear()  # nothing left from an earlier run (its pages, its sessions)
    generation = migrate_and_load(database_name, seed=args.seed, scale=scale)
    db = database_facts()
    result = {"scale": scale, "database": database_name, "generation": generation, "db": db}
    result["machine"] = machine_facts(db)
    result["load_average"] = [("start", round(os.getloadavg()[0], 2))]
    if args.largest and not args.skip_queries:
        print("  counting queries at 10 and 1,000 rows")
        result["queries"] = count_queries(args.seed)
    if not args.skip_pages:
        print("  timing pages, caches off then on")
        result["pages"] = time_pages(full_size_pages(), requests=args.requests, warmup=args.warmup)
        result["load_average"].append(("pages", round(os.getloadavg()[0], 2)))
    if not args.skip_pdf:
        print("  building documents, one fresh process each")
        result["pdfs"] = measure_pdfs(max(1, args.pdf_runs))
        result["load_average"].append(("documents", round(os.getloadavg()[0], 2)))
    if args.largest and not args.skip_gunicorn:
        print("  throughput under gunicorn, caches off then on")
        result["load"] = throughput(
            seconds=min(args.load_seconds, 120), concurrency=min(args.concurrency, 32), workers=args.workers
        )
        result["load_average"].append(("gunicorn", round(os.getloadavg()[0], 2)))
    cache.clear()
    Path(args.json_out).write_text(json.dumps(result, default=str))
