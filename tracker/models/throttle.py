"""Throttle counters, shared by every worker and host through the database (tracker/throttling.py)."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base


class ThrottleCounter(Base):
    """Attempts by one subject under one rule. `key` is a SHA-256 of the rule and the subject, so typed
    addresses (which may be mistyped passwords) and client addresses are never stored as they are.
    `version` moves on with every change: an update names the version it read, so only one of two
    concurrent updates wins."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int]
    window_started_at: Mapped[datetime]
    not_before: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
