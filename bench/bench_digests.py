"""How long queuing the day's digests takes, and whether its SQL queries grow with the number of people.

    .venv/bin/python bench/bench_digests.py [--postgres] [--runs 3]

Generates the council-scale dataset (bench/dataset.py: 10,000 actions owned by 1,000 people, and a
tenth of it: 1,000 actions, 100 people) in throwaway databases (SQLite files, or a PostgreSQL 15
cluster with --postgres), then times the daily digest job for 24 November 2026 07:30: deciding
every digest, issuing the update links, rendering the text and HTML parts and queuing them in one
transaction, as the scheduler does. Each run starts from an empty outbox. It counts the SQL
statements the job sends (a SQLAlchemy before_cursor_execute counter), then delivers the queued
digests to a local aiosmtpd server (a separate process) over one connection, and sends the same
messages, already built, to it again (the SMTP floor); medians of the runs. Target: queuing under 2 s for 1,000 people,
with the same number of statements for 100 and 1,000; exits with status 1 if either is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ on the path, not the project: the tracker package needs both.
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 24)
DIGEST_MOMENT = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
QUEUE_BUDGET_SECONDS = 2.0


@dataclass
class Figures:
    people: int
    actions: int
    digests: int
    links: int
    statements: int
    wall: list[float]
    cpu: list[float]
    send_runs: list[float]  # delivering what each run queued
    send_cpu: float
    sent: int
    # Each run's SMTP floor: the same messages, already built, over one connection, before and after the delivery.
    floor_runs: list[float]

    @property
    def send_seconds(self) -> float:
        return statistics.median(self.send_runs)

    @property
    def smtp_floor_seconds(self) -> float:
        return statistics.median(self.floor_runs)


def _app(database_url: str, instance: Path):  # noqa: ANN202 - a Flask app
    os.environ["TEST_DATABASE_URL"] = database_url
    os.environ["TRACKER_INSTANCE_PATH"] = str(instance)
    import config
    from tracker import create_app

    class BenchConfig(config.TestingConfig):
        pass

    app = create_app(BenchConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    app.config["TRACKER_NOW"] = DIGEST_MOMENT
    return app


def _reset(app) -> None:  # noqa: ANN001
    from sqlalchemy import delete

    from tracker.extensions import db
    from tracker.models import ActionLinkToken, JobRun, OutboxEmail

    for model in (OutboxEmail, ActionLinkToken, JobRun):
        db.session.execute(delete(model))
    db.session.commit()


@contextlib.contextmanager
def _counting(statements: list[str]) -> Iterator[None]:
    from sqlalchemy import event

    from tracker.extensions import db

    def count(_conn, _cursor, statement, _params, _context, _executemany) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _deliver(app) -> tuple[int, float, float, float]:  # noqa: ANN001
    """Send the queued digests over one connection to a local SMTP server (aiosmtpd's Sink, its own process), and
    the SMTP floor: the same messages, built and written out beforehand, over one connection to the same server,
    before and after the delivery."""
    import socket
    import subprocess

    from tests.postgres_cluster import free_port
    from tracker.outbox.sender import send_due_emails

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    )
    try:
        for _ in range(200):  # until it listens: at most 10 s
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.05)
        # The server warmed first with the same messages (not timed), then the floor measured before the delivery
        # and after it, and the two averaged. On a fresh aiosmtpd process whatever went first was slower by a
        # tenth to a fifth (the floor before and after a delivery: 0.69/0.62, 0.60/0.59, 0.66/0.53 s), which
        # charged the delivery, measured first, for the server's warming up; once warm, the server's pace still
        # drifts from one pass to the next, and a floor either side of the delivery cancels a steady drift.
        built = built_messages(app)
        smtp_floor(port, built)
        before = smtp_floor(port, built)
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, OUTBOX_BATCH_SIZE=100_000)
        started, started_cpu = time.perf_counter(), time.process_time()
        report = send_due_emails()
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        return report.sent, seconds, cpu, (before + smtp_floor(port, built)) / 2
    finally:
        server.terminate()
        server.wait(timeout=10)
        app.config["MAIL_SERVER"] = ""


def built_messages(app) -> list:  # noqa: ANN001
    """The queued digests written out as the bytes that go over SMTP (before any clock starts)."""
    from sqlalchemy import select

    from tracker import clock
    from tracker.extensions import db
    from tracker.models import EmailState, OutboxEmail
    from tracker.outbox.messages import MessageWriter
    from tracker.outbox.services import ClaimedEmail

    rows = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.state == EmailState.QUEUED).order_by(OutboxEmail.id)
    )
    writer = MessageWriter(app.config)
    return [
        writer.write(ClaimedEmail(row.id, row.recipient, row.subject, row.text_body, row.html_body, 1), clock.now())
        for row in rows
    ]


def smtp_floor(port: int, built: list) -> float:
    """Seconds to send `built` messages over one SMTP connection (smtplib)."""
    import smtplib

    started = time.perf_counter()
    connection = smtplib.SMTP("127.0.0.1", port, timeout=30)
    for message in built:
        connection.sendmail(message.sender, [message.recipient], message.data)
    connection.quit()
    return time.perf_counter() - started


def measure(database_url: str, scale_factor: float, runs: int, instance: Path) -> Figures:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from bench.dataset import Scale, generate
    from tracker import clock, jobs
    from tracker.extensions import db
    from tracker.models import Action, ActionLinkToken, OutboxEmail

    app = _app(database_url, instance)
    with app.app_context():
        upgrade()
    generate(database_url, TODAY, Scale.scaled(scale_factor))
    wall: list[float] = []
    cpu: list[float] = []
    sends: list[float] = []
    floors: list[float] = []
    statements: list[str] = []
    with app.app_context():
        owners = db.session.scalar(select(func.count(func.distinct(Action.owner_id))))
        actions = db.session.scalar(select(func.count(Action.id)))
        for _ in range(runs):
            _reset(app)
            statements.clear()
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            with _counting(statements):
                result = jobs.daily_digests(TODAY, clock.now())
            wall.append(time.perf_counter() - started_wall)
            cpu.append(time.process_time() - started_cpu)
            assert result.outcome == "done", result
            digests = db.session.scalar(select(func.count(OutboxEmail.id)))
            # Each person's links share a key that lists the actions they open.
            links = sum(len(ids.split(",")) for ids in db.session.scalars(select(ActionLinkToken.action_ids)))
            # Each run's digests delivered, then the floor beside them: one delivery and one floor per bench run
            # swung the ratio by a third on this virtual machine.
            sent, send_seconds, send_cpu, floor = _deliver(app)
            sends.append(send_seconds)
            floors.append(floor)
        db.session.remove()
        db.engine.dispose()
    return Figures(owners, actions, digests, links, len(statements), wall, cpu, sends, send_cpu, sent, floors)


@contextlib.contextmanager
def _databases(postgres: bool, directory: Path) -> Iterator[tuple[str, str]]:
    if not postgres:
        yield f"sqlite:///{directory / 'small.sqlite'}", f"sqlite:///{directory / 'large.sqlite'}"
        return
    from sqlalchemy import create_engine, text

    from tests.postgres_cluster import postgres_cluster

    with postgres_cluster("bench_small") as small:
        large = small.rsplit("/", 1)[0] + "/bench_large"
        engine = create_engine(small, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE bench_large"))
        engine.dispose()
        yield small, large


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="Use a throwaway PostgreSQL 15 cluster.")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-digests-") as name, _databases(args.postgres, Path(name)) as urls:
        directory = Path(name)
        small = measure(urls[0], 0.1, args.runs, directory / "instance")
        large = measure(urls[1], 1.0, args.runs, directory / "instance")
    database = "PostgreSQL 15" if args.postgres else "SQLite"
    print(f"Daily digests for {TODAY:%A %d %B %Y}, {database}, {args.runs} runs each (median; CPU = this process)")
    print(f"Load average (1 minute) when the runs ended: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        "| owners | actions | digests queued | update links | SQL statements | queue wall s | queue CPU s "
        "| delivered | send wall s | send CPU s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for figures in (small, large):
        print(
            f"| {figures.people:,} | {figures.actions:,} | {figures.digests:,} | {figures.links:,} | "
            f"{figures.statements} | {statistics.median(figures.wall):.2f} | {statistics.median(figures.cpu):.2f} | "
            f"{figures.sent:,} | {figures.send_seconds:.2f} | {figures.send_cpu:.2f} |"
        )
    failures = []
    if statistics.median(large.wall) >= QUEUE_BUDGET_SECONDS:
        failures.append(f"queuing took {statistics.median(large.wall):.2f} s (budget {QUEUE_BUDGET_SECONDS} s)")
    if small.statements != large.statements:
        failures.append(f"SQL statements grew from {small.statements} to {large.statements}")
    for failure in failures:
        print(f"MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
