"""What a web worker holds: the heavy document libraries load with the first document that needs them, not with
the app (uploads are parsed in a child process, never in the worker), and lists leave large stored documents
(an issued report's PDF) in the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import event

from tests.conftest import sign_in
from tests.factories import InspectionFactory, UserFactory
from tracker.extensions import db
from tracker.models import ProgressReport, ReportState, Role

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("weasyprint", "pypdf", "openpyxl", "docx", "alembic")
# Builds the app as gunicorn does, then reads a PDF report and a CSV plan as an upload is read: prints which of
# HEAVY were loaded after each step. Uploads are read in a child process (tracker.sandbox), so the worker never
# loads the parsers at all.
SCRIPT = f"""
import json, sys
from tracker import create_app
heavy = {HEAVY!r}
loaded = lambda: [name for name in heavy if name in sys.modules]
app = create_app()
steps = {{"app": loaded()}}
with app.app_context():
    from tracker.actions.spreadsheets import read_upload
    from tracker.inspections.drafts import read_report
    read_report(open("tests/fixtures/pdfs/bury-2021-12-17.pdf", "rb").read(), "bury.pdf")
    steps["pdf upload"] = loaded()
    read_upload("plan.csv", b"Recommendation,Action\\n1,Audit every file\\n")
    steps["plan upload"] = loaded()
print(json.dumps(steps))
"""


def test_the_worker_never_loads_the_parsers_of_uploads_and_the_rest_only_when_needed(tmp_path) -> None:  # noqa: ANN001
    env = {
        **os.environ,
        "TRACKER_ENV": "development",
        "TRACKER_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'footprint.sqlite'}",
        "SCHEDULER_ENABLED": "false",
        "TRACKER_MIGRATION_COMMANDS": "false",  # as gunicorn.conf.py sets it
    }
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    steps = json.loads(completed.stdout.strip().splitlines()[-1])
    assert steps == {"app": [], "pdf upload": [], "plan upload": []}


# What the first page a signed-in person asks for (the layout, navigation and session, as gunicorn serves it after
# a start) does not need, so the app does not load at start (issue 17, start-up): each costs start-up time (a few
# hundredths of a second to a tenth) and the worker's memory until a page that uses it is asked for.
NOT_AT_START = (
    "holidays",  # bank holidays, on the first working-day count
    "email_validator",  # on the first form with an email address
    "email.policy",  # building an email (the outbox sender)
    "tracker.jobs",  # the scheduled jobs, and the command-line groups that bring them in (tracker.cli.FeatureCommands)
    "tracker.outbox.sender",
    "tracker.actions.exports",  # All actions as a spreadsheet, on the first download
    "tracker.domain.importer",  # reading an inspection report, with the first upload
    "tracker.backup.services",
    "tracker.domain.report",  # the progress report's model and renderers, on the first report page
    "tracker.reports.services", "tracker.reports.forms", "tracker.reports.render_html", "tracker.domain.charts",
    "tracker.reminders.digests",  # on Reminders or the digest preview
    "tracker.actions.queries.dashboard",  # on the first inspection dashboard
    "tracker.actions.spreadsheets", "tracker.actions.services.plan_updates",  # the plan as a spreadsheet
    "weasyprint", "pypdf", "openpyxl", "docx", "alembic", "authlib", "requests", "cryptography", "joserfc",
    "icalendar",
)  # fmt: skip
# `import wsgi` as gunicorn does, then the accessibility statement with the session cookie of a person signed in
# by the test: prints which of NOT_AT_START are loaded, which features' view modules, and whether the page was the
# signed-in one; then My actions, and the view modules loaded after it.
FIRST_PAGE_SCRIPT = f"""
import json, sys
import wsgi
views = lambda: sorted(name for name in sys.modules if name.startswith("tracker.") and ".routes" in name)
at_start = views()
client = wsgi.app.test_client()
client.set_cookie("session", sys.argv[1])
page = client.get("/accessibility")
loaded = [name for name in {NOT_AT_START!r} if name in sys.modules]
first = {{"status": page.status_code, "signed_in": "Sign out" in page.text, "loaded": loaded, "views": views()}}
second = client.get("/my-actions")
print(json.dumps({{"at start": at_start, "first page": first, "my actions": [second.status_code, views()]}}))
"""


def test_the_first_page_after_a_start_loads_nothing_it_does_not_use(client, db_session, database_url, tmp_path) -> None:  # noqa: ANN001
    person = UserFactory()
    db_session.commit()
    sign_in(client, person)
    cookie = client.get_cookie("session")
    assert cookie is not None
    env = {
        **os.environ,
        "TRACKER_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",  # config.TestingConfig's, which signed the cookie
        "ORGANISATION_NAME": "Footprint Council",
        "SESSION_COOKIE_SECURE": "false",
        "TRACKER_INSTANCE_PATH": str(tmp_path),
        "SCHEDULER_ENABLED": "false",
        "TRACKER_MIGRATION_COMMANDS": "false",  # as gunicorn.conf.py sets it
        "LOG_LEVEL": "WARNING",
    }
    completed = subprocess.run(
        [sys.executable, "-c", FIRST_PAGE_SCRIPT, cookie.value],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    steps = json.loads(completed.stdout.strip().splitlines()[-1])
    assert steps["at start"] == []  # every feature's views wait for a request (tracker.routing.LazyView)
    assert steps["first page"] == {"status": 200, "signed_in": True, "loaded": [], "views": ["tracker.main.routes"]}
    # The next page's views load with it (the actions' package, then the module with My actions).
    assert steps["my actions"] == [
        200,
        ["tracker.actions.routes", "tracker.actions.routes.lists", "tracker.main.routes"],
    ]


def test_the_list_of_reports_leaves_issued_documents_in_the_database(client, db_session) -> None:  # noqa: ANN001
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    inspection = InspectionFactory(managers=[manager])
    for n in range(3):
        db_session.add(
            ProgressReport(
                inspection=inspection,
                committee="Cabinet",
                meets_on=date(2026, 12, 7),
                as_at=date(2026, 11, 20),
                title=f"Progress report {n}",
                state=ReportState.ISSUED,
                issued_at=datetime(2026, 11, 21, tzinfo=UTC),
                issued_html="<p>issued</p>" * 1000,
                issued_pdf=b"%PDF-1.7 " + b"x" * 1_000_000,
                issued_docx=b"PK" + b"x" * 500_000,
            )
        )
    db_session.commit()
    sign_in(client, manager)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(f"/inspections/{inspection.id}/reports")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert "Progress report 2" in response.text
    assert not [statement for statement in statements if "issued_pdf" in statement or "issued_docx" in statement]
