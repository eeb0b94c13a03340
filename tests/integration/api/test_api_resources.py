"""What the API answers: each list and item as the OpenAPI description says, the All actions page's filters with
the same results, cursor pagination, ETags, and 400s for what it cannot take."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, ProgressUpdateFactory, UserFactory
from tests.integration.actions.conftest import Plan
from tests.integration.api.conftest import API, Tokens, bearer, check_against_description
from tracker.models import ActionStatus, DueDateRequestState, Rag, StatutoryDeadline


def _more_actions(plan: Plan) -> None:
    """Actions that differ in every way All actions filters on, plus one archived."""
    nhs = UserFactory(name="Dr Amara Okoye")
    ActionFactory(recommendation=plan.immediate, reference="1.2", title="Audit =SUM(case) files", owner=nhs,
                  lead_agency="NHS Leicester", rag=Rag.RED, due_on=date(2026, 10, 1))  # fmt: skip
    ActionFactory(recommendation=plan.six_months, reference="2.2", owner=None, lead_agency="", rag=None,
                  status=ActionStatus.NOT_STARTED, due_on=None, original_due_on=None)  # fmt: skip
    ActionFactory(recommendation=plan.six_months, reference="2.3", owner=plan.owner, rag=Rag.BLUE,
                  status=ActionStatus.COMPLETE, due_on=date(2026, 9, 1),
                  description="Recruit two social workers")  # fmt: skip
    ActionFactory(recommendation=plan.six_months, reference="2.4", owner=plan.owner, rag=Rag.AMBER,
                  status=ActionStatus.NO_LONGER_REQUIRED, due_on=date(2026, 11, 1))  # fmt: skip
    ActionFactory(recommendation=plan.immediate, reference="1.9", owner=plan.owner,
                  archived_at=datetime(2026, 11, 2, tzinfo=UTC))  # fmt: skip


def test_every_list_and_item_answers_as_the_openapi_description_says(
    client, db_session, plan: Plan, tokens: Tokens, description
) -> None:
    _more_actions(plan)
    ProgressUpdateFactory(
        action=plan.action, narrative="Two posts filled", evidence_links="https://intranet/a\nhttps://intranet/b",
        requested_due_on=date(2027, 1, 29), request_reason="Recruitment", request_state=DueDateRequestState.APPROVED,
        decided_by=plan.manager, decided_at=datetime(2026, 11, 20, tzinfo=UTC), decision_note="Agreed",
    )  # fmt: skip
    ProgressUpdateFactory(action=plan.other_action, author=None, rag=Rag.AMBER)
    db_session.commit()
    answers = {
        "/inspections": f"{API}/inspections",
        "/inspections/{inspection_id}": f"{API}/inspections/{plan.inspection.id}",
        "/recommendations": f"{API}/recommendations?inspection={plan.inspection.id}",
        "/actions": f"{API}/actions",
        "/actions/{action_id}": f"{API}/actions/{plan.action.id}",
        "/progress-updates": f"{API}/progress-updates",
        "/statutory-deadlines": f"{API}/statutory-deadlines",
    }
    bodies = {}
    for path, url in answers.items():
        response = client.get(url, headers=bearer(tokens.viewer))
        assert response.status_code == 200, (url, response.get_data(as_text=True))
        bodies[path] = check_against_description(description, path, response)

    assert [a["reference"] for a in bodies["/actions"]["data"]] == ["1.1", "2.1", "1.2", "2.2", "2.3", "2.4"]
    action = bodies["/actions/{action_id}"]["data"]
    assert list(action)[:4] == ["id", "reference", "title", "description"]  # columns in a reporting tool's order
    assert action["owner"] == {"id": plan.owner.id, "name": "Sam Patel", "email": plan.owner.email, "active": True}
    assert action["timescale"] == "immediate" and action["timescale_label"] == "For immediate action"
    assert (action["due_on"], action["is_overdue"], action["working_days_to_due"]) == ("2026-12-18", False, 18)
    assert action["html_url"] == f"http://localhost/actions/{plan.action.id}"
    undated = next(a for a in bodies["/actions"]["data"] if a["reference"] == "2.2")
    assert (undated["owner"], undated["rag"], undated["due_on"], undated["working_days_to_due"]) == (
        None, None, None, None,
    )  # fmt: skip
    late = next(a for a in bodies["/actions"]["data"] if a["reference"] == "1.2")
    assert (late["is_overdue"], late["working_days_to_due"]) == (True, -38)
    updates = bodies["/progress-updates"]["data"]
    assert updates[0]["evidence_links"] == ["https://intranet/a", "https://intranet/b"]
    assert updates[0]["author"] == {"id": plan.owner.id, "name": "Sam Patel"}
    assert updates[0]["decided_by"] == {"id": plan.manager.id, "name": "Jo Clarke"}
    assert (updates[1]["author"], updates[1]["decided_by"]) == (None, None)
    assert [r["number"] for r in bodies["/recommendations"]["data"]] == ["1", "2"]
    deadlines = bodies["/statutory-deadlines"]["data"]
    assert {d["kind"] for d in deadlines} >= {"action_plan", "publish_report"}
    plan_deadline = next(d for d in deadlines if d["kind"] == "action_plan")
    assert plan_deadline["due_on"] == "2008-09-09" and plan_deadline["working_days_left"] < 0
    assert bodies["/inspections/{inspection_id}"]["data"]["published_on"] == "2008-06-03"


def test_archived_actions_and_their_progress_are_left_out_of_lists_but_can_be_read_by_id(
    client, db_session, plan: Plan, tokens: Tokens, description
) -> None:
    archived = ActionFactory(
        recommendation=plan.immediate, reference="1.9", archived_at=datetime(2026, 11, 2, tzinfo=UTC)
    )
    ProgressUpdateFactory(action=archived)
    db_session.commit()
    listed = client.get(f"{API}/actions", headers=bearer(tokens.viewer)).get_json()
    assert archived.id not in [a["id"] for a in listed["data"]]
    updates = client.get(f"{API}/progress-updates", headers=bearer(tokens.viewer)).get_json()
    assert updates["data"] == []
    one = client.get(f"{API}/actions/{archived.id}", headers=bearer(tokens.viewer))
    assert check_against_description(description, "/actions/{action_id}", one)["data"]["archived_at"].startswith(
        "2026-11-02"
    )


@pytest.mark.parametrize("url", ["/inspections/999999", "/actions/999999", "/no-such-list"])
def test_what_is_not_there_is_a_json_404(client, db_session, tokens: Tokens, description, url: str) -> None:
    response = client.get(f"{API}{url}", headers=bearer(tokens.viewer))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    if url != "/no-such-list":
        check_against_description(description, url.replace("999999", "{" + url.split("/")[1][:-1] + "_id}"), response)
    assert response.get_json()["status"] == 404


def _html_ids(client, query: str) -> set[int]:  # noqa: ANN001
    page = soup(client.get(f"/actions?{query}"))
    return {int(link["href"].rsplit("/", 1)[1]) for link in page.select("main table tbody tr td:first-child a")}


def _api_ids(client, query: str, token: str) -> list[int]:  # noqa: ANN001
    ids: list[int] = []
    url: str | None = f"{API}/actions?{query}&limit=2"
    while url:
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        ids += [action["id"] for action in body["data"]]
        url = body["links"]["next"]
    return ids


FILTERS = [
    "",
    "rag=red",
    "rag=none",
    "status=open",
    "status=complete",
    "status=no_longer_required",
    "timescale=six_months",
    "overdue=yes",
    "agency=NHS+Leicester",
    "q=social+workers",
    "q=%3DSUM",
    "rag=green&status=in_progress&timescale=immediate",
]


def test_the_actions_filters_find_what_the_all_actions_page_finds(
    client, db_session, plan: Plan, tokens: Tokens
) -> None:
    _more_actions(plan)
    db_session.commit()
    sign_in(client, plan.viewer)
    queries = [*FILTERS, f"inspection={plan.inspection.id}", f"owner={plan.owner.id}"]
    for query in queries:
        api = _api_ids(client, query, tokens.viewer)
        assert api == sorted(api), query
        assert len(set(api)) == len(api), query
        assert set(api) == _html_ids(client, query), query
    assert len(_api_ids(client, "", tokens.viewer)) == 6


def test_pages_follow_on_in_id_order_keeping_the_filters_until_next_is_null(
    client, db_session, plan: Plan, tokens: Tokens
) -> None:
    for n in range(5):
        ActionFactory(recommendation=plan.six_months, reference=f"2.{n + 2}", rag=Rag.GREEN)
    db_session.commit()
    first = client.get(f"{API}/actions?rag=green&limit=3", headers=bearer(tokens.viewer)).get_json()
    assert len(first["data"]) == 3 and first["meta"]["limit"] == 3
    following = urlsplit(first["links"]["next"])
    assert following.path == f"{API}/actions"
    assert parse_qs(following.query) == {"rag": ["green"], "limit": ["3"], "cursor": [first["meta"]["next_cursor"]]}
    second = client.get(first["links"]["next"], headers=bearer(tokens.viewer)).get_json()
    third = client.get(second["links"]["next"], headers=bearer(tokens.viewer)).get_json()
    assert third["links"]["next"] is None and third["meta"]["next_cursor"] is None
    ids = [a["id"] for page in (first, second, third) for a in page["data"]]
    assert len(ids) == 7 and ids == sorted(ids)
    # A row added behind the cursor is not seen again; one added ahead is, and nothing is seen twice.
    again = client.get(
        f"{API}/actions?rag=green&limit=3&cursor={first['meta']['next_cursor']}", headers=bearer(tokens.viewer)
    ).get_json()
    assert [a["id"] for a in again["data"]] == ids[3:6]


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("rag=purple", "rag must be one of red, amber, green, blue, none"),
        ("status=done", "status must be one of open, not_started, in_progress, complete, no_longer_required"),
        ("timescale=soon", "timescale must be one of"),
        ("overdue=true", "overdue must be one of yes, no"),
        ("inspection=abc", "inspection must be an id"),
        ("owner=-1", "owner must be an id"),
        ("owner=%C2%B2", "owner must be an id"),
        ("q=" + "x" * 201, "q must be 200 characters or fewer"),
        ("limit=0", "limit must be a whole number from 1 to 1000"),
        ("limit=1001", "limit must be a whole number from 1 to 1000"),
        ("limit=ten", "limit must be a whole number from 1 to 1000"),
        ("cursor=abc", "cursor is not valid"),
        ("cursor=", "cursor is not valid"),
        ("sort=due", "unknown parameter sort: this list takes agency, cursor, inspection, limit, overdue, owner, q"),
        ("stauts=open", "unknown parameter stauts"),
    ],
)
def test_what_the_api_cannot_take_is_a_400_saying_what_to_change(
    client, db_session, tokens: Tokens, description, query: str, detail: str
) -> None:
    response = client.get(f"{API}/actions?{query}", headers=bearer(tokens.viewer))
    assert response.status_code == 400
    body = check_against_description(description, "/actions", response)
    assert body["detail"].startswith(detail), body


def test_a_cursor_is_for_its_own_list_and_cannot_be_altered(client, db_session, plan: Plan, tokens: Tokens) -> None:
    ActionFactory(recommendation=plan.six_months, reference="2.2")
    db_session.commit()
    cursor = client.get(f"{API}/actions?limit=1", headers=bearer(tokens.viewer)).get_json()["meta"]["next_cursor"]
    elsewhere = client.get(f"{API}/progress-updates?cursor={cursor}", headers=bearer(tokens.viewer))
    assert (elsewhere.status_code, elsewhere.get_json()["detail"]) == (
        400, "cursor is for another list, not progress-updates",
    )  # fmt: skip
    payload, _, signature = cursor.rpartition(".")
    altered = payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature
    assert client.get(f"{API}/actions?cursor={altered}", headers=bearer(tokens.viewer)).status_code == 400
    assert client.get(f"{API}/inspections/1?limit=5", headers=bearer(tokens.viewer)).get_json()["detail"] == (
        "unknown parameter limit: this address takes no parameters"
    )


def test_an_unchanged_answer_is_304_with_no_body_and_a_change_gives_a_new_etag(
    client, db_session, plan: Plan, tokens: Tokens
) -> None:
    first = client.get(f"{API}/actions", headers=bearer(tokens.viewer))
    etag = first.headers["ETag"]
    assert etag.startswith('"') and first.headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in first.headers["Vary"]
    unchanged = client.get(f"{API}/actions", headers={**bearer(tokens.viewer), "If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b"" and unchanged.headers["ETag"] == etag
    listed_with_others = client.get(
        f"{API}/actions", headers={**bearer(tokens.viewer), "If-None-Match": f'"other", {etag}'}
    )
    assert listed_with_others.status_code == 304
    plan.action.title = "Recruit two more social workers"
    db_session.commit()
    changed = client.get(f"{API}/actions", headers={**bearer(tokens.viewer), "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["data"][0]["title"] == "Recruit two more social workers"
    description = client.get(f"{API}/openapi.json")
    assert client.get(f"{API}/openapi.json", headers={"If-None-Match": description.headers["ETag"]}).status_code == 304


def test_recommendations_progress_and_deadlines_filter_by_inspection_and_action(
    client, db_session, plan: Plan, tokens: Tokens
) -> None:
    other = ActionFactory(reference="9.1")  # another inspection's
    ProgressUpdateFactory(action=plan.action)
    ProgressUpdateFactory(action=other)
    db_session.commit()

    def ids(url: str) -> list[int]:
        return [row["id"] for row in client.get(f"{API}{url}", headers=bearer(tokens.viewer)).get_json()["data"]]

    assert len(ids("/recommendations")) == 3
    assert ids(f"/recommendations?inspection={plan.inspection.id}") == [plan.immediate.id, plan.six_months.id]
    assert len(ids("/progress-updates")) == 2
    assert len(ids(f"/progress-updates?inspection={plan.inspection.id}")) == 1
    assert len(ids(f"/progress-updates?action={other.id}")) == 1
    deadlines = db_session.scalar(select(func.count()).where(StatutoryDeadline.inspection_id == plan.inspection.id))
    assert len(ids(f"/statutory-deadlines?inspection={plan.inspection.id}")) == deadlines
    assert ids(f"/statutory-deadlines?inspection={other.inspection_id}") == []
    assert len(ids("/inspections")) == 2
