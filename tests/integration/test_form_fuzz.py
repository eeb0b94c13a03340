"""No form POST, whatever its field values, returns a server error (a crash is a bug with a test).

Every POST route is sent arbitrary values for the fields its forms have (found on the page itself
or on the pages that link to it), with a valid CSRF token, as an administrator of the demo.
"""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import config
from tests.conftest import soup
from tracker import clock, create_app
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.models import (
    Action,
    ChecklistItem,
    Inspection,
    Meeting,
    OutboxEmail,
    ProgressReport,
    ProgressUpdate,
    Recommendation,
    StatutoryDeadline,
    User,
)

POST_ENDPOINTS = sorted(
    (rule.endpoint, rule.rule)
    for rule in create_app(config.TestingConfig).url_map.iter_rules()
    if "POST" in (rule.methods or set())
)
# Pages whose forms post elsewhere: their field names are fuzzed too.
SOURCE_PAGES = (
    "/inspections/{inspection}",
    "/inspections/{inspection}/plan",
    "/actions/{action}",
    "/admin/outbox",
    "/reminders",
)
ARGUMENT_MODELS = {
    "inspection_id": Inspection,
    "action_id": Action,
    "recommendation_id": Recommendation,
    "user_id": User,
    "email_id": OutboxEmail,
    "report_id": ProgressReport,
    "deadline_id": StatutoryDeadline,
    "meeting_id": Meeting,
    "update_id": ProgressUpdate,
    "item_id": ChecklistItem,
}
AWKWARD_VALUES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "999999999999",
            "31",
            "02",
            "2009",
            "31/02/2009",
            "red",
            "complete",
            "yes",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "١٢",
            "𝟙𝟚",
            "²",
            "99999999999999999999999",
            "2147483648",
            "Cabinet\r\nBcc: intruder@example.com",
        ]
    ),  # fmt: skip
    st.text(min_size=2001, max_size=2100),
)


def _first_id(model: type) -> int:
    return db.session.scalar(select(model.id).order_by(model.id)) or 1


def _url_for(rule: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        if name in ARGUMENT_MODELS:
            return str(_first_id(ARGUMENT_MODELS[name]))
        if name == "draft_id":
            return "1"
        return "not-a-real-token"

    return re.sub(r"<([^>]+)>", fill, rule)


def _field_names(client, url: str) -> tuple[set[str], set[str]]:  # noqa: ANN001
    """Names of text-like and file fields on the page at `url` and the common source pages."""
    texts: set[str] = set()
    files: set[str] = set()
    inspection, action = _first_id(Inspection), _first_id(Action)
    for page in (url, *(p.format(inspection=inspection, action=action) for p in SOURCE_PAGES)):
        response = client.get(page)
        if response.status_code != 200:
            continue
        for field in soup(response).select("form input[name], form select[name], form textarea[name]"):
            name = str(field["name"])
            if name == "csrf_token":
                continue
            (files if field.get("type") == "file" else texts).add(name)
    return texts, files


def _page_with_a_form(client, url: str) -> str:  # noqa: ANN001
    """Somewhere to take a CSRF token from: the page itself, else home, else (signed out) sign-in."""
    for page in (url, "/"):
        if client.get(page).status_code == 200:
            return page
    return "/sign-in"


@pytest.fixture
def admin_client(client, db_session, now):  # noqa: ANN001, ANN201
    load_demo(clock.today())
    db_session.commit()
    response = client.submit("/sign-in", {"email": "admin@demo.test", "password": "demo-tracker-password"})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(("endpoint", "rule"), POST_ENDPOINTS, ids=[e for e, _ in POST_ENDPOINTS])
def test_arbitrary_form_values_never_cause_a_server_error(admin_client, endpoint: str, rule: str) -> None:
    url = _url_for(rule)
    texts, files = _field_names(admin_client, url)
    names = sorted(texts) or ["value"]

    @settings(max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
    @given(values=st.dictionaries(st.sampled_from(names), AWKWARD_VALUES, max_size=len(names)),
           upload=st.binary(max_size=2000))  # fmt: skip
    def post(values: dict[str, str], upload: bytes) -> None:
        data: dict[str, object] = dict(values)
        for name in files:
            data[name] = (io.BytesIO(upload), "upload.pdf")
        response = admin_client.submit(url, data, page_url=_page_with_a_form(admin_client, url),
                                       content_type="multipart/form-data")  # fmt: skip
        assert response.status_code < 500, f"{endpoint} returned {response.status_code} for {values!r}"

    post()
