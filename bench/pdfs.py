"""3. PDF documents, each built in a fresh process (`run_bench.py --pdf-worker`)."""

import gc
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

from bench.common import ENTRY, ROOT, django_setup, maxrss_mb
from bench.subjects import biggest_fund


def pdf_subjects() -> list[dict]:
    from django.db.models import Count

    from applications.models import Application
    from committees.models import CommitteeSession

    big = biggest_fund()
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
    from applications.documents.receipt import render_receipt_pdf
    from applications.models import Application
    from committees.documents import render_minutes_pdf
    from committees.models import CommitteeSession
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
        command = [sys.executable, str(ENTRY), "--pdf-worker", subject["kind"], "--pk", str(subject["pk"])]
        command += ["--runs", str(runs), "--database-url", os.environ["DATABASE_URL"]]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT, check=False)
        if completed.returncode != 0:
            raise RuntimeError(f"PDF worker {subject['kind']} failed:\n{completed.stderr[-3000:]}")
        measured = json.loads(completed.stdout.strip().splitlines()[-1])
        results.append({**subject, **measured})
        print(f"  {subject['name']}: {measured['median_s']} s, tracemalloc {measured['tracemalloc_peak_mb']} MB")
    return results
