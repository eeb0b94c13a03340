"""Who may do what with inspections, as a matrix: every route × every kind of person.

Everyone signed in reads; programme managers import; only an inspection's own managers (and
administrators) change it; an import under review belongs to the person who started it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.integration.inspections.conftest import deadline_named, make_inspection
from tracker.domain.importer import parse_report
from tracker.inspections.drafts import create_draft
from tracker.models import DeadlineKind, Meeting, Role, StatutoryDeadline

PEOPLE = ("admin", "manager", "other_programme_manager", "service_manager", "viewer", "signed_out")
EVERYONE_SIGNED_IN = {"admin", "manager", "other_programme_manager", "service_manager", "viewer"}
RUNS_IT = {"admin", "manager"}


@dataclass
class World:
    inspection_id: int
    deadline_id: int
    checklist_item_id: int
    meeting_id: int
    manual_deadline_id: int
    draft_id: int
    recommendation_id: int
    people: dict


@pytest.fixture
def world(db_session) -> World:  # noqa: ANN001
    people = {
        "admin": UserFactory(role=Role.ADMIN),
        "manager": UserFactory(role=Role.PROGRAMME_MANAGER),
        "other_programme_manager": UserFactory(role=Role.PROGRAMME_MANAGER),
        "service_manager": UserFactory(role=Role.SERVICE_MANAGER),
        "viewer": UserFactory(role=Role.VIEWER),
    }
    db_session.flush()
    inspection = make_inspection(db_session, people["manager"])
    deadline = deadline_named(db_session, inspection.id, "Publish the report locally")
    deadline.met_on = date(2008, 7, 10)
    deadline.override_reason = "Agreed with Ofsted"
    manual = StatutoryDeadline(
        inspection_id=inspection.id, kind=DeadlineKind.OTHER, title="By hand", due_on=date(2008, 8, 1)
    )
    meeting = Meeting(inspection_id=inspection.id, committee="Cabinet", meets_on=date(2008, 9, 1))
    checklist_item = deadline.checklist[0]
    checklist_item.done_on = date(2008, 6, 10)
    db_session.add_all([manual, meeting])
    # The manager's own import under review.
    draft = create_draft(
        parse_report("Leicester City Council"), user=people["manager"], source_filename=None, source_sha256="x"
    )
    db_session.commit()
    recommendation_id = inspection.recommendations[0].id
    return World(
        inspection.id, deadline.id, checklist_item.id, meeting.id, manual.id, draft.id, recommendation_id, people
    )


def _pages(w: World) -> list[tuple[str, set[str]]]:
    i, d = w.inspection_id, w.deadline_id
    return [
        ("/inspections", EVERYONE_SIGNED_IN),
        ("/inspections?page=2", EVERYONE_SIGNED_IN),
        ("/inspections/new", {"admin", "manager", "other_programme_manager"}),
        (f"/inspections/{i}", EVERYONE_SIGNED_IN),
        (f"/inspections/{i}/history", EVERYONE_SIGNED_IN),
        (f"/inspections/{i}/edit", RUNS_IT),
        (f"/inspections/{i}/due-date-rules", RUNS_IT),
        (f"/inspections/{i}/deadlines/new", RUNS_IT),
        (f"/inspections/{i}/deadlines/{d}/change-date", RUNS_IT),
        (f"/inspections/{i}/deadlines/{d}/mark-done", RUNS_IT),
        (f"/inspections/{i}/deadlines/{d}/checklist/{w.checklist_item_id}", RUNS_IT),
        (f"/inspections/{i}/meetings/new", RUNS_IT),
        (f"/inspections/{i}/managers", RUNS_IT),
        (f"/inspections/{i}/recommendations/new", RUNS_IT),
        (f"/inspections/{i}/recommendations/{w.recommendation_id}/edit", RUNS_IT),
        (f"/inspections/{i}/recommendations/{w.recommendation_id}/delete", RUNS_IT),
        (f"/inspections/imports/{w.draft_id}", {"manager"}),
        (f"/inspections/imports/{w.draft_id}/discard", {"manager"}),
    ]


def _actions(w: World) -> list[str]:
    i, d = w.inspection_id, w.deadline_id
    return [
        f"/inspections/{i}/edit",
        f"/inspections/{i}/due-date-rules",
        f"/inspections/{i}/deadlines/new",
        f"/inspections/{i}/deadlines/{d}/change-date",
        f"/inspections/{i}/deadlines/{d}/mark-done",
        f"/inspections/{i}/deadlines/{d}/mark-not-done",
        f"/inspections/{i}/deadlines/{d}/restore-date",
        f"/inspections/{i}/deadlines/{w.manual_deadline_id}/delete",
        f"/inspections/{i}/deadlines/{d}/checklist/{w.checklist_item_id}",
        f"/inspections/{i}/deadlines/{d}/checklist/{w.checklist_item_id}/untick",
        f"/inspections/{i}/meetings/new",
        f"/inspections/{i}/meetings/{w.meeting_id}/delete",
        f"/inspections/{i}/managers",
        f"/inspections/{i}/recommendations/new",
        f"/inspections/{i}/recommendations/{w.recommendation_id}/edit",
        f"/inspections/{i}/recommendations/{w.recommendation_id}/delete",
        f"/inspections/imports/{w.draft_id}",
        f"/inspections/imports/{w.draft_id}/discard",
    ]


@pytest.mark.parametrize("person", PEOPLE)
def test_every_page_for_every_person(client, world: World, person: str) -> None:
    if person != "signed_out":
        sign_in(client, world.people[person])
    for url, allowed in _pages(world):
        response = client.get(url)
        if person == "signed_out":
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url
        elif person in allowed:
            assert response.status_code == 200, (url, person)
        else:
            assert response.status_code == 403, (url, person)
            assert "You do not have permission" in response.get_data(as_text=True)


@pytest.mark.parametrize("person", ["other_programme_manager", "service_manager", "viewer", "signed_out"])
def test_people_who_do_not_run_the_inspection_change_nothing(client, db_session, world: World, person: str) -> None:
    if person != "signed_out":
        sign_in(client, world.people[person])
    token = client.csrf_token("/sign-in") if person == "signed_out" else client.csrf_token("/inspections")
    for url in _actions(world):
        response = client.post(url, data={"csrf_token": token, "committee": "X", "title": "X", "op": "save"})
        if person == "signed_out":
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url
        else:
            assert response.status_code == 403, (url, person)
    deadline = db_session.get(StatutoryDeadline, world.deadline_id)
    assert (deadline.met_on, deadline.override_reason) == (date(2008, 7, 10), "Agreed with Ofsted")
    assert deadline.checklist[0].done_on == date(2008, 6, 10)
    assert db_session.get(Meeting, world.meeting_id) is not None
    assert db_session.get(StatutoryDeadline, world.manual_deadline_id) is not None


@pytest.mark.parametrize("person", ["admin", "manager"])
def test_the_people_who_run_it_can_use_every_button(client, db_session, world: World, person: str) -> None:
    sign_in(client, world.people[person])
    page = f"/inspections/{world.inspection_id}"
    i, d = world.inspection_id, world.deadline_id
    for url in (
        f"/inspections/{i}/deadlines/{d}/mark-not-done",
        f"/inspections/{i}/deadlines/{d}/restore-date",
        f"/inspections/{i}/deadlines/{world.manual_deadline_id}/delete",
        f"/inspections/{i}/deadlines/{d}/checklist/{world.checklist_item_id}/untick",
        f"/inspections/{i}/meetings/{world.meeting_id}/delete",
    ):
        assert client.submit(url, page_url=page).status_code == 302, url
    deadline = db_session.get(StatutoryDeadline, world.deadline_id)
    assert (deadline.met_on, deadline.override_reason) == (None, "")
    assert db_session.scalars(select(Meeting)).all() == []


def test_the_inspection_page_shows_change_buttons_only_to_those_who_may_use_them(client, world: World) -> None:
    url = f"/inspections/{world.inspection_id}"
    sign_in(client, world.people["viewer"])
    page = client.get(url).get_data(as_text=True)
    assert "Change the date" not in page and "Add a meeting" not in page and "Mark as not done" not in page
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/")})
    sign_in(client, world.people["manager"])
    page = client.get(url).get_data(as_text=True)
    assert "Change the date" in page and "Add a meeting" in page and "Mark as not done" in page


def test_unknown_records_and_records_of_another_inspection_are_404(client, db_session, world: World) -> None:
    other = make_inspection(db_session, world.people["manager"], title="Another inspection")
    others_deadline = deadline_named(db_session, other.id, "Publish the action plan")
    sign_in(client, world.people["admin"])
    i = world.inspection_id
    for url in (
        "/inspections/999999",
        f"/inspections/{i}/deadlines/999999/mark-done",
        f"/inspections/{i}/deadlines/{others_deadline.id}/change-date",
        f"/inspections/{other.id}/deadlines/{world.deadline_id}/checklist/{world.checklist_item_id}",
        f"/inspections/{i}/deadlines/{world.deadline_id}/checklist/999999",
        "/inspections/imports/999999",
    ):
        assert client.get(url).status_code == 404, url
