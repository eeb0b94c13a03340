"""The progress report: a committee paper's narrative, its figures "as at" a date, the exceptions
members must see and the action plan appendix, all built from plain history records (DESIGN §7).

records   what the report is built from: history records, the officers' narrative, inputs
model     the report model every renderer draws from
history   the plan as it stood at an instant
figures   counts by RAG and timescale, deadlines, movement since the previous report
sentences the computed paragraphs in words
paper     the decision box, the optional sections and the further appendices
tables    tables typed or pasted into an appendix
appendix  the exception lists and the action plan appendix
builder   build_report: all of it as at a date
serialise the issued snapshot: the model as JSON and back

The words for statuses and ratings are tracker.domain.vocabulary's; dates read as
tracker.domain.formatting writes them.
"""

from tracker.domain.report.appendix import build_appendix, red_or_overdue, revised_due_dates
from tracker.domain.report.builder import BULLET_MARKS, build_report, paragraphs
from tracker.domain.report.figures import compute_figures
from tracker.domain.report.history import (
    ActionState,
    day_end_utc,
    deadline_as_at,
    due_on_as_at,
    exists_at,
    is_overdue,
    latest_update,
    local_day,
    original_due_on_as_at,
    plan_as_at,
    status_and_rag_as_at,
    wording_as_at,
)
from tracker.domain.report.model import (
    DEADLINE_STATES,
    EARLIER_SECTIONS,
    OPTIONAL_SECTIONS,
    ActionRow,
    AppendixBlock,
    DeadlineRow,
    DecisionBox,
    ExceptionRow,
    Figures,
    GradeRow,
    ImplicationRow,
    Paragraph,
    RagChangeRow,
    RecommendationBlock,
    ReportModel,
    RevisionRow,
    TimescaleGroup,
    TimescaleRow,
    TimetableRow,
    TrendPoint,
    progress_text,
)
from tracker.domain.report.records import (
    IMPLICATION_TOPICS,
    ActionRecord,
    AppendixText,
    DeadlineRecord,
    Decision,
    FieldChange,
    ImplicationAnswer,
    Narrative,
    PlanHistory,
    RecommendationRecord,
    ReportInputs,
    UpdateRecord,
)
from tracker.domain.report.sentences import change_sentence, deadlines_sentence, exceptions_sentence, figures_sentence
from tracker.domain.report.tables import TableError, parse_table

__all__ = [
    "BULLET_MARKS",
    "DEADLINE_STATES",
    "EARLIER_SECTIONS",
    "IMPLICATION_TOPICS",
    "OPTIONAL_SECTIONS",
    "ActionRecord",
    "ActionRow",
    "ActionState",
    "AppendixBlock",
    "AppendixText",
    "DeadlineRecord",
    "DeadlineRow",
    "Decision",
    "DecisionBox",
    "ExceptionRow",
    "FieldChange",
    "Figures",
    "GradeRow",
    "ImplicationAnswer",
    "ImplicationRow",
    "Narrative",
    "Paragraph",
    "PlanHistory",
    "RagChangeRow",
    "RecommendationBlock",
    "RecommendationRecord",
    "ReportInputs",
    "ReportModel",
    "RevisionRow",
    "TableError",
    "TimescaleGroup",
    "TimescaleRow",
    "TimetableRow",
    "TrendPoint",
    "UpdateRecord",
    "build_appendix",
    "build_report",
    "change_sentence",
    "compute_figures",
    "day_end_utc",
    "deadline_as_at",
    "deadlines_sentence",
    "due_on_as_at",
    "exceptions_sentence",
    "exists_at",
    "figures_sentence",
    "is_overdue",
    "latest_update",
    "local_day",
    "parse_table",
    "original_due_on_as_at",
    "paragraphs",
    "plan_as_at",
    "progress_text",
    "red_or_overdue",
    "revised_due_dates",
    "status_and_rag_as_at",
    "wording_as_at",
]
