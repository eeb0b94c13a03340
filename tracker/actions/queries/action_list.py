"""All actions: actions across inspections, filtered and sorted as the URL says, one page at a time."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from tracker import cache_stamps
from tracker.actions.queries.my_actions import MY_STATUS_CHOICES
from tracker.actions.queries.shared import Pagination, live, status_clause, working_days_to_due
from tracker.domain.vocabulary import NOT_RATED, RAG_ORDER, TIMESCALES
from tracker.extensions import db
from tracker.models import (
    OPEN_STATUSES,
    Action,
    ActionStatus,
    Framework,
    Inspection,
    Rag,
    Recommendation,
    Timescale,
    User,
    is_open,
    written_in,
)
from tracker.numbers import page_number, whole_number

ACTIONS_PER_PAGE = 50
# A filter offers a select while it has at most this many choices, and a search box beyond: a select of a thousand
# people is as slow to use as it is to send (GOV.UK advises against long selects), and its cost grew with the data.
LONGEST_SELECT = 300

SORTS = {
    "due": "Due date, soonest first",
    "-due": "Due date, latest first",
    "reference": "Inspection and reference",
    "title": "Action, A to Z",
    "owner": "Owner, A to Z",
    "rag": "RAG, red first",
    "status": "Status",
    "updated": "Last progress, newest first",
}
STATUS_FILTER_CHOICES = (("", "Any status"), *MY_STATUS_CHOICES[:1], *MY_STATUS_CHOICES[2:])


@dataclass(frozen=True)
class ActionFilters:
    inspection_id: int | None = None
    inspection_name: str = ""
    owner_id: int | None = None
    owner_name: str = ""
    agency: str = ""
    rag: str = ""
    status: str = ""
    timescale: str = ""
    overdue: bool = False
    q: str = ""
    sort: str = "due"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ActionFilters:
        rag = args.get("rag", "")
        status = args.get("status", "")
        timescale = args.get("timescale", "")
        sort = args.get("sort", "due")
        return cls(
            inspection_id=whole_number(args.get("inspection")),
            inspection_name=args.get("inspection_name", "").strip()[:200],
            owner_id=whole_number(args.get("owner")),
            owner_name=args.get("owner_name", "").strip()[:200],
            agency=args.get("agency", "").strip()[:200],
            rag=rag if rag in RAG_ORDER or rag == NOT_RATED else "",
            status=status if status in dict(STATUS_FILTER_CHOICES) else "",
            timescale=timescale if timescale in TIMESCALES else "",
            overdue=args.get("overdue") == "yes",
            q=args.get("q", "").strip()[:200],
            sort=sort if sort in SORTS else "due",
            page=page_number(args.get("page")),
        )

    def as_args(self) -> dict[str, Any]:
        """The filters as URL parameters (page left out), so links keep them."""
        args: dict[str, Any] = {
            "inspection": self.inspection_id,
            "inspection_name": self.inspection_name,
            "owner": self.owner_id,
            "owner_name": self.owner_name,
            "agency": self.agency,
            "rag": self.rag,
            "status": self.status,
            "timescale": self.timescale,
            "overdue": "yes" if self.overdue else "",
            "q": self.q,
            "sort": self.sort if self.sort != "due" else "",
        }
        return {key: value for key, value in args.items() if value not in (None, "")}

    def args_without(self, name: str) -> dict[str, Any]:
        """The URL parameters less one filter's, for a link that drops it."""
        return {key: value for key, value in self.as_args().items() if key != name}

    @property
    def is_filtered(self) -> bool:
        return any(key != "sort" for key in self.as_args())


@dataclass(frozen=True, slots=True)
class ListedAction:
    """What a row of the action list shows: plain values, read straight from one query's rows (loading 50 mapped
    actions with their recommendation, owner and inspection cost twice as much, a sixth of the page's time)."""

    id: int
    reference: str
    title: str
    lead_agency: str
    due_on: date | None
    status: ActionStatus
    rag: Rag | None
    timescale: Timescale
    authority: str
    framework: Framework
    owner_name: str | None
    owner_active: bool | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class ListedActionLine:
    action: ListedAction
    is_overdue: bool
    working_days_to_due: int | None


@dataclass(frozen=True)
class FilterChoices:
    """What the owner, inspection and agency filters offer: the same for every request until one of them changes,
    so each worker keeps them (cache_stamps.ACTION_FILTERS says when they change)."""

    owners: tuple[tuple[int, str], ...] | None  # id and name; None: too many for a select, a search box instead
    inspections: tuple[tuple[int, str], ...] | None  # id and title; None as for owners
    agencies: tuple[str, ...]


@dataclass
class ActionListPage:
    filters: ActionFilters
    lines: list[ListedActionLine]
    pagination: Pagination
    choices: FilterChoices
    owner_shown: str | None = None  # the name of the owner chosen by id when there is no select to show it
    inspection_shown: str | None = None


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    return func.lower(column).contains(text.lower(), autoescape=True)


def filter_clauses(filters: ActionFilters, today: date) -> list[ColumnElement[bool]]:
    """What All actions' filters ask for, as WHERE clauses on live actions (the timescale's needs the
    recommendation joined). The API and the cross-inspection export filter with these too."""
    clauses: list[ColumnElement[bool]] = [live()]
    if filters.inspection_id:
        clauses.append(Action.inspection_id == filters.inspection_id)
    if filters.inspection_name:
        named = select(Inspection.id).where(
            _contains(Inspection.title, filters.inspection_name)
            | _contains(Inspection.authority, filters.inspection_name)
        )
        clauses.append(Action.inspection_id.in_(named))
    if filters.owner_id:
        clauses.append(Action.owner_id == filters.owner_id)
    if filters.owner_name:
        named = select(User.id).where(
            _contains(User.name, filters.owner_name) | _contains(User.email, filters.owner_name)
        )
        clauses.append(Action.owner_id.in_(named))
    if filters.agency:
        clauses.append(Action.lead_agency == filters.agency)
    if filters.rag == NOT_RATED:
        clauses.append(Action.rag.is_(None))
    elif filters.rag:
        clauses.append(Action.rag == Rag(filters.rag))
    by_status = status_clause(filters.status)
    if by_status is not None:
        clauses.append(by_status)
    if filters.timescale:
        clauses.append(Recommendation.timescale == Timescale(filters.timescale))
    if filters.overdue:
        clauses.extend([is_open(), Action.due_on < today])
    if filters.q:
        text = filters.q.lower()
        clauses.append(
            func.lower(Action.reference).contains(text, autoescape=True)
            | func.lower(Action.title).contains(text, autoescape=True)
            | func.lower(Action.description).contains(text, autoescape=True)
            | func.lower(Action.success_criteria).contains(text, autoescape=True)
            | func.lower(Action.lead_agency).contains(text, autoescape=True)
        )
    return clauses


def _rank(column: Any, order: tuple[Any, ...]) -> ColumnElement[int]:
    return case(*((column == value, index) for index, value in enumerate(order)), else_=len(order))


def _due() -> list[Any]:
    # NULLS LAST rather than "due_on IS NULL" first: the same order, and one an index on due_on can serve.
    return [Action.due_on.asc().nulls_last()]


_ORDERS: dict[str, Callable[[Any], list[Any]]] = {
    "due": lambda owner: _due(),
    "-due": lambda owner: [Action.due_on.desc().nulls_last()],
    "reference": lambda owner: [Action.inspection_id, Recommendation.position, Action.position],
    "title": lambda owner: [func.lower(Action.title)],
    "owner": lambda owner: [owner.name.is_(None), func.lower(owner.name), *_due()],
    "rag": lambda owner: [_rank(Action.rag, RAG_ORDER), *_due()],
    "status": lambda owner: [_rank(Action.status, tuple(ActionStatus)), *_due()],
    "updated": lambda owner: [Action.last_progress_at.is_(None), Action.last_progress_at.desc()],
}


def sort_order(sort: str, owner: Any) -> list[Any]:
    """ORDER BY for one of SORTS, `owner` being the joined owner's alias; the action's id settles ties."""
    return [*_ORDERS[sort](owner), Action.id]


# Made once: a new alias per request would make SQLAlchemy adapt every column again.
_SORT_OWNER = aliased(User, name="sort_owner")
_OWNER = aliased(User, name="owner")


def _matching(columns: list[Any], filters: ActionFilters, today: date, owner: Any) -> Any:
    """SELECT `columns` from the actions the filters match, joining only what the filters or sort read."""
    query = select(*columns).select_from(Action).where(*filter_clauses(filters, today))
    if filters.timescale or filters.sort == "reference":
        query = query.join(Action.recommendation)
    if filters.sort == "owner":
        query = query.outerjoin(owner, Action.owner_id == owner.id)
    return query


def _agencies_query() -> Any:
    """The lead agencies of live actions, A to Z: one index probe per agency (a loose index scan on
    ix_actions_live_agency), not a pass over every action."""
    first = select(func.min(Action.lead_agency).label("name")).where(live(), Action.lead_agency > "")
    agencies = first.cte("agencies", recursive=True)
    following = select(func.min(Action.lead_agency)).where(live(), Action.lead_agency > agencies.c.name)
    agencies = agencies.union_all(select(following.scalar_subquery()).where(agencies.c.name.is_not(None)))
    return select(agencies.c.name).where(agencies.c.name.is_not(None)).order_by(agencies.c.name)


# The filters' choices are the same for every request: their statements are built once.
_AGENCIES = _agencies_query()
# The owners of live actions, as far as one more than a select holds: distinct values read in index order from
# ix_actions_live_owner, stopping there, rather than a look for a live action for every person.
_OWNER_IDS = select(Action.owner_id).where(live(), Action.owner_id.is_not(None)).distinct()
_INSPECTIONS = select(Inspection.id, Inspection.title).order_by(
    Inspection.published_on.desc().nulls_last(), Inspection.id
)


def _owner_choices() -> tuple[tuple[int, str], ...] | None:
    """The people who own live actions, by name, or None when there are too many for a select."""
    ids = list(db.session.scalars(_OWNER_IDS.limit(LONGEST_SELECT + 1)))
    if len(ids) > LONGEST_SELECT:
        return None
    named = select(User.id, User.name).where(User.id.in_(ids)).order_by(User.name, User.id)
    return tuple((id_, name) for id_, name in db.session.execute(named))


def _inspection_choices() -> tuple[tuple[int, str], ...] | None:
    """Every inspection, the latest first, or None when there are too many for a select."""
    rows = tuple((id_, title) for id_, title in db.session.execute(_INSPECTIONS.limit(LONGEST_SELECT + 1)))
    return None if len(rows) > LONGEST_SELECT else rows


def _read_filter_choices() -> FilterChoices:
    return FilterChoices(_owner_choices(), _inspection_choices(), tuple(db.session.scalars(_AGENCIES)))


def filter_choices() -> FilterChoices:
    return cache_stamps.cached(cache_stamps.ACTION_FILTERS, _read_filter_choices)


_LISTED_COLUMNS = (
    Action.id,
    Action.reference,
    Action.title,
    Action.lead_agency,
    Action.due_on,
    Action.status,
    Action.rag,
    Recommendation.timescale,
    Inspection.authority,
    Inspection.framework,
    _OWNER.name,
    _OWNER.active,
)


def _count(filters: ActionFilters, today: date) -> Any:
    """How many actions the filters match: over the filters' index alone (an index-only count of overdue actions),
    not a running count over every matching row sorted with its sort keys."""
    query = select(func.count()).select_from(Action).where(*filter_clauses(filters, today))
    return query.join(Action.recommendation) if filters.timescale else query


def _action_page(filters: ActionFilters, today: date, page: int) -> tuple[list[ListedAction], int]:
    """Page `page` of the matching actions and how many match, in one statement.

    The page's ids are chosen from narrow rows (the id and the sort keys) and only those 50 actions are joined to
    their recommendation, owner and inspection: sorting every matching row with its joins cost far more. Only the
    columns the list shows are read. The count is a subquery PostgreSQL runs once beside them.
    """
    chosen = (
        _matching([Action.id], filters, today, _SORT_OWNER)
        .order_by(*sort_order(filters.sort, _SORT_OWNER))
        .limit(written_in(ACTIONS_PER_PAGE))
        .offset(written_in((page - 1) * ACTIONS_PER_PAGE))
        .subquery("chosen")
    )
    query = (
        select(*_LISTED_COLUMNS, _count(filters, today).correlate(None).scalar_subquery())
        .select_from(Action)
        .join(chosen, chosen.c.id == Action.id)
        .join(Action.recommendation)
        .outerjoin(_OWNER, Action.owner_id == _OWNER.id)
        .join(Action.inspection)
        .order_by(*sort_order(filters.sort, _OWNER))
    )
    rows = db.session.execute(query).all()
    # The columns are _LISTED_COLUMNS in ListedAction's order, then the count: a row's values are untyped here.
    values: list[tuple[Any, ...]] = [tuple(row) for row in rows]
    return [ListedAction(*row[:-1]) for row in values], int(values[0][-1]) if values else 0


def _chosen_name(statement: Any, chosen: int | None, choices: tuple[Any, ...] | None) -> str | None:
    """The name of what a filter chose by id when there are too many choices for a select to show it."""
    if chosen is None or choices is not None:
        return None
    return db.session.scalar(statement)


def build_action_list(filters: ActionFilters, today: date) -> ActionListPage:
    """Actions across inspections, filtered and sorted as the URL says, one page at a time."""
    actions, total = _action_page(filters, today, filters.page)
    if not actions and filters.page > 1:
        # Past the last page (an old link, a narrower filter): show the last page there is.
        total = db.session.scalar(_count(filters, today)) or 0
        if total:
            actions, total = _action_page(filters, today, math.ceil(total / ACTIONS_PER_PAGE))
    pages = max(1, math.ceil(total / ACTIONS_PER_PAGE))
    pagination = Pagination(min(filters.page, pages), ACTIONS_PER_PAGE, total)
    lines = [
        ListedActionLine(
            action,
            is_overdue=action.is_open and action.due_on is not None and action.due_on < today,
            working_days_to_due=working_days_to_due(action, today),
        )
        for action in actions
    ]
    choices = filter_choices()
    return ActionListPage(
        filters,
        lines,
        pagination,
        choices,
        owner_shown=_chosen_name(
            select(User.name).where(User.id == filters.owner_id), filters.owner_id, choices.owners
        ),
        inspection_shown=_chosen_name(
            select(Inspection.title).where(Inspection.id == filters.inspection_id),
            filters.inspection_id,
            choices.inspections,
        ),
    )
