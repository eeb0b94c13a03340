"""What the action pages show: my actions, the action list, the plan, the dashboard, an action's history.

Each page runs a fixed number of queries whatever the number of actions (many-to-one links are
joined, lists are paginated), so page work does not grow with the database (DESIGN §9).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, case, func, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql.elements import ColumnElement

from tracker.actions import services
from tracker.clock import BANK_HOLIDAYS, as_utc
from tracker.domain.action_order import plan_pages
from tracker.domain.due_phrase import working_days_text
from tracker.domain.formatting import format_date
from tracker.domain.plan_lifecycle import DeadlineOutcome, publication_outcome
from tracker.domain.vocabulary import NOT_RATED, RAG_ORDER, STATUSES, TIMESCALES
from tracker.domain.working_days import add_working_days, working_days_between
from tracker.extensions import db
from tracker.inspections.deadlines import no_date_text
from tracker.models import (
    OPEN_STATUSES,
    Action,
    ActionStatus,
    AuditEvent,
    DeadlineKind,
    DueDateRequestState,
    Framework,
    Inspection,
    ProgressUpdate,
    Rag,
    Recommendation,
    StatutoryDeadline,
    Timescale,
    User,
)
from tracker.numbers import page_number, whole_number

MY_ACTIONS_PER_PAGE = 25
ACTIONS_PER_PAGE = 50
ACTIONS_PER_PLAN_PAGE = 100
RECENT_UPDATES = 10
OVERDUE_SHOWN = 10

OVERDUE, DUE_SOON, LATER, CLOSED = 0, 1, 2, 3
SECTIONS = (OVERDUE, DUE_SOON, LATER, CLOSED)


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_shown(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last_shown(self) -> int:
        return min(self.total, self.offset + self.per_page)

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and those near this one; None where pages are left out."""
        numbers: list[int | None] = []
        for number in range(1, self.pages + 1):
            if number in (1, self.pages) or abs(number - self.page) <= around:
                numbers.append(number)
            elif numbers and numbers[-1] is not None:
                numbers.append(None)
        return numbers


def due_soon_limit(today: date, due_soon_working_days: int) -> date:
    """The last day that counts as due soon: the DUE_SOON_WORKING_DAYS setting's working days after today."""
    return add_working_days(today, due_soon_working_days, BANK_HOLIDAYS, counting="after")


def section_titles(due_soon_working_days: int) -> dict[int, str]:
    """My actions' sections, in order, as their captions read."""
    return {
        OVERDUE: "Overdue",
        DUE_SOON: f"Due in the next {working_days_text(due_soon_working_days)}",
        LATER: "Due later",
        CLOSED: "Complete or no longer required",
    }


def working_days_to_due(action: Action | ListedAction, today: date) -> int | None:
    """Working days until the due date (negative when overdue); None without a due date."""
    if action.due_on is None:
        return None
    return working_days_between(today, action.due_on, BANK_HOLIDAYS)


@dataclass
class ActionLine:
    action: Action
    section: int
    working_days_to_due: int | None

    @property
    def is_overdue(self) -> bool:
        return self.section == OVERDUE


def _live() -> ColumnElement[bool]:
    return Action.archived_at.is_(None)


def _section(today: date, due_soon_working_days: int) -> ColumnElement[int]:
    is_open = Action.status.in_(OPEN_STATUSES)
    return case(
        (and_(is_open, Action.due_on < today), OVERDUE),
        (and_(is_open, Action.due_on <= due_soon_limit(today, due_soon_working_days)), DUE_SOON),
        (is_open, LATER),
        else_=CLOSED,
    )


# My actions --------------------------------------------------------------------------------------

MY_STATUS_CHOICES = (
    ("open", "Open (not started or in progress)"),
    ("all", "All statuses"),
    *((status.value, status.label) for status in ActionStatus),
)


@dataclass(frozen=True)
class MyActionsFilters:
    inspection_id: int | None = None
    status: str = "open"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> MyActionsFilters:
        status = args.get("status", "open")
        inspection = args.get("inspection", "")
        return cls(
            inspection_id=whole_number(inspection),
            status=status if status in dict(MY_STATUS_CHOICES) else "open",
            page=page_number(args.get("page")),
        )

    def as_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {"status": self.status}
        if self.inspection_id:
            args["inspection"] = self.inspection_id
        return args


@dataclass
class MyActionsPage:
    filters: MyActionsFilters
    counts: dict[int, int]
    lines: list[ActionLine]
    pagination: Pagination
    inspections: list[Inspection]
    # Section → caption; the due-soon one names the setting's number of working days.
    sections: dict[int, str]


def _status_clause(status: str) -> ColumnElement[bool] | None:
    if status == "open":
        return Action.status.in_(OPEN_STATUSES)
    if status in STATUSES:
        return Action.status == ActionStatus(status)
    return None


def build_my_actions(
    user: User, today: date, filters: MyActionsFilters, *, due_soon_working_days: int
) -> MyActionsPage:
    """The person's actions: overdue (most overdue first), due soon, then the rest."""
    mine = [Action.owner_id == user.id, _live()]
    if filters.inspection_id:
        mine.append(Action.inspection_id == filters.inspection_id)
    section = _section(today, due_soon_working_days)
    count_rows = db.session.execute(select(section, func.count()).where(*mine).group_by(section))
    counts = dict.fromkeys(SECTIONS, 0) | {int(key): value for key, value in count_rows}
    shown = list(mine)
    status_clause = _status_clause(filters.status)
    if status_clause is not None:
        shown.append(status_clause)
    total = db.session.scalar(select(func.count()).select_from(Action).where(*shown)) or 0
    pagination = Pagination(
        min(filters.page, max(1, math.ceil(total / MY_ACTIONS_PER_PAGE))), MY_ACTIONS_PER_PAGE, total
    )
    rows = db.session.execute(
        select(Action, section)
        .options(joinedload(Action.inspection))
        .where(*shown)
        .order_by(section, Action.due_on.is_(None), Action.due_on, Action.id)
        .limit(pagination.per_page)
        .offset(pagination.offset)
    )
    lines = [ActionLine(action, int(key), working_days_to_due(action, today)) for action, key in rows]
    inspections = list(
        db.session.scalars(
            select(Inspection)
            .where(Inspection.id.in_(select(Action.inspection_id).where(Action.owner_id == user.id, _live())))
            .order_by(Inspection.published_on.desc().nulls_last(), Inspection.id)
        )
    )
    return MyActionsPage(filters, counts, lines, pagination, inspections, section_titles(due_soon_working_days))


# All actions -------------------------------------------------------------------------------------

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
    owner_id: int | None = None
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
            owner_id=whole_number(args.get("owner")),
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
            "owner": self.owner_id,
            "agency": self.agency,
            "rag": self.rag,
            "status": self.status,
            "timescale": self.timescale,
            "overdue": "yes" if self.overdue else "",
            "q": self.q,
            "sort": self.sort if self.sort != "due" else "",
        }
        return {key: value for key, value in args.items() if value not in (None, "")}

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


@dataclass
class ActionListPage:
    filters: ActionFilters
    lines: list[ListedActionLine]
    pagination: Pagination
    owners: list[Row[tuple[int, str]]]  # id and name
    agencies: list[str]
    inspections: list[Row[tuple[int, str]]]  # id and title


def filter_clauses(filters: ActionFilters, today: date) -> list[ColumnElement[bool]]:
    """What All actions' filters ask for, as WHERE clauses on live actions (the timescale's needs the
    recommendation joined). The API and the cross-inspection export filter with these too."""
    clauses: list[ColumnElement[bool]] = [_live()]
    if filters.inspection_id:
        clauses.append(Action.inspection_id == filters.inspection_id)
    if filters.owner_id:
        clauses.append(Action.owner_id == filters.owner_id)
    if filters.agency:
        clauses.append(Action.lead_agency == filters.agency)
    if filters.rag == NOT_RATED:
        clauses.append(Action.rag.is_(None))
    elif filters.rag:
        clauses.append(Action.rag == Rag(filters.rag))
    status_clause = _status_clause(filters.status)
    if status_clause is not None:
        clauses.append(status_clause)
    if filters.timescale:
        clauses.append(Recommendation.timescale == Timescale(filters.timescale))
    if filters.overdue:
        clauses.extend([Action.status.in_(OPEN_STATUSES), Action.due_on < today])
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
    first = select(func.min(Action.lead_agency).label("name")).where(_live(), Action.lead_agency > "")
    agencies = first.cte("agencies", recursive=True)
    following = select(func.min(Action.lead_agency)).where(_live(), Action.lead_agency > agencies.c.name)
    agencies = agencies.union_all(select(following.scalar_subquery()).where(agencies.c.name.is_not(None)))
    return select(agencies.c.name).where(agencies.c.name.is_not(None)).order_by(agencies.c.name)


# The filters' choices are the same for every request: their statements are built once.
_AGENCIES = _agencies_query()
_OWNERS = (
    select(User.id, User.name)
    .where(select(Action.id).where(Action.owner_id == User.id, _live()).exists())
    .order_by(User.name, User.id)
)
_INSPECTIONS = select(Inspection.id, Inspection.title).order_by(
    Inspection.published_on.desc().nulls_last(), Inspection.id
)


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


def _action_page(filters: ActionFilters, today: date, page: int) -> tuple[list[ListedAction], int]:
    """Page `page` of the matching actions and how many match, in one statement.

    The page's ids are chosen from narrow rows (the id, the sort keys and a running count) and only those 50
    actions are joined to their recommendation, owner and inspection: sorting every matching row with its joins
    cost far more. Only the columns the list shows are read.
    """
    chosen = (
        _matching([Action.id, func.count().over().label("total")], filters, today, _SORT_OWNER)
        .order_by(*sort_order(filters.sort, _SORT_OWNER))
        .limit(ACTIONS_PER_PAGE)
        .offset((page - 1) * ACTIONS_PER_PAGE)
        .subquery("chosen")
    )
    query = (
        select(*_LISTED_COLUMNS, chosen.c.total)
        .select_from(Action)
        .join(chosen, chosen.c.id == Action.id)
        .join(Action.recommendation)
        .outerjoin(_OWNER, Action.owner_id == _OWNER.id)
        .join(Action.inspection)
        .order_by(*sort_order(filters.sort, _OWNER))
    )
    rows = db.session.execute(query).all()
    return [ListedAction(*row[:-1]) for row in rows], rows[0][-1] if rows else 0


def build_action_list(filters: ActionFilters, today: date) -> ActionListPage:
    """Actions across inspections, filtered and sorted as the URL says, one page at a time."""
    actions, total = _action_page(filters, today, filters.page)
    if not actions and filters.page > 1:
        # Past the last page (an old link, a narrower filter): show the last page there is.
        total = db.session.scalar(_matching([func.count()], filters, today, _SORT_OWNER)) or 0
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
    return ActionListPage(
        filters,
        lines,
        pagination,
        owners=list(db.session.execute(_OWNERS)),
        agencies=list(db.session.scalars(_AGENCIES)),
        inspections=list(db.session.execute(_INSPECTIONS)),
    )


# The plan ----------------------------------------------------------------------------------------


@dataclass
class PlanAction:
    action: Action
    warnings: list[services.DueDateWarning]


@dataclass
class PlanRecommendation:
    recommendation: Recommendation
    actions: list[PlanAction] = field(default_factory=list)
    archived_count: int = 0


@dataclass
class PlanPage:
    inspection: Inspection
    deadline: StatutoryDeadline | None
    outcome: DeadlineOutcome | None
    recommendations: list[PlanRecommendation]
    pagination: Pagination
    action_count: int


def publication_check(inspection: Inspection, deadline: StatutoryDeadline | None) -> DeadlineOutcome | None:
    """Whether the published plan met its statutory date; None until both dates are known."""
    if deadline is None or deadline.due_on is None or inspection.plan_published_on is None:
        return None
    return publication_outcome(inspection.plan_published_on, deadline.due_on, BANK_HOLIDAYS)


def _actions_by_recommendation(recommendation_ids: list[int]) -> dict[int, list[Action]]:
    grouped: dict[int, list[Action]] = defaultdict(list)
    if not recommendation_ids:
        return grouped
    query = (
        select(Action)
        .options(joinedload(Action.owner))
        .where(Action.recommendation_id.in_(recommendation_ids))
        .order_by(Action.recommendation_id, Action.position, Action.id)
    )
    for action in db.session.scalars(query):
        grouped[action.recommendation_id].append(action)
    return grouped


@dataclass(frozen=True)
class PlanPagination(Pagination):
    """Pages of whole recommendations: `first_shown` to `last_shown` of `total` recommendations."""

    page_count: int = 1
    first: int = 0
    last: int = 0

    @property
    def pages(self) -> int:
        return self.page_count

    @property
    def first_shown(self) -> int:
        return self.first

    @property
    def last_shown(self) -> int:
        return self.last


def _plan_pagination(inspection_id: int, page: int, all_pages: bool) -> tuple[PlanPagination, list[int], int]:
    """Which recommendations this page shows (whole, about ACTIONS_PER_PLAN_PAGE actions a page)."""
    live_action = and_(Action.recommendation_id == Recommendation.id, _live())
    sizes = db.session.execute(
        select(Recommendation.id, func.count(Action.id))
        .outerjoin(Action, live_action)
        .where(Recommendation.inspection_id == inspection_id)
        .group_by(Recommendation.id, Recommendation.position)
        .order_by(Recommendation.position, Recommendation.id)
    ).all()
    action_count = sum(size for _id, size in sizes)
    groups = [[rec_id for rec_id, _size in sizes]] if all_pages else plan_pages(sizes, ACTIONS_PER_PLAN_PAGE)
    page = min(page, len(groups))
    before = sum(len(group) for group in groups[: page - 1])
    shown = groups[page - 1]
    pagination = PlanPagination(
        page=page,
        per_page=max(1, len(shown)),
        total=len(sizes),
        page_count=len(groups),
        first=before + 1 if shown else 0,
        last=before + len(shown),
    )
    return pagination, shown, action_count


def build_plan(inspection: Inspection, page: int, *, all_pages: bool = False) -> PlanPage:
    """The plan: recommendations in order, each with its actions and due-date warnings, a page at a time."""
    deadline = services.action_plan_deadline(inspection.id)
    pagination, shown, action_count = _plan_pagination(inspection.id, page, all_pages)
    recommendations = list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.id.in_(shown or [-1]))
            .order_by(Recommendation.position, Recommendation.id)
        )
    )
    grouped = _actions_by_recommendation([rec.id for rec in recommendations])
    sections = []
    for recommendation in recommendations:
        recommendation.inspection = inspection
        section = PlanRecommendation(recommendation)
        for action in grouped.get(recommendation.id, []):
            if action.archived_at is not None:
                section.archived_count += 1
                continue
            warnings = services.due_date_warnings(recommendation, action.due_on, deadline)
            section.actions.append(PlanAction(action, warnings))
        sections.append(section)
    return PlanPage(inspection, deadline, publication_check(inspection, deadline), sections, pagination, action_count)


# The dashboard -----------------------------------------------------------------------------------


@dataclass
class DeadlineLine:
    deadline: StatutoryDeadline
    working_days_left: int | None
    outcome: DeadlineOutcome | None
    no_date: str = ""


@dataclass
class DashboardPage:
    inspection: Inspection
    grid: dict[Timescale, dict[str, int]]
    timescales: list[Timescale]
    rag_totals: dict[str, int]
    status_counts: dict[ActionStatus, int]
    total: int
    overdue_count: int
    overdue: list[ActionLine]
    deadlines: list[DeadlineLine]
    recent_updates: list[ProgressUpdate]
    pending_requests: list[ProgressUpdate]
    unactioned: services.Unactioned


def _rag_grid(inspection_id: int) -> tuple[dict[Timescale, dict[str, int]], dict[str, int]]:
    rows = db.session.execute(
        select(Recommendation.timescale, Action.rag, func.count())
        .join(Action.recommendation)
        .where(Action.inspection_id == inspection_id, _live())
        .group_by(Recommendation.timescale, Action.rag)
    )
    grid: dict[Timescale, dict[str, int]] = {}
    totals: dict[str, int] = defaultdict(int)
    for timescale, rag, count in rows:
        key = rag.value if rag else NOT_RATED
        grid.setdefault(timescale, defaultdict(int))[key] += count
        grid[timescale]["total"] += count
        totals[key] += count
        totals["total"] += count
    return grid, totals


def _deadline_lines(inspection: Inspection, today: date) -> list[DeadlineLine]:
    deadlines = db.session.scalars(
        select(StatutoryDeadline)
        .where(StatutoryDeadline.inspection_id == inspection.id)
        .order_by(StatutoryDeadline.due_on.is_(None), StatutoryDeadline.due_on, StatutoryDeadline.id)
    )
    lines = []
    for deadline in deadlines:
        days = None
        if deadline.due_on and deadline.met_on is None:
            days = working_days_between(today, deadline.due_on, BANK_HOLIDAYS)
        outcome = None
        if deadline.kind == DeadlineKind.ACTION_PLAN:
            outcome = publication_check(inspection, deadline)
        elif deadline.met_on and deadline.due_on:
            outcome = publication_outcome(deadline.met_on, deadline.due_on, BANK_HOLIDAYS)
        no_date = no_date_text(deadline) if deadline.due_on is None and deadline.met_on is None else ""
        lines.append(DeadlineLine(deadline, days, outcome, no_date))
    return lines


def _updates_query() -> Any:
    return select(ProgressUpdate).options(
        joinedload(ProgressUpdate.action), joinedload(ProgressUpdate.author), joinedload(ProgressUpdate.decided_by)
    )


def build_dashboard(inspection: Inspection, today: date) -> DashboardPage:
    """Counts by RAG and timescale, what is overdue, the statutory dates and the latest updates."""
    grid, totals = _rag_grid(inspection.id)
    live = [Action.inspection_id == inspection.id, _live()]
    status_counts = dict.fromkeys(ActionStatus, 0) | dict(
        db.session.execute(select(Action.status, func.count()).where(*live).group_by(Action.status)).all()
    )
    overdue_where = [*live, Action.status.in_(OPEN_STATUSES), Action.due_on < today]
    overdue_count = db.session.scalar(select(func.count()).select_from(Action).where(*overdue_where)) or 0
    overdue_actions = db.session.scalars(
        select(Action)
        .options(joinedload(Action.owner))
        .where(*overdue_where)
        .order_by(Action.due_on, Action.id)
        .limit(OVERDUE_SHOWN)
    )
    overdue = [ActionLine(action, OVERDUE, working_days_to_due(action, today)) for action in overdue_actions]
    newest_first = (ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
    # The 10 newest are chosen before their action and people are joined: joining all of an inspection's
    # updates first and then keeping 10 cost several times more.
    recent_ids = (
        select(ProgressUpdate.id)
        .join(ProgressUpdate.action)
        .where(Action.inspection_id == inspection.id)
        .order_by(*newest_first)
        .limit(RECENT_UPDATES)
    )
    recent = list(
        db.session.scalars(
            _updates_query().where(ProgressUpdate.id.in_(recent_ids.scalar_subquery())).order_by(*newest_first)
        )
    )
    pending = list(
        db.session.scalars(
            _updates_query()
            .join(ProgressUpdate.action)
            .where(
                Action.inspection_id == inspection.id,
                ProgressUpdate.request_state == DueDateRequestState.PENDING,
                _live(),
            )
            .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
        )
    )
    timescales = [timescale for timescale in TIMESCALES if timescale in grid]
    return DashboardPage(
        inspection=inspection,
        grid=grid,
        timescales=timescales,
        rag_totals=totals,
        status_counts=status_counts,
        total=totals.get("total", 0),
        overdue_count=overdue_count,
        overdue=overdue,
        deadlines=_deadline_lines(inspection, today),
        recent_updates=recent,
        pending_requests=pending,
        unactioned=services.recommendations_without_actions(inspection.id),
    )


# One action and its history ----------------------------------------------------------------------

FIELD_LABELS = {
    "created": "Created",
    "deleted": "Deleted",
    "reference": "Reference",
    "title": "Action",
    "description": "Description",
    "owner": "Owner",
    "lead_agency": "Lead agency",
    "start_on": "Start date",
    "due_on": "Due date",
    "original_due_on": "Original due date",
    "success_criteria": "Success criteria",
    "status": "Status",
    "rag": "RAG rating",
    "completed_on": "Completed on",
    "position": "Position in the list",
    "archived_at": "Archived",
    "request_state": "Revised due date request",
}
DATE_FIELDS = {"start_on", "due_on", "original_due_on", "completed_on"}


def display_value(field_name: str, value: str | None) -> str:
    """An audit value as people read it: dates in words, statuses and ratings by their labels."""
    if value is None or value == "":
        return "(none)"
    try:
        if field_name in DATE_FIELDS:
            return format_date(date.fromisoformat(value))
        if field_name == "archived_at":
            return format_date(datetime.fromisoformat(value))
        if field_name == "status":
            return ActionStatus(value).label
        if field_name == "rag":
            return Rag(value).label
        if field_name == "request_state":
            return DueDateRequestState(value).value.capitalize()
        if field_name == "position":
            return str(int(value) + 1)
    except ValueError:
        return value
    return value


@dataclass
class HistoryEntry:
    event: AuditEvent

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.event.field, self.event.field.replace("_", " ").capitalize())

    @property
    def old(self) -> str:
        return display_value(self.event.field, self.event.old_value)

    @property
    def new(self) -> str:
        return display_value(self.event.field, self.event.new_value)


@dataclass
class ActionPage:
    action: Action
    updates: list[ProgressUpdate]
    history: list[HistoryEntry]
    warnings: list[services.DueDateWarning]
    working_days_to_due: int | None
    pending_requests: list[ProgressUpdate]


def action_history(action: Action, update_ids: list[int]) -> list[HistoryEntry]:
    """Every recorded change to the action and to decisions on its progress updates, newest first."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(
            ((AuditEvent.entity_type == "actions") & (AuditEvent.entity_id == action.id))
            | ((AuditEvent.entity_type == "progress_updates") & AuditEvent.entity_id.in_(update_ids or [-1]))
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return [HistoryEntry(event) for event in db.session.scalars(query)]


def build_action_page(action: Action, today: date) -> ActionPage:
    updates = list(
        db.session.scalars(
            _updates_query()
            .where(ProgressUpdate.action_id == action.id)
            .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        )
    )
    deadline = services.action_plan_deadline(action.inspection_id)
    return ActionPage(
        action=action,
        updates=updates,
        history=action_history(action, [update.id for update in updates]),
        warnings=services.due_date_warnings(action.recommendation, action.due_on, deadline),
        working_days_to_due=working_days_to_due(action, today),
        pending_requests=[u for u in updates if u.request_state == DueDateRequestState.PENDING],
    )


# Conflicts ---------------------------------------------------------------------------------------


@dataclass
class OtherChange:
    """Someone else's change made after a form was opened."""

    by: str
    at: datetime
    lines: list[str]


def seen_marks(action_id: int) -> str:
    """The newest audit row and progress update of an action when a form is opened, as "audit:update"."""
    audit = db.session.scalar(
        select(func.max(AuditEvent.id)).where(AuditEvent.entity_type == "actions", AuditEvent.entity_id == action_id)
    )
    update = db.session.scalar(select(func.max(ProgressUpdate.id)).where(ProgressUpdate.action_id == action_id))
    return f"{audit or 0}:{update or 0}"


def _parse_marks(seen: str) -> tuple[int, int]:
    audit, _, update = (seen or "").partition(":")
    return (whole_number(audit) or 0, whole_number(update) or 0)


def _progress_change(update: ProgressUpdate) -> OtherChange:
    lines = [f"Progress update: {update.status.label}, {update.rag.label}"]
    if update.narrative:
        lines.append(f"“{update.narrative}”")
    if update.requested_due_on:
        lines.append(f"Asked for a revised due date of {format_date(update.requested_due_on)}")
    return OtherChange(update.author.name if update.author else "Someone", as_utc(update.created_at), lines)


def newer_progress(action_id: int, seen: str) -> list[ProgressUpdate]:
    _, update_mark = _parse_marks(seen)
    return list(
        db.session.scalars(
            _updates_query()
            .where(ProgressUpdate.action_id == action_id, ProgressUpdate.id > update_mark)
            .order_by(ProgressUpdate.id)
        )
    )


def changes_since(action_id: int, seen: str) -> list[OtherChange]:
    """What others changed on the action after a form was opened at `seen`, oldest first."""
    audit_mark, _ = _parse_marks(seen)
    events = db.session.scalars(
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(AuditEvent.entity_type == "actions", AuditEvent.entity_id == action_id, AuditEvent.id > audit_mark)
        .order_by(AuditEvent.id)
    )
    changes: list[OtherChange] = []
    current: OtherChange | None = None
    current_actor: int | None = -1
    for event in events:
        if event.note == services.PROGRESS_NOTE:
            continue  # the progress update itself says this, below
        if current is None or event.actor_id != current_actor:
            current = OtherChange(event.actor.name if event.actor else "Someone", as_utc(event.occurred_at), [])
            current_actor = event.actor_id
            changes.append(current)
        entry = HistoryEntry(event)
        current.lines.append(f"{entry.label}: {entry.old} → {entry.new}")
    changes.extend(_progress_change(update) for update in newer_progress(action_id, seen))
    return sorted(changes, key=lambda change: change.at)


def values_before(action_id: int, seen: str) -> dict[str, str | None]:
    """Each field others changed after a form was opened at `seen`, with the value it had then (as audited)."""
    audit_mark, _ = _parse_marks(seen)
    rows = db.session.execute(
        select(AuditEvent.field, AuditEvent.old_value)
        .where(AuditEvent.entity_type == "actions", AuditEvent.entity_id == action_id, AuditEvent.id > audit_mark)
        .order_by(AuditEvent.id)
    )
    before: dict[str, str | None] = {}
    for field_name, old_value in rows:
        before.setdefault(field_name, old_value)
    return before


def is_repeat_of(update: ProgressUpdate, author: User, data: Mapping[str, Any]) -> bool:
    """Whether `update` is the same progress, from the same person, as `data` (a double-clicked submit)."""
    links = "\n".join(line.strip() for line in str(data.get("evidence_links") or "").splitlines() if line.strip())
    return (
        update.author_id == author.id
        and update.status.value == data.get("status")
        and update.rag.value == data.get("rag")
        and update.narrative == str(data.get("narrative") or "").strip()
        and update.evidence_links == links
        and update.requested_due_on == data.get("requested_due_on")
    )
