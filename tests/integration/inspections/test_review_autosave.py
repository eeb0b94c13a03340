"""The review page keeps each change as it is made: its script posts one field at a time, as JSON with the page's
CSRF token, and the draft keeps it; values the draft cannot keep are refused with a JSON error and not stored."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in, soup
from tests.factories import UserFactory
from tests.integration.inspections.conftest import REPORTS, import_fixture, latest_draft
from tracker.inspections import drafts
from tracker.models import Role

LEICESTERSHIRE = REPORTS / "leicestershire-jar-2008.txt"


@pytest.fixture
def review(client, manager):  # noqa: ANN001, ANN201
    """The review page's URL, its save address, CSRF token and import key, as its script reads them."""
    review_url = import_fixture(client, LEICESTERSHIRE)
    page = soup(client.get(review_url))
    form = page.select_one("form.app-review-form")
    return {
        "url": review_url,
        "save_url": form["data-save-url"],
        "token": form.select_one("input[name=csrf_token]")["value"],
        "draft_key": form.select_one("input[name=draft_key]")["value"],
    }


def _save(client, review: dict, name: object, value: object, *, token: str | None = None, **extra: object):  # noqa: ANN001, ANN202
    headers = {"X-CSRFToken": review["token"] if token is None else token}
    body = {"draft_key": review["draft_key"], "name": name, "value": value, **extra}
    return client.post(review["save_url"], json=body, headers=headers)


def test_a_field_saved_on_its_own_is_kept_and_shown_again(client, db_session, review) -> None:  # noqa: ANN001
    before = dict(latest_draft(db_session).fields)
    response = _save(client, review, "recommendations-2-text", "ensure that every child\r\nhas a plan")
    assert response.status_code == 200
    assert response.get_json() == {"saved": True, "name": "recommendations-2-text"}
    assert _save(client, review, "title", "  Joint area review\tof Leicestershire ").status_code == 200
    assert _save(client, review, "published_on", ["20", "2", "2008"]).status_code == 200
    assert _save(client, review, "recommendations-0-timescale", "longer_term").status_code == 200
    assert _save(client, review, "judgements-0-grade", "2").status_code == 200

    fields = latest_draft(db_session).fields
    assert fields["recommendations"][2]["text"] == "ensure that every child\nhas a plan"
    assert fields["title"] == "Joint area review of Leicestershire"
    assert fields["published_on"] == ["20", "2", "2008"]
    assert fields["recommendations"][0]["timescale"] == "longer_term"
    assert fields["judgements"][0]["grade"] == "2"
    # Nothing else moved.
    assert fields["recommendations"][1] == before["recommendations"][1]
    assert fields["authority"] == before["authority"]
    page = soup(client.get(review["url"]))
    assert page.select_one("#recommendations-2-text").text == "ensure that every child\nhas a plan"
    assert page.select_one("#title")["value"] == "Joint area review of Leicestershire"
    assert page.select_one("#published_on-day")["value"] == "20"


def test_a_field_emptied_or_a_date_half_typed_is_kept_as_typed(client, db_session, review) -> None:  # noqa: ANN001
    """Like the page's buttons, the save keeps work in progress: the Save button is where it must be complete."""
    assert _save(client, review, "authority", "").status_code == 200
    assert _save(client, review, "received_on", ["3", "", ""]).status_code == 200
    fields = latest_draft(db_session).fields
    assert (fields["authority"], fields["received_on"]) == ("", ["3", "", ""])


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("title", "x" * 301, "Title must be 300 characters or fewer"),
        ("recommendations-0-number", "1" * 21, "Number must be 20 characters or fewer"),
        ("judgements-0-grade", "g" * 101, "Grade must be 100 characters or fewer"),
        ("recommendations-0-text", "y" * 20_001, "Recommendation must be 20,000 characters or fewer"),
        ("framework", "Made up", "Select inspection framework from the list"),
        ("recommendations-0-timescale", "tomorrow", "Select timescale from the list"),
        ("published_on", ["31", "June"], "The date the report was published must be sent as a day, a month and a year"),
        (
            "published_on",
            ["1", "June", "2008"],
            "The date the report was published must be a real date, in numbers: for example, 14 1 2015",
        ),
        ("title", ["a", "list"], "Title of the report must be text"),
        ("recommendations-99-text", "more", "This import has no item 100: reload the page to see it as it is now"),
        ("recommendations-0-colour", "red", "There is no field called colour in item 1"),
        ("source_text", "replaced", "This import has no field called source_text"),
        (None, "x", "Say which field to save"),
    ],
)
def test_a_value_the_draft_cannot_keep_is_refused_clearly_and_not_stored(
    client,  # noqa: ANN001
    db_session,  # noqa: ANN001
    review,  # noqa: ANN001
    name: object,
    value: object,
    message: str,
) -> None:
    before = latest_draft(db_session).fields
    response = _save(client, review, name, value)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.get_json()["error"] == message
    assert latest_draft(db_session).fields == before


def test_a_body_that_is_not_json_is_refused_clearly(client, db_session, review) -> None:  # noqa: ANN001
    response = client.post(
        review["save_url"], data="title=x", headers={"X-CSRFToken": review["token"], "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json() == {"error": "Send the field as JSON, with its name and value"}


def test_without_the_page_s_csrf_token_nothing_is_saved(client, db_session, review) -> None:  # noqa: ANN001
    before = latest_draft(db_session).fields
    for token in ("", "forged"):
        response = _save(client, review, "title", "Changed by another site", token=token)
        assert response.status_code == 400
        assert response.get_json() == {
            "error": "The page has expired or you signed in again elsewhere: reload the page"
        }
    assert latest_draft(db_session).fields == before


def test_a_save_from_a_page_whose_import_has_gone_says_so(client, db_session, review) -> None:  # noqa: ANN001
    response = _save(client, review, "title", "Changed", draft_key="an older import")
    assert response.status_code == 409
    assert response.get_json()["error"].startswith("This import was saved or discarded since the page was opened")
    assert latest_draft(db_session).fields["title"] != "Changed"


def test_a_save_for_an_import_that_was_discarded_says_so(client, db_session, review) -> None:  # noqa: ANN001
    drafts.discard(latest_draft(db_session))
    db_session.commit()
    response = _save(client, review, "title", "Changed")
    assert response.status_code == 404
    assert response.get_json()["error"].startswith("This import was saved or discarded since the page was opened")


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.SERVICE_MANAGER, Role.VIEWER])
def test_only_the_person_who_started_the_import_can_save_into_it(client, db_session, review, role: Role) -> None:  # noqa: ANN001
    before = latest_draft(db_session).fields
    someone_else = UserFactory(role=role)
    db_session.commit()
    client.post("/sign-out", data={"csrf_token": review["token"]})
    sign_in(client, someone_else)
    token = client.csrf_token("/account")
    response = _save(client, review, "title", "Not theirs", token=token)
    assert response.status_code == 403
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]
    assert latest_draft(db_session).fields == before


def test_signed_out_the_save_is_not_made_and_the_script_is_told_in_json(client, db_session, review) -> None:  # noqa: ANN001
    before = latest_draft(db_session).fields
    client.post("/sign-out", data={"csrf_token": review["token"]})
    response = _save(client, review, "title", "Signed out")
    # Signing out ended the session its token belonged to.
    assert response.status_code == 400
    assert response.get_json() == {"error": "The page has expired or you signed in again elsewhere: reload the page"}
    assert latest_draft(db_session).fields == before
