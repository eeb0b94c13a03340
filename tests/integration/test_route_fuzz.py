"""No GET page, whatever its route parameters and query string, returns a server error (issue 11, attack 11).

Every GET route in the app's URL map is requested, signed in as each role of the demo and signed out, with values
chosen by hypothesis for each route parameter (real ids, ids beyond any database's integer, Unicode digits, text)
and a query string of the parameters the pages read (page, owner, inspection, version, …) with awkward values.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import config
from tracker import clock, create_app
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.inspections.drafts import import_pasted_text
from tracker.models import (
    Action,
    ChecklistItem,
    ImportDraft,
    Inspection,
    Meeting,
    OutboxEmail,
    ProgressReport,
    ProgressUpdate,
    Recommendation,
    StatutoryDeadline,
    User,
)

GET_ROUTES = sorted(
    (rule.endpoint, rule.rule)
    for rule in create_app(config.TestingConfig).url_map.iter_rules()
    if "GET" in (rule.methods or set())
)
ROLES = {
    "administrator": "admin@demo.test",
    "programme manager": "programme.manager@demo.test",
    "service manager": "service.manager@demo.test",
    "viewer": "viewer@demo.test",
    "signed out": None,
}
EXAMPLES_PER_ROUTE = 10
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
    "draft_id": ImportDraft,
}
# What the pages read from the query string, and a few names they do not.
QUERY_NAMES = ["page", "owner", "inspection", "status", "rag", "timescale", "overdue", "q", "sort", "agency", "state",
               "version", "date", "id"]  # fmt: skip
ODD_NUMBERS = [
    "0", "-1", "01", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808",
    "99999999999999999999999", "1e3", "1.5", " 1", "²", "١٢", "𝟙", "Ⅻ", "9" * 5000,
]  # fmt: skip
ODD_TEXT = ["", "..", "../../etc/passwd", "\x00", "%00", "<script>alert(1)</script>", "' OR 1=1 --", "\r\nX: y"]
QUERY_VALUES = st.one_of(
    st.sampled_from(ODD_NUMBERS + ODD_TEXT),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=30),
)


def _parameters(rule: str) -> list[tuple[str, str]]:
    """(converter, name) for each `<converter:name>` in the rule."""
    found = []
    for match in re.finditer(r"<([^>]+)>", rule):
        converter, _, name = match.group(1).rpartition(":")
        found.append((converter or "default", name))
    return found


def _values_for(converter: str, name: str) -> st.SearchStrategy[str]:
    if converter.startswith("any("):
        choices = [choice.strip() for choice in converter[4:-1].split(",")]
        return st.sampled_from([*choices, "pdf", ""])
    if converter == "int":
        model = ARGUMENT_MODELS.get(name)
        real = [str(i) for i in db.session.scalars(select(model.id).order_by(model.id).limit(3))] if model else []
        return st.one_of(
            st.sampled_from([*real, *ODD_NUMBERS]),
            st.integers(min_value=0, max_value=10**25).map(str),
            st.text(max_size=12),
        )
    return st.one_of(st.sampled_from(["not-a-real-token", "x" * 300, *ODD_TEXT, *ODD_NUMBERS]), st.text(max_size=40))


def _path(rule: str, values: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        return quote(values[match.group(1).rpartition(":")[2]], safe="")

    return re.sub(r"<([^>]+)>", fill, rule)


@pytest.fixture
def demo(client, db_session, now):  # noqa: ANN001, ANN201
    """The demo, with a progress report and a programme manager's unfinished import, so that every kind of page
    has something real to show."""
    load_demo(clock.today())
    inspection = db_session.scalars(select(Inspection)).first()
    manager = db_session.scalars(select(User).where(User.email == ROLES["programme manager"])).one()
    db_session.add(ProgressReport(inspection=inspection, committee="Cabinet", meets_on=clock.today(),
                                  as_at=clock.today(), title="Progress report"))  # fmt: skip
    import_pasted_text("Leicester City Council\nRecommendations\n1. Improve something quickly.\n", user=manager)
    db_session.commit()
    return client


def _fuzz(client, role: str, endpoint: str, rule: str) -> None:  # noqa: ANN001
    parameters = _parameters(rule)
    path_values = st.fixed_dictionaries({name: _values_for(converter, name) for converter, name in parameters})
    query = st.dictionaries(st.sampled_from(QUERY_NAMES), QUERY_VALUES, max_size=4)

    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
    @given(values=path_values, arguments=query)
    def get(values: dict[str, str], arguments: dict[str, str]) -> None:
        url = _path(rule, values) + ("?" + urlencode(arguments) if arguments else "")
        response = client.get(url)
        assert response.status_code < 500, f"{role}: GET {url} ({endpoint}) answered {response.status_code}"

    get()


@pytest.mark.parametrize("role", list(ROLES))
def test_odd_route_parameters_and_query_strings_never_cause_a_server_error(demo, role: str) -> None:
    email = ROLES[role]
    if email is not None:
        response = demo.submit("/sign-in", {"email": email, "password": "demo-tracker-password"})
        assert response.status_code == 302
    for endpoint, rule in GET_ROUTES:
        _fuzz(demo, role, endpoint, rule)
