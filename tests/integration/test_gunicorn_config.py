"""gunicorn.conf.py, as production runs it: the app preloaded in the master, workers forked from it with the
garbage collector set up, each worker with its own database connections, serving pages."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.postgres_cluster import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Appended to the configuration for this test only: each worker reports its garbage collector settings and the
# id of its database engine's pool, after the production hooks have run.
PROBE = """

def _probe(role, pid):
    import gc, json
    from tracker.extensions import db
    from wsgi import app

    with app.app_context():
        pool = id(db.engine.pool)
    line = json.dumps({"role": role, "pid": pid, "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold(),
                       "pool": pool, "collecting": gc.isenabled()})
    with open(PROBE_FILE, "a") as probe:
        probe.write(line + "\\n")


_when_ready, _post_worker_init = when_ready, post_worker_init


def when_ready(server):
    _when_ready(server)
    _probe("master", server.pid)


def post_worker_init(worker):
    _post_worker_init(worker)
    _probe("worker", worker.pid)
"""


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)
    return connection.getresponse().status


def _production_env(app, tmp_path: Path) -> dict[str, str]:  # noqa: ANN001
    from tracker.extensions import db

    with app.app_context():
        database_url = db.engine.url.render_as_string(hide_password=False)
    return {
        **os.environ,
        "TRACKER_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "gunicorn-config-test-" + "x" * 40,
        "ORGANISATION_NAME": "Leicester City Council",
        "SESSION_COOKIE_SECURE": "false",
        "SCHEDULER_ENABLED": "false",
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
    }


def test_gunicorn_boots_the_app_with_the_production_settings(app, tmp_path) -> None:  # noqa: ANN001
    import json

    probe_file = tmp_path / "probe.jsonl"
    config = tmp_path / "gunicorn.conf.py"
    config.write_text((ROOT / "gunicorn.conf.py").read_text() + f"\nPROBE_FILE = {str(probe_file)!r}\n" + PROBE)
    port = free_port()
    env = _production_env(app, tmp_path)
    server = subprocess.Popen(
        [str(GUNICORN), "--config", str(config), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(port, "/healthz") in (200, 503) and len(probe_file.read_text().splitlines()) == 3:
                    break
            except (OSError, FileNotFoundError):
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not start two workers")
        statuses = {_get(port, path) for path in ("/sign-in", "/accessibility", "/healthz") * 5}
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=60)

    assert statuses <= {200, 503}, statuses  # 503: /healthz reports no scheduler heartbeat, which is true here
    assert "Traceback" not in errors.decode(), errors.decode()[-2000:]
    lines = [json.loads(line) for line in probe_file.read_text().splitlines()]
    [master] = [line for line in lines if line["role"] == "master"]
    workers = [line for line in lines if line["role"] == "worker"]
    assert len({worker["pid"] for worker in workers}) == 2
    # The master froze what it preloaded before forking (so no collection copies the shared memory) ...
    assert master["frozen"] > 10_000
    # The collector, off while the app loaded, is on again in the master and in each worker.
    assert master["collecting"] and all(worker["collecting"] for worker in workers)
    # ... and each worker starts with it frozen, collects at the raised threshold, and has a pool of its own.
    assert all(worker["frozen"] >= master["frozen"] for worker in workers)
    assert all(worker["threshold"] == [20_000, 10, 10] for worker in workers)
    assert all(worker["pool"] != master["pool"] for worker in workers)


# Appended for the next test: each worker, once the production post_fork has run, says so and takes 20 s more to
# boot, as a worker may on a busy machine.
SLOW_BOOT = """

_production_post_fork = post_fork


def post_fork(server, worker):
    _production_post_fork(server, worker)
    import time
    open(f"{BOOTING}/{worker.pid}", "w").close()
    time.sleep(20)
"""


def test_gunicorn_stops_at_once_when_told_to_while_a_worker_is_still_booting(app, tmp_path) -> None:  # noqa: ANN001
    booting = tmp_path / "booting"
    booting.mkdir()
    config = tmp_path / "gunicorn.conf.py"
    config.write_text((ROOT / "gunicorn.conf.py").read_text() + f"\nBOOTING = {str(booting)!r}\n" + SLOW_BOOT)
    server = subprocess.Popen(
        [str(GUNICORN), "--config", str(config), "--workers", "2", "--bind", f"127.0.0.1:{free_port()}", "wsgi:app"],
        cwd=ROOT, env=_production_env(app, tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(list(booting.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(list(booting.iterdir())) == 2, "the workers did not start booting"
        server.send_signal(signal.SIGTERM)
        stopping = time.monotonic()
        server.wait(timeout=60)
        assert time.monotonic() - stopping < 10  # not graceful_timeout (30 s), nor the workers' 20 s of booting
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@contextmanager
def _gunicorn(env: dict[str, str]) -> Iterator[int]:
    """The production gunicorn.conf.py with one worker, serving on a free port until the block ends."""
    port = free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                _get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not start")
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def _strict_transport_security(port: int) -> str | None:
    """The HSTS header the app sends, which it does only for a request it believes came over HTTPS."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/accessibility", headers={"X-Forwarded-Proto": "https"})
    return connection.getresponse().getheader("Strict-Transport-Security")


@pytest.mark.parametrize(("trusted_proxies", "believed"), [("0", False), ("1", True)])
def test_gunicorn_believes_x_forwarded_proto_only_when_trusted_proxies_says_so(
    app, tmp_path, trusted_proxies: str, believed: bool
) -> None:  # noqa: ANN001
    env = _production_env(app, tmp_path) | {"TRUSTED_PROXIES": trusted_proxies}
    env.pop("FORWARDED_ALLOW_IPS", None)
    with _gunicorn(env) as port:
        hsts = _strict_transport_security(port)
    assert (hsts is not None) == believed, hsts
