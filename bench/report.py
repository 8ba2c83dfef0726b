"""RESULTS.md: each target's verdict from the measured figure, and the tables of every measure."""

import datetime
import os
from dataclasses import dataclass, field

from bench.common import (
    ANNUAL_PDF_TARGET_MB,
    ANNUAL_PDF_TARGET_S,
    ANNUAL_XLSX_TARGET_S,
    DOCUMENT_TARGET_MB,
    DOCUMENT_TARGET_S,
    HOLDER_RATIO_TARGET,
    PAGE_TARGETS_MS,
    QUERY_ROWS,
    RECEIPT_TARGET_S,
    SCALE_RATIO_TARGET,
    SHOWCASE_RATIO_TARGET,
)


def previous_figures(markdown: str) -> dict[str, str]:
    """The measured figure of each line of a previous RESULTS.md's targets table, by measure."""
    figures = {}
    in_targets = False
    for line in markdown.splitlines():
        if line.startswith("## "):
            in_targets = line.strip() == "## Targets"
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if in_targets and len(cells) >= 4 and cells[0] not in ("Measure", "") and not set(cells[0]) <= set("-"):
            figures[cells[0]] = cells[2]
    return figures


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
    scales: list[dict] = field(default_factory=list)  # each scale's measures (smallest first), when several
    previous: dict[str, str] = field(default_factory=dict)  # the previous run's figures, by measure

    @classmethod
    def from_scales(cls, *, started, scales: list[dict], previous: dict[str, str]) -> "Report":
        """The report of a run over several scales: targets judged at the largest, ratios against the smallest."""
        largest = scales[-1]
        # Read back from JSON, the query counts' keys (10 and 1,000 rows) are strings again: numbers here.
        queries = [
            {(int(key) if str(key).isdigit() else key): value for key, value in row.items()}
            for row in largest.get("queries", [])
        ]
        report = cls(
            started=started,
            machine=largest["machine"],
            db=largest["db"],
            generation=largest["generation"],
            queries=queries,
            pages=largest.get("pages", []),
            pdfs=largest.get("pdfs", []),
            load=largest.get("load", {}),
            scales=scales,
            previous=previous,
        )
        report.load_average = [
            (f"scale {s['scale']:g}, {moment}", value) for s in scales for moment, value in s["load_average"]
        ]
        return report

    def note_load(self, moment: str) -> None:
        self.load_average.append((moment, round(os.getloadavg()[0], 2)))

    def lines(self) -> list[Line]:
        lines = []
        for row in self.queries:
            low, high = row[QUERY_ROWS[0]]["queries"], row[QUERY_ROWS[-1]]["queries"]
            lines.append(Line(f"{row['name']}: queries at 10 / 1,000 rows", "equal", f"{low} / {high}", low == high))
        lines += self.scale_lines()
        for page in self.pages:
            target = PAGE_TARGETS_MS.get(page["key"]) if "no target" not in page["name"] else None
            measured = f"{page['median_ms']} ms (p95 {page['p95_ms']} ms)"
            if target is not None:
                lines.append(
                    Line(
                        f"{page['name']} median, {page['rows']}", f"< {target} ms", measured, page["median_ms"] < target
                    )
                )
        lines += [self.document_line(pdf) for pdf in self.pdfs]
        lines += self.load_lines()
        return lines

    def scale_lines(self) -> list[Line]:
        """Per page: the same queries at every scale, and time at the largest ≤ 1.25 × time at the smallest."""
        if len(self.scales) < 2:
            return []
        small, large = self.scales[0], self.scales[-1]
        before = {page["key"]: page for page in small.get("pages", [])}
        ratio_name = f"{large['scale']:g}/{small['scale']:g}"
        lines = []
        for page in large.get("pages", []):
            other = before.get(page["key"])
            if other is None or page["key"] not in PAGE_TARGETS_MS:
                continue
            lines.append(
                Line(
                    f"{page['name']}: queries at scale {small['scale']:g} / {large['scale']:g}",
                    "equal",
                    f"{other['queries']} / {page['queries']}",
                    other["queries"] == page["queries"],
                )
            )
            if page["key"] == "annual_largest":
                continue  # the largest fund grows with the scale: no same-entity ratio
            ratio = page["median_ms"] / other["median_ms"]
            lines.append(
                Line(
                    f"{page['name']}: time at scale {ratio_name}",
                    f"≤ {SCALE_RATIO_TARGET:g}",
                    f"{ratio:.2f} ({other['median_ms']} → {page['median_ms']} ms)",
                    ratio <= SCALE_RATIO_TARGET,
                )
            )
        return lines

    @staticmethod
    def document_line(pdf: dict) -> Line:
        peak = pdf.get("rss_peak_mb", 0)
        measured = f"{pdf['median_s']} s (max {pdf['max_s']} s); peak RSS of its process {peak} MB"
        name = f"{pdf['name']} ({pdf['subject']})"
        if pdf["kind"] == "receipt":
            return Line(name, "< 1 s", measured, pdf["max_s"] < RECEIPT_TARGET_S)
        if pdf["kind"] == "annual":
            ok = pdf["max_s"] < ANNUAL_PDF_TARGET_S and peak < ANNUAL_PDF_TARGET_MB
            return Line(name, f"< {ANNUAL_PDF_TARGET_S:g} s, < {ANNUAL_PDF_TARGET_MB} MB", measured, ok)
        if pdf["kind"] == "annual_xlsx":
            return Line(name, f"< {ANNUAL_XLSX_TARGET_S:g} s", measured, pdf["max_s"] < ANNUAL_XLSX_TARGET_S)
        ok = pdf["max_s"] < DOCUMENT_TARGET_S and peak < DOCUMENT_TARGET_MB
        return Line(name, f"< {DOCUMENT_TARGET_S:g} s, < {DOCUMENT_TARGET_MB} MB", measured, ok)

    def load_lines(self) -> list[Line]:
        """Throughput as a share of the bare view's: caches off is judged, cached is shown beside."""
        if not self.load:
            return []
        if "uncached" in self.load:
            runs = [("uncached", self.load["uncached"]), ("cached", self.load.get("cached"))]
        else:
            runs = [("uncached", self.load)]
        lines = []
        for mode, load in runs:
            if not load:
                continue
            for key, name, target in (
                ("holder", "Holder's space throughput", HOLDER_RATIO_TARGET),
                ("showcase", "Showcase throughput", SHOWCASE_RATIO_TARGET),
            ):
                ratio = load[f"{key}_ratio"]
                measured = f"{ratio:.1%} ({load[key]['rps']} / {load['bare_rps']} req/s)"
                if mode == "uncached":
                    lines.append(
                        Line(f"{name}, as a share of the bare view's", f"≥ {target:.0%}", measured, ratio >= target)
                    )
                else:
                    lines.append(Line(f"{name}, cached (no target)", "—", measured, None))
        return lines

    def markdown(self) -> str:
        out = self.machine_section() + self.load_data_section() + self.targets_section()
        if self.queries:
            out += self.queries_section()
        if len(self.scales) > 1:
            out += self.scales_section()
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
        if len(self.scales) > 1:
            out = []
            for result in self.scales:
                gen, db = result["generation"], result["db"]
                timing = f"generated in {gen['seconds']} s" if gen.get("seconds") else "generation time not recorded"
                fresh = " (by this run)" if gen.get("generated_in_this_run") else f" (on {gen.get('date', '?')})"
                out.append(
                    f"- Scale {result['scale']:g} (`generate_load_data --scale {result['scale']:g}`, database "
                    f"`{result['database']}`, {db['size']}): {timing}{fresh}; "
                    + ", ".join(f"{name.lower()} {count:,}" for name, count in db["rows"].items())
                )
            return out
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
        out += ["", "## Targets", ""]
        if self.scales:
            out += [
                f"Caches off unless a line says cached; times and documents judged at scale "
                f"{self.scales[-1]['scale']:g}, ratios against scale {self.scales[0]['scale']:g}. "
                "*Previous run*: the figure the previous RESULTS.md gave for the same line.",
                "",
            ]
        out += ["| Measure | Target | Measured | Previous run | Result |", "|---|---|---|---|---|"]
        lines = self.lines()
        out += [
            f"| {line.measure} | {line.target} | {line.measured} | {self.previous.get(line.measure, '—')} | "
            f"{line.verdict} |"
            for line in lines
        ]
        failed = [line for line in lines if line.ok is False]
        out += ["", f"{len(lines) - len(failed)} of {len(lines)} lines pass."]
        return out

    def scales_section(self) -> list[str]:
        small, large = self.scales[0], self.scales[-1]
        before = {page["key"]: page for page in small.get("pages", [])}
        out = [
            "",
            f"## Scale {small['scale']:g} and scale {large['scale']:g} side by side",
            "",
            "Medians of the same page for an entity chosen by the same rule at both scales (the association of "
            "median size, its current fund, the holder with the most requests up to 30), caches off unless "
            "the line says cached. Query counts are those of one full render at each scale.",
            "",
            f"| Page | Seen as (scale {large['scale']:g}) | Size ({small['scale']:g} → {large['scale']:g}) | "
            f"Queries | Median {small['scale']:g} | Median {large['scale']:g} | Ratio |",
            "|---|---|---|---:|---:|---:|---:|",
        ]
        for page in large.get("pages", []):
            other = before.get(page["key"])
            if other is None:
                continue
            out.append(
                f"| {page['name']} | {page['who']} | {other['rows']} → {page['rows']} | "
                f"{other['queries']} / {page['queries']} | {other['median_ms']} ms | {page['median_ms']} ms | "
                f"{page['median_ms'] / other['median_ms']:.2f} |"
            )
        docs = {pdf["kind"]: pdf for pdf in small.get("pdfs", [])}
        for pdf in large.get("pdfs", []):
            other = docs.get(pdf["kind"])
            if other is not None:
                out.append(
                    f"| {pdf['name']} | — | {other['subject']} → {pdf['subject']} | — | {other['median_s']} s, "
                    f"{other.get('rss_peak_mb')} MB | {pdf['median_s']} s, {pdf.get('rss_peak_mb')} MB | "
                    f"{pdf['median_s'] / other['median_s']:.2f} |"
                )
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
            "One fresh process per document (Django set up, WeasyPrint warmed up on a one-line document), which "
            "builds it (data read and file rendered, as its view does); its peak RSS is the child's own "
            "`ru_maxrss` read by the parent with `os.wait4`: the whole process's peak, not a growth.",
            "",
            "| Document | Subject | Runs | Median | Max | Peak RSS of the process | Pages | Size |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for d in self.pdfs:
            out.append(
                f"| {d['name']} | {d['subject']} | {len(d['times_s'])} | {d['median_s']} s | {d['max_s']} s | "
                f"{d.get('rss_peak_mb')} MB | {d.get('pages') or '—'} | {d['kb']} KB |"
            )
        return out

    def throughput_section(self) -> list[str]:
        load = self.load
        out = [
            "",
            "## Throughput under gunicorn",
            "",
            f"gunicorn ({load['workers']} sync workers, `bench.wsgi`, DEBUG off) on 127.0.0.1, driven from another "
            f"process ({load['concurrency']} connections, {load['seconds']} s per line after a 2 s warm-up), first "
            "with the page caches off (the headline), then on. The holders' spaces are those of "
            f"{load.get('holders', '?')} holders in turn and the showcase {load.get('showcase_pages', '?')} "
            "pages and filters in turn: not one cache entry. The bare view (`/bench/bare/`, the middleware stack "
            "and nothing else) is measured first and last; the shares use the mean of both.",
            "",
            "| Caches | URL | Requests/s | Requests | Non-200 | Errors | Median latency | Share of bare |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for mode in ("uncached", "cached"):
            run = load.get(mode)
            if not run:
                continue
            for key in ("bare", "holder", "showcase", "bare_again"):
                r = run[key]
                out.append(
                    f"| {mode} | `{r['path']}` | {r['rps']} | {r.get('requests', '')} | {r['non_200']} | "
                    f"{r['errors']} | {r['p50_ms']} ms | {r['rps'] / run['bare_rps']:.1%} |"
                )
        return out
