"""Saving a reviewed report as an inspection, and the dates the review page previews before it is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete

from tracker.audit.services import record_change
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.deadline_rules import ANCHOR_NAMES, compute_due_on, rules_for_framework
from tracker.domain.due_dates import DueDatePolicy, default_due_on
from tracker.extensions import db, execute_change
from tracker.inspections import deadlines as deadline_services
from tracker.models import Framework, ImportDraft, Inspection, Judgement, Recommendation, Timescale, User


def create_inspection(draft: ImportDraft, data: dict[str, Any], *, creator: User) -> Inspection | None:
    """Save the reviewed report: the inspection, its judgements, recommendations in order and statutory deadlines.

    The creator becomes one of its managers; the import draft is removed. None when another request (a
    double click) removed the draft first: that request saves the inspection, and this one must roll back.
    """
    filename, sha256, text = draft.source_filename, draft.source_sha256, draft.source_text
    # Deleting the draft first claims it: a concurrent save waits on the row (PostgreSQL) or the write
    # lock (SQLite), then deletes nothing.
    claim = delete(ImportDraft).where(ImportDraft.id == draft.id).execution_options(synchronize_session=False)
    if execute_change(claim).rowcount != 1:
        return None
    db.session.expunge(draft)
    inspection = Inspection(
        **details(data),
        source_filename=filename,
        source_sha256=sha256,
        source_text=text,
        managers=[creator],
        judgements=judgements(data["judgements"]),
        recommendations=[
            Recommendation(
                number=_text_or_none(item.get("number")),
                timescale=Timescale(item["timescale"]),
                addressee=_text_or_none(item.get("addressee")),
                theme=_text_or_none(item.get("theme")),
                text=item["text"].strip(),
                position=position,
            )
            for position, item in enumerate(data["recommendations"])
        ],
    )
    db.session.add(inspection)
    deadline_services.create_statutory_deadlines(inspection)
    db.session.flush()
    source = f"Imported from {filename}" if filename else "Imported from pasted text"
    record_change(
        actor=creator,
        entity=inspection,
        field="inspection",
        old=None,
        new=inspection.title,
        inspection_id=inspection.id,
        note=f"{source}: {len(inspection.recommendations)} recommendations",
    )
    return inspection


def _text_or_none(value: str | None) -> str | None:
    return (value or "").strip() or None


def details(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "authority": data["authority"].strip(),
        "title": data["title"].strip(),
        "framework": Framework(data["framework"]),
        "inspectorate": _text_or_none(data.get("inspectorate")) or "Ofsted",
        "inspection_start_on": data["inspection_start_on"],
        "inspection_end_on": data["inspection_end_on"],
        "received_on": data["received_on"],
        "published_on": data["published_on"],
        "overall_judgement": _text_or_none(data.get("overall_judgement")),
    }


def judgements(rows: list[dict[str, str]]) -> list[Judgement]:
    kept = [row for row in rows if _text_or_none(row.get("area"))]
    return [
        Judgement(area=row["area"].strip(), grade=_text_or_none(row.get("grade")) or "", position=position)
        for position, row in enumerate(kept)
    ]


# Previewing a draft's dates on the review page


@dataclass(frozen=True)
class DeadlinePreview:
    title: str
    due_on: date | None
    basis: str


@dataclass(frozen=True)
class ReviewDates:
    deadlines: list[DeadlinePreview]
    default_due_on: dict[str, date | None]


def preview_dates(
    framework: str,
    *,
    received_on: date | None,
    published_on: date | None,
    priority_actions: bool = True,
    policy: DueDatePolicy | None = None,
) -> ReviewDates:
    """The statutory deadlines and default action due dates the draft's current details would give."""
    policy = policy or DueDatePolicy()
    rules = rules_for_framework(framework, priority_actions=priority_actions) if framework else []
    previews = []
    action_plan_due_on = None
    for rule in rules:
        due_on = compute_due_on(rule, received_on=received_on, published_on=published_on, holidays=BANK_HOLIDAYS)
        anchor = ANCHOR_NAMES[rule.anchor]
        counting = (
            "beginning with that day" if rule.counting == "beginning_with" else "counted from the next working day"
        )
        previews.append(
            DeadlinePreview(rule.title, due_on, f"{rule.working_days} working days from {anchor}, {counting}")
        )
        if rule.kind == "action_plan":
            action_plan_due_on = due_on
    defaults = {
        timescale.value: default_due_on(
            timescale.value,
            published_on=published_on,
            action_plan_due_on=action_plan_due_on,
            policy=policy,
            holidays=BANK_HOLIDAYS,
        )
        for timescale in Timescale
    }
    return ReviewDates(previews, defaults)
