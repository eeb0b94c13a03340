"""An action's dates and rating: the due date it starts with, warnings about a due date, the statutory date for
publishing the plan, and the RAG rating the progress form suggests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.clock import BANK_HOLIDAYS
from tracker.domain.due_dates import default_due_on, timescale_limit
from tracker.domain.formatting import not_a_working_day
from tracker.domain.rag import RagRule, suggest_rag
from tracker.domain.working_days import non_working_day_name
from tracker.extensions import db
from tracker.models import Action, DeadlineKind, Inspection, Recommendation, StatutoryDeadline
from tracker.template_filters import format_date, format_short_date


def rag_rule(inspection: Inspection) -> RagRule:
    return RagRule(amber_within_working_days=inspection.rag_amber_within_working_days)


def action_plan_deadline(inspection_id: int) -> StatutoryDeadline | None:
    """The inspection's statutory deadline for publishing the action plan, if it has one."""
    query = (
        select(StatutoryDeadline)
        .where(StatutoryDeadline.inspection_id == inspection_id, StatutoryDeadline.kind == DeadlineKind.ACTION_PLAN)
        .order_by(StatutoryDeadline.id)
    )
    return db.session.scalars(query).first()


def timescale_deadline(recommendation: Recommendation) -> StatutoryDeadline | None:
    """The action plan's statutory deadline when `recommendation`'s timescale ends with it, else None without
    reading it: the other timescales end a number of months after publication (the inspection's policy)."""
    policy = recommendation.inspection.due_date_policy()
    if policy.months_after_publication(recommendation.timescale.value) is not None:
        return None
    return action_plan_deadline(recommendation.inspection_id)


def default_due_for(recommendation: Recommendation, deadline: StatutoryDeadline | None) -> date | None:
    """The due date a new action under `recommendation` starts with (DESIGN §5)."""
    inspection = recommendation.inspection
    return default_due_on(
        recommendation.timescale.value,
        published_on=inspection.published_on,
        action_plan_due_on=deadline.due_on if deadline else None,
        policy=inspection.due_date_policy(),
        holidays=BANK_HOLIDAYS,
    )


@dataclass(frozen=True)
class DueDateWarning:
    """A reason to look again at a due date; a warning, never a reason to refuse it."""

    message: str
    short: str


def due_date_warnings(
    recommendation: Recommendation, due_on: date | None, deadline: StatutoryDeadline | None
) -> list[DueDateWarning]:
    """After the end of its recommendation's timescale, or not a working day."""
    if due_on is None:
        return []
    warnings = []
    inspection = recommendation.inspection
    limit = timescale_limit(
        recommendation.timescale.value,
        published_on=inspection.published_on,
        action_plan_due_on=deadline.due_on if deadline else None,
        policy=inspection.due_date_policy(),
    )
    if limit is not None and due_on > limit:
        warnings.append(
            DueDateWarning(
                f"The due date {format_date(due_on)} is after {format_date(limit)}, the end of the timescale "
                f"“{recommendation.timescale.label}”",
                f"After the timescale ends ({format_short_date(limit)})",
            )
        )
    if day := non_working_day_name(due_on, BANK_HOLIDAYS):
        warnings.append(
            DueDateWarning(
                not_a_working_day(due_on, BANK_HOLIDAYS) or "", f"{day[0].upper()}{day[1:]}: not a working day"
            )
        )
    return warnings


def suggested_rag(action: Action, status: str, today: date) -> str:
    """The rating the progress form suggests for `action` moving to `status`."""
    return suggest_rag(
        status=status, due_on=action.due_on, today=today, rule=rag_rule(action.inspection), holidays=BANK_HOLIDAYS
    )
