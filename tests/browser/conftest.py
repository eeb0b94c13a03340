"""A real server in a thread and Debian's Chromium driven by Playwright, with axe-core."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.postgres_cluster import free_port

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_context) -> Iterator[object]:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@cache
def _axe_source() -> str:
    return AXE.read_text()


def axe_violations(page) -> list[dict]:  # noqa: ANN001
    """Run axe-core on the current page for WCAG 2.2 A and AA rules; return the violations."""
    # After a click the new page may still be loading its stylesheet; unstyled, its links are small
    # enough to fail target-size, so wait for the load event (stylesheets applied) first.
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol, so the page's CSP (no inline script) stays on; a context may have
    # added it to every page already (context.add_init_script).
    if page.evaluate("() => typeof axe === 'undefined'"):
        page.evaluate(_axe_source())
    # Only violations are reported, so axe need not build selectors for every passing node (much quicker).
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_22_AA
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def assert_accessible(page) -> None:  # noqa: ANN001
    violations = axe_violations(page)
    assert violations == [], f"axe-core found WCAG 2.2 AA violations on {page.url}: {violations}"


def sign_in_with_browser(page, base_url: str, email: str, password: str) -> None:  # noqa: ANN001
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("networkidle")


@pytest.fixture(scope="session")
def browser_oidc_provider(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The test OpenID provider, sending people back to the live server."""
    from tests.oidc import start_provider

    provider = start_provider(tmp_path_factory.mktemp("oidc-browser"), [live_server])
    yield provider
    provider.stop()


@pytest.fixture
def council_sign_in_on(app: Flask, app_context: None, live_server: str, browser_oidc_provider) -> dict:  # noqa: ANN001
    """Council sign-in turned on for one test against the browser's provider (app_context puts settings back)."""
    from tests.oidc import sso_config

    settings = sso_config(browser_oidc_provider, live_server)
    app.config.update(settings)
    return settings


def only_this_machine(page) -> None:  # noqa: ANN001
    """Refuse any request that would leave 127.0.0.1 (nothing on these pages should try)."""
    page.context.route(
        lambda url: not url.startswith(("http://127.0.0.1:", "about:", "data:")), lambda route: route.abort()
    )
