"""A downloaded plan's rows compared with the actions they name: changes, progress rules and conflicts."""

from __future__ import annotations

from datetime import date

from tracker.domain.plan_rows import PlanContext, check_rows, parse_tracker_key, tracker_key
from tracker.domain.plan_updates import ExistingAction, compare_rows

ACTION = ExistingAction(
    id=7,
    version=3,
    recommendation="1",
    reference="1.1",
    title="Audit case files",
    description="",
    owner_email="sam.patel@example.gov.uk",
    lead_agency="Leicester City Council",
    start_on=None,
    due_on=date(2026, 12, 18),
    success_criteria="Every file audited",
    status="in_progress",
    rag="green",
    latest_progress="On track",
    suggested={"not_started": "green", "in_progress": "green", "complete": "blue", "no_longer_required": "blue"},
)
CONTEXT = PlanContext(
    recommendations=frozenset({"1", "2"}),
    owner_emails=frozenset({"sam.patel@example.gov.uk", "ruth.allen@example.gov.uk"}),
    existing_references=frozenset({("1", "1.1")}),
    own_references={7: ("1", "1.1")},
)


def sheet_row(**cells: str) -> dict[str, str]:
    """The action's row as downloaded at version 3, with `cells` edited."""
    return {
        "recommendation": "1", "reference": "1.1", "title": "Audit case files",
        "owner_email": "sam.patel@example.gov.uk", "lead_agency": "Leicester City Council", "due_on": "2026-12-18",
        "success_criteria": "Every file audited",
        "status": "In progress", "rag": "Green", "latest_progress": "On track", "tracker_id": "A7-v3", **cells,
    }  # fmt: skip


def compared(**cells: str):  # noqa: ANN201
    rows = check_rows([(2, sheet_row(**cells))], CONTEXT)
    return rows[0], compare_rows(rows, {7: ACTION}).get(2)


def test_the_tracker_key_survives_a_round_trip_and_rejects_anything_else() -> None:
    assert parse_tracker_key(tracker_key(7, 3)) == (7, 3)
    assert parse_tracker_key(" a7-V3 ") == (7, 3)
    assert parse_tracker_key("7") is None and parse_tracker_key("A7") is None


def test_an_unchanged_row_changes_nothing_and_is_no_conflict_even_if_the_action_moved_on() -> None:
    row, update = compared(tracker_id="A7-v1")
    assert row.is_valid and update is not None
    assert (update.changes, update.progress, update.conflict) == ([], None, False)


def test_each_change_is_listed_old_to_new_and_progress_is_a_progress_update() -> None:
    row, update = compared(due_on="20/1/2027", owner_email="ruth.allen@example.gov.uk", rag="Amber",
                           latest_progress="Two auditors off sick")  # fmt: skip
    assert [(c.label, c.old, c.new) for c in update.changes] == [
        ("Owner", "sam.patel@example.gov.uk", "ruth.allen@example.gov.uk"),
        ("Due date", "18 December 2026", "20 January 2027"),
        ("RAG", "Green", "Amber"),
        ("Latest progress", "On track", "Two auditors off sick"),
    ]
    assert update.values == {"owner_email": "ruth.allen@example.gov.uk", "due_on": date(2027, 1, 20)}
    assert (update.progress.status, update.progress.rag) == ("in_progress", "amber")
    assert not update.conflict and update.changes_due_date


def test_blank_dates_status_and_rating_leave_the_action_as_it_is() -> None:
    _row, update = compared(due_on="", status="", rag="", success_criteria="")
    assert [(c.label, c.new) for c in update.changes] == [("Success criteria", "none")]


def test_a_new_closed_status_with_a_blank_rating_is_blue_and_needs_a_narrative() -> None:
    row, update = compared(status="Complete", rag="", latest_progress="")
    assert update is None
    assert row.errors == ["Enter a narrative saying what was done to complete the action in “Latest progress”"]
    _row, update = compared(status="Complete", rag="", latest_progress="All audited")
    assert [(c.label, c.new) for c in update.changes][:2] == [("Status", "Complete"), ("RAG", "Blue")]


def test_a_changed_row_whose_action_moved_on_is_a_conflict() -> None:
    _row, update = compared(tracker_id="A7-v2", success_criteria="Sheet criteria")
    assert update.conflict


def test_a_tampered_key_or_a_move_to_another_recommendation_is_refused() -> None:
    row, _ = compared(tracker_id="seven")
    assert row.errors[0] == (
        "Tracker ID “seven” has been changed: put back the one downloaded, or leave it blank for a new action"
    )
    row, _ = compared(recommendation="2")
    assert "Action 1.1 is under recommendation 1: move it to another recommendation in the tracker" in row.errors


def test_a_key_of_another_plan_makes_a_new_action() -> None:
    row, update = compared(tracker_id="A99-v1", reference="1.2")
    assert row.is_valid and row.action_id is None and update is None
