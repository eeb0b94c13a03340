"""The API's work does not grow with the database: each page runs as many SQL statements for 1,000 actions as for
10 (DESIGN §9), counted as for the HTML pages: finding the token, counting the request, and one query for the page.
"""

from __future__ import annotations

from tests.integration.actions.conftest import Plan
from tests.integration.actions.test_query_counts import add_actions, counting_queries
from tests.integration.api.conftest import API, Tokens, bearer

# Per request: the token and its person (1), the request counted against its limit (1), the page itself (1).
EXPECTED = 3


def api_pages(plan: Plan) -> dict[str, str]:
    return {
        "inspections": f"{API}/inspections",
        "one inspection": f"{API}/inspections/{plan.inspection.id}",
        "recommendations": f"{API}/recommendations?inspection={plan.inspection.id}",
        "actions, 100": f"{API}/actions?limit=100",
        "actions, filtered": f"{API}/actions?rag=green&status=open&timescale=immediate&q=generated&limit=100",
        "one action": f"{API}/actions/{plan.action.id}",
        "progress updates, 100": f"{API}/progress-updates?limit=100",
        "statutory deadlines": f"{API}/statutory-deadlines",
    }


def statements_per_page(client, plan: Plan, token: str) -> dict[str, int]:  # noqa: ANN001
    counts = {}
    for name, url in api_pages(plan).items():
        client.get(url, headers=bearer(token))  # warm: the first request records the token's last use
        with counting_queries() as statements:
            response = client.get(url, headers=bearer(token))
        assert response.status_code == 200, name
        counts[name] = len(statements)
        next_url = (response.get_json().get("links") or {}).get("next")
        if next_url:
            with counting_queries() as statements:
                assert client.get(next_url, headers=bearer(token)).status_code == 200
            counts[f"{name}, next page"] = len(statements)
    return counts


def test_api_pages_run_the_same_statements_for_10_and_1000_actions(
    client, db_session, plan: Plan, tokens: Tokens
) -> None:
    add_actions(plan, 8, start=100)
    with_ten = statements_per_page(client, plan, tokens.viewer)
    add_actions(plan, 990, start=2000)
    with_a_thousand = statements_per_page(client, plan, tokens.viewer)
    print(f"\nSQL statements per API page: {with_ten} (10 actions), {with_a_thousand} (1,000 actions)")
    assert set(with_a_thousand.values()) == {EXPECTED}
    assert {name: count for name, count in with_a_thousand.items() if name in with_ten} == with_ten
    assert "actions, 100, next page" in with_a_thousand


def test_an_unchanged_page_costs_the_same_statements_and_sends_nothing(
    client, db_session, plan: Plan, tokens: Tokens
) -> None:
    add_actions(plan, 200, start=100)
    first = client.get(f"{API}/actions?limit=100", headers=bearer(tokens.viewer))
    with counting_queries() as statements:
        again = client.get(
            f"{API}/actions?limit=100", headers={**bearer(tokens.viewer), "If-None-Match": first.headers["ETag"]}
        )
    assert again.status_code == 304 and len(statements) == EXPECTED
