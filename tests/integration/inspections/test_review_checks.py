"""The review page shows first what the importer is unsure of, and where on the page each thing is."""

from __future__ import annotations

from tests.conftest import soup
from tests.integration.inspections.conftest import REPORTS, paste, post_review, review_form

FLAGGED_REPORT = (
    "Inspection of Anytown local authority children’s services\n"
    "Inspection dates: 3 to 14 March 2025\n"
    "Judgement Grade\n"
    "The impact of leaders on social work practice with children and families Good\n"
    "The experiences and progress of children who need help and protection Good\n"
    "The experiences and progress of children in care Good\n"
    "The experiences and progress of care leavers Good\n"
    "Overall effectiveness Good\n"
    "What needs to improve?\n"
    "• The quality of plans for children in need.\n"
    "• The timeliness of strategy meetings and\n"
    "\n"
    "Summary of findings\n"
)


def _review_url(client) -> str:  # noqa: ANN001
    response = paste(client, FLAGGED_REPORT)
    assert response.status_code == 302
    return response.headers["Location"]


def _checks(page) -> list[str]:  # noqa: ANN001
    box = page.select_one(".app-import-warnings")
    return [] if box is None else [item.get_text(" ", strip=True) for item in box.select("li")]


def test_what_may_be_wrong_is_listed_first_with_links_to_where_it_is(client, manager, db_session) -> None:
    page = soup(client.get(_review_url(client)))
    checks = _checks(page)
    assert checks == [
        "“Anytown” is not on the list of English councils with children’s services: check the name",
        "No publication date found: enter it under Inspection details",
        "Item 2: This item may be cut off: it ends mid-sentence",
    ]
    box = page.select_one(".app-import-warnings")
    # The box comes before the form, and every link lands on something on the page.
    assert box.find_next("form") is page.select_one("form.app-review-form")
    for link in box.select("a"):
        assert page.select_one(link["href"]) is not None, link["href"]
    assert [a["href"] for a in box.select("a")] == ["#authority", "#published_on", "#item-1"]


def test_a_flagged_item_carries_its_warning(client, manager, db_session) -> None:
    page = soup(client.get(_review_url(client)))
    first, second = page.select(".app-review-item")
    assert first.select_one(".govuk-warning-text") is None
    warning = second.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "This item may be cut off: it ends mid-sentence" in warning
    # The authority's doubt is shown by its field too.
    details = page.select_one("#details").find_next(class_="govuk-warning-text").get_text(" ", strip=True)
    assert "is not on the list of English councils" in details


def test_a_note_follows_its_item_and_goes_once_the_item_is_changed(client, manager, db_session) -> None:
    review_url = _review_url(client)
    data = review_form(client, review_url)
    assert post_review(client, review_url, data, "up-1").status_code == 302
    page = soup(client.get(review_url))
    assert "Item 1: This item may be cut off: it ends mid-sentence" in _checks(page)
    assert page.select(".app-review-item")[0].select_one(".govuk-warning-text") is not None

    data = review_form(client, review_url)
    data["recommendations-0-text"] = "The timeliness of strategy meetings and child protection conferences."
    assert post_review(client, review_url, data, "update").status_code == 302
    page = soup(client.get(review_url))
    assert not any(check.startswith("Item") for check in _checks(page))
    assert page.select(".app-review-item .govuk-warning-text") == []


def test_a_report_read_cleanly_has_nothing_to_check(client, manager, db_session) -> None:
    response = paste(client, (REPORTS / "leicester-sif-2015.txt").read_text(encoding="utf-8"))
    page = soup(client.get(response.headers["Location"]))
    assert _checks(page) == []
    assert page.select(".govuk-warning-text") == []
