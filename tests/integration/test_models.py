"""Models and the constraints the database enforces."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tests.factories import ActionFactory, InspectionFactory, ProgressUpdateFactory, UserFactory
from tracker.extensions import db
from tracker.models import Action, OutboxEmail, ProgressUpdate, Recommendation, User


def test_email_is_unique_whatever_its_case(db_session) -> None:
    UserFactory(email="Jo.Clarke@Leicester.gov.uk")
    db_session.commit()
    assert db_session.scalar(select(User.email)) == "jo.clarke@leicester.gov.uk"
    db_session.add(User(name="Other Jo", email="JO.CLARKE@leicester.gov.uk"))
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_the_database_refuses_a_case_variant_even_when_the_model_is_bypassed(db_session) -> None:
    UserFactory(email="sam@example.gov.uk")
    db_session.commit()
    with pytest.raises(IntegrityError):
        db_session.execute(User.__table__.insert().values(name="Sam", email="SAM@example.gov.uk", role="viewer"))
    db_session.rollback()


def test_outbox_dedupe_key_is_unique(db_session) -> None:
    db_session.add(OutboxEmail(recipient="a@example.gov.uk", subject="s", text_body="t", dedupe_key="digest:1"))
    db_session.commit()
    db_session.add(OutboxEmail(recipient="a@example.gov.uk", subject="s", text_body="t", dedupe_key="digest:1"))
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_action_version_increments_and_a_stale_write_is_refused(db_session) -> None:
    action = ActionFactory()
    db_session.commit()
    assert action.version == 1
    action.title = "Changed once"
    db_session.commit()
    assert action.version == 2
    db_session.execute(Action.__table__.update().where(Action.id == action.id).values(version=3))
    action.title = "Changed on a stale copy"
    with pytest.raises(StaleDataError):
        db_session.commit()
    db_session.rollback()


def test_deleting_an_inspection_removes_its_plan(db_session) -> None:
    update = ProgressUpdateFactory()
    inspection = update.action.inspection
    db_session.commit()
    db_session.delete(inspection)
    db_session.commit()
    assert db_session.scalar(select(Recommendation.id)) is None
    assert db_session.scalar(select(ProgressUpdate.id)) is None


def test_dates_and_timestamps_round_trip(db_session) -> None:
    inspection = InspectionFactory(published_on=date(2008, 6, 3))
    db_session.commit()
    db.session.expire_all()
    stored = db_session.get(type(inspection), inspection.id)
    assert stored.published_on == date(2008, 6, 3)
    assert stored.created_at is not None
