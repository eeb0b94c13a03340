"""What the API reads: one query per page, its rows turned into plain JSON values.

A token reads what its person reads in the app, and every signed-in person reads every inspection and every
live action (All actions), so the lists are not narrowed by person; archived actions, which All actions leaves
out, are left out here too, with their progress updates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from tracker.actions.queries.action_list import STATUS_FILTER_CHOICES, ActionFilters, filter_clauses
from tracker.api.paging import Paging, encode_cursor, one_of, text, whole_number
from tracker.api.problems import ApiError
from tracker.clock import BANK_HOLIDAYS, as_utc
from tracker.domain.vocabulary import RATING_KEYS, TIMESCALES
from tracker.domain.working_days import working_days_between
from tracker.extensions import db
from tracker.models import (
    OPEN_STATUSES,
    Action,
    Inspection,
    ProgressUpdate,
    Recommendation,
    StatutoryDeadline,
    User,
)


@dataclass(frozen=True)
class ListPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def instant(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def _person(person_id: int | None, name: str | None) -> dict[str, Any] | None:
    return None if person_id is None or name is None else {"id": person_id, "name": name}


_PLACEHOLDER = 987654321


def page_url(endpoint: str, argument: str) -> Callable[[int], str]:
    """id → the full address of that row's page in the app: url_for once a list, not once a row (a fifth of an
    API page's time went on building 100 addresses)."""
    values: dict[str, Any] = {argument: _PLACEHOLDER}
    template = url_for(endpoint, **values, _external=True)
    return lambda row_id: template.replace(str(_PLACEHOLDER), str(row_id))


def _page(query: Select, resource: str, paging: Paging, to_json: Callable[[Any], dict[str, Any]]) -> ListPage:
    """The `paging.limit` rows after `paging.after_id` in id order (one more is read to know if a page follows)."""
    id_column = query.selected_columns[0]
    rows = db.session.execute(
        query.where(id_column > paging.after_id).order_by(id_column).limit(paging.limit + 1)
    ).all()
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    return ListPage([to_json(row) for row in rows], encode_cursor(resource, rows[-1][0]) if more else None)


def _one(query: Select, to_json: Callable[[Any], dict[str, Any]], what: str) -> dict[str, Any]:
    row = db.session.execute(query).first()
    if row is None:
        raise ApiError(404, f"There is no {what} with this id")
    return to_json(row)


# Inspections -------------------------------------------------------------------------------------

INSPECTION_FILTERS: tuple[str, ...] = ()
_INSPECTION_COLUMNS = (
    Inspection.id,
    Inspection.authority,
    Inspection.title,
    Inspection.framework,
    Inspection.inspectorate,
    Inspection.inspection_start_on,
    Inspection.inspection_end_on,
    Inspection.received_on,
    Inspection.published_on,
    Inspection.overall_judgement,
    Inspection.plan_status,
    Inspection.plan_published_on,
    Inspection.closed_at,
    Inspection.created_at,
    Inspection.updated_at,
)


def _inspection_json() -> Callable[[Any], dict[str, Any]]:
    html_url = page_url("inspections.view_inspection", "inspection_id")

    def to_json(row: Any) -> dict[str, Any]:
        return {
            "id": row.id,
            "authority": row.authority,
            "title": row.title,
            "framework": row.framework.value,
            "inspectorate": row.inspectorate,
            "inspection_start_on": day(row.inspection_start_on),
            "inspection_end_on": day(row.inspection_end_on),
            "received_on": day(row.received_on),
            "published_on": day(row.published_on),
            "overall_judgement": row.overall_judgement,
            "plan_status": row.plan_status.value,
            "plan_published_on": day(row.plan_published_on),
            "closed_at": instant(row.closed_at),
            "created_at": instant(row.created_at),
            "updated_at": instant(row.updated_at),
            "html_url": html_url(row.id),
        }

    return to_json


def list_inspections(args: Mapping[str, str], paging: Paging) -> ListPage:
    return _page(select(*_INSPECTION_COLUMNS), "inspections", paging, _inspection_json())


def get_inspection(inspection_id: int) -> dict[str, Any]:
    query = select(*_INSPECTION_COLUMNS).where(Inspection.id == inspection_id)
    return _one(query, _inspection_json(), "inspection")


# Recommendations ---------------------------------------------------------------------------------

RECOMMENDATION_FILTERS = ("inspection",)
_RECOMMENDATION_COLUMNS = (
    Recommendation.id,
    Recommendation.inspection_id,
    Recommendation.number,
    Recommendation.timescale,
    Recommendation.addressee,
    Recommendation.theme,
    Recommendation.text,
    Recommendation.position,
)


def _recommendation_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "inspection_id": row.inspection_id,
        "number": row.number,
        "timescale": row.timescale.value,
        "timescale_label": row.timescale.label,
        "addressee": row.addressee,
        "theme": row.theme,
        "text": row.text,
        "position": row.position,
    }


def list_recommendations(args: Mapping[str, str], paging: Paging) -> ListPage:
    query = select(*_RECOMMENDATION_COLUMNS)
    if (inspection_id := whole_number(args, "inspection")) is not None:
        query = query.where(Recommendation.inspection_id == inspection_id)
    return _page(query, "recommendations", paging, _recommendation_json)


# Actions -----------------------------------------------------------------------------------------

# The All actions page's filters, by the same names and values (sort aside: the API lists in id order).
ACTION_FILTERS = ("inspection", "owner", "agency", "rag", "status", "timescale", "overdue", "q")
RAG_FILTER_VALUES = RATING_KEYS
STATUS_FILTER_VALUES = tuple(value for value, _label in STATUS_FILTER_CHOICES if value)
_OWNER = aliased(User, name="api_owner")
_ACTION_COLUMNS = (
    Action.id,
    Action.reference,
    Action.title,
    Action.description,
    Action.inspection_id,
    Action.recommendation_id,
    Recommendation.number.label("recommendation_number"),
    Recommendation.timescale,
    Action.owner_id,
    _OWNER.name.label("owner_name"),
    _OWNER.email.label("owner_email"),
    _OWNER.active.label("owner_active"),
    Action.lead_agency,
    Action.start_on,
    Action.due_on,
    Action.original_due_on,
    Action.completed_on,
    Action.status,
    Action.rag,
    Action.success_criteria,
    Action.last_progress_at,
    Action.archived_at,
    Action.created_at,
    Action.updated_at,
)


def action_filters(args: Mapping[str, str]) -> ActionFilters:
    """All actions' filters from the query string, refusing (400) a value the page would quietly drop."""
    return ActionFilters(
        inspection_id=whole_number(args, "inspection"),
        owner_id=whole_number(args, "owner"),
        agency=text(args, "agency"),
        rag=one_of(args, "rag", RAG_FILTER_VALUES),
        status=one_of(args, "status", STATUS_FILTER_VALUES),
        timescale=one_of(args, "timescale", [str(timescale) for timescale in TIMESCALES]),
        overdue=one_of(args, "overdue", ("yes", "no")) == "yes",
        q=text(args, "q"),
    )


def _actions() -> Select:
    return (
        select(*_ACTION_COLUMNS)
        .select_from(Action)
        .join(Action.recommendation)
        .outerjoin(_OWNER, Action.owner_id == _OWNER.id)
    )


def _action_json(today: date) -> Callable[[Any], dict[str, Any]]:
    html_url = page_url("actions.view_action", "action_id")

    def to_json(row: Any) -> dict[str, Any]:
        is_open = row.status in OPEN_STATUSES
        dated = is_open and row.due_on is not None
        owner = None
        if row.owner_id is not None:
            owner = {"id": row.owner_id, "name": row.owner_name, "email": row.owner_email, "active": row.owner_active}
        return {
            "id": row.id,
            "reference": row.reference,
            "title": row.title,
            "description": row.description,
            "inspection_id": row.inspection_id,
            "recommendation_id": row.recommendation_id,
            "recommendation_number": row.recommendation_number,
            "timescale": row.timescale.value,
            "timescale_label": row.timescale.label,
            "owner": owner,
            "lead_agency": row.lead_agency,
            "start_on": day(row.start_on),
            "due_on": day(row.due_on),
            "original_due_on": day(row.original_due_on),
            "completed_on": day(row.completed_on),
            "status": row.status.value,
            "rag": row.rag.value if row.rag else None,
            "is_overdue": dated and row.due_on < today,
            "working_days_to_due": working_days_between(today, row.due_on, BANK_HOLIDAYS) if dated else None,
            "success_criteria": row.success_criteria,
            "last_progress_at": instant(row.last_progress_at),
            "archived_at": instant(row.archived_at),
            "created_at": instant(row.created_at),
            "updated_at": instant(row.updated_at),
            "html_url": html_url(row.id),
        }

    return to_json


def list_actions(args: Mapping[str, str], paging: Paging, today: date) -> ListPage:
    query = _actions().where(*filter_clauses(action_filters(args), today))
    return _page(query, "actions", paging, _action_json(today))


def get_action(action_id: int, today: date) -> dict[str, Any]:
    """One action, archived or not (its page in the app shows it either way)."""
    return _one(_actions().where(Action.id == action_id), _action_json(today), "action")


# Progress updates --------------------------------------------------------------------------------

PROGRESS_FILTERS = ("inspection", "action")
_AUTHOR = aliased(User, name="api_author")
_DECIDER = aliased(User, name="api_decider")
_PROGRESS_COLUMNS = (
    ProgressUpdate.id,
    ProgressUpdate.action_id,
    Action.inspection_id,
    ProgressUpdate.created_at,
    ProgressUpdate.author_id,
    _AUTHOR.name.label("author_name"),
    ProgressUpdate.status,
    ProgressUpdate.rag,
    ProgressUpdate.narrative,
    ProgressUpdate.evidence_links,
    ProgressUpdate.via_email_link,
    ProgressUpdate.via_spreadsheet,
    ProgressUpdate.requested_due_on,
    ProgressUpdate.request_reason,
    ProgressUpdate.request_state,
    ProgressUpdate.decided_by_id,
    _DECIDER.name.label("decided_by_name"),
    ProgressUpdate.decided_at,
    ProgressUpdate.decision_note,
)


def _progress_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "action_id": row.action_id,
        "inspection_id": row.inspection_id,
        "created_at": instant(row.created_at),
        "author": _person(row.author_id, row.author_name),
        "status": row.status.value,
        "rag": row.rag.value,
        "narrative": row.narrative,
        "evidence_links": [line for line in row.evidence_links.splitlines() if line.strip()],
        "via_email_link": row.via_email_link,
        "via_spreadsheet": row.via_spreadsheet,
        "requested_due_on": day(row.requested_due_on),
        "request_reason": row.request_reason,
        "request_state": row.request_state.value if row.request_state else None,
        "decided_by": _person(row.decided_by_id, row.decided_by_name),
        "decided_at": instant(row.decided_at),
        "decision_note": row.decision_note,
    }


def list_progress_updates(args: Mapping[str, str], paging: Paging) -> ListPage:
    query = (
        select(*_PROGRESS_COLUMNS)
        .select_from(ProgressUpdate)
        .join(Action, ProgressUpdate.action_id == Action.id)
        .outerjoin(_AUTHOR, ProgressUpdate.author_id == _AUTHOR.id)
        .outerjoin(_DECIDER, ProgressUpdate.decided_by_id == _DECIDER.id)
        .where(Action.archived_at.is_(None))
    )
    if (inspection_id := whole_number(args, "inspection")) is not None:
        query = query.where(Action.inspection_id == inspection_id)
    if (action_id := whole_number(args, "action")) is not None:
        query = query.where(ProgressUpdate.action_id == action_id)
    return _page(query, "progress-updates", paging, _progress_json)


# Statutory deadlines -----------------------------------------------------------------------------

DEADLINE_FILTERS = ("inspection",)
_DEADLINE_COLUMNS = (
    StatutoryDeadline.id,
    StatutoryDeadline.inspection_id,
    StatutoryDeadline.kind,
    StatutoryDeadline.title,
    StatutoryDeadline.rule_code,
    StatutoryDeadline.rule_source,
    StatutoryDeadline.working_days,
    StatutoryDeadline.anchor,
    StatutoryDeadline.counting,
    StatutoryDeadline.computed_due_on,
    StatutoryDeadline.due_on,
    StatutoryDeadline.override_reason,
    StatutoryDeadline.met_on,
)


def _deadline_json(today: date) -> Callable[[Any], dict[str, Any]]:
    def to_json(row: Any) -> dict[str, Any]:
        counting = row.due_on is not None and row.met_on is None
        return {
            "id": row.id,
            "inspection_id": row.inspection_id,
            "kind": row.kind.value,
            "title": row.title,
            "rule_code": row.rule_code,
            "rule_source": row.rule_source,
            "working_days": row.working_days,
            "anchor": row.anchor.value if row.anchor else None,
            "counting": row.counting.value if row.counting else None,
            "computed_due_on": day(row.computed_due_on),
            "due_on": day(row.due_on),
            "override_reason": row.override_reason,
            "met_on": day(row.met_on),
            "working_days_left": working_days_between(today, row.due_on, BANK_HOLIDAYS) if counting else None,
        }

    return to_json


def list_statutory_deadlines(args: Mapping[str, str], paging: Paging, today: date) -> ListPage:
    query = select(*_DEADLINE_COLUMNS)
    if (inspection_id := whole_number(args, "inspection")) is not None:
        query = query.where(StatutoryDeadline.inspection_id == inspection_id)
    return _page(query, "statutory-deadlines", paging, _deadline_json(today))
