"""The report's action lists: the exceptions members must see (Red or overdue actions, revised due
dates) and the appendix, the action plan grouped by timescale and recommendation."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime
from typing import Any

from tracker.domain.report.history import ActionState, as_date, is_overdue, local_day, was_revised
from tracker.domain.report.model import (
    ActionRow,
    ExceptionRow,
    RecommendationBlock,
    RevisionRow,
    TimescaleGroup,
)
from tracker.domain.report.records import ActionRecord, FieldChange, PlanHistory
from tracker.domain.vocabulary import Rag
from tracker.domain.working_days import working_days_between


def _working_days_overdue(state: ActionState, as_at: date, holidays: Container[date]) -> int | None:
    if not is_overdue(state, as_at) or state.due_on is None:
        return None
    return working_days_between(state.due_on, as_at, holidays)


def red_or_overdue(
    states: dict[int, ActionState], as_at: date, holidays: Container[date], timezone: str
) -> list[ExceptionRow]:
    """Red or overdue actions, most overdue first, then the red ones by reference."""
    rows = []
    for state in states.values():
        if state.rag != Rag.RED and not is_overdue(state, as_at):
            continue
        action = state.action
        rows.append(
            ExceptionRow(
                reference=action.reference,
                title=state.title,
                lead_officer=action.owner_name,
                due_on=state.due_on,
                rag=state.rag,
                status=state.status,
                working_days_overdue=_working_days_overdue(state, as_at, holidays),
                progress=state.update.narrative if state.update else "",
                progress_on=local_day(state.update.created_at, timezone) if state.update else None,
            )
        )
    return sorted(rows, key=lambda r: (-(r.working_days_overdue or -1), _reference_key(r.reference)))


def _reference_key(reference: str) -> tuple[Any, ...]:
    """ "2.10" after "2.9": numeric parts compare as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in reference.replace("-", ".").split("."))


def _reason_for(action: ActionRecord, change: FieldChange) -> str:
    """The approved request's reason for this new date, else the note recorded with the change."""
    new_due = as_date(change.new_value)
    approved = [
        u
        for u in action.updates
        if u.request_state == "approved" and u.requested_due_on == new_due and u.created_at <= change.occurred_at
    ]
    if approved:
        return max(approved, key=lambda u: u.created_at).request_reason.strip()
    return change.note.strip()


def revised_due_dates(states: dict[int, ActionState], cutoff: datetime) -> list[RevisionRow]:
    rows = []
    for state in states.values():
        if not was_revised(state):
            continue
        action = state.action
        # Changes that set the original date too were the plan being drafted, not revisions of it.
        changes = sorted(
            (
                c
                for c in action.due_on_changes
                if c.occurred_at < cutoff and as_date(c.new_value) != state.original_due_on
            ),
            key=lambda c: c.occurred_at,
        )
        reasons = list(dict.fromkeys(r for r in (_reason_for(action, c) for c in changes) if r))
        rows.append(
            RevisionRow(
                reference=action.reference,
                title=state.title,
                original_due_on=state.original_due_on,
                due_on=state.due_on,
                revised_on=changes[-1].occurred_at.date() if changes else None,
                reason=" ".join(reasons) or "No reason recorded",
            )
        )
    return sorted(rows, key=lambda r: _reference_key(r.reference))


def _action_row(
    state: ActionState, previous: ActionState | None, as_at: date, holidays: Container[date], timezone: str
) -> ActionRow:
    action = state.action
    return ActionRow(
        reference=action.reference,
        title=state.title,
        lead_officer=action.owner_name,
        lead_officer_title=action.owner_job_title,
        lead_agency=action.lead_agency,
        due_on=state.due_on,
        original_due_on=state.original_due_on if was_revised(state) else None,
        success_criteria=state.success_criteria,
        progress=state.update.narrative if state.update else "",
        progress_on=local_day(state.update.created_at, timezone) if state.update else None,
        status=state.status,
        rag=state.rag,
        overdue=is_overdue(state, as_at),
        working_days_overdue=_working_days_overdue(state, as_at, holidays),
        previous_rag=previous.rag if previous else None,
    )


def build_appendix(
    history: PlanHistory,
    states: dict[int, ActionState],
    previous: dict[int, ActionState] | None,
    as_at: date,
    holidays: Container[date],
    timezone: str,
) -> list[TimescaleGroup]:
    """The action plan: timescales in the report's order, recommendations in order, actions by position."""
    by_recommendation: dict[int, list[ActionState]] = {}
    for state in states.values():
        by_recommendation.setdefault(state.action.recommendation_id, []).append(state)
    groups: dict[str, TimescaleGroup] = {}
    for recommendation in sorted(history.recommendations, key=lambda r: r.position):
        group = groups.setdefault(
            recommendation.timescale, TimescaleGroup(recommendation.timescale, recommendation.timescale_label, [])
        )
        actions = sorted(
            by_recommendation.get(recommendation.id, []),
            key=lambda s: (s.action.position, _reference_key(s.action.reference)),
        )
        group.recommendations.append(
            RecommendationBlock(
                number=recommendation.number,
                text=recommendation.text,
                addressee=recommendation.addressee,
                theme=recommendation.theme,
                actions=[
                    _action_row(s, None if previous is None else previous.get(s.action.id), as_at, holidays, timezone)
                    for s in actions
                ],
            )
        )
    return list(groups.values())
