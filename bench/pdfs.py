"""3. PDF documents, each built in a fresh process (`run_bench.py --pdf-worker`)."""

import gc
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

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
        {
            "kind": "annual_xlsx",
            "name": "Annual report XLSX",
            "pk": big.pk,
            "subject": f"{big.slug}, {big.filed} projects",
        },
    ]


def build_pdf(kind: str, pk: int) -> bytes:
    from applications.documents.receipt import render_receipt_pdf
    from applications.models import Application
    from committees.documents import render_minutes_pdf
    from committees.models import CommitteeSession
    from funds.models import Fund
    from reports import annual
    from reports.documents import annual_pdf, annual_xlsx

    if kind == "receipt":
        return render_receipt_pdf(application=Application.objects.get(pk=pk))
    if kind == "minutes":
        return render_minutes_pdf(session=CommitteeSession.objects.get(pk=pk))
    if kind == "annual":
        return annual_pdf.build_annual_report_pdf(str(pk))  # what the background task runs
    if kind == "annual_xlsx":
        return annual_xlsx.annual_report_xlsx(annual.annual_report(fund=Fund.objects.get(pk=pk)))
    raise ValueError(kind)


def pdf_worker(kind: str, pk: int, runs: int) -> None:
    """In a fresh process: warm WeasyPrint up on a one-line document, then build the document `runs` times
    (data read and file rendered, as its view does). Prints JSON; the process's peak RSS is read by the parent
    (`os.wait4`: this child's own rusage), the honest figure for a worker that builds it."""
    django_setup()
    import io

    from pypdf import PdfReader
    from weasyprint import HTML

    started = time.perf_counter()
    HTML(string="<p>warm-up</p>").write_pdf()
    warmup_s = time.perf_counter() - started
    gc.collect()
    times = []
    content = b""
    for _ in range(runs):
        started = time.perf_counter()
        content = build_pdf(kind, pk)
        times.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(content)).pages) if content.startswith(b"%PDF") else None
    print(
        json.dumps(
            {
                "warmup_s": round(warmup_s, 2),
                "times_s": [round(t, 3) for t in times],
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "rss_self_peak_mb": round(maxrss_mb(), 1),
                "pages": pages,
                "kb": round(len(content) / 1024),
            }
        )
    )


def run_child(command: list[str], *, timeout: float) -> tuple[str, str, float]:
    """Run a child process to its end: (stdout, stderr, its own peak RSS in MB from `os.wait4`)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err, text=True, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise RuntimeError(f"{command[2:5]} failed ({process.returncode}):\n{stderr[-3000:]}")
    return stdout, stderr, usage.ru_maxrss / 1024  # Linux: kilobytes


def measure_pdfs(runs: int) -> list[dict]:
    results = []
    for subject in pdf_subjects():
        command = [sys.executable, str(ENTRY), "--pdf-worker", subject["kind"], "--pk", str(subject["pk"])]
        command += ["--runs", str(runs), "--database-url", os.environ["DATABASE_URL"]]
        stdout, _stderr, peak_mb = run_child(command, timeout=900)
        measured = json.loads(stdout.strip().splitlines()[-1])
        results.append({**subject, **measured, "rss_peak_mb": round(peak_mb, 1)})
        print(f"  {subject['name']}: {measured['median_s']} s, peak RSS of its process {peak_mb:.0f} MB")
    return results
