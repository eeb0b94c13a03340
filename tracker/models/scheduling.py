"""What the scheduler needs to be single and to catch up: a lease and a record of job runs."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, IdMixin, utcnow


class SchedulerLease(Base):
    """One row per named lease; the holder renews it before `expires_at` or loses it."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class JobRun(IdMixin, Base):
    """A scheduled job's run for one working day, so a restart neither repeats nor loses it."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "run_on"),)

    job: Mapped[str] = mapped_column(String(50))
    run_on: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
