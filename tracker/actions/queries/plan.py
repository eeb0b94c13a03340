"""The plan: recommendations in order, each with its actions and due-date warnings, a page of whole
recommendations at a time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from tracker.actions.due_dates import DueDateWarning, action_plan_deadline, due_date_warnings
from tracker.actions.queries.shared import Pagination, live
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.action_order import plan_pages
from tracker.domain.plan_lifecycle import DeadlineOutcome, publication_outcome
from tracker.domain.quoting import Quote, quote_recommendation
from tracker.extensions import db
from tracker.models import Action, Inspection, Recommendation, StatutoryDeadline

ACTIONS_PER_PLAN_PAGE = 100


@dataclass
class PlanAction:
    action: Action
    warnings: list[DueDateWarning]


@dataclass
class PlanRecommendation:
    recommendation: Recommendation
    actions: list[PlanAction] = field(default_factory=list)
    archived_count: int = 0

    @property
    def quote(self) -> Quote:
        """The recommendation whole, as the report printed it."""
        return quote_recommendation(self.recommendation.addressee, self.recommendation.text)


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
    live_action = and_(Action.recommendation_id == Recommendation.id, live())
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
    deadline = action_plan_deadline(inspection.id)
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
            warnings = due_date_warnings(recommendation, action.due_on, deadline)
            section.actions.append(PlanAction(action, warnings))
        sections.append(section)
    return PlanPage(inspection, deadline, publication_check(inspection, deadline), sections, pagination, action_count)


@dataclass(frozen=True)
class Unactioned:
    """The recommendations with no live action, by number, out of all the inspection's recommendations."""

    numbers: list[str]
    total: int

    def __bool__(self) -> bool:
        return bool(self.numbers)

    @property
    def sentence(self) -> str:
        """ "4 of 7 recommendations have no actions: 3, 5, 6, 7"."""
        count = len(self.numbers)
        verb = "has" if count == 1 else "have"
        noun = "recommendation" if self.total == 1 else "recommendations"
        return f"{count} of {self.total} {noun} {verb} no actions: {', '.join(self.numbers)}"


def recommendations_without_actions(inspection_id: int) -> Unactioned:
    """Recommendations that no live (unarchived) action answers, in plan order."""
    has_action = (
        select(Action.id).where(Action.recommendation_id == Recommendation.id, Action.archived_at.is_(None)).exists()
    )
    rows = db.session.execute(
        select(Recommendation, has_action)
        .where(Recommendation.inspection_id == inspection_id)
        .order_by(Recommendation.position, Recommendation.id)
    ).all()
    return Unactioned([recommendation.shown_number for recommendation, answered in rows if not answered], len(rows))
