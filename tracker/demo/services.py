"""Loading the demo: people, the inspection, its plan and a believable progress history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import cycle

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tracker.clock import BANK_HOLIDAYS
from tracker.demo import data
from tracker.domain.working_days import add_working_days
from tracker.extensions import db
from tracker.inspections.deadlines import create_statutory_deadlines
from tracker.models import (
    Action,
    ActionStatus,
    DeadlineKind,
    DigestPreference,
    Framework,
    Inspection,
    Judgement,
    Meeting,
    PlanStatus,
    ProgressUpdate,
    Rag,
    Recommendation,
    Role,
    Timescale,
    User,
)
from tracker.permissions import can_own_actions


@dataclass(frozen=True)
class DemoResult:
    created: bool
    people: int = 0
    recommendations: int = 0
    actions: int = 0
    updates: int = 0


# The shape of the plan today, cycled over the actions: (status, due date in working days from today).
# Negative offsets are overdue, small positive ones due soon: about one action in ten is overdue.
PLAN_SHAPE = (
    ("complete", -40),
    ("in_progress", 45),
    ("in_progress", 80),
    ("in_progress", 4),
    ("in_progress", 150),
    ("in_progress", -7),
    ("complete", 20),
    ("not_started", 120),
    ("in_progress", 8),
    ("in_progress", 30),
)
# The service manager's own actions are set so that the demo log-in shows every case.
SERVICE_MANAGER_SHAPE = (
    ("in_progress", -12),
    ("in_progress", 3),
    ("in_progress", 60),
    ("complete", -30),
    ("in_progress", -4),
    ("in_progress", 9),
)


def database_is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None


def is_loaded() -> bool:
    query = select(Inspection.id).where(Inspection.source_sha256 == data.DEMO_SOURCE_KEY)
    return db.session.scalar(query) is not None


def load_demo(today: date) -> DemoResult:
    """Create the demo unless it is already there (idempotent)."""
    if is_loaded():
        return DemoResult(created=False)
    people = _create_people()
    inspection = _create_inspection(people["pm"])
    actions = _create_plan(inspection, people, today)
    updates = _create_history(actions, people, today)
    _create_meetings(inspection, today)
    return DemoResult(
        created=True,
        people=len(people),
        recommendations=len(inspection.recommendations),
        actions=len(actions),
        updates=updates,
    )


def _create_people() -> dict[str, User]:
    people: dict[str, User] = {}
    # One hash shared by every demo person: scrypt is slow on purpose, and they share a password.
    password_hash = generate_password_hash(data.DEMO_PASSWORD, method="scrypt")
    for person in data.PEOPLE:
        existing = db.session.scalars(select(User).where(User.email == person.email)).first()
        user = existing or User(email=person.email)
        user.name = person.name
        user.role = Role(person.role)
        user.job_title = person.job_title
        user.organisation = person.organisation
        user.active = True
        user.digest_preference = DigestPreference.DAILY
        user.password_hash = password_hash
        db.session.add(user)
        people[person.key] = user
    for person in data.PEOPLE:
        if person.line_manager:
            people[person.key].line_manager = people[person.line_manager]
    db.session.flush()
    return people


def _create_inspection(manager: User) -> Inspection:
    inspection = Inspection(
        **{**data.INSPECTION, "framework": Framework(data.INSPECTION["framework"])},
        source_sha256=data.DEMO_SOURCE_KEY,
        plan_status=PlanStatus.PUBLISHED,
        plan_published_on=date(2008, 9, 9),
        managers=[manager],
    )
    inspection.judgements = [
        Judgement(area=area, grade=grade, position=i) for i, (area, grade) in enumerate(data.JUDGEMENTS)
    ]
    inspection.recommendations = [
        Recommendation(
            number=str(i + 1),
            timescale=Timescale(timescale),
            addressee=data.ADDRESSEE,
            text=text,
            position=i,
        )
        for i, (timescale, text, _actions) in enumerate(data.RECOMMENDATIONS)
    ]
    db.session.add(inspection)
    db.session.flush()
    for deadline in create_statutory_deadlines(inspection):
        # Leicester published the report locally on 10 July 2008 and the plan on 9 September 2008.
        deadline.met_on = date(2008, 7, 10) if deadline.kind == DeadlineKind.PUBLISH_REPORT else date(2008, 9, 9)
        for item in deadline.checklist:
            item.done_on = deadline.met_on
            item.evidence = "Recorded by the programme office"
    return inspection


def _create_plan(inspection: Inspection, people: dict[str, User], today: date) -> list[Action]:
    actions: list[Action] = []
    service_manager_shape, plan_shape = cycle(SERVICE_MANAGER_SHAPE), cycle(PLAN_SHAPE)
    for recommendation, (_timescale, _text, action_rows) in zip(
        inspection.recommendations, data.RECOMMENDATIONS, strict=True
    ):
        for position, (title, owner_key, criteria) in enumerate(action_rows):
            if not can_own_actions(people[owner_key]):
                # The demo keeps the rule the forms keep: a viewer owns no action.
                raise ValueError(f"Demo data: {people[owner_key].name} cannot own an action ({title})")
            status, offset = next(service_manager_shape if owner_key == "sm" else plan_shape)
            due_on = add_working_days(today, offset, BANK_HOLIDAYS, counting="after")
            action = Action(
                recommendation=recommendation,
                inspection=inspection,
                reference=f"{recommendation.number}.{position + 1}",
                title=title,
                description="",
                owner=people[owner_key],
                lead_agency=data.AGENCY.get(owner_key, data.DEFAULT_AGENCY),
                start_on=today - timedelta(days=120),
                created_at=_at(today - timedelta(days=120), 9),
                due_on=due_on,
                original_due_on=due_on,
                success_criteria=criteria,
                status=ActionStatus(status),
                position=position,
            )
            actions.append(action)
    db.session.add_all(actions)
    db.session.flush()
    return actions


def _rag_for(action: Action, today: date) -> Rag:
    if action.status == ActionStatus.COMPLETE:
        return Rag.BLUE
    if action.due_on and action.due_on < today:
        return Rag.RED
    if action.due_on and action.due_on <= add_working_days(today, 10, BANK_HOLIDAYS, counting="after"):
        return Rag.AMBER
    return Rag.GREEN


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 15), tzinfo=UTC)


def _create_history(actions: list[Action], people: dict[str, User], today: date) -> int:
    """Monthly updates for started actions, the latest one setting the action's status and RAG."""
    count = 0
    for index, action in enumerate(actions):
        if action.status == ActionStatus.NOT_STARTED:
            continue
        final_rag = _rag_for(action, today)
        steps = [(Rag.GREEN, ActionStatus.IN_PROGRESS, 75), (final_rag, action.status, 12 + index % 9)]
        if index % 3 == 0:
            steps.insert(1, (Rag.AMBER if final_rag != Rag.GREEN else Rag.GREEN, ActionStatus.IN_PROGRESS, 40))
        for rag, status, days_ago in steps:
            narratives = data.NARRATIVES[rag.value]
            created_at = _at(today - timedelta(days=days_ago), 9 + index % 7)
            db.session.add(
                ProgressUpdate(
                    action=action,
                    inspection=action.inspection,
                    author=action.owner,
                    created_at=created_at,
                    status=status,
                    rag=rag,
                    narrative=narratives[(index + days_ago) % len(narratives)],
                )
            )
            count += 1
        action.rag = final_rag
        action.last_progress_at = created_at
        if action.status == ActionStatus.COMPLETE:
            action.completed_on = created_at.date()
    if people:
        db.session.flush()
    return count


def _create_meetings(inspection: Inspection, today: date) -> None:
    osmb = add_working_days(today, 12, BANK_HOLIDAYS, counting="after")
    cabinet = add_working_days(today, 24, BANK_HOLIDAYS, counting="after")
    db.session.add_all(
        [
            Meeting(inspection=inspection, committee="Overview and Scrutiny Management Board", meets_on=osmb),
            Meeting(inspection=inspection, committee="Cabinet", meets_on=cabinet),
        ]
    )
