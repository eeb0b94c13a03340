"""Signing in with a council account, end to end against a real OpenID provider (oidc-provider on 127.0.0.1).

The tracker runs in the Flask test client; the person at the provider's sign-in page is a real HTTP client with
its own cookies (tests/oidc). Nothing of the tracker's, nor of Authlib's, is replaced.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.conftest import soup
from tests.factories import PASSWORD_HASH, UserFactory
from tests.oidc import (
    CERTIFICATE_CLIENT_ID,
    SERVICE_MANAGERS_GROUP,
    SLOW_CLIENT_ID,
    PersonAtProvider,
    email,
    oid,
    path_of,
    url_of,
)
from tests.oidc.fixtures import TRACKER_BASE
from tests.postgres_cluster import free_port
from tracker.auth.council_accounts import FROM_DIRECTORY
from tracker.models import AuditEvent, AuthSource, Role, User, UserSession

ADMINISTRATOR = "the administrator of the tracker at Leicester City Council"


def _authorize_url(client) -> str:  # noqa: ANN001
    response = client.get("/sign-in/council-account")
    assert response.status_code == 302, soup(response).get_text(" ", strip=True)[:500]
    return response.headers["Location"]


def _back_from_provider(client, login: str, person: PersonAtProvider | None = None) -> str:  # noqa: ANN001
    """Start at the tracker, sign in at the provider; the URL it sends the browser back to (not yet opened)."""
    return (person or PersonAtProvider(TRACKER_BASE)).sign_in(_authorize_url(client), login)


def _council_sign_in(client, login: str, person: PersonAtProvider | None = None):  # noqa: ANN001, ANN201
    return client.get(path_of(_back_from_provider(client, login, person)))


def _message(response) -> str:  # noqa: ANN001
    return soup(response).select_one("#council-sign-in-message").get_text(" ", strip=True)


def _user(address: str) -> User | None:
    from tracker.extensions import db

    return db.session.scalars(select(User).where(User.email == address)).first()


def _count(model) -> int:  # noqa: ANN001
    from tracker.extensions import db

    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _history(user: User) -> list[tuple[str, str | None, str | None, str]]:
    from tracker.extensions import db

    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "users", AuditEvent.entity_id == user.id)
        .order_by(AuditEvent.id)
    )
    return [(e.field, e.old_value, e.new_value, e.note) for e in events if e.actor_id is None]


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


# Signing in -------------------------------------------------------------------------------------------------


def test_a_first_council_sign_in_creates_the_account_with_the_role_from_its_claim_and_a_server_side_session(
    client, council_sign_in, db_session
) -> None:
    response = _council_sign_in(client, "priya.shah")

    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = _user(email("priya.shah"))
    assert user is not None
    assert (user.name, user.role, user.directory_id, user.auth_source) == (
        "Priya Shah",
        Role.PROGRAMME_MANAGER,
        oid("priya.shah"),
        AuthSource.DIRECTORY,
    )
    assert user.password_hash is None and user.organisation == "Leicester City Council"
    assert user.last_login_at is not None
    session_row = db_session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    assert session_row.id_token and session_row.id_token.count(".") == 2
    home = client.get("/")
    assert home.status_code == 200
    assert soup(home).select_one("h1").get_text(strip=True) == "Priya Shah"
    assert _history(user) == [
        ("account", None, "created at first sign-in with a council account", ""),
        ("role", None, "programme_manager", FROM_DIRECTORY),
    ]


def test_the_role_follows_the_directory_at_every_sign_in_and_each_change_is_in_the_history(
    client, council_sign_in, db_session
) -> None:
    user = UserFactory(
        name="Alex Admin",
        email=email("alex.admin"),
        role=Role.VIEWER,
        directory_id=oid("alex.admin"),
        auth_source=AuthSource.DIRECTORY,
        password_hash=None,
    )
    db_session.commit()

    assert _council_sign_in(client, "alex.admin").status_code == 302

    db_session.refresh(user)
    assert user.role == Role.ADMIN
    assert _history(user) == [("role", "viewer", "admin", FROM_DIRECTORY)]
    assert client.get("/admin/people").status_code == 200  # an administrator's page, now theirs
    # Without a password, but not an invitation waiting: council accounts never choose one.
    summary = soup(client.get("/")).select_one("#admin-summary").get_text(" ", strip=True)
    assert "0 people invited, not yet signed in" in summary
    assert "You sign in with your council account" in soup(client.get("/account")).select_one("#sign-in-method").text


def test_someone_with_two_mapped_app_roles_gets_the_more_powerful_one(client, council_sign_in, db_session) -> None:
    assert _council_sign_in(client, "two.roles").status_code == 302
    assert _user(email("two.roles")).role == Role.PROGRAMME_MANAGER


def test_group_object_ids_in_the_groups_claim_can_map_to_roles_instead(
    app, client, council_sign_in, db_session
) -> None:
    app.config.update(SSO_ROLE_CLAIM="groups", SSO_ROLES=f"{SERVICE_MANAGERS_GROUP}=service_manager")
    assert _council_sign_in(client, "sam.groups").status_code == 302
    assert _user(email("sam.groups")).role == Role.SERVICE_MANAGER


def test_an_account_is_found_by_the_directory_id_whatever_its_email_address_says(
    client, council_sign_in, db_session
) -> None:
    earlier = UserFactory(
        email="p.shah@council.test", role=Role.PROGRAMME_MANAGER, directory_id=oid("priya.shah"), password_hash=None
    )
    db_session.commit()
    users_before = _count(User)

    assert _council_sign_in(client, "priya.shah").status_code == 302

    assert _count(User) == users_before
    assert soup(client.get("/")).select_one("h1").get_text(strip=True) == earlier.name


def test_the_client_can_prove_itself_with_a_certificate_instead_of_a_secret(
    app, client, council_sign_in, client_certificate, db_session
) -> None:
    """private_key_jwt: a client assertion signed with the certificate's key, as Entra ID takes an uploaded one."""
    app.config.update(
        SSO_CLIENT_ID=CERTIFICATE_CLIENT_ID, SSO_CLIENT_SECRET="", SSO_CLIENT_CERTIFICATE=str(client_certificate[0])
    )
    assert _council_sign_in(client, "priya.shah").status_code == 302
    assert client.get("/").status_code == 200


# An existing account with the same address ------------------------------------------------------------------


def test_an_unjoined_account_at_the_councils_domain_is_joined_at_its_first_council_sign_in(
    client, council_sign_in, db_session
) -> None:
    invited = UserFactory(email=email("priya.shah"), role=Role.SERVICE_MANAGER)  # invited before SSO, has a password
    db_session.commit()

    assert _council_sign_in(client, "priya.shah").status_code == 302

    db_session.refresh(invited)
    assert (invited.directory_id, invited.auth_source, invited.password_hash) == (
        oid("priya.shah"),
        AuthSource.DIRECTORY,
        None,
    )
    assert invited.role == Role.PROGRAMME_MANAGER
    assert [field for field, *_ in _history(invited)] == ["sign_in", "role"]
    assert _count(User) == 1


def test_an_account_joined_to_another_council_account_is_never_taken_by_a_matching_address(
    client, council_sign_in, db_session
) -> None:
    UserFactory(email=email("priya.shah"), directory_id="someone-else-in-the-directory", password_hash=None)
    db_session.commit()

    response = _council_sign_in(client, "priya.shah")

    assert response.status_code == 403
    assert _message(response) == (
        "An account in the tracker already uses your email address and cannot be joined to your council account "
        f"automatically. Sign in with your password, or ask {ADMINISTRATOR} to join the two."
    )
    assert _user(email("priya.shah")).directory_id == "someone-else-in-the-directory"
    assert client.get("/").status_code == 302


def test_a_partners_account_with_the_same_address_is_not_joined_and_keeps_its_password(
    client, council_sign_in, db_session
) -> None:
    """A guest in the council's directory with a partner's address: the directory is not the authority for it."""
    partner = UserFactory(email=email("guest.partner"), password_hash=PASSWORD_HASH)
    db_session.commit()

    assert _council_sign_in(client, "guest.partner").status_code == 403

    db_session.refresh(partner)
    assert partner.directory_id is None and partner.password_hash == PASSWORD_HASH


# Refused ----------------------------------------------------------------------------------------------------


def test_an_account_from_another_tenant_is_refused(client, council_sign_in, db_session) -> None:
    response = _council_sign_in(client, "other.tenant")

    assert response.status_code == 403
    assert _message(response) == (
        "You signed in with an account from another organisation. Sign in with your Leicester City Council "
        f"account, or ask {ADMINISTRATOR} for help."
    )
    assert _count(User) == 0 and _count(UserSession) == 0


def test_someone_whose_claims_map_to_no_role_is_refused_and_told_whom_to_ask(
    client, council_sign_in, db_session
) -> None:
    response = _council_sign_in(client, "no.role")

    assert response.status_code == 403
    assert _message(response) == (
        "Your council account has not been given access to the Inspection action tracker. "
        f"Ask {ADMINISTRATOR} to give you a role."
    )
    assert _count(User) == 0 and _count(UserSession) == 0


def test_an_account_deactivated_in_the_tracker_stays_refused_whatever_the_token_says(
    client, council_sign_in, db_session
) -> None:
    UserFactory(email=email("alex.admin"), directory_id=oid("alex.admin"), active=False, password_hash=None)
    db_session.commit()

    response = _council_sign_in(client, "alex.admin")

    assert response.status_code == 403
    assert _message(response) == (
        f"Your account in the tracker has been deactivated. Ask {ADMINISTRATOR} if you need it again."
    )
    assert _count(UserSession) == 0


def test_a_callback_whose_state_was_not_started_in_this_browser_is_refused(client, council_sign_in, db_session) -> None:
    back = _back_from_provider(client, "priya.shah")

    response = client.get(path_of(_with_query(back, state="a-state-this-browser-never-sent")))

    assert response.status_code == 400
    assert _message(response) == (
        "Your sign-in could not be matched to this browser: it was started in another browser or tab, or the page "
        "was opened again. Go back to the sign-in page and choose ‘Sign in with your council account’ again."
    )
    assert _count(User) == 0


def test_a_replayed_code_is_refused(client, council_sign_in, db_session) -> None:
    back = _back_from_provider(client, "priya.shah")
    assert client.get(path_of(back)).status_code == 302
    client.submit("/sign-out", page_url="/")

    # The same callback again: its state was spent with the first sign-in.
    assert client.get(path_of(back)).status_code == 400
    # The spent code under a state this browser did start: the provider refuses the code.
    fresh_state = parse_qs(urlsplit(_authorize_url(client)).query)["state"][0]
    response = client.get(path_of(_with_query(back, state=fresh_state)))

    assert response.status_code == 400
    assert _message(response) == (
        "Your sign-in took too long or had already been used. Go back to the sign-in page and choose ‘Sign in with "
        "your council account’ again."
    )
    assert _count(UserSession) == 0


def test_an_expired_code_is_refused(app, client, council_sign_in, db_session) -> None:
    app.config.update(SSO_CLIENT_ID=SLOW_CLIENT_ID)  # the provider gives this client codes that last one second
    back = _back_from_provider(client, "priya.shah")
    time.sleep(2.5)

    response = client.get(path_of(back))

    assert response.status_code == 400
    assert _message(response).startswith("Your sign-in took too long or had already been used.")
    assert _count(User) == 0


def test_an_id_token_with_another_nonce_is_refused(client, council_sign_in, db_session, caplog) -> None:
    """The authorization request is changed on its way to the provider: the id token names a nonce this browser's
    session never asked for."""
    authorize = _with_query(_authorize_url(client), nonce="a-nonce-from-somewhere-else")
    back = PersonAtProvider(TRACKER_BASE).sign_in(authorize, "priya.shah")

    with caplog.at_level(logging.WARNING, logger="tracker.auth.sso"):
        response = client.get(path_of(back))

    assert response.status_code == 400
    assert _message(response) == (
        "Your council's sign-in service sent an answer the tracker could not trust, so you have not been signed in. "
        "Go back to the sign-in page and choose ‘Sign in with your council account’ again. If this keeps happening, "
        f"tell {ADMINISTRATOR}."
    )
    assert "nonce" in caplog.text
    assert _count(User) == 0


def test_an_id_token_signed_by_another_key_is_refused(
    app, client, council_sign_in, impostor_provider, db_session, caplog
) -> None:
    """The impostor answers under the real issuer's name and publishes the real keys, but signs with its own."""
    app.config.update(SSO_ISSUER_URL=url_of(impostor_provider))
    back = _back_from_provider(client, "priya.shah")

    with caplog.at_level(logging.WARNING, logger="tracker.auth.sso"):
        response = client.get(path_of(back))

    assert response.status_code == 400
    assert _message(response).startswith("Your council's sign-in service sent an answer the tracker could not trust")
    assert "bad_signature" in caplog.text
    assert _count(User) == 0 and _count(UserSession) == 0


def test_cancelling_at_the_provider_says_so(client, council_sign_in, db_session) -> None:
    state = parse_qs(urlsplit(_authorize_url(client)).query)["state"][0]

    response = client.get("/sign-in/council-account/callback?" + urlencode({"error": "access_denied", "state": state}))

    assert response.status_code == 400
    assert _message(response).startswith("You did not finish signing in with your council account.")


def test_a_provider_that_cannot_be_reached_is_a_503_with_what_to_do(app, client, council_sign_in, db_session) -> None:
    app.config.update(SSO_ISSUER_URL=f"http://127.0.0.1:{free_port()}")

    response = client.get("/sign-in/council-account")

    assert response.status_code == 503
    assert _message(response) == (
        "Your council's sign-in service cannot be reached just now. Try again in a few minutes. If it still does "
        f"not work, tell {ADMINISTRATOR}."
    )


# Signing out ------------------------------------------------------------------------------------------------


def test_signing_out_ends_the_tracker_session_and_offers_the_providers_sign_out(
    client, council_sign_in, db_session
) -> None:
    person = PersonAtProvider(TRACKER_BASE)
    assert _council_sign_in(client, "priya.shah", person).status_code == 302
    id_token = db_session.scalars(select(UserSession.id_token)).one()

    response = client.submit("/sign-out", page_url="/")

    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1").get_text(strip=True) == "You have signed out of the tracker"
    assert _count(UserSession) == 0
    assert client.get("/").status_code == 302
    link = page.find("a", string=lambda text: text and "Sign out of your council account" in text)
    query = parse_qs(urlsplit(link["href"]).query)
    assert link["href"].startswith(f"{council_sign_in['SSO_ISSUER_URL']}/session/end?")
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [f"{TRACKER_BASE}/sign-in"]

    confirm, _ = person.open(link["href"])
    form = BeautifulSoup(confirm.text, "html.parser").select_one("form#op\\.logoutForm")
    answer = person.http.post(
        urljoin(confirm.url, form["action"]),
        data={**{i["name"]: i.get("value", "") for i in form.select("input[name]")}, "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    _, back = person._follow(answer)
    assert back is not None and back.startswith(f"{TRACKER_BASE}/sign-in")
    # Signed out at the provider too: a new council sign-in asks for the password again.
    page_at_provider, returned = person.open(_authorize_url(client))
    assert returned is None and page_at_provider.status_code == 200
    assert page_at_provider.text.count('name="password"') == 1


def test_signing_out_after_a_password_sign_in_is_as_before(client, council_sign_in, db_session) -> None:
    from tests.conftest import sign_in

    partner = UserFactory(email="dana@health.test")
    db_session.commit()
    sign_in(client, partner)
    response = client.submit("/sign-out", page_url="/")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


# Passwords at the council's domains -------------------------------------------------------------------------

COUNCIL_ONLY = (
    "Email addresses at council.test sign in with their council account. Choose ‘Sign in with your council "
    "account’ instead of using a password"
)


def test_a_password_is_refused_for_an_address_at_the_councils_domain(client, council_sign_in, db_session) -> None:
    UserFactory(email="kim.local@council.test")  # an old account with a password
    db_session.commit()

    response = client.submit(
        "/sign-in", {"email": "Kim.Local@Council.test", "password": "correct horse battery staple"}
    )

    assert response.status_code == 400
    page = soup(response)
    assert COUNCIL_ONLY in page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert page.select_one("input[name=email]")["value"] == "Kim.Local@Council.test"
    assert _count(UserSession) == 0


def test_a_password_reset_is_refused_for_an_address_at_the_councils_domain(client, council_sign_in, db_session) -> None:
    from tracker.models import OutboxEmail

    UserFactory(email="kim.local@council.test")
    db_session.commit()

    response = client.submit("/forgot-password", {"email": "kim.local@council.test"})

    assert response.status_code == 400
    assert COUNCIL_ONLY in soup(response).select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert _count(OutboxEmail) == 0


def test_an_invitation_to_an_address_at_the_councils_domain_says_to_use_the_council_account(
    app, client, council_sign_in, db_session
) -> None:
    from datetime import timedelta

    from tracker.auth.services import issue_token
    from tracker.models import TokenPurpose, UserToken

    person = UserFactory(email="new.starter@council.test", password_hash=None)
    with app.test_request_context():
        token = issue_token(person, TokenPurpose.INVITATION, timedelta(days=7))
    db_session.commit()

    new_password = {"password": "a long new password", "confirm": "a long new password"}
    sent = client.submit(f"/set-password/{token}", new_password, page_url="/sign-in")
    for response in (client.get(f"/set-password/{token}"), sent):
        assert response.status_code == 403
        assert _message(response) == COUNCIL_ONLY + "."
        button = soup(response).select_one("main a.govuk-button--start")
        assert button.get_text(strip=True) == "Sign in with your council account"
    assert db_session.scalars(select(UserToken.used_at)).one() is None
    db_session.refresh(person)
    assert person.password_hash is None


def test_partners_keep_their_passwords_with_council_sign_in_on(client, council_sign_in, db_session) -> None:
    from tests.conftest import sign_in

    partner = UserFactory(email="dana@health.test")
    db_session.commit()
    sign_in(client, partner)
    assert client.get("/").status_code == 200


# Turned off -------------------------------------------------------------------------------------------------


def test_with_council_sign_in_off_there_is_no_button_and_no_council_routes(client, db_session) -> None:
    page = soup(client.get("/sign-in"))
    assert "council account" not in page.get_text()
    assert client.get("/sign-in/council-account").status_code == 404
    assert client.get("/sign-in/council-account/callback?code=x&state=y").status_code == 404


def test_the_sign_in_page_offers_the_council_account_first(client, council_sign_in, db_session) -> None:
    page = soup(client.get("/sign-in"))
    button = page.select_one("main a.govuk-button--start")
    assert button.get_text(" ", strip=True) == "Sign in with your council account"
    assert button["href"] == "/sign-in/council-account"
    assert page.select_one("main a.govuk-button--start").find_next("form")["action"] == "/sign-in"


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({}, "SSO_ISSUER_URL is not set; SSO_CLIENT_ID is not set; SSO_ALLOWED_TENANTS is not set; SSO_ROLES is not"),
        ({"SSO_ROLES": "Tracker.Boss=boss"}, "SSO_ROLES: 'boss' is not a role"),
        ({"SSO_ROLE_CLAIM": "wids"}, "SSO_ROLE_CLAIM must be one of roles, groups"),
        ({"SSO_CLIENT_CERTIFICATE": "/no/such/file.pem"}, "SSO_CLIENT_CERTIFICATE cannot be used"),
    ],
)
def test_the_app_refuses_to_start_with_council_sign_in_on_but_not_usable(settings, problem) -> None:
    import config
    from tracker import create_app

    class Config(config.TestingConfig):
        SSO_ENABLED = True
        SSO_CLIENT_SECRET = "secret"

    for name, value in settings.items():
        setattr(Config, name, value)
    with pytest.raises(RuntimeError, match="Single sign-on") as raised:
        create_app(Config)
    assert problem in str(raised.value)
