"""Helpers for the inspection tests: a signed-in programme manager, uploads, and review-page posts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import FIXTURES, sign_in, soup
from tests.factories import UserFactory
from tracker.models import ImportDraft, Role, User

REPORTS = FIXTURES / "reports"
PDFS = FIXTURES / "pdfs"


@pytest.fixture
def manager(client, db_session) -> User:  # noqa: ANN001
    """A programme manager, signed in."""
    user = UserFactory(role=Role.PROGRAMME_MANAGER, name="Jo Clarke")
    db_session.commit()
    sign_in(client, user)
    return user


def upload(client, data: bytes, filename: str, text: str = ""):  # noqa: ANN001, ANN201
    """Submit the new-inspection form with a file (and optionally pasted text), as a browser would."""
    return client.submit(
        "/inspections/new",
        {"report_file": (io.BytesIO(data), filename), "report_text": text},
        content_type="multipart/form-data",
    )


def paste(client, text: str):  # noqa: ANN001, ANN201
    return client.submit(
        "/inspections/new",
        {"report_file": (io.BytesIO(b""), ""), "report_text": text},
        content_type="multipart/form-data",
    )


def import_fixture(client, path: Path) -> str:  # noqa: ANN001
    """Upload a fixture and return the review page's URL."""
    response = upload(client, path.read_bytes(), path.name)
    assert response.status_code == 302, soup(response).get_text(" ", strip=True)[:1000]
    return response.headers["Location"]


def review_form(client, review_url: str) -> MultiDict:  # noqa: ANN001
    """The review form's current values, exactly as the page would post them (buttons left out)."""
    page = soup(client.get(review_url))
    form = page.select_one("form.app-review-form")
    assert form is not None
    data: MultiDict = MultiDict()
    for field in form.select("input, textarea, select"):
        name = field.get("name")
        if not name or field.name == "button" or field.get("type") in ("submit", "button"):
            continue
        if field.name == "textarea":
            data.add(name, field.text)
        elif field.name == "select":
            selected = field.select_one("option[selected]") or field.select_one("option")
            data.add(name, selected.get("value", "") if selected else "")
        else:
            data.add(name, field.get("value", ""))
    return data


def post_review(client, review_url: str, data: MultiDict, op: str):  # noqa: ANN001, ANN201
    payload = MultiDict(data)
    payload["op"] = op
    return client.post(review_url, data=payload)


def latest_draft(db_session) -> ImportDraft:  # noqa: ANN001
    return db_session.scalars(select(ImportDraft).order_by(ImportDraft.id.desc())).first()


def make_inspection(db_session, manager: User | None = None, **overrides):  # noqa: ANN001, ANN201
    """A saved JAR inspection (Leicester, published 3 June 2008) with its statutory deadlines and three
    recommendations, one per JAR timescale."""
    from datetime import date

    from tracker.inspections.deadlines import create_statutory_deadlines
    from tracker.models import Framework, Inspection, Judgement, Recommendation, Timescale

    values = {
        "authority": "Leicester City Council",
        "title": "Joint area review of Leicester",
        "framework": Framework.JAR,
        "published_on": date(2008, 6, 3),
        "received_on": date(2008, 5, 20),
        "inspection_start_on": date(2008, 2, 4),
        "inspection_end_on": date(2008, 2, 15),
        "overall_judgement": None,
        **overrides,
    }
    inspection = Inspection(
        **values,
        managers=[manager] if manager else [],
        judgements=[Judgement(area="Safeguarding", grade="2", position=0)],
        recommendations=[
            Recommendation(
                number=None,
                timescale=timescale,
                addressee="The local partnership",
                text=f"{timescale.label}: improve something",
                position=position,
            )
            for position, timescale in enumerate((Timescale.IMMEDIATE, Timescale.SIX_MONTHS, Timescale.LONGER_TERM))
        ],
    )
    db_session.add(inspection)
    create_statutory_deadlines(inspection)
    db_session.commit()
    return inspection


def deadline_named(db_session, inspection_id: int, title: str):  # noqa: ANN001, ANN201
    from tracker.models import StatutoryDeadline

    query = select(StatutoryDeadline).where(
        StatutoryDeadline.inspection_id == inspection_id, StatutoryDeadline.title == title
    )
    return db_session.scalars(query).one()


def at(app, day) -> None:  # noqa: ANN001
    """Set "now" to 10:00 UTC on `day`."""
    from datetime import UTC, datetime, time

    app.config["TRACKER_NOW"] = datetime.combine(day, time(10), tzinfo=UTC)
