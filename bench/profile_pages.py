"""Where a page's time goes: pyinstrument over many requests of each page, in one process with the production
configuration, against the council-scale dataset (bench/dataset.py) in a throwaway PostgreSQL 15 cluster.

    .venv/bin/python -m bench.profile_pages [--requests 200]

Writes bench/profiles/<page>.txt (pyinstrument's text tree) and bench/profiles/summary.md (bench/profiles/before/
holds the same from before issue 17's changes, for comparison): each page's time split
into Jinja (templates rendering), the ORM (SQLAlchemy building statements and loading objects), PostgreSQL
(psycopg: sending the query and waiting for the answer), the framework and middleware (Werkzeug, Flask, the
session and user load, CSRF, the security headers and the request log) and the app's own code. Each sample goes to
the innermost of these it is in: a query run from a template counts as PostgreSQL, its ORM work as the ORM.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from pyinstrument import Profiler
from pyinstrument.frame import Frame

from bench.dataset import PASSWORD, Scale, generate
from bench.load import bench_cluster, server_environment

PROFILES = Path(__file__).resolve().parent / "profiles"
PAGES = {
    "overdue-list": "/actions?overdue=yes",
    "layout-floor": "/accessibility",
    "my-actions": "/my-actions",
    "dashboard": "/inspections/1/dashboard",
    "action-page": "/actions/1",
    "home": "/",
}
CATEGORIES = (
    ("PostgreSQL (psycopg)", ("/psycopg/", "/psycopg_binary/")),
    ("ORM (SQLAlchemy)", ("/sqlalchemy/", "/flask_sqlalchemy/")),
    ("Jinja", ("/jinja2/", "/markupsafe/", "/templates/", "<template>")),
    (
        "Framework and middleware",
        (
            "/werkzeug/",
            "/flask/",
            "/flask_login/",
            "/flask_wtf/",
            "/wtforms/",
            "tracker/security.py",
            "tracker/logs.py",
            "tracker/auth/sessions.py",
            "tracker/routing.py",
            "/logging/",
        ),
    ),  # fmt: skip
    ("App code", ("/tracker/",)),
)


def category(frame: Frame, inherited: str) -> str:
    path = frame.file_path or ""
    for name, markers in CATEGORIES:
        if any(marker in path for marker in markers):
            return name
    return inherited


def split(frame: Frame, inherited: str = "Other (Python, the test client)", totals: Counter | None = None) -> Counter:
    totals = Counter() if totals is None else totals
    mine = category(frame, inherited)
    totals[mine] += frame.time - sum(child.time for child in frame.children)
    for child in frame.children:
        split(child, mine, totals)
    return totals


def profile(app, client, name: str, path: str, requests: int) -> tuple[Counter, float]:  # noqa: ANN001
    for _ in range(20):  # warm: templates compiled, statements cached
        assert client.get(path).status_code == 200, path
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _ in range(requests):
        client.get(path)
    profiler.stop()
    wall = (time.perf_counter() - started) / requests * 1000
    (PROFILES / f"{name}.txt").write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    session = profiler.last_session
    root = session.root_frame() if session else None
    totals = split(root) if root else Counter()
    return Counter({k: v / requests * 1000 for k, v in totals.items()}), wall


# Who asks for each page, as in `make bench` (bench/pages.py): an owner's home and My actions, the administrator's
# other pages.
PAGE_USERS = {"home": 11, "my-actions": 15}


def signed_in(app, user: int = 1):  # noqa: ANN001, ANN201
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "email": f"user{user}@bench.test", "password": PASSWORD}
    response = client.post("/sign-in", data=form)
    assert response.status_code == 302, response.status_code
    return client


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    from bench.run_all import london_today, migrate

    PROFILES.mkdir(exist_ok=True)
    with bench_cluster("tracker_profile") as cluster:
        migrate(cluster.url)
        generate(cluster.url, london_today(), Scale())
        os.environ.update(server_environment(cluster.url))
        os.environ["TRACKER_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="bench-profile-")
        os.environ["TRACKER_MIGRATION_COMMANDS"] = "false"
        from wsgi import app

        clients = {user: signed_in(app, user) for user in {1, *PAGE_USERS.values()}}
        rows = []
        for name, path in PAGES.items():
            totals, wall = profile(app, clients[PAGE_USERS.get(name, 1)], name, path, args.requests)
            rows.append((name, path, wall, totals))
            print(f"{name}: {wall:.1f} ms a request; " + ", ".join(f"{k} {v:.1f}" for k, v in totals.most_common()))
        with app.app_context():
            from tracker.extensions import db

            db.engine.dispose()
    columns = [name for name, _markers in CATEGORIES] + ["Other (Python, the test client)"]
    lines = [
        f"pyinstrument, {args.requests} requests of each page in one process (the Flask test client, production "
        f"configuration, PostgreSQL 15 at 10,000 actions), ms a request (`.venv/bin/python -m bench.profile_pages`; "
        f"trees in bench/profiles/). Load average when it ended: {', '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        "",
        "| page | ms a request (profiled) | " + " | ".join(columns) + " |",
        "| --- | --- | " + " | ".join("---" for _ in columns) + " |",
        *(
            f"| {name} (`{path}`) | {wall:.1f} | " + " | ".join(f"{totals.get(c, 0.0):.1f}" for c in columns) + " |"
            for name, path, wall, totals in rows
        ),
    ]
    (PROFILES / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
