"""The benchmark's own arithmetic and verdicts (the benchmark itself runs with `make bench`, not here)."""

import datetime
import subprocess
import sys

import pytest

from bench.common import ROOT, percentile
from bench.report import Report
from bench.throughput import duration_ms, parse_wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:40123/projets/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.10ms    1.20ms  30.02ms   90.00%
    Req/Sec   280.50     20.11   310.00     70.00%
  Latency Distribution
     50%    6.85ms
     75%    7.40ms
     90%    8.10ms
     99%   12.00ms
  5610 requests in 10.01s, 40.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    560.44
Transfer/sec:      4.01MB
"""


def test_wrk_output_is_read():
    assert parse_wrk(WRK_OUTPUT) == {
        "rps": 560.44,
        "requests": 5610,
        "non_200": 4,
        "errors": 3,
        "p50_ms": 6.8,
    }


def test_unreadable_wrk_output_stops_the_benchmark():
    with pytest.raises(RuntimeError, match="Could not read"):
        parse_wrk("wrk: connection refused")


@pytest.mark.parametrize(
    ("text", "ms"), [("850.00us", 0.85), ("12.31ms", 12.31), ("1.02s", 1020.0), ("1.50m", 90000.0)]
)
def test_wrk_durations(text, ms):
    assert duration_ms(text) == pytest.approx(ms)


def test_percentile_is_nearest_rank():
    values = list(range(1, 21))  # 1..20
    assert percentile(values, 0.95) == 19
    assert percentile(values, 0.5) == 10
    assert percentile([42.0], 0.95) == 42.0


def _report(**parts) -> Report:
    machine = {
        "cpu": "test",
        "cores": 2,
        "memory": "1 GB",
        "os": "Linux",
        "python": "3.11",
        "django": "5.2",
        "postgresql": "15",
        "gunicorn": "27",
        "weasyprint": "70",
        "load_driver": "wrk",
    }
    db = {"postgresql": "15", "size": "1 GB", "rows": {"Demandes": 20000}}
    return Report(
        started=datetime.datetime(2026, 11, 22, 5, 0),
        machine=machine,
        db=db,
        generation={},
        seconds=60.0,
        **parts,
    )


def _page(key, median, name="Page"):
    return {
        "key": key,
        "name": name,
        "path": "/x/",
        "who": "someone",
        "rows": "many",
        "queries": 9,
        "sql_ms": 3.0,
        "min_ms": median - 1,
        "median_ms": median,
        "p95_ms": median + 5,
        "max_ms": median + 9,
        "cpu_median_ms": median / 2,
        "requests": 30,
        "kb": 40,
    }


def _full_report() -> Report:
    """Figures on both sides of each target."""
    return _report(
        queries=[
            {
                "name": "Inbox",
                "path_pattern": "/equipe/",
                "who": "staff",
                10: {"queries": 9, "ms": 5},
                1000: {"queries": 9, "ms": 8},
            },
            {
                "name": "Bilans",
                "path_pattern": "/bilans/",
                "who": "staff",
                10: {"queries": 7, "ms": 5},
                1000: {"queries": 8, "ms": 9},
            },
        ],
        pages=[
            _page("inbox", 39.9, name="Inbox"),
            _page("dashboard", 300.0, name="Dashboard"),
            _page("showcase", 900.0, name="Showcase (no target)"),
        ],
        pdfs=[
            {
                "kind": "receipt",
                "name": "Receipt",
                "subject": "PIC-1",
                "median_s": 0.5,
                "max_s": 1.2,
                "tracemalloc_peak_mb": 5,
                "rss_growth_mb": 2,
                "rss_peak_mb": 100,
                "times_s": [0.5],
                "pages": 1,
                "kb": 20,
            },
            {
                "kind": "annual",
                "name": "Annual",
                "subject": "fund",
                "median_s": 8.0,
                "max_s": 9.0,
                "tracemalloc_peak_mb": 120,
                "rss_growth_mb": 510,
                "rss_peak_mb": 700,
                "times_s": [8.0],
                "pages": 40,
                "kb": 700,
            },
        ],
        load={
            "holder_ratio": 0.31,
            "showcase_ratio": 0.09,
            "holder": {"rps": 31},
            "showcase": {"rps": 9},
            "bare_rps": 100,
        },
    )


def test_each_target_gets_a_verdict_from_the_measured_figure():
    report = _full_report()
    verdicts = {line.measure.split(":")[0].split(" (")[0]: line.ok for line in report.lines()}
    assert verdicts["Inbox"] is True  # 9 / 9 queries
    assert verdicts["Bilans"] is False  # 7 / 8 queries
    lines = {line.measure: line for line in report.lines()}
    assert lines["Inbox median, many"].ok is True  # 39.9 ms < 40 ms
    assert lines["Dashboard median, many"].ok is False  # 300 ms is not under 100 ms
    assert not any(measure.startswith("Showcase (no target)") for measure in lines)  # no target, no verdict
    assert lines["Receipt (PIC-1)"].ok is False  # the slowest build counts: 1.2 s
    assert lines["Annual (fund)"].ok is False  # 9 s, 700 MB peak RSS of its process
    assert lines["Holder's space throughput, as a share of the bare view's"].ok is True
    assert lines["Showcase throughput, as a share of the bare view's"].ok is False
    report.load = {}  # the throughput section needs a whole gunicorn run's figures
    markdown = report.markdown()
    assert "| **FAIL** |" in markdown and "| PASS |" in markdown
    kept = report.lines()
    assert f"{sum(1 for line in kept if line.ok)} of {len(kept)} lines pass." in markdown


def test_make_bench_entry_point_runs_as_a_script():
    """`make bench` runs `python bench/run_bench.py`: the package's modules import from there."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_bench.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "--skip-gunicorn" in completed.stdout
    assert "Internal modes" in completed.stdout  # the description of the command line comes along


def test_scales_are_read_from_a_list_and_each_gets_its_database():
    from bench.common import database_url_for, parse_scales

    assert parse_scales("5,1,5") == [1.0, 5.0]
    assert parse_scales("0.5") == [0.5]
    with pytest.raises(SystemExit):
        parse_scales("1,zero")
    with pytest.raises(SystemExit):
        parse_scales("0")
    base = "postgres://postgres@127.0.0.1:5432/pic_bench"
    assert database_url_for(base, 1.0, several=True).endswith("/pic_bench_s1")
    assert database_url_for(base, 0.5, several=True).endswith("/pic_bench_s0_5")
    assert database_url_for(base, 5.0, several=False) == base


def _load_run(holder_rps, showcase_rps, p50_ms):
    """One wrk pass (cached or not): the bare view at 100 requests a second, before and after the others."""

    def path(rps, url, p50):
        return {"rps": rps, "path": url, "non_200": 0, "errors": 0, "p50_ms": p50}

    return {
        "bare": path(100, "/b/", 1),
        "holder": path(holder_rps, "/h/", p50_ms),
        "showcase": path(showcase_rps, "/s/", p50_ms),
        "bare_again": path(100, "/b/", 1),
        "bare_rps": 100,
        "holder_ratio": holder_rps / 100,
        "showcase_ratio": showcase_rps / 100,
    }


def _scale(scale, pages, queries=9):
    return {
        "scale": scale,
        "database": f"pic_bench_s{scale:g}",
        "generation": {"seconds": 10.0 * scale, "generated_in_this_run": True},
        "db": {"postgresql": "15", "size": "1 GB", "rows": {"Demandes": int(20000 * scale)}},
        "machine": _report().machine,
        "load_average": [("start", 1.0)],
        "pages": [dict(_page(key, median, name=key.title()), queries=queries) for key, median in pages],
        "pdfs": [],
        "load": {
            "workers": 2,
            "concurrency": 4,
            "seconds": 10,
            "holders": 20,
            "showcase_pages": 10,
            "uncached": _load_run(holder_rps=16, showcase_rps=9, p50_ms=9),
            "cached": _load_run(holder_rps=50, showcase_rps=70, p50_ms=2),
        },
    }


def test_two_scales_give_a_ratio_per_page_and_the_previous_figures_beside():
    from bench.report import previous_figures

    small = _scale(1, [("fund", 20.0), ("annual", 50.0)])
    large = _scale(5, [("fund", 25.0), ("annual", 90.0)], queries=10)
    previous = previous_figures(
        "## Targets\n\n| Measure | Target | Measured | Result |\n|---|---|---|---|\n"
        "| Fund median, many | < 50 ms | 30.0 ms (p95 35 ms) | PASS |\n\n## Other\n"
    )
    assert previous == {"Fund median, many": "30.0 ms (p95 35 ms)"}
    report = Report.from_scales(started=datetime.datetime(2026, 12, 5), scales=[small, large], previous=previous)
    lines = {line.measure: line for line in report.lines()}
    assert lines["Fund: time at scale 5/1"].ok is True  # 25 / 20 = 1.25
    assert lines["Annual: time at scale 5/1"].ok is False  # 1.8
    assert lines["Fund: queries at scale 1 / 5"].ok is False  # 9 / 10
    assert lines["Fund median, many"].ok is True  # 25 ms < 40 ms, judged at the largest scale
    assert lines["Holder's space throughput, as a share of the bare view's"].ok is True  # uncached 16 %
    assert lines["Showcase throughput, as a share of the bare view's"].ok is False  # uncached 9 %
    assert lines["Showcase throughput, cached (no target)"].ok is None
    markdown = report.markdown()
    assert "| Fund median, many | < 40 ms | 25.0 ms (p95 30.0 ms) | 30.0 ms (p95 35 ms) | PASS |" in markdown
    assert "## Scale 1 and scale 5 side by side" in markdown
    assert "| uncached | `/h/` | 16 |" in markdown
