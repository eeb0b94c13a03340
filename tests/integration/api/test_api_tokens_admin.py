"""Administrators issue API tokens (shown once), see them listed with their last use and expiry, and revoke
them after confirming."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import sign_in, soup
from tests.factories import UserFactory
from tests.integration.actions.conftest import Plan
from tests.integration.api.conftest import API, bearer
from tracker.api_tokens.services import hash_token, issue_token
from tracker.models import ApiToken, AuditEvent

NEW = "/admin/api-tokens/new"


def _issue(client, person_id: int, name: str = "Performance team Power BI", days: str = "90"):  # noqa: ANN001, ANN202
    return client.submit(NEW, {"name": name, "user_id": str(person_id), "expires_in": days})


def test_a_token_is_shown_once_works_and_only_its_hash_is_kept(client, db_session, plan: Plan, now) -> None:
    sign_in(client, plan.admin)
    form = soup(client.get(NEW))
    assert form.select_one("h1").text == "Create an API token"
    choices = [option.text for option in form.select("select[name=user_id] option")]
    assert choices[:2] == ["Choose a person", f"Alex Other ({plan.other_manager.email})"]
    assert form.select_one("input[name=expires_in][checked]")["value"] == "90"

    response = _issue(client, plan.viewer.id)
    assert response.status_code == 200
    page = soup(response)
    token = page.select_one("input#token")["value"]
    assert token.startswith("iat_") and "Copy the token now" in page.text
    assert "Cllr Morgan Reid" in page.select_one(".govuk-summary-list").text
    assert "22 February 2027" in page.text  # 90 days from 24 November 2026
    assert client.get(f"{API}/actions", headers=bearer(token)).status_code == 200

    stored = db_session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hash_token(token) and stored.hint == token[:8]
    assert (stored.user_id, stored.created_by_id, stored.name) == (
        plan.viewer.id,
        plan.admin.id,
        "Performance team Power BI",
    )
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "api_tokens")).one()
    assert event.actor_id == plan.admin.id and event.new_value.startswith("Performance team Power BI, acting as Cllr")
    assert token not in event.new_value

    listed = soup(client.get("/admin/api-tokens"))
    row = [cell.get_text(" ", strip=True) for cell in listed.select("main tbody tr td")]
    assert row[0] == f"Performance team Power BI Starts {token[:8]}"
    assert row[1].startswith("Cllr Morgan Reid") and row[3] == "22 February 2027" and row[5] == "Active"
    assert row[4] == "24 November 2026 at 10:00am"  # last used: just now, by the check above
    assert token not in listed.text


def test_the_form_says_what_is_missing_or_wrong_and_keeps_what_was_typed(client, db_session, plan: Plan) -> None:
    gone = UserFactory(name="Left Already", active=False)
    db_session.commit()
    sign_in(client, plan.admin)

    empty = client.submit(NEW, {"name": "", "user_id": "", "expires_in": ""})
    assert empty.status_code == 400
    assert [a.text for a in soup(empty).select(".govuk-error-summary a")] == [
        "Enter a name for the token",
        "Choose the person the token acts as",
        "Choose when the token expires",
    ]
    wrong = client.submit(NEW, {"name": "x" * 101, "user_id": str(gone.id), "expires_in": "7"})
    assert wrong.status_code == 400
    assert [a.text for a in soup(wrong).select(".govuk-error-summary a")] == [
        "Name must be 100 characters or fewer",
        "Choose the person the token acts as",
        "Choose when the token expires",
    ]
    assert soup(wrong).select_one("input[name=name]")["value"] == "x" * 101
    assert db_session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_second_token_with_the_same_name_for_the_same_person_is_refused(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.admin)
    assert _issue(client, plan.viewer.id, "Scrutiny").status_code == 200
    again = _issue(client, plan.viewer.id, "scrutiny ")  # sent twice, say
    assert again.status_code == 400
    assert soup(again).select_one(".govuk-error-summary a").text == (
        "Cllr Morgan Reid already has a token called ‘scrutiny’: choose another name, or revoke that one"
    )
    assert _issue(client, plan.owner.id, "Scrutiny").status_code == 200
    assert db_session.scalar(select(func.count()).select_from(ApiToken)) == 2


def test_revoking_asks_first_then_stops_the_token_at_once(client, db_session, plan: Plan) -> None:
    api_token, token = issue_token(name="Scrutiny", user=plan.viewer, days=30, actor=plan.admin)
    db_session.commit()
    sign_in(client, plan.admin)
    listed = soup(client.get("/admin/api-tokens"))
    link = listed.select_one("main tbody a")
    assert (
        link.get_text(" ", strip=True) == "Revoke Scrutiny"
        and link["href"] == f"/admin/api-tokens/{api_token.id}/revoke"
    )

    confirm = soup(client.get(link["href"]))
    assert confirm.select_one("h1").text == "Are you sure you want to revoke Scrutiny?"
    assert client.get(f"{API}/actions", headers=bearer(token)).status_code == 200  # asking changed nothing

    done = client.submit(link["href"])
    assert done.status_code == 302 and done.headers["Location"] == "/admin/api-tokens"
    assert client.get(f"{API}/actions", headers=bearer(token)).status_code == 401
    listed = soup(client.get("/admin/api-tokens"))
    assert "Token revoked: Scrutiny no longer works" in listed.text
    assert listed.select_one("main tbody a") is None
    assert "Revoked" in listed.select("main tbody td")[5].text
    assert "has been revoked" in soup(client.get(link["href"])).select_one("h1").text
    events = db_session.scalars(select(AuditEvent.field).where(AuditEvent.entity_type == "api_tokens")).all()
    assert events == ["created", "revoked_at"]

    client.post(link["href"], data={"csrf_token": client.csrf_token("/admin/api-tokens/new")})
    assert f"{api_token.name} was already revoked" in soup(client.get("/admin/api-tokens")).text
    assert client.get("/admin/api-tokens/999999/revoke").status_code == 404


def test_the_list_says_when_a_token_has_expired_or_its_person_is_deactivated(
    app, client, db_session, plan: Plan, now
) -> None:
    issue_token(name="Old", user=plan.viewer, days=30, actor=plan.admin)
    issue_token(name="Leaver's", user=plan.other_owner, days=365, actor=plan.admin)
    plan.other_owner.active = False
    db_session.commit()
    app.config["TRACKER_NOW"] = now + timedelta(days=31)
    sign_in(client, plan.admin)
    rows = {
        row.select("td")[0].get_text(" ", strip=True).split(" Starts")[0]: row.select("td")[5].text.strip()
        for row in soup(client.get("/admin/api-tokens")).select("main tbody tr")
    }
    assert rows == {"Old": "Expired", "Leaver's": "Person deactivated"}
