"""factory_boy factories writing to the real test database."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from tracker.extensions import db
from tracker.models import (
    Action,
    ActionStatus,
    Framework,
    Inspection,
    ProgressUpdate,
    Rag,
    Recommendation,
    Role,
    Timescale,
    User,
)

PASSWORD = "correct horse battery staple"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")  # hashed once: scrypt is slow on purpose


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    role = Role.SERVICE_MANAGER
    job_title = "Service manager"
    organisation = "Leicester City Council"
    password_hash = PASSWORD_HASH
    active = True


class InspectionFactory(BaseFactory):
    class Meta:
        model = Inspection

    authority = "Leicester City Council"
    title = factory.Sequence(lambda n: f"Joint Area Review {n}")
    framework = Framework.JAR
    published_on = date(2008, 6, 3)
    received_on = date(2008, 5, 20)


class RecommendationFactory(BaseFactory):
    class Meta:
        model = Recommendation

    inspection = factory.SubFactory(InspectionFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    timescale = Timescale.IMMEDIATE
    addressee = "The local partnership"
    text = factory.Sequence(lambda n: f"ensure that recommendation {n} is carried out")
    position = factory.Sequence(int)


class ActionFactory(BaseFactory):
    class Meta:
        model = Action

    recommendation = factory.SubFactory(RecommendationFactory)
    inspection = factory.SelfAttribute("recommendation.inspection")
    reference = factory.Sequence(lambda n: f"1.{n + 1}")
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    lead_agency = "Leicester City Council"
    due_on = date(2026, 12, 18)
    original_due_on = factory.SelfAttribute("due_on")
    status = ActionStatus.IN_PROGRESS
    rag = Rag.GREEN


class ProgressUpdateFactory(BaseFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    inspection = factory.SelfAttribute("action.inspection")
    author = factory.SelfAttribute("action.owner")
    status = ActionStatus.IN_PROGRESS
    rag = Rag.GREEN
    narrative = "On track"
