"""The sweep's phone check itself: it notices a page that scrolls sideways at 320px and names what is too
wide, and it notices a tag broken inside a word; the app's stylesheet keeps tags and ratings whole."""

from __future__ import annotations

import pytest

from tests.browser.reflow import DESKTOP, phone_problems

pytestmark = pytest.mark.browser


def _stylesheets(live_server: str) -> str:
    return "".join(
        f'<link rel="stylesheet" href="{live_server}/assets/{name}">'
        for name in ("govuk-frontend.min.css", "css/tracker.css")
    )


def test_a_page_wider_than_a_phone_is_reported_with_its_widest_element(page, live_server) -> None:  # noqa: ANN001
    page.set_content(
        "<!DOCTYPE html><main><p>Fits.</p>"
        "<table class='wide'><tr><td><div style='width:600px'>Six hundred pixels</div></td></tr></table>"
        "<div style='overflow-x:auto'><div style='width:900px'>Scrolls in its own box</div></div>"
        "<p id='address'>https://example.gov.uk/averylongaddresswithnospacesnorhyphensinitatallanywhere</p></main>"
    )
    problems = phone_problems(page, "someone /somewhere")
    assert len(problems) == 1
    problem = problems[0]
    assert problem.startswith("someone /somewhere (about:blank) scrolls sideways at 320px")
    assert "widest: table.wide (" in problem and '"Six hundred pixels"' in problem
    assert "p#address" in problem  # text that runs out of its box is named by its box
    assert "Scrolls in its own box" not in problem  # a box that scrolls on its own does not move the page
    assert page.viewport_size == DESKTOP  # left as it was for the rest of the sweep


def test_a_page_that_fits_has_no_problems(page, live_server) -> None:  # noqa: ANN001
    page.set_content("<!DOCTYPE html><main><p>A short page.</p></main>")
    assert phone_problems(page, "someone /short") == []


def test_tags_and_ratings_never_break_inside_a_word(page, live_server) -> None:  # noqa: ANN001
    cell = "<td class='govuk-table__cell' style='width:20px'>{}</td>"
    page.set_content(
        f"<!DOCTYPE html><html><head>{_stylesheets(live_server)}"
        "<style>.control { overflow-wrap: anywhere; }</style></head><body>"
        "<table class='govuk-table' style='table-layout:fixed;width:300px'><tr>"
        + cell.format("<strong class='govuk-tag govuk-tag--grey'>Not started</strong>")
        + cell.format("<span class='app-rag app-rag--red'>Red</span>")
        + cell.format("<span class='app-rag app-rag--none'>Not rated</span>")
        + cell.format("<strong class='govuk-tag control'>Amber</strong>")
        + "<td class='govuk-table__cell'>The rest</td></tr></table></body></html>"
    )
    page.wait_for_load_state("load")
    problems = phone_problems(page, "someone /tags")
    broken = [p for p in problems if "broken inside a word" in p]
    # Only the control, whose own style lets it break anywhere, is broken: the checker sees it, and the app's
    # stylesheet keeps the real tags whole (GOV.UK's break-word plus the table cells' 'anywhere' made "Re d").
    assert len(broken) == 1 and '"Amber"' in broken[0], problems
