"""An inspection's statutory deadlines: created from its framework's rules, counted in working days,
changed only with a recorded reason, marked as done, and their publication checklists ticked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.audit.services import apply_changes, record_change
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.deadline_rules import ANCHOR_NAMES, DeadlineRule, compute_due_on, no_date_text, rules_for_framework
from tracker.domain.due_phrase import due_phrase, working_days_text
from tracker.domain.formatting import format_date
from tracker.domain.working_days import add_working_days, working_days_between
from tracker.extensions import db
from tracker.models import (
    ChecklistItem,
    DeadlineAnchor,
    DeadlineCounting,
    DeadlineKind,
    Inspection,
    StatutoryDeadline,
    Timescale,
    User,
)


def deadline_from_rule(inspection: Inspection, rule: DeadlineRule) -> StatutoryDeadline:
    """A deadline computed from `rule`, with the rule's checklist of recipients."""
    due_on = compute_due_on(
        rule, received_on=inspection.received_on, published_on=inspection.published_on, holidays=BANK_HOLIDAYS
    )
    return StatutoryDeadline(
        inspection=inspection,
        kind=DeadlineKind(rule.kind),
        title=rule.title,
        rule_code=rule.code,
        rule_source=rule.source,
        working_days=rule.working_days,
        anchor=DeadlineAnchor(rule.anchor),
        counting=DeadlineCounting(rule.counting),
        computed_due_on=due_on,
        due_on=due_on,
        checklist=[ChecklistItem(label=label, position=i) for i, label in enumerate(rule.checklist)],
    )


def has_priority_actions(inspection: Inspection) -> bool:
    """Whether the report sets areas for priority (immediate) action: some duties follow only those."""
    return any(recommendation.timescale == Timescale.IMMEDIATE for recommendation in inspection.recommendations)


def _rules(inspection: Inspection) -> list[DeadlineRule]:
    return rules_for_framework(inspection.framework.value, priority_actions=has_priority_actions(inspection))


def create_statutory_deadlines(inspection: Inspection) -> list[StatutoryDeadline]:
    """Add the deadlines the inspection's framework sets (none for frameworks without rules)."""
    deadlines = [deadline_from_rule(inspection, rule) for rule in _rules(inspection)]
    db.session.add_all(deadlines)
    return deadlines


# Counting and describing


def anchor_date(inspection: Inspection, anchor: DeadlineAnchor | None) -> date | None:
    if anchor == DeadlineAnchor.PUBLISHED_ON:
        return inspection.published_on
    if anchor == DeadlineAnchor.RECEIVED_ON:
        return inspection.received_on
    return None


def counted_due_on(deadline: StatutoryDeadline, inspection: Inspection) -> date | None:
    """The date the deadline's working days give, or None for a fixed date or an anchor not yet known."""
    if deadline.working_days is None or deadline.counting is None:
        return None
    start = anchor_date(inspection, deadline.anchor)
    if start is None:
        return None
    return add_working_days(start, deadline.working_days, BANK_HOLIDAYS, counting=deadline.counting.value)


def is_overridden(deadline: StatutoryDeadline) -> bool:
    """The date was changed by hand, with a reason, so recalculation leaves it alone."""
    return bool(deadline.override_reason)


def describe_basis(deadline: StatutoryDeadline, inspection: Inspection) -> str:
    """How the date is counted: "70 working days from the date the report was published (3 June 2008), …"."""
    if deadline.working_days is None or deadline.anchor is None:
        return "A fixed date entered by hand"
    start = anchor_date(inspection, deadline.anchor)
    when = f"({format_date(start)})" if start else "(not entered yet)"
    counting = (
        "beginning with that day"
        if deadline.counting == DeadlineCounting.BEGINNING_WITH
        else "counted from the next working day"
    )
    return f"{deadline.working_days} working days from {ANCHOR_NAMES[deadline.anchor]} {when}, {counting}"


@dataclass(frozen=True)
class DeadlineStatus:
    """Where a deadline stands today, in words that never rely on colour."""

    state: str  # waiting, upcoming, due_soon, due_today, missed, met, met_late
    text: str
    working_days: int | None = None

    @property
    def tag_class(self) -> str:
        return {
            "waiting": "govuk-tag--grey",
            "upcoming": "govuk-tag--blue",
            "due_soon": "govuk-tag--yellow",
            "due_today": "govuk-tag--orange",
            "missed": "govuk-tag--red",
            "met": "govuk-tag--green",
            "met_late": "govuk-tag--red",
        }[self.state]

    @property
    def tag_text(self) -> str:
        return {
            "waiting": "No date set",
            "upcoming": "Open",
            "due_soon": "Due soon",
            "due_today": "Due today",
            "missed": "Missed",
            "met": "Met",
            "met_late": "Missed",
        }[self.state]


def deadline_status(deadline: StatutoryDeadline, today: date, *, due_soon_working_days: int) -> DeadlineStatus:
    """ "Due in N working days", "Due today", "Missed by N working days", "Met on 9 September 2008"…

    Due soon, as for actions, within the DUE_SOON_WORKING_DAYS setting's working days.
    """
    if deadline.met_on is not None:
        if deadline.due_on is None or deadline.met_on <= deadline.due_on:
            return DeadlineStatus("met", f"Met on {format_date(deadline.met_on)}")
        late = working_days_between(deadline.due_on, deadline.met_on, BANK_HOLIDAYS)
        text = f"Missed: done on {format_date(deadline.met_on)}, {working_days_text(late)} late"
        return DeadlineStatus("met_late", text, late)
    if deadline.due_on is None:
        return DeadlineStatus("waiting", no_date_text(deadline.anchor))
    days = working_days_between(today, deadline.due_on, BANK_HOLIDAYS)
    if days < 0:
        return DeadlineStatus("missed", f"Missed by {working_days_text(-days)}", days)
    if days == 0:
        if deadline.due_on != today:  # a date moved by hand to a weekend or bank holiday
            return DeadlineStatus("due_today", due_phrase(deadline.due_on, 0, today), 0)
        return DeadlineStatus("due_today", "Due today", 0)
    state = "due_soon" if days <= due_soon_working_days else "upcoming"
    return DeadlineStatus(state, due_phrase(deadline.due_on, days, today), days)


# Changing deadlines (each change recorded in the inspection's history)


def recalculate_deadlines(inspection: Inspection, deadlines: list[StatutoryDeadline], *, actor: User) -> int:
    """Count each deadline again after its anchor date changed; dates changed by hand keep their date.

    Returns how many overridden deadlines kept their date although the count changed.
    """
    kept = 0
    for deadline in deadlines:
        counted = counted_due_on(deadline, inspection)
        if deadline.working_days is None or counted == deadline.computed_due_on:
            continue
        deadline.computed_due_on = counted
        if is_overridden(deadline):
            kept += 1
            continue
        apply_changes(
            deadline,
            {"due_on": counted},
            actor=actor,
            inspection_id=inspection.id,
            note="Counted again from the inspection's new dates",
        )
    return kept


def sync_rule_deadlines(inspection: Inspection, deadlines: list[StatutoryDeadline], *, actor: User) -> None:
    """After a change of framework: add the new framework's deadlines and drop untouched ones it does not set."""
    codes = {rule.code for rule in _rules(inspection)}
    existing = {deadline.rule_code for deadline in deadlines if deadline.rule_code}
    for deadline in deadlines:
        if deadline.rule_code and deadline.rule_code not in codes and not _touched(deadline):
            record_change(
                actor=actor,
                entity=deadline,
                field="deadline",
                old=deadline.title,
                new=None,
                inspection_id=inspection.id,
                note=f"Not a {inspection.framework.value} deadline",
            )
            db.session.delete(deadline)
    for rule in _rules(inspection):
        if rule.code not in existing:
            deadline = deadline_from_rule(inspection, rule)
            db.session.add(deadline)
            db.session.flush()
            record_change(
                actor=actor,
                entity=deadline,
                field="deadline",
                old=None,
                new=deadline.title,
                inspection_id=inspection.id,
                note=rule.source,
            )


def _touched(deadline: StatutoryDeadline) -> bool:
    return deadline.met_on is not None or is_overridden(deadline) or any(i.done_on for i in deadline.checklist)


def add_deadline(
    inspection: Inspection,
    *,
    title: str,
    actor: User,
    due_on: date | None = None,
    working_days: int | None = None,
    anchor: DeadlineAnchor | None = None,
    counting: DeadlineCounting | None = None,
) -> StatutoryDeadline:
    """A deadline added by hand: either a fixed date or N working days from the report's dates."""
    deadline = StatutoryDeadline(
        inspection=inspection,
        kind=DeadlineKind.OTHER,
        title=title,
        rule_source="Added by hand",
        working_days=working_days,
        anchor=anchor if working_days else None,
        counting=counting if working_days else None,
    )
    counted = counted_due_on(deadline, inspection)
    deadline.computed_due_on = counted
    deadline.due_on = counted if working_days else due_on
    db.session.add(deadline)
    db.session.flush()
    record_change(
        actor=actor,
        entity=deadline,
        field="deadline",
        old=None,
        new=f"{title}: {format_date(deadline.due_on, 'no date yet')}",
        inspection_id=inspection.id,
        note=describe_basis(deadline, inspection),
    )
    return deadline


def change_due_on(deadline: StatutoryDeadline, new_due_on: date, *, reason: str, actor: User) -> bool:
    """Override the date; the reason goes into the history with the change. False if the date is the same."""
    changed = apply_changes(
        deadline, {"due_on": new_due_on}, actor=actor, inspection_id=deadline.inspection_id, note=reason
    )
    if changed:
        deadline.override_reason = reason
    return bool(changed)


def restore_counted_date(deadline: StatutoryDeadline, *, actor: User) -> None:
    """Drop an override: the deadline goes back to the date its working days give."""
    apply_changes(
        deadline,
        {"due_on": counted_due_on(deadline, deadline.inspection)},
        actor=actor,
        inspection_id=deadline.inspection_id,
        note="Back to the counted date",
    )
    deadline.override_reason = ""


def mark_done(deadline: StatutoryDeadline, met_on: date, *, actor: User) -> None:
    apply_changes(deadline, {"met_on": met_on}, actor=actor, inspection_id=deadline.inspection_id)


def mark_not_done(deadline: StatutoryDeadline, *, actor: User) -> None:
    apply_changes(
        deadline, {"met_on": None}, actor=actor, inspection_id=deadline.inspection_id, note="Marked as not done"
    )


def delete_deadline(deadline: StatutoryDeadline, *, actor: User) -> None:
    """Remove a deadline that was added by hand (statutory ones stay: their dates can be changed instead)."""
    record_change(
        actor=actor,
        entity=deadline,
        field="deadline",
        old=deadline.title,
        new=None,
        inspection_id=deadline.inspection_id,
        note="Deleted",
    )
    db.session.delete(deadline)


def tick_checklist_item(item: ChecklistItem, *, done_on: date, evidence: str, actor: User) -> None:
    apply_changes(
        item,
        {"done_on": done_on, "evidence": evidence},
        actor=actor,
        inspection_id=item.deadline.inspection_id,
    )


def untick_checklist_item(item: ChecklistItem, *, actor: User) -> None:
    apply_changes(
        item, {"done_on": None}, actor=actor, inspection_id=item.deadline.inspection_id, note="Marked as not done"
    )


# Reading


def list_deadlines(inspection: Inspection) -> list[StatutoryDeadline]:
    query = (
        select(StatutoryDeadline)
        .where(StatutoryDeadline.inspection_id == inspection.id)
        .options(selectinload(StatutoryDeadline.checklist))
        .order_by(StatutoryDeadline.due_on.is_(None), StatutoryDeadline.due_on, StatutoryDeadline.id)
    )
    return list(db.session.scalars(query))


def action_plan_deadline_among(deadlines: list[StatutoryDeadline]) -> StatutoryDeadline | None:
    """The deadline for publishing the action plan, among an inspection's deadlines."""
    return next((d for d in deadlines if d.kind == DeadlineKind.ACTION_PLAN), None)
