"""Running the accessibility sweep in Chromium, with one signed-in browser context per role.

Each page is loaded once: axe-core checks it, a new document is narrowed to 320px and measured (tests/browser/
reflow.py), its skip link is tried and, the first time a set of forms
is seen, the Tab key walks it from the top. Then every such form is sent empty and its error state
checked, and the states only a POST (or a fault) reaches are gone through: a CSRF failure, a bad
request, a sent reset link, a spreadsheet preview, two edit conflicts, a spent update link, the 413
and 500 pages, and, last, the throttles' 429 answers (the sign-in form kept, and the 429 page)."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, render_template

from tests.browser.conftest import AXE, axe_violations, sign_in_with_browser
from tests.browser.keyboard import Walk, skip_link_problem, walk_with_tab
from tests.browser.reflow import DESKTOP, phone_problems
from tests.browser.sweep import (
    ANONYMOUS,
    EMAILS,
    EMPTY_AND_SUBMIT,
    FORMS,
    PASSWORD,
    ROLES,
    Visit,
    World,
    bump_action,
    bump_person,
    user_id,
)
from tests.oidc import PASSWORD as COUNCIL_PASSWORD

CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')
# Every page in the service's layout links to the accessibility statement from its footer.
LINKS_TO_STATEMENT = (
    "() => !document.querySelector('.govuk-template__header')"
    " || !!document.querySelector('footer a[href=\"/accessibility\"]')"
)


@dataclass
class Scan:
    label: str
    status: int
    url: str
    violations: list[dict]


@dataclass
class FormJob:
    """A form found on a page, to send empty."""

    role: str
    url: str
    label: str
    form: dict


@dataclass
class Sweep:
    pages: list[Scan] = field(default_factory=list)
    error_states: list[Scan] = field(default_factory=list)
    other_states: list[Scan] = field(default_factory=list)
    accepted_empty: list[str] = field(default_factory=list)
    walks: list[Walk] = field(default_factory=list)
    skip_link_problems: list[str] = field(default_factory=list)
    csp_reports: list[str] = field(default_factory=list)
    no_statement_link: list[str] = field(default_factory=list)
    phone_problems: list[str] = field(default_factory=list)
    visited: set[tuple[str, str]] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)
    form_jobs: list[FormJob] = field(default_factory=list)
    distinct_documents: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - started


class Checker:
    """Runs axe-core on the page in front of it, once per distinct document."""

    def __init__(self) -> None:
        self.results: dict[str, list[dict]] = {}
        self.last_was_new = False

    def violations(self, page, response=None) -> list[dict]:  # noqa: ANN001
        if response is not None and is_sandboxed(response):
            # A document that may run no script (an email's HTML, shown in a frame): check its HTML in a blank page.
            html = response.text()
            page.goto("about:blank")
            page.set_content(html)
        # Identical markup gives identical results (a 403 page for each forbidden URL, say); CSRF tokens differ.
        key = hashlib.sha256(CSRF_VALUE.sub(r'\1"', page.content()).encode()).hexdigest()
        self.last_was_new = key not in self.results
        if self.last_was_new:
            self.results[key] = axe_violations(page)
        return self.results[key]


def is_sandboxed(response) -> bool:  # noqa: ANN001
    return "sandbox" in response.headers.get("content-security-policy", "")


def _listen_for_csp_reports(page, sink: list[str]) -> None:  # noqa: ANN001
    """Chromium says on the console when the Content-Security-Policy refuses an inline style or script."""

    def note(message) -> None:  # noqa: ANN001
        if "Content Security Policy" in message.text:
            sink.append(f"{page.url}: {message.text}")

    page.on("console", note)


def signed_in_pages(browser, base: str, csp_reports: list[str]) -> dict[str, object]:  # noqa: ANN001
    """One browser context per role, signed in once."""
    pages = {}
    for role in ROLES:
        context = browser.new_context(viewport=DESKTOP)
        # axe-core in every document from the start: compiled once, not sent and parsed again for each page.
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_default_timeout(15_000)
        _listen_for_csp_reports(page, csp_reports)
        if role != ANONYMOUS:
            sign_in_with_browser(page, base, EMAILS[role], PASSWORD)
        pages[role] = page
    return pages


def _submit(page, script: str, *args: object) -> int:  # noqa: ANN001
    with page.expect_navigation() as navigation:
        page.evaluate(script, *args)
    return navigation.value.status


def _press_main_button(page) -> int:  # noqa: ANN001
    with page.expect_navigation() as navigation:
        page.locator("main form [type=submit].govuk-button:not(.govuk-button--secondary)").first.click()
    return navigation.value.status


# Each returns who did it, what it was and the status of the page it ended on.
Flow = Callable[[dict, str, Flask, World], tuple[str, str, int]]


def _flow_csrf(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages[ANONYMOUS]
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill("someone@example.gov.uk")
    script = "() => { const f = document.querySelector('main form'); f.csrf_token.remove(); f.requestSubmit(); }"
    return ANONYMOUS, "signs in without the form's CSRF token", _submit(page, script)


def _flow_bad_request(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages["programme_manager"]
    page.goto(f"{base}/inspections/{world.inspection_id}/plan")
    script = (
        "() => { const b = document.querySelector('button[name=direction]'); b.value = 'sideways';"
        " b.form.requestSubmit(b); }"
    )
    return "programme_manager", "asks for a move the server cannot make (400)", _submit(page, script)


def _flow_reset_sent(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages[ANONYMOUS]
    page.goto(base + "/forgot-password")
    # Whoever asks is told the same (demo addresses are on .test, which the form's address check refuses).
    page.get_by_label("Email address").fill("someone@example.gov.uk")
    return ANONYMOUS, "asks for a password reset link", _press_main_button(page)


def _flow_import_preview(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages["programme_manager"]
    csv = page.request.get(f"{base}/inspections/{world.inspection_id}/plan/download/csv").body()
    page.goto(f"{base}/inspections/{world.inspection_id}/plan/import")
    page.locator("input[type=file]").set_input_files({"name": "plan.csv", "mimeType": "text/csv", "buffer": csv})
    return "programme_manager", "previews the plan's own spreadsheet before importing it", _press_main_button(page)


def _flow_progress_conflict(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages["service_manager"]
    page.goto(f"{base}/actions/{world.own_action_id}/progress")
    bump_action(app, world.own_action_id, due_date=True)
    page.locator("textarea[name=narrative]").fill("Interviews are booked for 12 January.")
    return "service_manager", "records progress on an action someone has just changed (409)", _press_main_button(page)


def _flow_edit_conflict(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages["programme_manager"]
    page.goto(f"{base}/actions/{world.own_action_id}/edit")
    bump_action(app, world.own_action_id)
    page.locator("textarea[name=success_criteria]").fill("Two social workers in post by February.")
    return "programme_manager", "edits an action someone has just changed (409)", _press_main_button(page)


def _flow_person_changed_meanwhile(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages["admin"]
    page.goto(f"{base}/admin/people/{user_id(app, EMAILS['viewer'])}")
    bump_person(app, EMAILS["viewer"])
    page.locator("input[name=organisation]").fill("Leicester City Council, Scrutiny")
    return "admin", "saves a person someone has just changed (409)", _press_main_button(page)


def _flow_api_token_issued(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages["admin"]
    page.goto(f"{base}/admin/api-tokens/new")
    page.get_by_label("Name").fill("Scrutiny board's Excel")
    page.get_by_label("Person it acts as").select_option(str(user_id(app, EMAILS["viewer"])))
    return "admin", "creates an API token (shown once)", _press_main_button(page)


def _flow_stale_import(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages["programme_manager"]
    page.goto(f"{base}/inspections/imports/{world.import_drafts['programme_manager']}")
    # As if the page were for an import saved or discarded since (its draft id given to a newer one).
    script = "() => { const f = document.querySelector('main form'); f.draft_key.value = 'stale'; f.requestSubmit(); }"
    return "programme_manager", "sends a review page whose import has gone (409)", _submit(page, script)


def _flow_progress_from_link(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages[ANONYMOUS]
    page.goto(f"{base}/update/{world.link_token}")
    page.locator("textarea[name=narrative]").fill("Interviews are booked for 12 January.")
    return ANONYMOUS, "records progress from an email link (a success banner)", _press_main_button(page)


def _flow_spent_link(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages[ANONYMOUS]
    response = page.goto(f"{base}/update/{world.link_token}")
    assert response is not None
    return ANONYMOUS, "opens an update link that has been used (410)", response.status


def _rendered(app: Flask, template: str) -> str:
    with app.test_request_context():
        return render_template(template)


def _flow_error_template(template: str, status: int) -> Flow:
    def flow(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
        # No request can make these pages on purpose: the app's own template, in a page of the app.
        page = pages[ANONYMOUS]
        page.goto(base + "/accessibility")
        page.set_content(_rendered(app, template))
        return ANONYMOUS, f"sees the {status} page ({template})", status

    return flow


def _flow_sign_in_throttled(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages[ANONYMOUS]
    for _ in range(6):  # five wrong passwords for an address, then a wait: the sixth is answered 429
        page.goto(base + "/sign-in")
        page.locator("input[name=email]").fill("someone@example.gov.uk")
        page.locator("input[name=password]").fill("not the password")
        status = _press_main_button(page)
    return ANONYMOUS, "signs in again too soon after wrong passwords (429, the form kept)", status


def _flow_too_many_bad_links(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = pages[ANONYMOUS]
    for n in range(25):  # 20 links that do not work an hour from one address (some were opened by the visits)
        response = page.goto(f"{base}/update/not-a-link-{n}")
        if response.status == 429:
            break
    return ANONYMOUS, "opens too many links that do not work (429, errors/429.html)", response.status


def _council_page(pages: dict, key: str):  # noqa: ANN202
    """A browser of its own for a council sign-in (the provider remembers who signed in there)."""
    context = pages[ANONYMOUS].context.browser.new_context(viewport=DESKTOP)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    pages[key] = page
    return page


def _council_sign_in(page, base: str, login: str) -> int:  # noqa: ANN001
    """Through the test provider's sign-in page; the status of the tracker's page it ends on."""
    page.goto(base + "/sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(COUNCIL_PASSWORD)
    with page.expect_navigation(url=lambda url: url.startswith(base)) as navigation:
        page.get_by_role("button", name="Sign in").click()
    return navigation.value.status


def _flow_council_no_role(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    status = _council_sign_in(_council_page(pages, "council-no-role"), base, "no.role")
    return "council-no-role", "is refused at council sign-in for want of a role (403)", status


def _flow_council_sign_out(pages: dict, base: str, app: Flask, world: World) -> tuple[str, str, int]:
    page = _council_page(pages, "council")
    _council_sign_in(page, base, "priya.shah")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign out", exact=True).click()
    status = navigation.value.status
    return "council", "signs in with a council account, then signs out (the provider's sign-out offered)", status


def _signature(visit: Visit, forms: list[dict]) -> tuple:
    """What makes two pages' forms the same (ids and row numbers aside), so each is walked and sent empty once."""

    def shape(text: str) -> str:
        return re.sub(r"\d+", "N", text)

    return (
        visit.endpoint,
        tuple((f["method"], shape(f["action"]), *sorted({shape(name) for name in f["fields"]})) for f in forms),
    )


class Sweeper:
    """The browser side of the sweep: a signed-in page per role, and what has been found so far."""

    def __init__(self, app: Flask, world: World, browser, base: str) -> None:  # noqa: ANN001
        self.app, self.world, self.base = app, world, base
        self.result = Sweep()
        self.pages = signed_in_pages(browser, base, self.result.csp_reports)
        self.checker = Checker()
        self.seen_forms: set[tuple] = set()

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()

    def visit(self, visit: Visit) -> None:
        """Load the page once: axe-core, the skip link and, for a new set of forms, a walk with the Tab key."""
        page, result = self.pages[visit.role], self.result
        with result.timed("load"):
            response = page.goto(self.base + visit.path)
        assert response is not None, visit
        url, label = page.url, f"{visit.role} {visit.path}"
        result.visited.add((visit.endpoint, visit.role))
        # An email's HTML, shown framed, runs no script (not even ours): axe only, and it has no skip link nor forms.
        forms = [] if is_sandboxed(response) else page.evaluate(FORMS)
        with result.timed("axe"):
            result.pages.append(Scan(label, response.status, url, self.checker.violations(page, response)))
        self.on_a_phone(page, label)
        if is_sandboxed(response):
            return
        in_main = [f for f in forms if f["inMain"]]
        walked = bool(in_main) and _signature(visit, in_main) not in self.seen_forms
        if walked:
            self.seen_forms.add(_signature(visit, in_main))
            with result.timed("keyboard"):
                result.walks.append(walk_with_tab(page))
            result.form_jobs.extend(
                FormJob(visit.role, url, label, f) for f in in_main if f["method"] == "post" and f["fields"]
            )
        if walked or self.checker.last_was_new:  # the same document behaves the same
            if not page.evaluate(LINKS_TO_STATEMENT):
                result.no_statement_link.append(label)
            with result.timed("skip link"):
                problem = skip_link_problem(page, walked=walked)
            if problem:
                result.skip_link_problems.append(f"{label}: {problem}")

    def on_a_phone(self, page, label: str) -> None:  # noqa: ANN001
        """The document axe-core has just checked, at 320px wide, if new (the same markup reflows the same)."""
        if self.checker.last_was_new:
            with self.result.timed("phone"):
                self.result.phone_problems.extend(phone_problems(page, label))

    def send_empty(self, job: FormJob) -> None:
        """A form that a person fills in, sent empty: it must show errors, and they must pass axe."""
        page, result = self.pages[job.role], self.result
        page.goto(job.url)
        with page.expect_navigation() as navigation:
            page.evaluate(EMPTY_AND_SUBMIT, job.form["index"])
        response = navigation.value
        where = f"{job.label} form {job.form['index']} ({job.form['action'] or 'this page'}) sent empty"
        if page.locator(".govuk-error-summary").count() == 0:
            result.accepted_empty.append(f"{where}: {response.status} {page.url}")
            return
        result.error_states.append(Scan(where, response.status, page.url, self.checker.violations(page, response)))
        self.on_a_phone(page, where)

    def other_state(self, flow: Flow) -> None:
        """A page only a POST (or a fault) shows; one with forms (a preview, a conflict) is walked by keyboard too."""
        role, what, status = flow(self.pages, self.base, self.app, self.world)
        page = self.pages[role]
        self.result.other_states.append(Scan(f"{role} {what}", status, page.url, self.checker.violations(page)))
        self.on_a_phone(page, f"{role} {what}")
        if any(f["inMain"] for f in page.evaluate(FORMS)):
            self.result.walks.append(walk_with_tab(page))


# In this order: the update link is spent after its form was sent empty, and the throttles come last (the
# sweep's browsers share one client address, which then waits).
FLOWS: tuple[Flow, ...] = (
    _flow_csrf,
    _flow_bad_request,
    _flow_reset_sent,
    _flow_import_preview,
    _flow_progress_conflict,
    _flow_edit_conflict,
    _flow_stale_import,
    _flow_person_changed_meanwhile,
    _flow_api_token_issued,
    _flow_error_template("errors/413.html", 413),
    _flow_error_template("errors/500.html", 500),
    _flow_progress_from_link,
    _flow_spent_link,
    _flow_council_no_role,
    _flow_council_sign_out,
    _flow_sign_in_throttled,
    _flow_too_many_bad_links,
)


def run_sweep(app: Flask, world: World, browser, base: str, visits: list[Visit]) -> Sweep:  # noqa: ANN001
    started, cpu = time.perf_counter(), time.process_time()
    sweeper = Sweeper(app, world, browser, base)
    try:
        for visit in visits:
            sweeper.visit(visit)
        with sweeper.result.timed("error states"):
            for job in sweeper.result.form_jobs:
                sweeper.send_empty(job)
        with sweeper.result.timed("other states"):
            for flow in FLOWS:
                sweeper.other_state(flow)
    finally:
        sweeper.close()
    sweeper.result.distinct_documents = len(sweeper.checker.results)
    sweeper.result.seconds = time.perf_counter() - started
    sweeper.result.timings["python cpu"] = time.process_time() - cpu
    return sweeper.result
