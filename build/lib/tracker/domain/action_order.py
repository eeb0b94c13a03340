"""Action references ("2.1", "2.2", "2.10") and the order of actions under a recommendation.

References are numbered within their recommendation: the recommendation's number, a dot and
the next free number. People may type their own ("2.1a", "Immediate 3"), so sorting compares
the numbers inside a reference as numbers and the rest as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final, Literal, TypeVar

Direction = Literal["up", "down"]
DIRECTIONS: Final[tuple[Direction, ...]] = ("up", "down")

_PIECES = re.compile(r"(\d+)")
T = TypeVar("T")


def reference_key(reference: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts "2.9" before "2.10" and "2.1" before "2.1a"."""
    key: list[tuple[int, int | str]] = []
    for piece in _PIECES.split(reference.strip().lower()):
        if not piece:
            continue
        key.append((0, int(piece)) if piece.isdigit() else (1, piece))
    return tuple(key)


def next_reference(prefix: str, existing: Iterable[str]) -> str:
    """The next "<prefix>.<n>" after the highest n already used under `prefix` ("2.3" after "2.1", "2.2")."""
    pattern = re.compile(rf"^{re.escape(prefix.strip())}\.(\d+)")
    highest = 0
    for reference in existing:
        match = pattern.match(reference.strip())
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix.strip()}.{highest + 1}"


def moved(items: Sequence[T], item: T, direction: Direction) -> list[T]:
    """`items` with `item` swapped with its neighbour above or below; unchanged at either end."""
    if direction not in DIRECTIONS:
        raise ValueError(f"Unknown direction {direction!r}: expected one of {', '.join(DIRECTIONS)}")
    order = list(items)
    index = order.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return order


def plan_pages(sizes: Sequence[tuple[T, int]], limit: int) -> list[list[T]]:
    """Group recommendations, in order, into pages of at most `limit` actions without splitting one.

    `sizes` is (recommendation, number of actions) in plan order. A page takes recommendations
    while its actions stay within `limit`; a recommendation with more than `limit` actions gets
    a page to itself. There is always at least one page.
    """
    if limit < 1:
        raise ValueError("A page holds at least 1 action")
    pages: list[list[T]] = [[]]
    filled = 0
    for item, size in sizes:
        if pages[-1] and filled + size > limit:
            pages.append([])
            filled = 0
        pages[-1].append(item)
        filled += size
    return pages


__all__ = ["DIRECTIONS", "Direction", "moved", "next_reference", "plan_pages", "reference_key"]
