"""Actions that deliver a recommendation, and their append-only progress updates."""

from datetime import date, datetime

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, IdMixin, TimestampMixin, enum_type, utcnow
from tracker.models.enums import OPEN_STATUSES, ActionStatus, DueDateRequestState, Rag
from tracker.models.inspection import Inspection, Recommendation
from tracker.models.user import User

_LIVE = text("archived_at IS NULL")
_PENDING = text("request_state = 'pending'")
_OPEN_LIVE = text("archived_at IS NULL AND status IN ('not_started', 'in_progress')")


class Action(IdMixin, TimestampMixin, Base):
    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_owner_due", "owner_id", "due_on"),
        Index("ix_actions_status_due", "status", "due_on"),
        Index("ix_actions_inspection_status", "inspection_id", "status"),
        # Partial indexes for the All actions list (migration 0003): open actions in due-date order, and the
        # owners and lead agencies of live actions for its filters.
        Index("ix_actions_open_due", "due_on", "id", postgresql_where=_OPEN_LIVE, sqlite_where=_OPEN_LIVE),
        Index("ix_actions_live_owner", "owner_id", postgresql_where=_LIVE, sqlite_where=_LIVE),
        Index("ix_actions_live_agency", "lead_agency", postgresql_where=_LIVE, sqlite_where=_LIVE),
    )

    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    # Denormalised from the recommendation so plan-wide lists need no join.
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lead_agency: Mapped[str] = mapped_column(String(200), default="")
    start_on: Mapped[date | None]
    due_on: Mapped[date | None]
    original_due_on: Mapped[date | None]
    success_criteria: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus), default=ActionStatus.NOT_STARTED)
    rag: Mapped[Rag | None] = mapped_column(enum_type(Rag))
    completed_on: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)
    archived_at: Mapped[datetime | None]
    last_progress_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    recommendation: Mapped[Recommendation] = relationship(back_populates="actions")
    inspection: Mapped[Inspection] = relationship()
    owner: Mapped[User | None] = relationship()
    progress_updates: Mapped[list["ProgressUpdate"]] = relationship(
        back_populates="action",
        order_by="ProgressUpdate.created_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)

    def __repr__(self) -> str:
        return f"<Action {self.id} {self.reference}>"


def is_open() -> ColumnElement[bool]:
    """The action is open (not started or in progress), with the two statuses written into the statement rather than
    sent as parameters: the partial index of open actions (ix_actions_open_due) is defined by them, and a plan made
    once for every run of a prepared statement can use that index only if the statement names them itself (issue
    17: the overdue list's query was otherwise planned again at every request)."""
    statuses: BindParameter[list[ActionStatus]] = bindparam(
        "open_statuses", list(OPEN_STATUSES), expanding=True, literal_execute=True, unique=True
    )
    return Action.status.in_(statuses)


class ProgressUpdate(IdMixin, Base):
    """One progress report on an action. Append-only: never updated except to decide a due-date request."""

    __tablename__ = "progress_updates"
    __table_args__ = (
        Index("ix_progress_updates_action_created", "action_id", "created_at"),
        # The few requests for a revised due date waiting for a decision (migration 0013): the dashboard and a
        # programme manager's home find them without reading every update of every action.
        Index("ix_progress_updates_pending", "action_id", postgresql_where=_PENDING, sqlite_where=_PENDING),
        # An inspection's newest updates (migration 0014): the dashboard reads ten, not every update of the plan.
        Index("ix_progress_updates_inspection_created", "inspection_id", "created_at", "id"),
    )

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    # The action's inspection, written with the update (an action never moves to another inspection), so that an
    # inspection's updates are found without joining its actions.
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus))
    rag: Mapped[Rag] = mapped_column(enum_type(Rag))
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence_links: Mapped[str] = mapped_column(Text, default="")
    via_email_link: Mapped[bool] = mapped_column(default=False)
    # Recorded by the person who imported an edited copy of the plan's spreadsheet.
    via_spreadsheet: Mapped[bool] = mapped_column(default=False, server_default=false())
    requested_due_on: Mapped[date | None]
    request_reason: Mapped[str] = mapped_column(Text, default="")
    request_state: Mapped[DueDateRequestState | None] = mapped_column(enum_type(DueDateRequestState))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[Action] = relationship(back_populates="progress_updates")
    inspection: Mapped[Inspection] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ActionLinkToken(IdMixin, Base):
    """The key to the update links in one reminder email to one person. Each link names one of the actions the email
    lists and is signed with the key (tracker.reminders.links); only the key's SHA-256 hash is stored, with the ids
    of the actions its links open. Each link works once (ActionLinkUse), until `expires_at`, unless revoked."""

    __tablename__ = "action_link_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The actions the email's links open, comma-separated ids (one, for a link issued before migration 0015).
    action_ids: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def opens(self, action_id: int) -> bool:
        return str(action_id) in self.action_ids.split(",")


class ActionLinkUse(IdMixin, Base):
    """An update link used: its key and its action, once each (the unique constraint spends a link once)."""

    __tablename__ = "action_link_uses"
    __table_args__ = (UniqueConstraint("link_id", "action_id"),)

    link_id: Mapped[int] = mapped_column(ForeignKey("action_link_tokens.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    used_at: Mapped[datetime]


class PlanImportPreview(IdMixin, Base):
    """A plan spreadsheet shown for confirmation: its one-time token (only the hash is kept) is spent by the
    confirm that imports it, so two confirms of one preview import once."""

    __tablename__ = "plan_import_previews"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


def is_pending() -> ColumnElement[bool]:
    """The progress update asks for a revised due date still waiting for a decision, the state written into the
    statement for the partial index of those requests (ix_progress_updates_pending), as `is_open` for its index."""
    pending: BindParameter[DueDateRequestState] = bindparam(
        "pending", DueDateRequestState.PENDING, literal_execute=True, unique=True
    )
    return ProgressUpdate.request_state == pending
