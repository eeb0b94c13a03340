"""A small plan to work on: one inspection, its managers, owners and readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.factories import ActionFactory, InspectionFactory, RecommendationFactory, UserFactory
from tracker.inspections.deadlines import create_statutory_deadlines
from tracker.models import Action, Inspection, Recommendation, Role, Timescale, User


@dataclass
class Plan:
    inspection: Inspection
    immediate: Recommendation
    six_months: Recommendation
    admin: User
    manager: User
    other_manager: User
    owner: User
    other_owner: User
    viewer: User
    action: Action
    other_action: Action


@pytest.fixture
def plan(db_session, now) -> Plan:  # noqa: ANN001
    """Leicester's 2008 JAR (published 3 June 2008, plan due 9 September 2008), run by Jo Clarke."""
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, name="Jo Clarke")
    inspection = InspectionFactory(published_on=date(2008, 6, 3), managers=[manager])
    immediate = RecommendationFactory(inspection=inspection, number="1", timescale=Timescale.IMMEDIATE, position=0)
    six_months = RecommendationFactory(inspection=inspection, number="2", timescale=Timescale.SIX_MONTHS, position=1)
    create_statutory_deadlines(inspection)
    owner = UserFactory(role=Role.SERVICE_MANAGER, name="Sam Patel")
    other_owner = UserFactory(role=Role.SERVICE_MANAGER, name="Ruth Allen")
    action = ActionFactory(recommendation=immediate, reference="1.1", owner=owner, position=0)
    other_action = ActionFactory(recommendation=six_months, reference="2.1", owner=other_owner, position=0)
    world = Plan(
        inspection=inspection,
        immediate=immediate,
        six_months=six_months,
        admin=UserFactory(role=Role.ADMIN, name="Priya Shah"),
        manager=manager,
        other_manager=UserFactory(role=Role.PROGRAMME_MANAGER, name="Alex Other"),
        owner=owner,
        other_owner=other_owner,
        viewer=UserFactory(role=Role.VIEWER, name="Cllr Morgan Reid"),
        action=action,
        other_action=other_action,
    )
    db_session.commit()
    return world
