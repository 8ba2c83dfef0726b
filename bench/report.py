"""RESULTS.md: each target's verdict from the measured figure, and the tables of every measure."""

import datetime
import os
from dataclasses import dataclass, field

from bench.common import (
    DOCUMENT_TARGET_MB,
    DOCUMENT_TARGET_S,
    HOLDER_RATIO_TARGET,
    PAGE_TARGETS_MS,
    QUERY_ROWS,
    RECEIPT_TARGET_S,
    SHOWCASE_RATIO_TARGET,
)


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
        out = self.machine_section() + self.load_data_section() + self.targets_section()
        if self.queries:
            out += self.queries_section()
        if self.pages:
            out += self.pages_section()
        if self.pdfs:
            out += self.pdfs_section()
        if self.load:
            out += self.throughput_section()
        out.append("")
        return "\n".join(out)

    def machine_section(self) -> list[str]:
        m = self.machine
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
        return out

    def load_data_section(self) -> list[str]:
        db, gen = self.db, self.generation
        out = []
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
        return out

    def targets_section(self) -> list[str]:
        out = []
        out += ["", "## Targets", "", "| Measure | Target | Measured | Result |", "|---|---|---|---|"]
        lines = self.lines()
        out += [f"| {line.measure} | {line.target} | {line.measured} | {line.verdict} |" for line in lines]
        failed = [line for line in lines if line.ok is False]
        out += ["", f"{len(lines) - len(failed)} of {len(lines)} lines pass."]
        return out

    def queries_section(self) -> list[str]:
        out = []
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
        return out

    def pages_section(self) -> list[str]:
        out = []
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
        return out

    def pdfs_section(self) -> list[str]:
        out = []
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
        return out

    def throughput_section(self) -> list[str]:
        out = []
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
        return out
