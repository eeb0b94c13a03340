"""Declarative base: naming convention, integer ids and UTC timestamps."""

from datetime import UTC, datetime

from flask import has_app_context
from sqlalchemy import BindParameter, DateTime, Enum, Integer, MetaData, literal
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from tracker import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The column defaults' now: the app's one clock (tracker.clock, which a test or the demo can set), so a row
    written by a request, a command or a job is stamped with the same moment as everything else it does; the
    system clock only outside an app (a migration, a script)."""
    return clock.now() if has_app_context() else datetime.now(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: DateTime(timezone=True)},
    )


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def enum_type(enum_class: type) -> Enum:
    """A VARCHAR column storing an enum's values, portable across SQLite and PostgreSQL."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def written_in(number: int) -> BindParameter[int]:
    """`number`, a LIMIT or an OFFSET, written into the statement rather than sent as a parameter (issue 17).

    PostgreSQL runs a prepared statement (tracker/prepared_statements.py) with one plan made for every run only when
    that plan is estimated no worse than those made for each run's values; made without knowing the LIMIT, a plan
    assumes it reads a tenth of the rows, so it was never chosen and each page's query was planned at every request.
    """
    return literal(number, Integer, literal_execute=True)
