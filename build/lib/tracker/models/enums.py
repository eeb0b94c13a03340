"""Enumerations stored as strings in the database.

An action's status, its RAG rating and a recommendation's timescale are the domain's vocabulary
(tracker.domain.vocabulary): defined there once, with their order and words, and re-exported here.
"""

from enum import StrEnum

from tracker.domain.vocabulary import OPEN_STATUSES, ActionStatus, Rag, Timescale


class Role(StrEnum):
    ADMIN = "admin"
    PROGRAMME_MANAGER = "programme_manager"
    SERVICE_MANAGER = "service_manager"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AuthSource(StrEnum):
    """How a person signs in: a password of the tracker's own, or their council account (the directory)."""

    PASSWORD = "password"  # nosec B105 - the name of a way to sign in, not a password
    DIRECTORY = "directory"


class DigestPreference(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class Framework(StrEnum):
    JAR = "JAR"
    APA = "APA"
    SIF = "SIF"
    ILACS = "ILACS"
    # An ILACS focused visit: a letter, with its own follow-up when it sets areas for priority action.
    FOCUSED_VISIT = "FOCUSED_VISIT"
    LAC = "LAC"
    # Area SEND inspections: SEND is the 2016–2022 framework (written statement of action), AREA_SEND the
    # 2023 one (outcomes 1–3, priority action plan).
    SEND = "SEND"
    AREA_SEND = "AREA_SEND"
    OTHER = "other"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    CONSULTATION = "consultation"
    PUBLISHED = "published"
    CLOSED = "closed"


class DueDateRequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class DeadlineAnchor(StrEnum):
    RECEIVED_ON = "received_on"
    PUBLISHED_ON = "published_on"


class DeadlineCounting(StrEnum):
    BEGINNING_WITH = "beginning_with"
    AFTER = "after"


class DeadlineKind(StrEnum):
    PUBLISH_REPORT = "publish_report"
    ACTION_PLAN = "action_plan"
    OTHER = "other"


class EmailState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Never sent, on purpose: replaced by a newer email (an older digest still queued when the next
    # day's was queued). The reason is in `last_error`.
    WITHDRAWN = "withdrawn"


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    # A token purpose, not a password.
    PASSWORD_RESET = "password_reset"  # nosec B105


class ReportState(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"


__all__ = [
    "OPEN_STATUSES",
    "ActionStatus",
    "DeadlineAnchor",
    "DeadlineCounting",
    "DeadlineKind",
    "DigestPreference",
    "DueDateRequestState",
    "EmailState",
    "Framework",
    "PlanStatus",
    "Rag",
    "ReportState",
    "Role",
    "Timescale",
    "TokenPurpose",
]
