"""Nothing tells an outsider which addresses have accounts (issue 11, attacks 6 and 7): the same words, the same
status and the same work for an account, an unknown address, a deactivated person and an invited person who
has not chosen a password, on sign-in, its throttle and forgot-password."""

from __future__ import annotations

import statistics
import time

from werkzeug.security import generate_password_hash

from tests.conftest import soup
from tests.factories import UserFactory
from tracker.auth.services import _STAND_IN_HASH

KINDS = ("account", "unknown", "deactivated", "invited")


def _addresses(db_session) -> dict[str, str]:  # noqa: ANN001
    addresses = {
        "account": UserFactory(email="has.account@example.gov.uk").email,
        "deactivated": UserFactory(email="left@example.gov.uk", active=False).email,
        "invited": UserFactory(email="invited@example.gov.uk", password_hash=None).email,
        "unknown": "nobody@example.gov.uk",
    }
    db_session.commit()
    return addresses


def _said(response) -> tuple[int, str]:  # noqa: ANN001
    page = soup(response)
    errors = page.select_one(".govuk-error-summary__list")
    return response.status_code, errors.get_text(" ", strip=True) if errors else page.select_one("h1").text.strip()


def test_the_stand_in_hash_is_made_the_way_real_ones_are() -> None:
    method = generate_password_hash("any password at all", method="scrypt").split("$", 1)[0]
    assert _STAND_IN_HASH.split("$", 1)[0] == method == "scrypt:32768:8:1"


def test_sign_in_and_its_throttle_say_the_same_whoever_the_address_belongs_to(app, client, db_session) -> None:
    said: dict[str, list[tuple[int, str]]] = {}
    for kind, email in _addresses(db_session).items():
        browser = app.test_client()
        said[kind] = [
            _said(browser.submit("/sign-in", {"email": email, "password": "wrong password"})) for _ in range(6)
        ]
    assert said["account"][0] == (400, "Enter a correct email address and password")
    assert said["account"][5] == (
        429,
        "Too many attempts to sign in with this email address. Wait 1 minute, then try again, or reset your password",
    )
    assert all(said[kind] == said["account"] for kind in KINDS), said


def test_forgot_password_says_the_same_whoever_the_address_belongs_to(app, client, db_session) -> None:
    said: dict[str, list[tuple[int, str]]] = {}
    for n, (kind, email) in enumerate(_addresses(db_session).items()):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"192.0.2.{n}"  # each from a network of its own
        said[kind] = [_said(browser.submit("/forgot-password", {"email": email})) for _ in range(4)]
    assert said["account"][0] == (200, "Check your email")
    assert said["account"][3][0] == 429
    assert all(said[kind] == said["account"] for kind in KINDS), said


def test_a_wrong_password_takes_as_long_whoever_the_address_belongs_to(app, client, db_session) -> None:
    """One real scrypt check each time: before, an unknown address was refused in 4 ms and an account in 108."""
    addresses = _addresses(db_session)
    browser = app.test_client()
    browser.csrf_token("/sign-in")  # the first request's set-up is not timed
    took: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for round_ in range(4):  # four each: below the five an address gets before it must wait
        for kind in KINDS if round_ % 2 else reversed(KINDS):
            token = browser.csrf_token("/sign-in")
            started = time.perf_counter()
            response = browser.post(
                "/sign-in", data={"csrf_token": token, "email": addresses[kind], "password": "wrong password"}
            )
            took[kind].append(time.perf_counter() - started)
            assert response.status_code == 400
    medians = {kind: statistics.median(times) for kind, times in took.items()}
    for kind in KINDS:
        assert 0.5 < medians[kind] / medians["account"] < 2, medians
