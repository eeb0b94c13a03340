"""Real processes for the load and fault tests: gunicorn on a free loopback port, and HTTP clients
that behave like a person at a browser (cookies, CSRF tokens from the page, hidden form fields)."""

from __future__ import annotations

import html
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tests.factories import PASSWORD
from tests.postgres_cluster import free_port
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'\b(name|value|type)="([^"]*)"', re.IGNORECASE)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs on a page (CSRF token, version, what was seen, rows to import), by name."""
    fields: dict[str, str] = {}
    for tag in INPUT.findall(page):
        attributes = {name.lower(): html.unescape(value) for name, value in ATTRIBUTE.findall(tag)}
        if attributes.get("type", "").lower() == "hidden" and "name" in attributes:
            fields[attributes["name"]] = attributes.get("value", "")
    return fields


class Client:
    """One person's browser: a cookie jar and a connection to 127.0.0.1, reopened whenever the server closes it."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None) -> Reply:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (http.client.HTTPException, OSError):
            # Not retried: a dropped connection is something the tests count, not hide.
            self.connection.close()
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _, _rest = value.partition(";")
                key, _, cookie_value = cookie.partition("=")
                self.cookies[key.strip()] = cookie_value
        if response.will_close:
            self.connection.close()
        return Reply(response.status, {name.lower(): value for name, value in response.getheaders()}, text)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self.request("POST", path, urlencode(form).encode(), "application/x-www-form-urlencoded")

    def post_file(self, path: str, form: dict[str, str], field_name: str, filename: str, data: bytes) -> Reply:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in form.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; filename="{filename}"\r\n'
            f"Content-Type: text/csv\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        token = hidden_fields(self.get("/sign-in").text)["csrf_token"]
        reply = self.post("/sign-in", {"csrf_token": token, "email": email, "password": password})
        assert reply.status == 302, f"sign-in failed for {email}: {reply.status}"


@dataclass
class Server:
    """A gunicorn master and its workers, serving the tracker on 127.0.0.1:port."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    killed: list[int] = field(default_factory=list)

    def worker_pids(self) -> set[int]:
        """The master's live children (the workers), read from /proc."""
        workers = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            # fields: state, ppid, ...; a zombie has died and is waiting to be reaped.
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                workers.add(int(stat.parent.name))
        return workers

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def client(self) -> Client:
        return Client(self.port)

    def signed_in(self, email: str) -> Client:
        client = self.client()
        client.sign_in(email)
        return client


def healthy(port: int) -> bool:
    try:
        return Client(port, timeout=5).get("/healthz").status == 200
    except OSError:
        return False


def server_environment(database_url: str, instance: Path) -> dict[str, str]:
    """The production configuration, as a council would run it, minus HTTPS and the scheduler."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAIL_", "SCHEDULER_"))}
    env.update(
        TRACKER_ENV="production",
        DATABASE_URL=database_url,
        SECRET_KEY="load-test-secret-key-" + "x" * 40,
        ORGANISATION_NAME=os.environ.get("ORGANISATION_NAME", "Leicester City Council"),
        SESSION_COOKIE_SECURE="false",
        SCHEDULER_ENABLED="false",
        TRACKER_INSTANCE_PATH=str(instance),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def gunicorn(database_url: str, directory: Path, *, workers: int) -> Iterator[Server]:
    """Start gunicorn (threaded workers, as gunicorn.conf.py says) on a free port; stop it, and every process it
    started, afterwards."""
    port = free_port()
    log = directory / f"gunicorn-{port}.log"
    # gunicorn.conf.py (the production settings) applies; no control socket, which is one path per user and
    # would be shared with any other gunicorn running on the machine.
    command = [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5",
               "--no-control-socket", "--log-level", "info", "wsgi:app"]  # fmt: skip
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=ROOT, env=server_environment(database_url, directory / "instance"),
            stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(process, port, log)
    try:
        started = wait_for(lambda: process.poll() is None and healthy(port), timeout=60, interval=0.2)
        assert started, f"gunicorn did not start:\n{server.log_tail()}"
        assert wait_for(lambda: len(server.worker_pids()) == workers), "gunicorn did not start all its workers"
        yield server
    finally:
        _stop(server)


def _stop(server: Server) -> None:
    process = server.process
    workers = server.worker_pids()
    for pid in workers:
        _signal(pid, signal.SIGCONT)  # a worker paused by a test must be able to hear SIGTERM
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # Only the processes this server started, by their ids.
        for pid in (process.pid, *workers):
            _signal(pid, signal.SIGKILL)
        process.wait(timeout=15)


def _signal(pid: int, signum: signal.Signals) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


CONFLICT_MESSAGE = "This action was changed after you opened this page. Your changes have not been saved."


@dataclass(frozen=True)
class Outcome:
    """What became of one progress update: accepted, conflict (refused as stale) or error."""

    kind: str
    status: int
    detail: str = ""
    requests: int = 2


def save_progress(client: Client, action_id: int, narrative: str, rag: str, pause: float = 0.0) -> Outcome:
    """Open the action's progress form, fill it in, (read it for `pause` seconds) and save it."""
    path = f"/actions/{action_id}/progress"
    try:
        page = client.get(path)
        if page.status != 200:
            return Outcome("error", page.status, f"GET {path}: {page.status}", requests=1)
        form = {**hidden_fields(page.text), "status": "in_progress", "rag": rag, "narrative": narrative,
                "evidence_links": "", "request_reason": ""}  # fmt: skip
        time.sleep(pause)
        reply = client.post(path, form)
    except OSError as error:
        return Outcome("error", 0, f"{path}: connection failed: {error!r}", requests=1)
    if reply.status == 302 and reply.location.endswith(f"/actions/{action_id}"):
        return Outcome("accepted", reply.status)
    if reply.status == 409 and CONFLICT_MESSAGE in reply.text:
        return Outcome("conflict", reply.status)
    return Outcome("error", reply.status, f"POST {path}: {reply.status} {reply.text[:300]!r}")
