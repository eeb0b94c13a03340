"""gunicorn.conf.py, as production runs it: the app preloaded in the master, workers forked from it with the
garbage collector set up, each worker with its own database connections, serving pages."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
                       "pool": pool})
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


def test_gunicorn_boots_the_app_with_the_production_settings(app, tmp_path) -> None:  # noqa: ANN001
    import json

    from tracker.extensions import db

    with app.app_context():
        database_url = db.engine.url.render_as_string(hide_password=False)
    probe_file = tmp_path / "probe.jsonl"
    config = tmp_path / "gunicorn.conf.py"
    config.write_text((ROOT / "gunicorn.conf.py").read_text() + f"\nPROBE_FILE = {str(probe_file)!r}\n" + PROBE)
    port = free_port()
    env = {
        **os.environ,
        "TRACKER_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "gunicorn-config-test-" + "x" * 40,
        "ORGANISATION_NAME": "Leicester City Council",
        "SESSION_COOKIE_SECURE": "false",
        "SCHEDULER_ENABLED": "false",
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
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
    # ... and each worker starts with it frozen, collects at the raised threshold, and has a pool of its own.
    assert all(worker["frozen"] >= master["frozen"] for worker in workers)
    assert all(worker["threshold"] == [20_000, 10, 10] for worker in workers)
    assert all(worker["pool"] != master["pool"] for worker in workers)
