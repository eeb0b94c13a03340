"""Action references within a recommendation, and moving an action up or down its list."""

from __future__ import annotations

import pytest

from tracker.domain.action_order import moved, next_reference, plan_pages, reference_key


@pytest.mark.parametrize(
    ("prefix", "existing", "expected"),
    [
        ("2", [], "2.1"),
        ("2", ["2.1", "2.2"], "2.3"),
        ("2", ["2.1", "2.9", "2.10"], "2.11"),
        ("2", ["2.1", "2.3"], "2.4"),  # a gap is not refilled: 2.2 may be an archived action's
        ("2", ["12.1", "12.2", "2.1"], "2.2"),  # "12.x" is another recommendation's
        ("2", ["2.1a", "2.1b"], "2.2"),
        ("2", ["Immediate 3", "x"], "2.1"),
        (" 7 ", ["7.1"], "7.2"),
        ("164", ["164.1"], "164.2"),
    ],
)
def test_next_reference(prefix: str, existing: list[str], expected: str) -> None:
    assert next_reference(prefix, existing) == expected


def test_references_sort_by_their_numbers() -> None:
    references = ["2.10", "2.9", "10.1", "2.1a", "2.1", "1.2"]
    assert sorted(references, key=reference_key) == ["1.2", "2.1", "2.1a", "2.9", "2.10", "10.1"]


@pytest.mark.parametrize(
    ("item", "direction", "expected"),
    [
        ("b", "up", ["b", "a", "c"]),
        ("b", "down", ["a", "c", "b"]),
        ("a", "up", ["a", "b", "c"]),
        ("c", "down", ["a", "b", "c"]),
    ],
)
def test_moved(item: str, direction: str, expected: list[str]) -> None:
    assert moved(["a", "b", "c"], item, direction) == expected


def test_moved_refuses_an_unknown_direction() -> None:
    with pytest.raises(ValueError, match="Unknown direction"):
        moved(["a"], "a", "sideways")


@pytest.mark.parametrize(
    ("sizes", "limit", "expected"),
    [
        ([], 100, [[]]),
        ([("r1", 0), ("r2", 0)], 100, [["r1", "r2"]]),
        ([("r1", 60), ("r2", 40), ("r3", 1)], 100, [["r1", "r2"], ["r3"]]),
        ([("r1", 60), ("r2", 41), ("r3", 1)], 100, [["r1"], ["r2", "r3"]]),
        ([("r1", 250), ("r2", 3), ("r3", 0)], 100, [["r1"], ["r2", "r3"]]),
        ([("r1", 0), ("r2", 150)], 100, [["r1"], ["r2"]]),
    ],
)
def test_plan_pages_keep_each_recommendation_whole(sizes: list, limit: int, expected: list) -> None:
    assert plan_pages(sizes, limit) == expected


def test_plan_pages_need_room_for_an_action() -> None:
    with pytest.raises(ValueError, match="at least 1 action"):
        plan_pages([("r1", 1)], 0)
