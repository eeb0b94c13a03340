"""A small action plan with a believable history, for the progress report tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from tests.factories import (
    ActionFactory,
    InspectionFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    UserFactory,
)
from tracker.models import (
    Action,
    ActionStatus,
    AuditEvent,
    DeadlineKind,
    DueDateRequestState,
    Inspection,
    Rag,
    Role,
    StatutoryDeadline,
    Timescale,
    User,
)

AS_AT = date(2026, 11, 20)
BEFORE = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


@dataclass
class Plan:
    inspection: Inspection
    manager: User
    owner: User
    actions: dict[str, Action]


def change_due_date(action: Action, new: date, when: datetime, note: str = "", actor: User | None = None) -> None:
    """What the action plan pages record when a due date changes: the new date and one audit row."""
    from tracker.extensions import db

    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            occurred_at=when,
            entity_type="actions",
            entity_id=action.id,
            inspection_id=action.inspection_id,
            field="due_on",
            old_value=action.due_on.isoformat() if action.due_on else None,
            new_value=new.isoformat(),
            note=note,
        )
    )
    action.due_on = new


@pytest.fixture
def plan(db_session, now) -> Plan:  # noqa: ANN001
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, name="Jo Clarke")
    owner = UserFactory(role=Role.SERVICE_MANAGER, name="Sam Patel", job_title="Head of Service")
    inspection = InspectionFactory(title="Joint Area Review of Leicester", managers=[manager])
    first = RecommendationFactory(
        inspection=inspection, number="1", timescale=Timescale.IMMEDIATE, text="ensure that findings are shared"
    )
    second = RecommendationFactory(
        inspection=inspection, number="2", timescale=Timescale.SIX_MONTHS, text="develop a coordinated strategy"
    )

    def make(recommendation, reference: str, title: str, due_on: date, **fields) -> Action:  # noqa: ANN001, ANN003
        return ActionFactory(
            recommendation=recommendation,
            reference=reference,
            title=title,
            owner=owner,
            due_on=due_on,
            original_due_on=due_on,
            created_at=BEFORE,
            success_criteria=f"Criteria for {reference}",
            **fields,
        )

    actions = {
        "red": make(first, "1.1", "Share the findings with young people", date(2026, 11, 13)),
        "green": make(first, "1.2", "Publish a summary leaflet", date(2027, 1, 29)),
        "done": make(second, "2.1", "Agree the strategy", date(2026, 10, 30)),
        "revised": make(second, "2.2", "Commission therapy services", date(2026, 11, 30)),
    }
    history = [
        ("red", at(date(2026, 10, 5)), ActionStatus.IN_PROGRESS, Rag.GREEN, "Planning the sessions"),
        ("red", at(date(2026, 11, 16)), ActionStatus.IN_PROGRESS, Rag.RED, "Off track: the venue fell through"),
        ("green", at(date(2026, 11, 2)), ActionStatus.IN_PROGRESS, Rag.GREEN, "Draft leaflet with designers"),
        ("done", at(date(2026, 10, 28)), ActionStatus.COMPLETE, Rag.BLUE, "Strategy agreed by the partnership"),
    ]
    for key, created_at, status, rag, narrative in history:
        ProgressUpdateFactory(action=actions[key], created_at=created_at, status=status, rag=rag, narrative=narrative)
    ProgressUpdateFactory(
        action=actions["revised"],
        created_at=at(date(2026, 11, 3)),
        status=ActionStatus.IN_PROGRESS,
        rag=Rag.AMBER,
        narrative="Provider withdrew",
        requested_due_on=date(2027, 2, 26),
        request_reason="The preferred provider withdrew from the framework",
        request_state=DueDateRequestState.APPROVED,
        decided_at=at(date(2026, 11, 4)),
    )
    change_due_date(actions["revised"], date(2027, 2, 26), at(date(2026, 11, 4)), actor=manager)
    db_session.add(
        StatutoryDeadline(
            inspection=inspection,
            kind=DeadlineKind.ACTION_PLAN,
            title="Publish the action plan",
            due_on=date(2008, 9, 9),
            computed_due_on=date(2008, 9, 9),
            met_on=date(2008, 9, 9),
        )
    )
    for action in actions.values():
        action.created_at = BEFORE
    db_session.commit()
    return Plan(inspection, manager, owner, actions)


REPORT_FORM = {
    "committee": "Cabinet",
    "meets_on": ["7", "12", "2026"],
    "as_at": ["20", "11", "2026"],
    "title": "JAR action plan: progress report",
    "report_of": "the Director of Children's Services",
    "wards_affected": "All",
    "timetable_1_committee": "OSMB",
    "timetable_1_meets_on": ["26", "11", "2026"],
    "timetable_2_committee": "Cabinet",
    "timetable_2_meets_on": ["7", "12", "2026"],
    "purpose": "To report progress on the JAR action plan.",
    "summary": "The plan is mostly on track.\n\nTwo actions need attention.",
    "recommendations_to_committee": "Cabinet is asked to note the progress made.",
    "report_body": "The partnership has met monthly.",
    "financial_implications": "No additional costs arise from this report.",
    "financial_officer": "Colin Sharpe, Head of Finance, ext 29 7750",
    "legal_implications": "The plan responds to SI 2005/1973.",
    "legal_officer": "Cathy Healy, Team Leader, Community Services Law, x 6712",
    "equal_opportunities_applies": "yes",
    "equal_opportunities_reference": "Paragraph 4.1",
    "policy_applies": "no",
    "background_papers": "Joint Area Review report, June 2008\nChildren and Young People's Plan Review, 2008",
    "report_authors": "Susan Harrison\nService Manager\nx 29 6724\n\nAndrew Bunyan\nInterim Director",
}
