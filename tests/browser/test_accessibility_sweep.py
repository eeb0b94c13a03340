"""The accessibility sweep (WCAG 2.2 AA, as the public sector accessibility regulations require).

Every HTML page of the app, as every role, with the demo data and one of everything else (an import
under review, a draft and an issued report, a pending due-date request, queued and failed emails, live
invitation, reset and update links), checked in Chromium by axe-core; every form sent empty and its
error state checked too, with the pages only a POST or a fault shows. With the keyboard alone: Tab
from the top of each page with forms reaches every submit button, GOV.UK's focus style shows on
everything it reaches, and the skip link comes first and moves focus to the main content. On a phone
(320px wide, WCAG 1.4.10 Reflow): no page, error state or email scrolls sideways, and no tag breaks inside a word.
The pass runs once (tests/browser/sweep_runner.py); each test below checks one part of what it found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, template_rendered

from tests.browser.sweep import (
    ANONYMOUS,
    EMAILS,
    NOT_HTML,
    ROLES,
    SWEEP_NOW,
    UnfilledRoute,
    World,
    build_world,
    extra_visits,
    html_get_endpoints,
    is_public,
    params_for,
    plan_visits,
)
from tests.browser.sweep_runner import Scan, Sweep, run_sweep
from tests.conftest import _empty_database
from tests.oidc import sso_config
from tracker import clock
from tracker.extensions import db

pytestmark = pytest.mark.browser

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Not pages: the layout, macros, partials (named _*), emails (checked through the admin's outbox) and the plan's PDF
# source (its content is the print view's partial, swept there; the PDF's tags are checked in test_plan_print.py).
NOT_PAGES = ("layout.html", "base.html", "macros/", "emails/", "actions/plan_document.html")


@pytest.fixture(scope="module")
def world(app: Flask, live_server: str, browser_oidc_provider) -> Iterator[World]:  # noqa: ANN001
    original = dict(app.config)
    app.config["TRACKER_NOW"] = SWEEP_NOW
    # Council sign-in on, so the sign-in page offers it and its own pages are swept (partners' passwords still work).
    app.config.update(sso_config(browser_oidc_provider, live_server))
    # A request context, as the admin's invitation builds its link with url_for.
    with app.test_request_context():
        built = build_world(clock.today())
        db.session.commit()
        yield built
    app.config.clear()
    app.config.update(original)
    _empty_database(app)


@pytest.fixture(scope="module")
def sweep(app: Flask, world: World, browser, live_server: str) -> Sweep:  # noqa: ANN001
    rendered: set[str] = set()

    def record(_sender: Flask, template, context, **_extra) -> None:  # noqa: ANN001
        rendered.add(template.name)

    template_rendered.connect(record, app)
    try:
        result = run_sweep(app, world, browser, live_server, plan_visits(app, world) + extra_visits(world))
    finally:
        template_rendered.disconnect(record, app)
    result.templates = rendered
    return result


def _report(scans: list[Scan]) -> str:
    return "\n".join(f"{s.label} -> {s.status} {s.url}: {s.violations}" for s in scans if s.violations)


def test_every_get_route_is_swept_or_allow_listed(app: Flask, world: World) -> None:
    """A new GET route fails this test until the sweep can visit it or NOT_HTML says why it need not."""
    for endpoint, arguments in html_get_endpoints(app).items():
        for role in ROLES:
            try:
                params_for(endpoint, arguments, world, role)
            except UnfilledRoute as problem:
                pytest.fail(f"a GET route the accessibility sweep cannot visit: {problem}")
    stale = set(NOT_HTML) - set(app.view_functions)
    assert not stale, f"allow-listed endpoints that no longer exist: {stale}"


def test_every_route_was_visited_as_every_role_and_every_page_template_shown(app: Flask, sweep: Sweep) -> None:
    expected = {
        (endpoint, role)
        for endpoint in html_get_endpoints(app)
        for role in ROLES
        if role != ANONYMOUS or is_public(app, endpoint)
    }
    print(
        f"\naccessibility sweep: {len(expected)} routes x roles; {len(sweep.pages)} GET pages "
        f"({sweep.distinct_documents} distinct documents through axe), {len(sweep.error_states)} forms sent empty, "
        f"{len(sweep.other_states)} other states, {len(sweep.walks)} keyboard walks "
        f"({sum(w.steps for w in sweep.walks)} Tab presses); {sweep.seconds:.1f}s "
        f"({', '.join(f'{phase} {seconds:.1f}s' for phase, seconds in sorted(sweep.timings.items()))})"
    )
    assert expected - sweep.visited == set()
    assert {role for _endpoint, role in sweep.visited} == {ANONYMOUS, *EMAILS}
    pages = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if not path.name.startswith("_") and not str(path.relative_to(TEMPLATES)).startswith(NOT_PAGES)
    }
    assert pages - sweep.templates == set(), "page templates the sweep never showed"


def test_every_page_passes_axe(sweep: Sweep) -> None:
    assert [f"{s.label}: {s.status}" for s in sweep.pages if s.status >= 500] == []
    assert {s.status for s in sweep.pages} >= {200, 403, 404, 405}, "forbidden and missing pages are checked too"
    report = _report(sweep.pages)
    assert not report, report


def test_every_form_sent_empty_shows_errors_that_pass_axe(sweep: Sweep) -> None:
    assert not sweep.accepted_empty, "\n".join(sweep.accepted_empty)
    assert len(sweep.error_states) >= 25
    assert [f"{s.label}: {s.status}" for s in sweep.error_states if s.status != 400] == []
    report = _report(sweep.error_states)
    assert not report, report


def test_pages_only_a_post_or_a_fault_shows_pass_axe(sweep: Sweep) -> None:
    statuses = {s.label.split(" ", 1)[1]: s.status for s in sweep.other_states}
    assert statuses == {
        "signs in without the form's CSRF token": 400,
        "asks for a move the server cannot make (400)": 400,
        "asks for a password reset link": 200,
        "previews the plan's own spreadsheet before importing it": 200,
        "records progress on an action someone has just changed (409)": 409,
        "edits an action someone has just changed (409)": 409,
        "sends a review page whose import has gone (409)": 409,
        "saves a person someone has just changed (409)": 409,
        "creates an API token (shown once)": 200,
        "sees the 413 page (errors/413.html)": 413,
        "sees the 500 page (errors/500.html)": 500,
        "records progress from an email link (a success banner)": 200,
        "opens an update link that has been used (410)": 410,
        "signs in again too soon after wrong passwords (429, the form kept)": 429,
        "opens too many links that do not work (429, errors/429.html)": 429,
        "is refused at council sign-in for want of a role (403)": 403,
        "signs in with a council account, then signs out (the provider's sign-out offered)": 200,
    }
    report = _report(sweep.other_states)
    assert not report, report


def test_every_page_links_to_the_accessibility_statement(app: Flask, sweep: Sweep) -> None:
    assert sweep.no_statement_link == []
    statement = app.test_client().get("/accessibility").get_data(as_text=True)
    assert "How we tested this service" in statement
    assert re.search(r"This statement was prepared on \d{1,2} \w+ \d{4}\. It was last reviewed on", statement)


def test_no_page_breaks_the_content_security_policy(sweep: Sweep) -> None:
    """No inline style or script: what the policy refused would be missing from the page people get."""
    assert not sweep.csp_reports, "\n".join(sweep.csp_reports)


def test_the_skip_link_comes_first_and_moves_focus_to_the_main_content(sweep: Sweep) -> None:
    assert not sweep.skip_link_problems, "\n".join(sweep.skip_link_problems)


def test_the_tab_key_reaches_every_submit_button(sweep: Sweep) -> None:
    assert len(sweep.walks) >= 30
    assert [w.url for w in sweep.walks if w.first != "skip link"] == []
    assert [w.url for w in sweep.walks if w.too_long] == []
    unreached = [f"{w.url}: {w.unreached}" for w in sweep.walks if w.unreached]
    assert not unreached, "\n".join(unreached)


def test_focus_is_visible_on_everything_the_tab_key_reaches(sweep: Sweep) -> None:
    invisible = [f"{w.url}: {w.invisible_focus}" for w in sweep.walks if w.invisible_focus]
    assert not invisible, "\n".join(invisible)


def test_every_page_reflows_to_a_phone_without_scrolling_sideways(sweep: Sweep) -> None:
    """WCAG 2.2 1.4.10 Reflow: at 320 CSS pixels nothing is wider than the screen and no tag breaks inside a word."""
    assert not sweep.phone_problems, "\n".join(sweep.phone_problems)
