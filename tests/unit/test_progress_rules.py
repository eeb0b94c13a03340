"""What a progress update must say, whichever way it arrives."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.progress import NARRATIVE_LIMIT, ProgressInput, evidence_links, progress_errors


def errors(suggested: str = "green", **fields: object) -> dict[str, str]:
    values = {"status": "in_progress", "rag": "green", **fields}
    return progress_errors(ProgressInput(**values), suggested_rag=suggested)  # type: ignore[arg-type]


def test_green_on_track_needs_nothing_more() -> None:
    assert errors() == {}


@pytest.mark.parametrize(
    ("fields", "suggested", "message"),
    [
        ({"rag": "red"}, "red", "Enter a narrative explaining the Red rating"),
        ({"rag": "amber"}, "amber", "Enter a narrative explaining the Amber rating"),
        (
            {"status": "complete", "rag": "blue"},
            "blue",
            "Enter a narrative saying what was done to complete the action",
        ),
        (
            {"status": "no_longer_required", "rag": "blue"},
            "blue",
            "Enter a narrative saying why the action is no longer required",
        ),
        (
            {"rag": "green"},
            "red",
            "Enter a narrative explaining why you chose Green when the suggested rating is Red",
        ),
    ],
)
def test_narrative_is_required(fields: dict[str, str], suggested: str, message: str) -> None:
    assert errors(suggested, **fields) == {"narrative": message}
    assert errors(suggested, narrative="Done and evidenced", **fields) == {}


def test_a_blank_narrative_is_no_narrative() -> None:
    assert errors("red", rag="red", narrative="   \n ") == {"narrative": "Enter a narrative explaining the Red rating"}


def test_narrative_limit_is_stated() -> None:
    assert errors(narrative="x" * NARRATIVE_LIMIT) == {}
    assert errors(narrative="x" * (NARRATIVE_LIMIT + 1)) == {"narrative": "Narrative must be 2,000 characters or fewer"}


@pytest.mark.parametrize(
    ("status", "rag", "message"),
    [
        ("in_progress", "blue", "Blue means complete"),
        ("complete", "green", "A complete action or one no longer required is rated Blue"),
        ("", "green", None),
        ("in_progress", "purple", "Select a RAG rating"),
    ],
)
def test_status_and_rating_agree(status: str, rag: str, message: str | None) -> None:
    found = errors("blue", status=status, rag=rag, narrative="words")
    if status == "":
        assert found == {"status": "Select a status"}
    else:
        assert message in found["rag"]


def test_evidence_links_must_be_web_links() -> None:
    assert errors(evidence_links="https://example.org/a\n\n http://example.org/b ") == {}
    assert "evidence_links" in errors(evidence_links="javascript:alert(1)")
    assert "evidence_links" in errors(evidence_links="https://example.org/<script>")
    assert "evidence_links" in errors(evidence_links="\n".join(f"https://e.org/{n}" for n in range(11)))
    assert evidence_links(" https://a.org \n\nhttps://b.org") == ["https://a.org", "https://b.org"]


def test_a_revised_due_date_needs_a_reason_and_a_date() -> None:
    assert errors(requested_due_on=date(2027, 3, 1)) == {"request_reason": "Enter the reason for the revised due date"}
    assert errors(request_reason="Staff vacancy") == {
        "requested_due_on": "Enter the revised due date you are asking for"
    }
    assert errors(requested_due_on=date(2027, 3, 1), request_reason="Staff vacancy") == {}


def test_a_revised_due_date_must_change_something_and_follow_publication() -> None:
    update = ProgressInput(status="in_progress", rag="green", requested_due_on=date(2008, 1, 1), request_reason="x")
    found = progress_errors(
        update, suggested_rag="green", current_due_on=date(2009, 1, 1), published_on=date(2008, 6, 3)
    )
    assert found == {"requested_due_on": "Revised due date must be on or after the report's publication date"}
    same = ProgressInput(status="in_progress", rag="green", requested_due_on=date(2009, 1, 1), request_reason="x")
    found = progress_errors(same, suggested_rag="green", current_due_on=date(2009, 1, 1))
    assert found == {"requested_due_on": "Revised due date must be different from the current due date"}


@pytest.mark.parametrize(
    ("requested", "error"),
    [
        (date(2010, 3, 1), "Revised due date must be in the future"),
        (date(2026, 11, 24), "Revised due date must be in the future"),
        (date(2026, 11, 20), "Revised due date must be in the future"),
        (date(2026, 12, 18), "Revised due date must be different from the current due date"),
        (date(2026, 11, 25), None),  # brought forward, still ahead
        (date(2027, 2, 26), None),
    ],
)
def test_a_revised_due_date_is_after_today_and_not_the_current_one(requested: date, error: str | None) -> None:
    update = ProgressInput(status="in_progress", rag="green", requested_due_on=requested, request_reason="Staff left")
    found = progress_errors(
        update,
        suggested_rag="green",
        current_due_on=date(2026, 12, 18),
        published_on=date(2008, 6, 3),
        today=date(2026, 11, 24),
    )
    assert found == ({"requested_due_on": error} if error else {})
