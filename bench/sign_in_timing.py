"""Whether response time tells an outsider which addresses have accounts (issue 11, attack 6).

    .venv/bin/python bench/sign_in_timing.py [--postgres] [--attempts 40]

Times, through the app (a Flask test client, so the figures are the server's own work), a wrong password
for an address that has an account and for one that has none, and a forgot-password request for each,
interleaved in a random order so that a busy machine slows both alike. Every attempt uses a fresh address and client
address, so no throttle is reached. Prints the median and 90th percentile of each in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ on the path, not the project: the tracker package needs both.
sys.path.insert(0, str(ROOT))


def _app(database_url: str, instance: Path):  # noqa: ANN202 - a Flask app
    os.environ["TEST_DATABASE_URL"] = database_url
    os.environ["TRACKER_INSTANCE_PATH"] = str(instance)
    import config
    from tracker import create_app

    class BenchConfig(config.TestingConfig):
        WTF_CSRF_ENABLED = False

    app = create_app(BenchConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    return app


def _millis(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms, p90 {p90 * 1000:6.1f} ms"


def measure(database_url: str, attempts: int) -> dict[str, list[float]]:
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from tracker.extensions import db
    from tracker.models import User

    with tempfile.TemporaryDirectory() as instance:
        app = _app(database_url, Path(instance))
        with app.app_context():
            upgrade()
            password_hash = generate_password_hash("correct horse battery staple", method="scrypt")
            for n in range(attempts):
                db.session.add(User(name=f"Person {n}", email=f"known{n}@example.gov.uk", password_hash=password_hash))
            db.session.commit()
        client = app.test_client()
        times: dict[str, list[float]] = {}

        def timed(key: str, url: str, data: dict[str, str], address: str) -> None:
            started = time.perf_counter()
            response = client.post(url, data=data, environ_base={"REMOTE_ADDR": address})
            times.setdefault(key, []).append(time.perf_counter() - started)
            assert response.status_code in (200, 400), (key, response.status_code)

        client.post("/sign-in", data={"email": "warm@example.gov.uk", "password": "x"})  # first-request set-up
        order = random.Random(11)
        for n in range(attempts):
            # A client address of its own for each attempt, so that no per-address limit is reached, and a random
            # order each round: what runs just before (a memory-hard password check) slows what follows.
            wrong = "wrong password"
            requests = [
                ("sign-in known", "/sign-in", {"email": f"known{n}@example.gov.uk", "password": wrong}),
                ("sign-in unknown", "/sign-in", {"email": f"nobody{n}@example.gov.uk", "password": wrong}),
                ("reset known", "/forgot-password", {"email": f"known{n}@example.gov.uk"}),
                ("reset unknown", "/forgot-password", {"email": f"nobody{n}@example.gov.uk"}),
            ]
            order.shuffle(requests)
            for i, (key, url, data) in enumerate(requests):
                timed(key, url, data, f"10.{i}.{n // 250}.{n % 250}")
        with app.app_context():
            db.engine.dispose()
        return dict(sorted(times.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL 15 cluster, not SQLite")
    parser.add_argument("--attempts", type=int, default=40)
    args = parser.parse_args()
    if args.postgres and "TEST_DATABASE_URL" not in os.environ:
        command = [sys.executable, "-m", "tests.postgres_cluster", sys.executable, *sys.argv]
        raise SystemExit(subprocess.call(command, cwd=ROOT))
    url = os.environ.get("TEST_DATABASE_URL") if args.postgres else None
    with tempfile.TemporaryDirectory() as folder:
        times = measure(url or f"sqlite:///{folder}/timing.sqlite", args.attempts)
    print(f"{'PostgreSQL' if url else 'SQLite'}, {args.attempts} attempts each")
    for key, samples in times.items():
        print(f"  {key:16} {_millis(samples)}")


if __name__ == "__main__":
    main()
