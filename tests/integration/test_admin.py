"""Administrators manage people; every change is in the history."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import UserFactory
from tracker.models import AuditEvent, DigestPreference, Role


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
