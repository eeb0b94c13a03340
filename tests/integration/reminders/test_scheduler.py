"""The single scheduler: its lease, job times in London across clock changes, and catch-up after downtime."""

from __future__ import annotations

import os
import signal
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.integration.reminders.conftest import (
    action,
    flask_command,
    free_port,
    live_inspection,
    person,
    set_now,
    start_process,
    subprocess_env,
)
from tests.waiting import wait_for
from tracker import jobs
from tracker.models import JobRun, OutboxEmail, SchedulerLease
from tracker.scheduler import lease
from tracker.scheduler.wiring import CATCH_UP_JOB, HOUSEKEEPING_JOB, OUTBOX_JOB, REMINDERS_JOB, build_scheduler

LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ACTIVE, STANDBY = "is now the active scheduler", "on standby"


def test_one_holder_at_a_time_until_the_lease_expires(app_context) -> None:
    assert lease.acquire_or_renew("a", T0, 60)
    assert not lease.acquire_or_renew("b", T0 + timedelta(seconds=30), 60)
    assert lease.acquire_or_renew("a", T0 + timedelta(seconds=45), 60)  # renewed: now held until 09:01:45
    assert not lease.acquire_or_renew("b", T0 + timedelta(seconds=100), 60)
    assert lease.acquire_or_renew("b", T0 + timedelta(seconds=106), 60)  # a stopped renewing
    assert not lease.acquire_or_renew("a", T0 + timedelta(seconds=107), 60)
    holder = lease.current_holder()
    assert holder is not None
    assert (holder.holder, holder.acquired_at, holder.heartbeat_at) == (
        "b", T0 + timedelta(seconds=106), T0 + timedelta(seconds=106)
    )  # fmt: skip


def test_renewing_keeps_the_acquisition_time_and_moves_the_heartbeat(app_context) -> None:
    lease.acquire_or_renew("a", T0, 60)
    lease.acquire_or_renew("a", T0 + timedelta(seconds=15), 60)
    holder = lease.current_holder()
    assert holder is not None
    assert (holder.acquired_at, holder.heartbeat_at, holder.expires_at) == (
        T0, T0 + timedelta(seconds=15), T0 + timedelta(seconds=75)
    )  # fmt: skip


def test_releasing_lets_a_standby_take_over_at_once(app_context) -> None:
    lease.acquire_or_renew("a", T0, 60)
    assert not lease.release("b", T0)
    assert lease.release("a", T0 + timedelta(seconds=1))
    assert lease.acquire_or_renew("b", T0 + timedelta(seconds=2), 60)


def _next_fire(app, job_id: str, after: datetime) -> datetime:  # noqa: ANN001
    scheduler = build_scheduler(app)
    job = scheduler.get_job(job_id)
    return job.trigger.get_next_fire_time(None, after.astimezone(LONDON))


@pytest.mark.parametrize(
    ("after", "expected_utc"),
    [
        # Clocks go forward on Sunday 29 March 2026: 07:30 on Monday is 06:30 UTC.
        (datetime(2026, 3, 27, 8, 0, tzinfo=UTC), datetime(2026, 3, 30, 6, 30, tzinfo=UTC)),
        (datetime(2026, 3, 26, 12, 0, tzinfo=UTC), datetime(2026, 3, 27, 7, 30, tzinfo=UTC)),
        # Clocks go back on Sunday 25 October 2026: 07:30 on Monday is 07:30 UTC again.
        (datetime(2026, 10, 23, 8, 0, tzinfo=UTC), datetime(2026, 10, 26, 7, 30, tzinfo=UTC)),
        (datetime(2026, 10, 22, 12, 0, tzinfo=UTC), datetime(2026, 10, 23, 6, 30, tzinfo=UTC)),
    ],
)
def test_the_digest_job_fires_at_half_past_seven_london_time(app, app_context, after, expected_utc) -> None:
    assert _next_fire(app, REMINDERS_JOB, after) == expected_utc


def test_the_scheduler_has_its_four_jobs(app, app_context) -> None:
    scheduler = build_scheduler(app)
    assert {job.id for job in scheduler.get_jobs()} == {REMINDERS_JOB, CATCH_UP_JOB, OUTBOX_JOB, HOUSEKEEPING_JOB}


@pytest.mark.parametrize(
    ("moment", "due_on"),
    [
        (datetime(2026, 3, 30, 6, 29, tzinfo=UTC), None),  # 07:29 BST on the first Monday of summer time
        (datetime(2026, 3, 30, 6, 31, tzinfo=UTC), date(2026, 3, 30)),  # 07:31 BST (a UTC clock says 06:31)
        (datetime(2026, 10, 26, 7, 15, tzinfo=UTC), None),  # 07:15 GMT after the clocks went back
        (datetime(2026, 10, 26, 7, 31, tzinfo=UTC), date(2026, 10, 26)),
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), None),  # 00:30 BST on Monday, but before 07:30
        (datetime(2026, 10, 25, 12, 0, tzinfo=UTC), None),  # a Sunday
        (datetime(2026, 12, 25, 12, 0, tzinfo=UTC), None),  # Christmas Day
    ],
)
def test_reminders_are_due_after_half_past_seven_on_working_days(app_context, moment, due_on) -> None:
    assert jobs.reminders_due_on(moment) == due_on


def _digests(db_session) -> list[str]:
    db_session.expire_all()
    return sorted(db_session.scalars(select(OutboxEmail.dedupe_key).where(OutboxEmail.dedupe_key.like("digest:%"))))


def test_digests_go_out_on_the_morning_the_clocks_go_forward(app, db_session) -> None:
    owner = person()
    action(owner, date(2026, 3, 20))
    db_session.commit()
    set_now(app, datetime(2026, 3, 30, 6, 30, tzinfo=UTC))  # 07:30 BST
    assert [r.job for r in jobs.run_due(datetime(2026, 3, 30, 6, 30, tzinfo=UTC))][0] == "daily_digest"
    assert _digests(db_session) == [f"digest:{owner.id}:2026-03-30"]


def test_down_at_half_past_seven_and_back_at_eleven_sends_that_days_digests_once(app, db_session) -> None:
    first, second = person(), person()
    action(first, date(2026, 11, 2))
    action(second, date(2026, 12, 1))
    db_session.commit()
    back_at = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    set_now(app, back_at)
    results = jobs.run_due(back_at)  # what the scheduler does when it becomes active
    assert results[0].outcome == "done"
    assert jobs.run_due(back_at + timedelta(minutes=5)) == []  # the catch-up job finds nothing to do
    assert jobs.run_due(back_at + timedelta(hours=3)) == []
    assert _digests(db_session) == sorted([f"digest:{first.id}:2026-11-24", f"digest:{second.id}:2026-11-24"])


def test_down_for_three_working_days_sends_one_digest_each_on_return(app, db_session) -> None:
    owner = person()
    inspection = live_inspection()
    action(owner, date(2026, 11, 2), inspection, reference="1.1")
    action(owner, date(2026, 11, 19), inspection, reference="1.2")
    db_session.commit()
    # Working normally on Thursday 19 November; down Friday, Monday and Tuesday; back Wednesday 09:00.
    set_now(app, datetime(2026, 11, 19, 7, 30, tzinfo=UTC))
    jobs.run_due(datetime(2026, 11, 19, 7, 30, tzinfo=UTC))
    back = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    set_now(app, back)
    jobs.run_due(back)
    jobs.run_due(back + timedelta(minutes=5))
    assert _digests(db_session) == [f"digest:{owner.id}:2026-11-19", f"digest:{owner.id}:2026-11-25"]
    latest = db_session.scalars(select(OutboxEmail).where(OutboxEmail.dedupe_key.endswith("2026-11-25"))).one()
    assert "1.1" in latest.text_body and "1.2" in latest.text_body  # everything still owed, once
    assert {(r.job, r.run_on) for r in db_session.scalars(select(JobRun))} >= {
        ("daily_digest", date(2026, 11, 19)), ("daily_digest", date(2026, 11, 25))
    }  # fmt: skip


def test_before_half_past_seven_nothing_runs(app, db_session) -> None:
    action(person(), date(2026, 11, 2))
    db_session.commit()
    early = datetime(2026, 11, 24, 7, 29, tzinfo=UTC)
    set_now(app, early)
    assert jobs.run_due(early) == []
    assert _digests(db_session) == []


def _log(path) -> str:  # noqa: ANN001
    return path.read_text(errors="replace") if path.exists() else ""


def test_two_scheduler_processes_one_active_one_standby(app, db_session, tmp_path) -> None:
    env = subprocess_env(app, tmp_path, SCHEDULER_LEASE_SECONDS="30", SCHEDULER_HEARTBEAT_SECONDS="0.2")
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_process(flask_command("scheduler", "run"), env, first_log)
    second = None
    try:
        assert wait_for(lambda: ACTIVE in _log(first_log)), _log(first_log)
        second = start_process(flask_command("scheduler", "run"), env, second_log)
        assert wait_for(lambda: STANDBY in _log(second_log)), _log(second_log)
        db_session.expire_all()
        holder = db_session.get(SchedulerLease, "scheduler").holder
        assert f":{first.pid}:" in holder
        assert ACTIVE not in _log(second_log)

        first.send_signal(signal.SIGTERM)  # a clean stop releases the lease
        assert first.wait(timeout=20) == 0
        assert wait_for(lambda: ACTIVE in _log(second_log)), _log(second_log)
        db_session.expire_all()
        assert f":{second.pid}:" in db_session.get(SchedulerLease, "scheduler").holder
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def test_a_killed_scheduler_is_replaced_when_its_lease_expires(app, db_session, tmp_path) -> None:
    env = subprocess_env(app, tmp_path, SCHEDULER_LEASE_SECONDS="1", SCHEDULER_HEARTBEAT_SECONDS="0.2")
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_process(flask_command("scheduler", "run"), env, first_log)
    second = None
    try:
        assert wait_for(lambda: ACTIVE in _log(first_log)), _log(first_log)
        second = start_process(flask_command("scheduler", "run"), env, second_log)
        assert wait_for(lambda: STANDBY in _log(second_log)), _log(second_log)
        first.kill()  # SIGKILL: no chance to release the lease
        first.wait(timeout=10)
        assert wait_for(lambda: ACTIVE in _log(second_log)), _log(second_log)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def test_make_run_starts_one_scheduler_beside_the_server_and_stops_it_with_the_server(
    app, db_session, tmp_path
) -> None:
    env = subprocess_env(
        app,
        tmp_path,
        TRACKER_ENV="development",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SCHEDULER_HEARTBEAT_SECONDS="0.2",
    )
    server = start_process(
        [sys.executable, "-m", "tracker.devserver", "--port", str(free_port())], env, tmp_path / "server.log"
    )
    scheduler_pid = None
    try:
        assert wait_for(lambda: ACTIVE in _log(tmp_path / "server.log")), _log(tmp_path / "server.log")
        db_session.expire_all()
        scheduler_pid = int(db_session.get(SchedulerLease, "scheduler").holder.split(":")[1])
        assert scheduler_pid != server.pid
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
        assert wait_for(lambda: not Path(f"/proc/{scheduler_pid}").exists())
        assert "stopped" in _log(tmp_path / "server.log")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
        if scheduler_pid is not None and Path(f"/proc/{scheduler_pid}").exists():
            os.kill(scheduler_pid, signal.SIGKILL)
