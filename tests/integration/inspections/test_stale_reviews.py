"""A review page posted twice, or after its import was saved or discarded: never a 500, never another import changed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tests.conftest import soup
from tests.integration.inspections.conftest import REPORTS, import_fixture, post_review, review_form
from tracker.models import ImportDraft, Inspection

LEICESTERSHIRE = REPORTS / "leicestershire-jar-2008.txt"
CABINET = REPORTS / "leicester-jar-action-plan-cabinet-2008.txt"


def _count(db_session, model) -> int:  # noqa: ANN001
    return db_session.scalar(select(func.count()).select_from(model))


def _ready_to_save(client, review_url: str):  # noqa: ANN001, ANN202
    data = review_form(client, review_url)
    data.setlist("published_on", ["3", "6", "2008"])
    return data


def test_save_clicked_again_lands_on_the_inspection_already_saved(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = _ready_to_save(client, review_url)

    first = post_review(client, review_url, data, "save")
    second = post_review(client, review_url, data, "save")

    assert first.status_code == 302
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(db_session, Inspection) == 1
    page = soup(client.get(second.headers["Location"]))
    assert "This import was already saved" in page.get_text()


def test_saves_sent_at_the_same_moment_save_one_inspection_and_none_fails(client, manager, db_session) -> None:
    review_url = import_fixture(client, LEICESTERSHIRE)
    data = _ready_to_save(client, review_url)

    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(lambda _: post_review(client, review_url, data, "save"), range(3)))

    assert [response.status_code for response in responses] == [302, 302, 302]
    inspection = db_session.scalars(select(Inspection)).one()
    assert {response.headers["Location"] for response in responses} == {f"/inspections/{inspection.id}"}
    assert _count(db_session, ImportDraft) == 0


def test_a_page_for_a_saved_import_cannot_change_the_next_import_with_the_same_address(
    client, manager, db_session
) -> None:
    """SQLite gives a deleted draft's id to the next import: the old page is posted to the new import's address."""
    old_url = import_fixture(client, LEICESTERSHIRE)
    old_page = _ready_to_save(client, old_url)
    saved = post_review(client, old_url, old_page, "save")
    new_url = import_fixture(client, CABINET)
    new_fields = db_session.scalars(select(ImportDraft)).one().fields

    for op in ("update", "split-0", "save"):
        response = post_review(client, new_url, old_page, op)
        assert response.status_code == 302, op
        assert response.headers["Location"] == saved.headers["Location"]

    assert _count(db_session, Inspection) == 1
    assert db_session.scalars(select(ImportDraft)).one().fields == new_fields


def test_a_page_for_a_discarded_import_is_refused_and_changes_nothing(client, manager, db_session) -> None:
    old_url = import_fixture(client, LEICESTERSHIRE)
    old_page = review_form(client, old_url)
    discard_url = f"{old_url}/discard"
    draft_key = soup(client.get(discard_url)).select_one("input[name=draft_key]")["value"]
    assert client.submit(discard_url, {"draft_key": draft_key}).status_code == 302
    new_url = import_fixture(client, CABINET)
    new_fields = db_session.scalars(select(ImportDraft)).one().fields

    for op in ("update", "save", "discard-ask"):
        response = post_review(client, new_url, old_page, op)
        assert response.status_code == 409, op
        assert soup(response).select_one("h1").text == "This page is out of date"
        assert "nothing you changed on it was kept" in soup(response).get_text()

    assert client.submit(f"{new_url}/discard", {"draft_key": draft_key}).status_code == 409
    assert db_session.scalars(select(ImportDraft)).one().fields == new_fields
    assert _count(db_session, Inspection) == 0
