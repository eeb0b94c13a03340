"""The scheduler process: active while it holds the lease, standby while another process does.

The main thread keeps the lease (acquire, then renew every SCHEDULER_HEARTBEAT_SECONDS); the
APScheduler threads run the jobs. A process that cannot renew stops its jobs and goes back to
standby; on SIGTERM or Ctrl-C it finishes running jobs and releases the lease so a standby can
take over at once. Even if two were ever active, JobRun rows, dedupe keys and atomic outbox
claims keep every email single: the lease keeps the work in one place, not the correctness.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from tracker import clock
from tracker.extensions import db
from tracker.scheduler import lease
from tracker.scheduler.wiring import CATCH_UP_JOB, build_scheduler, run_soon

logger = logging.getLogger(__name__)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class SchedulerProcess:
    def __init__(self, app: Flask, holder: str | None = None) -> None:
        self.app = app
        self.holder = holder or holder_name()
        self.lease_seconds = float(app.config["SCHEDULER_LEASE_SECONDS"])
        self.heartbeat_seconds = float(app.config["SCHEDULER_HEARTBEAT_SECONDS"])
        self._standby_logged_for: str | None = None

    def run(self, stop: threading.Event) -> None:
        """Until `stop` is set: wait as standby, or run the jobs while holding the lease."""
        with self.app.app_context():
            logger.info("Scheduler %s starting", self.holder)
            while not stop.is_set():
                if self._hold_lease():
                    self._run_active(stop)
                else:
                    self._log_standby()
                    stop.wait(self.heartbeat_seconds)
            logger.info("Scheduler %s stopped", self.holder)

    def _hold_lease(self) -> bool:
        try:
            return lease.acquire_or_renew(self.holder, clock.now(), self.lease_seconds)
        except SQLAlchemyError as error:
            db.session.rollback()
            logger.warning("Scheduler %s could not reach the database: %s", self.holder, type(error).__name__)
            return False

    def _log_standby(self) -> None:
        try:
            current = lease.current_holder()
        except SQLAlchemyError:
            current = None
        db.session.rollback()
        if current is not None and current.holder != self._standby_logged_for:
            self._standby_logged_for = current.holder
            logger.info(
                "Scheduler %s on standby: %s holds the scheduler lease until %s; waiting to take over",
                self.holder,
                current.holder,
                current.expires_at.isoformat(timespec="seconds"),
            )

    def _run_active(self, stop: threading.Event) -> None:
        logger.info("Scheduler %s is now the active scheduler: it holds the scheduler lease", self.holder)
        self._standby_logged_for = None
        scheduler = build_scheduler(self.app)
        scheduler.start()
        run_soon(scheduler, CATCH_UP_JOB)
        try:
            while not stop.wait(self.heartbeat_seconds):
                if not self._hold_lease():
                    logger.warning("Scheduler %s lost the lease: stopping its jobs and going on standby", self.holder)
                    break
        finally:
            scheduler.shutdown(wait=True)
            if stop.is_set():
                self._release()

    def _release(self) -> None:
        try:
            lease.release(self.holder, clock.now())
        except SQLAlchemyError:
            db.session.rollback()
