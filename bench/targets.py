"""The targets of issue 17, each a ratio of two figures measured in the same run of `make bench`, with its verdict;
and the absolute ones that remain (start-up, memory, the export of issue 16)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.pages import LAYOUT_FLOOR, TIGHT, WebFigures
from bench.startup import StartFigures

PAGE_RATIO = 3.0  # every page's p95 at one client, as a multiple of the layout floor's beside it
TIGHT_RATIO = 2.5  # the overdue list, My actions and the action page
THROUGHPUT_SHARE = 0.40  # the overdue list's requests/s at 8 connections, as a share of the layout floor's
DIGEST_RATIO = 2.0  # the day's digests for 500 people, queued and delivered, over the SMTP floor
START_SECONDS = 1.0
MEMORY_MB = 100
GROWTH_RATIO = 1.5  # a key page's p95 at ten times the data over its p95 at the council's size
DIGEST_GROWTH = 10.0  # the digests for 5,000 people over the time for 500
OVERDUE = "Overdue actions, all inspections, page 1"


@dataclass
class Target:
    what: str
    measured: str
    met: bool

    def row(self) -> str:
        return f"| {self.what} | {self.measured} | {'met' if self.met else '**missed**'} |"

    def line(self) -> str:
        return f"{'met   ' if self.met else 'MISSED'}  {self.what}: {self.measured}"


@dataclass
class DigestFigures:
    people: int
    digests: int
    queue_seconds: float
    send_seconds: float
    sent: int
    statements: int
    load: str
    smtp_floor_seconds: float
    runs: list[tuple[float, float, float]] = field(default_factory=list)  # each run's queue, delivery and floor s

    @property
    def total_seconds(self) -> float:
        return self.queue_seconds + self.send_seconds


def page_targets(web: WebFigures) -> list[Target]:
    targets = []
    for name, (page, floor) in web.pairs.items():
        limit = TIGHT_RATIO if name in TIGHT else PAGE_RATIO
        ratio = page.p95_ms / floor.p95_ms
        measured = f"{ratio:.2f}× ({page.p95_ms:.1f} ms ÷ {floor.p95_ms:.1f} ms)"
        targets.append(Target(f"{name}, one client: p95 ≤ {limit}× the layout floor's", measured, ratio <= limit))
    return targets


def throughput_target(web: WebFigures) -> Target:
    share = web.throughput[OVERDUE] / web.throughput[LAYOUT_FLOOR]
    return Target(
        f"Overdue list, 2 workers, 8 connections: requests/s ≥ {THROUGHPUT_SHARE:.0%} of the layout floor's",
        f"{share:.0%} ({web.throughput[OVERDUE]:.0f}/s ÷ {web.throughput[LAYOUT_FLOOR]:.0f}/s)",
        share >= THROUGHPUT_SHARE,
    )


def digest_target(digest: DigestFigures) -> Target:
    ratio = digest.total_seconds / digest.smtp_floor_seconds
    return Target(
        f"The day's digests for {digest.people:,} people, queued and delivered: ≤ {DIGEST_RATIO:.0f}× the SMTP floor",
        f"{ratio:.2f}× ({digest.queue_seconds:.2f} s + {digest.send_seconds:.2f} s ÷ {digest.smtp_floor_seconds:.2f} s "
        f"for the same {digest.sent:,} messages already built)",
        ratio <= DIGEST_RATIO and digest.sent == digest.digests,
    )


def _start_floor(start: StartFigures) -> str:
    if not start.floor_seconds:
        return ""
    floor = statistics.median(start.floor_seconds)
    return (
        f". The start-up floor, a one-page app on the same libraries (bench/start_floor.py) started after each: "
        f"median {floor:.2f} s ({min(start.floor_seconds):.2f}–{max(start.floor_seconds):.2f} s), so the tracker's "
        f"own part {start.median - floor:.2f} s"
    )


def absolute_targets(web: WebFigures, start: StartFigures, export_budget: float) -> list[Target]:
    biggest = max(m.rss_mb for m in web.memory)
    runs = ", ".join(f"{s:.2f} s ({cpu:.2f} s CPU)" for s, cpu in zip(start.seconds, start.cpu_seconds, strict=True))
    targets = [
        Target(f"Process start → first page served ≤ {START_SECONDS:.0f} s (median of {len(start.seconds)})",
               f"{start.median:.2f} s: {runs}{_start_floor(start)}", start.median <= START_SECONDS),
        Target(f"Memory per worker ≤ {MEMORY_MB} MB resident", ", ".join(f"{m.rss_mb:.0f} MB" for m in web.memory),
               biggest <= MEMORY_MB),
    ]  # fmt: skip
    if web.exports:
        slowest = max(d.last_byte_s for runs in web.exports.downloads.values() for d in runs)
        targets.append(Target(
            f"Export of every action from All actions ≤ {export_budget:.0f} s (issue 16)",
            f"CSV {web.exports.median('csv').last_byte_s:.2f} s, .xlsx {web.exports.median('xlsx').last_byte_s:.2f} s",
            slowest < export_budget,
        ))  # fmt: skip
    return targets


def growth_targets(small: WebFigures, large: WebFigures, digests: DigestFigures, big: DigestFigures) -> list[Target]:
    targets = []
    for name, (page, floor) in large.pairs.items():
        before, before_floor = small.pairs[name]
        # Each p95 over the layout floor's beside it: the two sizes run minutes apart, under different neighbours.
        now, then = page.p95_ms / floor.p95_ms, before.p95_ms / before_floor.p95_ms
        measured = (f"{now / then:.2f}× ({now:.2f}× the layout floor against {then:.2f}×; p95 {page.p95_ms:.1f} ms "
                    f"against {before.p95_ms:.1f} ms)")  # fmt: skip
        what = f"{name} at {large.label}: p95 ≤ {GROWTH_RATIO}× its p95 at {small.label}, each over the layout floor"
        targets.append(Target(what, measured, now / then <= GROWTH_RATIO))
    ratio = big.total_seconds / digests.total_seconds
    targets.append(Target(
        f"The digests for {big.people:,} people < {DIGEST_GROWTH:.0f}× the time for {digests.people:,}",
        f"{ratio:.1f}× ({big.total_seconds:.2f} s ÷ {digests.total_seconds:.2f} s)",
        ratio < DIGEST_GROWTH and big.sent == big.digests,
    ))  # fmt: skip
    return targets
