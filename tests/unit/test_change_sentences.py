"""The weekly summary's changes read like a person wrote them (issue 14 item 8)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tracker.domain.change_sentences import HistoryRow, describe_progress, describe_row


def action_row(field: str, old: str | None, new: str | None, note: str = "", reference: str = "4.1") -> HistoryRow:
    return HistoryRow("actions", field, old, new, note=note, action_reference=reference)


@pytest.mark.parametrize(
    ("row", "sentence"),
    [
        (action_row("owner", "Sam Patel", "Tom Hughes"), "Tom Hughes is now the owner of 4.1"),
        (action_row("owner", None, "Tom Hughes"), "Tom Hughes is now the owner of 4.1"),
        (action_row("owner", "Tom Hughes", None), "4.1 no longer has an owner"),
        (
            action_row("due_on", "2026-11-20", "2027-02-26", "Revised due date approved: The supplier moved go-live.",
                       reference="2.3"),
            "Revised due date for 2.3 approved: 20 November 2026 → 26 February 2027 (reason: The supplier moved "
            "go-live)",
        ),
        (
            action_row("due_on", "2026-12-18", "2027-01-15", "Cabinet moved the date"),
            "Due date of 4.1 changed: 18 December 2026 → 15 January 2027 (reason: Cabinet moved the date)",
        ),
        (
            action_row("due_on", "2026-12-18", "2027-01-15"),
            "Due date of 4.1 changed: 18 December 2026 → 15 January 2027",
        ),
        (action_row("created", None, "4.1 Audit case files"), "Action added: 4.1 Audit case files"),
        (action_row("deleted", "4.1 Audit case files", None), "Action deleted: 4.1 Audit case files"),
        (action_row("status", "not_started", "in_progress"), "4.1 marked “In progress”"),
        (action_row("rag", "green", "amber"), "4.1 rated Amber – at risk"),
        (action_row("title", "Old", "Audit every case file"), "4.1 renamed “Audit every case file”"),
        (action_row("lead_agency", "", "NHS Leicester City"), "The lead agency of 4.1 is now NHS Leicester City"),
        (action_row("archived_at", None, "2026-11-20T10:00:00+00:00"), "4.1 archived"),
        (
            HistoryRow("progress_updates", "request_state", "pending", "declined", note="Not before Cabinet",
                       action_reference="2.3"),
            "Revised due date for 2.3 declined (reason: Not before Cabinet)",
        ),
        (
            HistoryRow("statutory_deadlines", "met_on", None, "2008-07-10", subject="Publish the report locally"),
            "Publish the report locally: done on 10 July 2008",
        ),
        (
            HistoryRow("statutory_deadlines", "due_on", "2008-09-09", "2008-09-16", note="Cabinet agreed later",
                       subject="Publish the action plan"),
            "Publish the action plan: date changed, 9 September 2008 → 16 September 2008 (reason: Cabinet agreed "
            "later)",
        ),
        (HistoryRow("inspections", "plan_status", "draft", "published"), "The plan is now published"),
        (
            HistoryRow("inspections", "plan_imported", None, "12 actions from plan.xlsx"),
            "Imported 12 actions from plan.xlsx",
        ),
        (
            HistoryRow("meetings", "meeting", None, "Cabinet on 3 December 2026"),
            "Meeting added: Cabinet on 3 December 2026",
        ),
    ],
)  # fmt: skip
def test_each_change_is_a_sentence(row: HistoryRow, sentence: str) -> None:
    assert describe_row(row) == sentence


@pytest.mark.parametrize(
    "row",
    [
        action_row("status", "not_started", "in_progress", note="Progress update"),
        action_row("rag", "green", "red", note="Progress update"),
        action_row("original_due_on", "2026-11-20", "2026-11-20"),
        HistoryRow("progress_updates", "request_state", "pending", "approved", action_reference="2.3"),
        HistoryRow("users", "role", "viewer", "admin"),
    ],
)
def test_what_is_told_elsewhere_or_internal_is_left_out(row: HistoryRow) -> None:
    assert describe_row(row) is None


def test_a_progress_update_names_its_author_and_what_they_asked_for() -> None:
    assert describe_progress("Ruth Allen", "1.1", status="in_progress", rag="red") == (
        "Ruth Allen recorded progress on 1.1: In progress, Red – off track"
    )
    assert describe_progress(
        "Sam Patel", "2.3", status="in_progress", rag="amber", via_email_link=True, requested_due_on=date(2027, 2, 26)
    ) == (
        "Sam Patel recorded progress on 2.3: In progress, Amber – at risk (from an email link), and asked for a "
        "revised due date of 26 February 2027"
    )


def test_no_sentence_carries_an_iso_date_or_a_field_name() -> None:
    rows = [action_row(field, "2026-11-20", "2027-02-26") for field in ("due_on", "start_on", "owner")]
    for sentence in filter(None, map(describe_row, rows)):
        assert not re.search(r"\d{4}-\d{2}-\d{2}", sentence)
        assert "_" not in sentence and " set to " not in sentence
