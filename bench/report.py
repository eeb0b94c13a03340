"""bench/results.md, written from one run of `make bench` (bench/run_all.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bench.bench_api import EXPORT_BUDGET_SECONDS
from bench.bench_api import report as api_report
from bench.load import Result
from bench.pages import GUNICORN_OPTIONS, LAYOUT_FLOOR, PAIRS, WebFigures
from bench.startup import StartFigures
from bench.targets import OVERDUE as OVERDUE_PAGE
from bench.targets import (
    DigestFigures,
    Target,
    absolute_targets,
    digest_target,
    growth_targets,
    page_targets,
    throughput_target,
)

RESULTS = Path(__file__).resolve().parent / "results.md"
PROFILES = Path(__file__).resolve().parent / "profiles"


@dataclass
class Run:
    webs: list[WebFigures]  # the council's size, then ten times it when run
    counts: list[dict[str, int]]
    generate_seconds: list[float]
    digests: list[DigestFigures]  # 500 people, then 5,000 when run
    start: StartFigures
    reports: tuple[str, str]
    imports: tuple[str, str]
    started_load: str
    machine: list[str]

    def targets(self) -> list[Target]:
        small = self.webs[0]
        return [
            *page_targets(small),
            throughput_target(small),
            digest_target(self.digests[0]),
            *absolute_targets(small, self.start, EXPORT_BUDGET_SECONDS),
        ]

    def growth(self) -> list[Target]:
        if len(self.webs) < 2 or len(self.digests) < 2:
            return []
        return growth_targets(self.webs[0], self.webs[1], self.digests[0], self.digests[1])


def largest_fixture_import(output: str) -> tuple[str, int, float]:
    """The fixture PDF with the most pages in bench_import.py's table: name, pages, whole-import seconds."""
    fixtures = output.split("\n\n", 1)[0].splitlines()[1:]
    rows = [line.split() for line in fixtures if len(line.split()) == 6 and line.split()[1].isdigit()]
    name, pages, _extract, seconds, _plumber, _recs = max(rows, key=lambda row: int(row[1]))
    return name, int(pages), float(seconds)


def report_pdf_seconds(output: str) -> tuple[float, float]:
    """The generated 120-action plan's PDF in bench_reports.py's table: CPU and wall seconds."""
    row = next(line for line in output.splitlines() if line.startswith("generated"))
    numbers = row.split(")", 1)[1].split()
    return float(numbers[-3]), float(numbers[-1])


def page_row(result: Result, web: WebFigures) -> str:
    pair = web.pairs.get(result.name)
    beside, ratio = ("–", "–")
    if pair and pair[0] is result:
        beside, ratio = f"{pair[1].p95_ms:.1f}", f"{result.p95_ms / pair[1].p95_ms:.2f}×"
    return (
        f"| {result.name} | {result.concurrency} | {result.requests} | {result.median_ms:.1f} | {result.p95_ms:.1f} "
        f"| {result.rps:.0f} | {beside} | {ratio} | {result.p95_ms / web.bare.p95_ms:.1f}× "
        f"| {result.app_cpu_ms:.1f} + {result.db_cpu_ms:.1f} | {result.errors} |"
    )


def pages_section(web: WebFigures) -> list[str]:
    return [
        f"Load average before: {web.load_before}; after: {web.load_after}. {web.overdue_actions:,} open actions "
        f"overdue ({-(-web.overdue_actions // 50):,} pages of 50).",
        "",
        "| page | clients | requests | median ms | p95 ms | requests/s | layout floor p95 ms beside it "
        "| p95 ÷ layout floor | p95 ÷ bare floor | server CPU ms (app + db) | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(page_row(result, web) for result in web.results),
    ]


def what_grows(small: WebFigures, large: WebFigures) -> list[str]:
    """Each page measured at both sizes: the server's CPU a request, the app's and PostgreSQL's, and why what grows
    does (issue 17: say what grows, if anything does, and why)."""
    rows = []
    for name, (page, _floor) in large.pairs.items():
        before = small.pairs[name][0]
        rows.append(
            f"| {name} | {before.app_cpu_ms:.1f} | {page.app_cpu_ms:.1f} | {before.db_cpu_ms:.1f} "
            f"| {page.db_cpu_ms:.1f} |"
        )
    overdue = large.pairs.get(OVERDUE_PAGE)
    lines = [
        f"Server CPU ms a request at {small.label} and at {large.label} (each the pair's less the layout floor's, "
        "as in the tables below):",
        "",
        f"| page | app, {small.label} | app, {large.label} | PostgreSQL, {small.label} | PostgreSQL, {large.label} |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
        "A page sends the same statements whatever the size of the data (asserted for the lists and the dashboard "
        "in tests/integration/actions/test_query_counts.py), and each finds its rows through an index: a page of "
        "50, the ten newest updates of one inspection, one person's actions, one action's updates and history.",
    ]
    if overdue:
        before = small.pairs[OVERDUE_PAGE][0]
        lines += [
            "",
            f"What grows is PostgreSQL's part of the overdue list ({before.db_cpu_ms:.1f} → "
            f"{overdue[0].db_cpu_ms:.1f} ms): it counts every overdue action for its heading and its pager "
            f"({small.overdue_actions:,} → {large.overdue_actions:,}, one index-only scan of ix_actions_open_due), "
            "the one read on these pages whose rows grow with the data. The digests grow with the number of "
            "people: each gets a digest decided, written, queued and delivered.",
        ]
    return lines


def profile_summary() -> list[str]:
    summary = PROFILES / "summary.md"
    if not summary.exists():
        return ["No profile: run `.venv/bin/python -m bench.profile_pages`."]
    lines = summary.read_text().rstrip().splitlines()
    before = PROFILES / "before" / "summary.md"
    if before.exists():
        lines += ["", "Before issue 17's changes (bench/profiles/before/, the same script on the same machine):", ""]
        lines += before.read_text().rstrip().splitlines()
    return lines


def write_results(run: Run) -> None:
    small = run.webs[0]
    name, pages, seconds = largest_fixture_import(run.imports[0])
    pdf_cpu, pdf_wall = report_pdf_seconds(run.reports[0])
    datasets = [
        f"- Dataset ({web.label}): {', '.join(f'{v:,} {k}' for k, v in counts.items())}, generated with COPY in "
        f"{took:.0f} s"
        for web, counts, took in zip(run.webs, run.counts, run.generate_seconds, strict=True)
    ]
    targets, growth = run.targets(), run.growth()
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M %Z')}. Load average (1, 5, 15 minutes) when it "
        f"started: {run.started_load}. The machine is shared with other work, so the targets are ratios of two "
        "figures measured in the same run (a page's p95 and the layout floor's are measured alternately by the "
        "same client, request by request), which a slower or busier machine changes far less than milliseconds.",
        "",
        *run.machine,
        *datasets,
        f"- Server: `gunicorn --config gunicorn.conf.py {' '.join(GUNICORN_OPTIONS)} wsgi:app` (threaded workers, "
        "production configuration); clients on localhost, signed in",
        "",
        "## Targets (issue 17)",
        "",
        f"The **layout floor** is the accessibility statement, /accessibility, signed in ({LAYOUT_FLOOR!r} below): "
        "the layout, navigation and session, and no data. The bare floor is /healthz. The **SMTP floor** is the "
        "same messages, already built, sent over one SMTP connection to the same aiosmtpd server.",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        *(target.row() for target in targets),
        "",
    ]
    if growth:
        lines += [
            "## Ten times the data",
            "",
            f"{run.webs[1].label} on the same two workers, beside {small.label} (p95 at one client).",
            "",
            "| target | measured | |",
            "| --- | --- | --- |",
            *(target.row() for target in growth),
            "",
        ]
    if growth:
        lines += ["### What grows", "", *what_grows(run.webs[0], run.webs[1]), ""]
    for web in run.webs:
        lines += [f"## Pages at {web.label}", "", *pages_section(web), ""]
    lines += [
        f"Each page at one client was measured alternately with the layout floor by the same client ({PAIRS} of each); "
        "its server CPU is the pair's less the floor's measured alone. At 8 connections the layout floor and the "
        "overdue list alternate in rounds. Progress update POST: the form is fetched untimed first; success is the "
        "redirect to the action page.",
        "",
        "Memory per worker after the load: "
        + ", ".join(f"{m.rss_mb:.0f} MB resident ({m.uss_mb:.0f} MB its own, the rest shared)" for m in small.memory)
        + ".",
        "",
        "## Where the time goes",
        "",
        *profile_summary(),
        "",
    ]
    if small.exports and small.api_page and small.html_list:
        lines += [
            "## The API and the export (issue 16)",
            "",
            *api_report(small.api_page, small.html_list, small.api_pages, small.exports, small.heaps),
            "",
        ]
    lines += [
        "## Digests",
        "",
        "The daily digest job for Tuesday 24 November 2026 (bench/bench_digests.py): deciding each digest, issuing "
        "the update links, rendering both parts and queuing them in one transaction, then "
        "delivering every queued digest over one SMTP connection to aiosmtpd on localhost (a separate process), "
        "then the SMTP floor: the same messages, already built, over one connection to the same server. "
        f"{len(run.digests[0].runs) if run.digests else 0} runs of each size, each queuing, delivering and measuring "
        "the floor; the medians of each.",
        "",
        "| people | digests | queue s | deliver s | total s | SMTP floor s | total ÷ floor | each run: queue + deliver "
        "÷ floor | delivered | SQL statements | load average after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(
            f"| {d.people:,} | {d.digests:,} | {d.queue_seconds:.2f} | {d.send_seconds:.2f} | {d.total_seconds:.2f} "
            f"| {d.smtp_floor_seconds:.2f} | {d.total_seconds / d.smtp_floor_seconds:.2f}× | "
            + "; ".join(f"{q:.2f} + {s:.2f} ÷ {f:.2f}" for q, s, f in d.runs)
            + f" | {d.sent:,} | {d.statements} | {d.load} |"
            for d in run.digests
        ),
        "",
        "## Progress report PDF",
        "",
        f"The generated 120-action plan's PDF: {pdf_cpu:.2f} s CPU ({pdf_wall:.2f} s wall). bench/bench_reports.py, "
        f"load average after: {run.reports[1]}:",
        "",
        "```",
        run.reports[0],
        "```",
        "",
        "## Importing inspection reports",
        "",
        f"The largest fixture PDF, {name} ({pages} pages): {seconds:.2f} s to import. bench/bench_import.py, load "
        f"average after: {run.imports[1]}:",
        "",
        "```",
        run.imports[0],
        "```",
    ]
    RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(target.line() for target in [*targets, *growth]), flush=True)
