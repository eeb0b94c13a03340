"""The production install is the runtime only: a fresh virtual environment with `pip install -c constraints.txt .`
(what `make install` does) runs the production server on PostgreSQL, serves every main page and renders a report
PDF, with none of the test tools, browsers or Node in it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from tests.postgres_cluster import free_port, running_cluster
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-tracker-password"
TEST_ONLY = {
    "pytest", "playwright", "hypothesis", "ruff", "pdfplumber", "aiosmtpd", "factory-boy", "beautifulsoup4",
    "bandit", "import-linter", "pyinstrument", "pytest-xdist",
}  # fmt: skip
MAIN_PAGES = ("/", "/inspections", "/inspections/1", "/inspections/1/plan", "/inspections/1/dashboard",
              "/actions", "/my-actions", "/accessibility")  # fmt: skip


@pytest.fixture
def postgres_url(database_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty PostgreSQL database: a scratch one beside the test database, or a throwaway cluster."""
    if database_url.startswith("postgresql"):
        yield request.getfixturevalue("scratch_database_url")
        return
    with running_cluster("tracker_runtime") as cluster:
        yield cluster.url


@pytest.fixture(scope="module")
def runtime_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("runtime") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", "--disable-pip-version-check", "-c", "constraints.txt", "-e", "."],
        cwd=ROOT, check=True, timeout=600,
    )  # fmt: skip
    return venv


def _installed(venv: Path) -> set[str]:
    listed = subprocess.run(
        [str(venv / "bin/pip"), "list", "--format=json", "--disable-pip-version-check"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return {package["name"].lower() for package in json.loads(listed.stdout)}


def test_the_runtime_environment_has_no_test_tools(runtime_venv: Path) -> None:
    installed = _installed(runtime_venv)
    assert "flask" in installed and "weasyprint" in installed and "cryptography" in installed
    assert installed & TEST_ONLY == set()
    assert not (ROOT / "tracker/static/govuk-frontend.min.css").is_symlink()


def _production_env(url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "FLASK_APP": "wsgi",
        "TRACKER_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": "runtime-install-test-secret-key-0123456789",
        "ORGANISATION_NAME": "Runtime Test Council",
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
        "TRUSTED_PROXIES": "1",
        "SCHEDULER_ENABLED": "false",
    }


@contextlib.contextmanager
def _gunicorn(venv: Path, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: Browser(base).status("/healthz") == 200, timeout=60)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


class Browser:
    """Requests as they arrive through the TLS proxy (X-Forwarded-Proto: https), keeping the session cookie by hand:
    production cookies are Secure, which a cookie jar would not send over the test's plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        url = self.base + path
        headers = {"X-Forwarded-Proto": "https", "Referer": url.replace("http://", "https://", 1)}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                return self._keep(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return self._keep(error.code, error.headers, error.read())
        except OSError:
            return 0, ""

    def status(self, path: str) -> int:
        return self.open(path)[0]

    def _keep(self, status: int, headers: Message, body: bytes) -> tuple[int, str]:
        for header in headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return status, body.decode(errors="replace")

    def sign_in(self, email: str) -> None:
        _, page = self.open("/sign-in")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token, "the sign-in page has a CSRF token"
        status, _ = self.open("/sign-in", {"csrf_token": token.group(1), "email": email, "password": PASSWORD})
        assert status == 302
        assert "Sign out" in self.open("/")[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        return None


def test_the_production_server_runs_from_the_runtime_environment(
    runtime_venv: Path, postgres_url: str, tmp_path: Path
) -> None:
    env = _production_env(postgres_url, tmp_path)
    flask = str(runtime_venv / "bin/flask")
    subprocess.run([flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    subprocess.run([flask, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [flask, "reports", "render", "1", "--as-at", "2026-11-24", "--format", "pdf", "-o", str(pdf)],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF-")

    with _gunicorn(runtime_venv, env) as base:
        browser = Browser(base)
        browser.sign_in("programme.manager@demo.test")
        pages = (*MAIN_PAGES, "/assets/govuk-frontend.min.css", "/inspections/1/plan/download/xlsx")
        assert {page: browser.status(page) for page in pages} == dict.fromkeys(pages, 200)
