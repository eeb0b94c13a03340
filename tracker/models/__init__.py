"""All models, importable from one place.

The model modules, unlike the rest of the package, do not use `from __future__ import annotations`: Python then
evaluates each `Mapped[...]` annotation as the class is made, where SQLAlchemy would otherwise compile and evaluate
every one from its string, about 15-25 ms of each process start (issue 17). A class named before it is defined is
quoted (`Mapped[list["Action"]]`); tests/unit/test_model_annotations.py keeps it so.
"""

from tracker.models.action import (
    Action,
    ActionLinkToken,
    ActionLinkUse,
    PlanImportPreview,
    ProgressUpdate,
    is_open,
    is_pending,
)
from tracker.models.api_token import ApiRequestCounter, ApiToken
from tracker.models.audit import AuditEvent
from tracker.models.base import Base, utcnow, written_in
from tracker.models.cache_stamp import CacheStamp
from tracker.models.deadline import ChecklistItem, Meeting, StatutoryDeadline
from tracker.models.enums import (
    OPEN_STATUSES,
    ActionStatus,
    AuthSource,
    DeadlineAnchor,
    DeadlineCounting,
    DeadlineKind,
    DigestPreference,
    DueDateRequestState,
    EmailState,
    Framework,
    NoticeKind,
    NoticePreference,
    PlanStatus,
    Rag,
    ReportState,
    Role,
    Timescale,
    TokenPurpose,
)
from tracker.models.import_draft import ImportDraft
from tracker.models.inspection import Inspection, Judgement, Recommendation, inspection_managers
from tracker.models.notice import Notice
from tracker.models.outbox import OutboxEmail
from tracker.models.report import ProgressReport
from tracker.models.scheduling import JobRun, SchedulerLease
from tracker.models.throttle import ThrottleCounter
from tracker.models.user import User, UserSession, UserToken

__all__ = [
    "OPEN_STATUSES",
    "Action",
    "ActionLinkToken",
    "ActionLinkUse",
    "ActionStatus",
    "ApiRequestCounter",
    "ApiToken",
    "AuditEvent",
    "AuthSource",
    "Base",
    "CacheStamp",
    "ChecklistItem",
    "DeadlineAnchor",
    "DeadlineCounting",
    "DeadlineKind",
    "DigestPreference",
    "DueDateRequestState",
    "EmailState",
    "Framework",
    "ImportDraft",
    "Inspection",
    "JobRun",
    "Judgement",
    "Meeting",
    "Notice",
    "NoticeKind",
    "NoticePreference",
    "OutboxEmail",
    "PlanImportPreview",
    "PlanStatus",
    "ProgressReport",
    "ProgressUpdate",
    "Rag",
    "Recommendation",
    "ReportState",
    "Role",
    "SchedulerLease",
    "StatutoryDeadline",
    "Timescale",
    "ThrottleCounter",
    "TokenPurpose",
    "User",
    "UserSession",
    "UserToken",
    "inspection_managers",
    "is_open",
    "is_pending",
    "utcnow",
    "written_in",
]
