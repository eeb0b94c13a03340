"""Stamps that tell each worker whether what it has cached from the database is still current (tracker.cache_stamps)."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base


class CacheStamp(Base):
    """One row per topic of cached reads; `stamp` is a new random value each time a transaction changes what the
    topic covers (no row: nothing is cached for that topic)."""

    __tablename__ = "cache_stamps"

    topic: Mapped[str] = mapped_column(String(50), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))
