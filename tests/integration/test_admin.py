"""Administrators manage people; every change is in the history."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import PASSWORD, ActionFactory, InspectionFactory, UserFactory
from tracker.models import ActionStatus, AuditEvent, DigestPreference, OutboxEmail, Role, User


def test_editing_a_person_records_each_changed_field(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN, name="Priya Shah")
    manager = UserFactory(name="Margaret Bell")
    person = UserFactory(name="Sam Patel", role=Role.VIEWER)
    db_session.commit()
    sign_in(client, admin)
    response = client.submit(
        f"/admin/people/{person.id}",
        {
            "name": "Sam Patel",
            "job_title": "Head of Service",
            "organisation": "Leicester City Council",
            "role": "service_manager",
            "line_manager_id": str(manager.id),
            "digest_preference": "weekly",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert person.role == Role.SERVICE_MANAGER
    assert person.line_manager_id == manager.id
    assert person.digest_preference == DigestPreference.WEEKLY
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.entity_id == person.id)).all()
    changes = {event.field: (event.old_value, event.new_value, event.actor_id) for event in events}
    assert changes["role"] == ("viewer", "service_manager", admin.id)
    assert changes["digest_preference"] == ("daily", "weekly", admin.id)
    assert "name" not in changes


def test_an_admin_cannot_remove_their_own_admin_access(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    response = client.submit(
        f"/admin/people/{admin.id}",
        {
            "name": admin.name,
            "role": "viewer",
            "line_manager_id": "0",
            "digest_preference": "daily",
            "active": "y",
        },
    )
    assert response.status_code == 400
    assert "cannot remove your own administrator access" in soup(response).text
    assert admin.role == Role.ADMIN


def test_people_page_escapes_what_people_typed(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    UserFactory(name="<script>alert('x')</script>")
    db_session.commit()
    sign_in(client, admin)
    html = client.get("/admin/people").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_a_save_from_a_page_opened_before_someone_elses_save_is_refused_and_kept(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    aisha = UserFactory(name="Aisha Khan", job_title="Team manager", organisation="Leicester City Council")
    db_session.commit()
    sign_in(client, admin)
    url = f"/admin/people/{aisha.id}"
    tab_two = soup(client.get(url)).select_one("input[name=original]")["value"]
    assert client.submit(url, _edit_form(aisha, job_title="Service manager")).status_code == 302  # tab one
    typed = _edit_form(aisha, job_title="Team manager", organisation="NHS Leicester", original=tab_two)  # tab two
    stale = client.submit(url, typed)
    assert stale.status_code == 409
    page = soup(stale)
    assert "Someone else changed these details after you opened this page" in page.text
    assert "Service manager" in page.select_one("#changed-meanwhile").text  # what is saved now
    assert page.select_one("input[name=organisation]")["value"] == "NHS Leicester"  # what was typed, kept
    assert (aisha.job_title, aisha.organisation) == ("Service manager", "Leicester City Council")
    again = page.select_one("input[name=original]")["value"]
    resent = _edit_form(aisha, job_title="Service manager", organisation="NHS Leicester", original=again)
    assert client.submit(url, resent).status_code == 302  # saved knowingly
    assert (aisha.job_title, aisha.organisation) == ("Service manager", "NHS Leicester")


def test_signing_in_does_not_count_as_a_change_to_someones_details(app, client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    sam = UserFactory(name="Sam Patel")
    db_session.commit()
    sign_in(client, admin)
    url = f"/admin/people/{sam.id}"
    original = soup(client.get(url)).select_one("input[name=original]")["value"]
    sams_browser = app.test_client()  # a wrong password, then the right one: neither changes Sam's details
    assert sams_browser.submit("/sign-in", {"email": sam.email, "password": "wrong password here"}).status_code == 400
    assert sams_browser.submit("/sign-in", {"email": sam.email, "password": PASSWORD}).status_code == 302
    assert client.submit(url, _edit_form(sam, job_title="Head of Service", original=original)).status_code == 302


def _edit_form(person, **changes: str) -> dict[str, str]:
    data = {
        "name": person.name,
        "job_title": person.job_title,
        "organisation": person.organisation,
        "role": person.role.value,
        "line_manager_id": "0",
        "digest_preference": "daily",
        "active": "y",
    }
    return {**data, **changes}


def test_a_person_who_owns_open_actions_and_runs_an_inspection_cannot_be_made_a_viewer(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    jo = UserFactory(name="Jo Clarke", role=Role.PROGRAMME_MANAGER)
    ActionFactory(owner=jo)
    ActionFactory(owner=jo)
    ActionFactory(owner=jo, status=ActionStatus.COMPLETE)
    inspection = InspectionFactory(title="Leicester JAR 2008")
    inspection.managers.append(jo)
    db_session.commit()
    sign_in(client, admin)
    response = client.submit(f"/admin/people/{jo.id}", _edit_form(jo, role="viewer", job_title="Retired"))
    assert response.status_code == 400
    page = soup(response)
    error = page.select_one("#role-error").text
    assert "Jo Clarke owns 2 open actions and runs 1 inspection" in error
    assert "before making Jo Clarke a viewer" in error
    assert page.select_one(".govuk-error-summary a")["href"] == "#role"
    links = {a.text.strip(): a["href"] for a in page.select("#handover a")}
    assert links["Jo Clarke’s open actions in All actions"] == f"/actions?owner={jo.id}&status=open"
    assert links["Who runs Leicester JAR 2008"] == f"/inspections/{inspection.id}/managers"
    assert page.select_one("input[name=job_title]")["value"] == "Retired"
    assert page.select_one("input[name=role][value=viewer]").has_attr("checked")
    assert jo.role == Role.PROGRAMME_MANAGER
    assert jo.job_title != "Retired"


def test_a_programme_manager_who_runs_an_inspection_keeps_that_role_until_it_is_handed_over(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    jo = UserFactory(name="Jo Clarke", role=Role.PROGRAMME_MANAGER)
    inspection = InspectionFactory()
    inspection.managers.append(jo)
    db_session.commit()
    sign_in(client, admin)
    response = client.submit(f"/admin/people/{jo.id}", _edit_form(jo, role="service_manager"))
    assert response.status_code == 400
    assert "Jo Clarke runs 1 inspection." in soup(response).select_one("#role-error").text
    assert jo.role == Role.PROGRAMME_MANAGER


def test_a_role_change_that_orphans_nothing_is_saved(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    sam = UserFactory(name="Sam Patel", role=Role.SERVICE_MANAGER)
    ActionFactory(owner=sam, status=ActionStatus.COMPLETE)
    db_session.commit()
    sign_in(client, admin)
    assert client.submit(f"/admin/people/{sam.id}", _edit_form(sam, role="viewer")).status_code == 302
    assert sam.role == Role.VIEWER


def test_deactivating_an_owner_is_saved_with_a_warning_and_they_are_marked_on_action_pages(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    sam = UserFactory(name="Sam Patel")
    action = ActionFactory(owner=sam, title="Audit case files")
    ActionFactory(owner=sam)
    db_session.commit()
    sign_in(client, admin)
    data = _edit_form(sam)
    del data["active"]
    response = client.submit(f"/admin/people/{sam.id}", data)
    assert response.status_code == 302
    assert sam.active is False
    banners = soup(client.get(response.headers["Location"])).select(".govuk-notification-banner")
    warning = next(banner for banner in banners if "still owns" in banner.text)
    assert "Sam Patel still owns 2 open actions" in warning.text
    assert warning.select_one("a")["href"] == f"/actions?owner={sam.id}&status=open"

    view = soup(client.get(f"/actions/{action.id}"))
    owner = next(row for row in view.select(".govuk-summary-list__row") if row.dt.text.strip() == "Owner")
    assert "Sam Patel (deactivated)" in owner.dd.text
    listed = soup(client.get(f"/actions?owner={sam.id}")).select_one("tbody").text
    assert "Sam Patel (deactivated)" in listed


def test_deactivating_someone_stops_their_invitation_link(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    invitation = {"name": "Test Person", "email": "t5@example.com", "role": "viewer", "line_manager_id": "0"}
    client.submit("/admin/people/invite", invitation)
    person = db_session.scalars(select(User).where(User.email == "t5@example.com")).one()
    email = db_session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == "t5@example.com")).one()
    link = "/set-password/" + email.text_body.split("/set-password/")[1].split()[0]
    data = _edit_form(person)
    del data["active"]
    assert client.submit(f"/admin/people/{person.id}", data).status_code == 302
    client.submit("/sign-out", page_url="/")
    response = client.get(link)
    assert response.status_code == 404
    assert "This link has expired" in soup(response).text


def test_a_name_that_is_too_long_gets_a_gov_uk_style_error(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    response = client.submit(
        "/admin/people/invite",
        {"name": "L" * 201, "email": "long@example.com", "role": "viewer", "line_manager_id": "0"},
    )
    assert response.status_code == 400
    assert soup(response).select_one("#name-error").text.strip().endswith("Full name must be 200 characters or fewer")


def test_an_admin_unticking_their_own_active_box_gets_the_error_on_that_box(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    data = _edit_form(admin)
    del data["active"]
    response = client.submit(f"/admin/people/{admin.id}", data)
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one(".govuk-error-summary a")["href"] == "#active"
    assert "You cannot deactivate your own account" in page.select_one("#active-error").text
    assert page.select_one("#role-error") is None
    assert admin.active is True


def test_table_cells_wrap_long_unbroken_words(app, client) -> None:
    with app.test_request_context():
        css = client.get(url_for("static", filename="css/tracker.css")).get_data(as_text=True)
    assert ".govuk-table__cell { overflow-wrap: anywhere; }" in css
