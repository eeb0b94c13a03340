"""The progress report model: a committee paper's narrative, its figures "as at" a date, the
exceptions members must see and the action plan appendix, all built from plain history records.

Nothing here reads today's state of an action: everything is reconstructed from the progress
updates and the change history as they stood at the end of the as-at day (DESIGN §7).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from tracker.domain.deadline_rules import no_date_phrase
from tracker.domain.working_days import working_days_between

RAG_ORDER: Final = ("red", "amber", "green", "blue", "none")
RAG_WORDS: Final = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue", "none": "Not rated"}
RAG_MEANINGS: Final = {
    "red": "off track",
    "amber": "at risk",
    "green": "on track",
    "blue": "complete",
    "none": "no progress recorded yet",
}
# Higher is better: used to say whether an action's rating improved or worsened.
RAG_RANK: Final = {"red": 0, "amber": 1, "green": 2, "blue": 3}
STATUS_LABELS: Final = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "complete": "Complete",
    "no_longer_required": "No longer required",
}
CLOSED_STATUSES: Final = ("complete", "no_longer_required")
IMPLICATION_TOPICS: Final = (
    ("equal_opportunities", "Equal Opportunities"),
    ("policy", "Policy"),
    ("sustainable_environmental", "Sustainable and Environmental"),
    ("crime_disorder", "Crime and Disorder"),
    ("human_rights", "Human Rights Act"),
    ("elderly_low_income", "Elderly/People on Low Income"),
)


def rag_key() -> list[tuple[str, str, str]]:
    """(value, word, meaning) for every rating, in the order the key shows them."""
    return [(rag, RAG_WORDS[rag], RAG_MEANINGS[rag]) for rag in RAG_ORDER]


def local_day(instant: datetime, timezone: str) -> date:
    """The day an instant (UTC) falls on in `timezone`: an update at 23:30 on a summer evening is that day's."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def day_end_utc(day: date, timezone: str) -> datetime:
    """The first instant after `day` ends in `timezone`: "on or before `day`" means before this."""
    local_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))
    return local_midnight.astimezone(ZoneInfo("UTC"))


# ---------------------------------------------------------------------------------------------
# Input: what the database knows, as plain records.


@dataclass(frozen=True)
class UpdateRecord:
    """One progress update (append-only), with its due-date request if it carried one."""

    created_at: datetime
    status: str
    rag: str | None
    narrative: str = ""
    requested_due_on: date | None = None
    request_reason: str = ""
    request_state: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class FieldChange:
    """One audited change of one field: the value before and after, as stored text."""

    occurred_at: datetime
    old_value: str | None
    new_value: str | None
    note: str = ""


@dataclass(frozen=True)
class RecommendationRecord:
    id: int
    number: str
    timescale: str
    timescale_label: str
    text: str
    addressee: str = ""
    theme: str = ""
    position: int = 0


@dataclass(frozen=True)
class ActionRecord:
    """An action's current row plus its whole history; `created_at` and `archived_at` are instants."""

    id: int
    recommendation_id: int
    reference: str
    title: str
    created_at: datetime
    due_on: date | None
    original_due_on: date | None
    status: str
    rag: str | None
    owner_name: str = ""
    owner_job_title: str = ""
    lead_agency: str = ""
    success_criteria: str = ""
    position: int = 0
    archived_at: datetime | None = None
    updates: tuple[UpdateRecord, ...] = ()
    due_on_changes: tuple[FieldChange, ...] = ()
    original_due_on_changes: tuple[FieldChange, ...] = ()
    status_changes: tuple[FieldChange, ...] = ()
    rag_changes: tuple[FieldChange, ...] = ()
    title_changes: tuple[FieldChange, ...] = ()
    success_criteria_changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class DeadlineRecord:
    title: str
    due_on: date | None
    met_on: date | None
    source: str = ""
    due_on_changes: tuple[FieldChange, ...] = ()
    # What the date is counted from ("the date the council received the report"), named when it is missing.
    anchor_name: str = ""


@dataclass(frozen=True)
class PlanHistory:
    authority: str
    inspection_title: str
    published_on: date | None
    recommendations: tuple[RecommendationRecord, ...]
    actions: tuple[ActionRecord, ...]
    deadlines: tuple[DeadlineRecord, ...] = ()


@dataclass(frozen=True)
class ImplicationAnswer:
    topic: str
    applies: bool | None
    reference: str = ""


@dataclass(frozen=True)
class Narrative:
    """What officers write: the parts of the committee paper that are not computed."""

    committee: str
    meets_on: date
    title: str = ""
    report_of: str = ""
    wards_affected: str = "All"
    forward_timetable: tuple[tuple[str, date | None], ...] = ()
    purpose: str = ""
    summary: str = ""
    recommendations: str = ""
    body: str = ""
    financial: str = ""
    financial_officer: str = ""
    legal: str = ""
    legal_officer: str = ""
    other_implications: tuple[ImplicationAnswer, ...] = ()
    background_papers: str = ""
    report_authors: str = ""


# ---------------------------------------------------------------------------------------------
# Output: the report model every renderer draws from. Only JSON-friendly types and dates.


@dataclass
class Paragraph:
    number: str
    text: str
    bullets: list[str] = field(default_factory=list)


@dataclass
class TimetableRow:
    committee: str
    meets_on: date | None


@dataclass
class ImplicationRow:
    topic: str
    answer: str
    reference: str


@dataclass
class TimescaleRow:
    timescale: str
    label: str
    counts: dict[str, int]
    total: int
    overdue: int


@dataclass
class RagChangeRow:
    rag: str
    previous: int
    current: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def change_text(self) -> str:
        """ "+7", "−1" with a real minus sign, or "No change"."""
        if not self.change:
            return "No change"
        return f"+{self.change}" if self.change > 0 else f"\N{MINUS SIGN}{-self.change}"


@dataclass
class TrendPoint:
    as_at: date
    counts: dict[str, int]


@dataclass
class Figures:
    total: int
    by_rag: dict[str, int]
    by_timescale: list[TimescaleRow]
    overdue: int
    completed: int
    completed_since_previous: int | None
    deadlines_met: int
    deadlines_missed: int
    deadlines_pending: int
    rag_change: list[RagChangeRow] | None
    improved: int | None
    worsened: int | None
    deadlines_no_date: int = 0


@dataclass
class ActionRow:
    reference: str
    title: str
    lead_officer: str
    lead_officer_title: str
    lead_agency: str
    due_on: date | None
    original_due_on: date | None
    success_criteria: str
    progress: str
    progress_on: date | None
    status: str
    rag: str
    overdue: bool
    working_days_overdue: int | None
    previous_rag: str | None = None

    @property
    def progress_text(self) -> str:
        return progress_text(self.progress, self.progress_on)


@dataclass
class ExceptionRow:
    reference: str
    title: str
    lead_officer: str
    due_on: date | None
    rag: str
    status: str
    working_days_overdue: int | None
    progress: str
    progress_on: date | None = None

    @property
    def progress_text(self) -> str:
        return progress_text(self.progress, self.progress_on)


def progress_text(narrative: str, updated_on: date | None) -> str:
    """The narrative; for an update that gave only a status or rating, "Updated 26 November 2026 (no narrative)".

    "No progress recorded yet" is kept for an action with no update at all as at the date.
    """
    if narrative:
        return narrative
    if updated_on is not None:
        return f"Updated {format_day(updated_on)} (no narrative)"
    return "No progress recorded yet"


@dataclass
class RevisionRow:
    reference: str
    title: str
    original_due_on: date | None
    due_on: date | None
    revised_on: date | None
    reason: str


@dataclass
class DeadlineRow:
    title: str
    due_on: date | None
    met_on: date | None
    state: str
    source: str = ""
    anchor_name: str = ""

    @property
    def state_label(self) -> str:
        """ "Met late", or for a deadline without a date what is missing to count it."""
        if self.state == "no_date":
            return no_date_phrase(self.anchor_name)
        return DEADLINE_STATES[self.state]

    @property
    def met_label(self) -> str:
        """The Met column: blank while there is no date to meet, rather than "Not met"."""
        if self.state == "no_date":
            return ""
        return format_short_day(self.met_on, "Not met")


DEADLINE_STATES: Final = {
    "met": "Met on time",
    "met_late": "Met late",
    "missed": "Missed: not yet met",
    "due": "Not yet due",
    "no_date": "No date set",
}


@dataclass
class RecommendationBlock:
    number: str
    text: str
    addressee: str
    theme: str
    actions: list[ActionRow]


@dataclass
class TimescaleGroup:
    timescale: str
    label: str
    recommendations: list[RecommendationBlock]


@dataclass
class ReportModel:
    council: str
    inspection_title: str
    committee: str
    meets_on: date
    as_at: date
    previous_as_at: date | None
    title: str
    report_of: str
    wards_affected: str
    forward_timetable: list[TimetableRow]
    purpose: list[Paragraph]
    summary: list[Paragraph]
    figures_paragraph: Paragraph
    recommendations: list[Paragraph]
    body: list[Paragraph]
    exceptions_paragraph: Paragraph
    deadlines_paragraph: Paragraph
    change_paragraph: Paragraph
    financial: list[Paragraph]
    financial_officer: str
    legal: list[Paragraph]
    legal_officer: str
    other_implications: list[ImplicationRow]
    background_papers: list[str]
    report_authors: list[list[str]]
    figures: Figures
    trend: list[TrendPoint]
    red_or_overdue: list[ExceptionRow]
    missed_deadlines: list[DeadlineRow]
    revised_due_dates: list[RevisionRow]
    deadlines: list[DeadlineRow]
    appendix: list[TimescaleGroup]

    @property
    def meeting(self) -> str:
        """ "Cabinet, 1 September 2008": the running header names the meeting."""
        return f"{self.committee}, {format_day(self.meets_on)}"

    def all_actions(self) -> list[ActionRow]:
        return [a for group in self.appendix for block in group.recommendations for a in block.actions]

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportModel:
        return _from_json(cls, data)


def format_day(value: date | None, empty: str = "") -> str:
    """9 September 2008."""
    return f"{value.day} {value:%B %Y}" if value else empty


def format_short_day(value: date | None, empty: str = "") -> str:
    """9 Sep 2008, for table cells."""
    return f"{value.day} {value:%b %Y}" if value else empty


# ---------------------------------------------------------------------------------------------
# History: the value in force at an instant.


def _value_in_force(changes: Sequence[FieldChange], cutoff: datetime, current: str | None) -> str | None:
    """The latest change before `cutoff` gives the value; failing that the first later change's old value."""
    ordered = sorted(changes, key=lambda c: c.occurred_at)
    before = [c for c in ordered if c.occurred_at < cutoff]
    if before:
        return before[-1].new_value
    if ordered:
        return ordered[0].old_value
    return current


def _as_date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def due_on_as_at(action: ActionRecord, cutoff: datetime) -> date | None:
    """The due date in force at `cutoff`: before any recorded change it was the original due date."""
    if not action.due_on_changes:
        return action.due_on
    # Sorting is stable, so changes recorded at the same instant keep the order they were made in.
    ordered = sorted(action.due_on_changes, key=lambda c: c.occurred_at)
    before = [c for c in ordered if c.occurred_at < cutoff]
    if before:
        return _as_date(before[-1].new_value)
    return _as_date(ordered[0].old_value) or action.original_due_on


def original_due_on_as_at(action: ActionRecord, cutoff: datetime) -> date | None:
    """The plan's original due date at `cutoff`: it follows the due date until the plan is agreed."""
    value = _value_in_force(action.original_due_on_changes, cutoff, _iso(action.original_due_on))
    return _as_date(value) or due_on_as_at(action, cutoff)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def wording_as_at(action: ActionRecord, cutoff: datetime) -> tuple[str, str]:
    """The action's title and success criteria as they read at `cutoff`, from their change history."""
    title = _value_in_force(action.title_changes, cutoff, action.title)
    criteria = _value_in_force(action.success_criteria_changes, cutoff, action.success_criteria)
    return title or "", criteria or ""


def latest_update(action: ActionRecord, cutoff: datetime) -> UpdateRecord | None:
    candidates = [u for u in action.updates if u.created_at < cutoff]
    return max(candidates, key=lambda u: u.created_at) if candidates else None


def status_and_rag_as_at(action: ActionRecord, cutoff: datetime) -> tuple[str, str]:
    """The latest update before `cutoff` sets status and RAG; with none, the audited values then, else
    the action as created (an action with no updates at all), else not started and not rated."""
    update = latest_update(action, cutoff)
    if update is not None:
        return update.status, update.rag or "none"
    created_status = action.status if not action.updates else "not_started"
    created_rag = action.rag if not action.updates else None
    status = _value_in_force(action.status_changes, cutoff, created_status) or "not_started"
    rag = _value_in_force(action.rag_changes, cutoff, created_rag)
    return status, rag or "none"


def exists_at(action: ActionRecord, cutoff: datetime) -> bool:
    """Created before the cutoff and not archived by then."""
    if action.created_at >= cutoff:
        return False
    return action.archived_at is None or action.archived_at >= cutoff


@dataclass(frozen=True)
class ActionState:
    """One action as it stood at an instant."""

    action: ActionRecord
    status: str
    rag: str
    due_on: date | None
    update: UpdateRecord | None
    original_due_on: date | None = None
    title: str = ""
    success_criteria: str = ""

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


def plan_as_at(history: PlanHistory, cutoff: datetime) -> dict[int, ActionState]:
    """Every action that existed at `cutoff`, keyed by id, as it stood then."""
    states = {}
    for action in history.actions:
        if not exists_at(action, cutoff):
            continue
        status, rag = status_and_rag_as_at(action, cutoff)
        title, success_criteria = wording_as_at(action, cutoff)
        states[action.id] = ActionState(
            action,
            status,
            rag,
            due_on_as_at(action, cutoff),
            latest_update(action, cutoff),
            original_due_on_as_at(action, cutoff),
            title,
            success_criteria,
        )
    return states


def is_overdue(state: ActionState, as_at: date) -> bool:
    return state.is_open and state.due_on is not None and state.due_on < as_at


# ---------------------------------------------------------------------------------------------
# Building the model.


@dataclass(frozen=True)
class ReportInputs:
    """Everything the model needs besides the history: dates, previous reports, holidays."""

    as_at: date
    timezone: str
    holidays: Container[date]
    previous_as_at: date | None = None
    earlier_trend: tuple[TrendPoint, ...] = ()


def build_report(history: PlanHistory, narrative: Narrative, inputs: ReportInputs) -> ReportModel:
    """The whole report as at `inputs.as_at`, from history and the officers' narrative."""
    cutoff = day_end_utc(inputs.as_at, inputs.timezone)
    states = plan_as_at(history, cutoff)
    previous = None
    if inputs.previous_as_at is not None:
        previous = plan_as_at(history, day_end_utc(inputs.previous_as_at, inputs.timezone))
    deadlines = [deadline_as_at(d, inputs.as_at, cutoff) for d in history.deadlines]
    figures = compute_figures(history, states, previous, deadlines, inputs.as_at)
    trend = [*inputs.earlier_trend, TrendPoint(inputs.as_at, dict(figures.by_rag))]
    numbering = _Numbering(narrative)
    return ReportModel(
        council=history.authority,
        inspection_title=history.inspection_title,
        committee=narrative.committee,
        meets_on=narrative.meets_on,
        as_at=inputs.as_at,
        previous_as_at=inputs.previous_as_at,
        title=narrative.title or f"{history.inspection_title}: progress on the action plan",
        report_of=narrative.report_of,
        wards_affected=narrative.wards_affected or "All",
        forward_timetable=_timetable(narrative),
        purpose=paragraphs(narrative.purpose, "1"),
        summary=numbering.summary,
        figures_paragraph=Paragraph(numbering.figures_number, figures_sentence(figures, inputs)),
        recommendations=paragraphs(narrative.recommendations, "3"),
        body=numbering.body,
        exceptions_paragraph=Paragraph(numbering.body_next(0), exceptions_sentence(states, deadlines, inputs.as_at)),
        deadlines_paragraph=Paragraph(numbering.body_next(1), deadlines_sentence(figures)),
        change_paragraph=Paragraph(numbering.body_next(2), change_sentence(figures, inputs.previous_as_at)),
        financial=paragraphs(narrative.financial, "5.1"),
        financial_officer=narrative.financial_officer,
        legal=paragraphs(narrative.legal, "5.2"),
        legal_officer=narrative.legal_officer,
        other_implications=_implications(narrative),
        background_papers=[line.strip() for line in narrative.background_papers.splitlines() if line.strip()],
        report_authors=[block.splitlines() for block in _blocks(narrative.report_authors)],
        figures=figures,
        trend=trend,
        red_or_overdue=red_or_overdue(states, inputs.as_at, inputs.holidays, inputs.timezone),
        missed_deadlines=[d for d in deadlines if d.state in ("missed", "met_late")],
        revised_due_dates=revised_due_dates(states, cutoff),
        deadlines=deadlines,
        appendix=build_appendix(history, states, previous, inputs.as_at, inputs.holidays, inputs.timezone),
    )


class _Numbering:
    """Paragraph numbers: the computed paragraphs follow the officers' own in sections 2 and 4."""

    def __init__(self, narrative: Narrative) -> None:
        self.summary = paragraphs(narrative.summary, "2")
        self.figures_number = f"2.{len(self.summary) + 1}"
        self.body = paragraphs(narrative.body, "4")

    def body_next(self, offset: int) -> str:
        return f"4.{len(self.body) + 1 + offset}"


def _timetable(narrative: Narrative) -> list[TimetableRow]:
    rows = [TimetableRow(c.strip(), d) for c, d in narrative.forward_timetable if c.strip()]
    return rows or [TimetableRow(narrative.committee, narrative.meets_on)]


def _implications(narrative: Narrative) -> list[ImplicationRow]:
    answers = {a.topic: a for a in narrative.other_implications}
    rows = []
    for key, label in IMPLICATION_TOPICS:
        answer = answers.get(key)
        applies = answer.applies if answer else None
        rows.append(
            ImplicationRow(
                topic=label,
                answer="" if applies is None else ("Yes" if applies else "No"),
                reference=answer.reference if answer else "",
            )
        )
    return rows


def _blocks(text: str) -> list[str]:
    """Text split on blank lines into trimmed blocks."""
    blocks, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


BULLET_MARKS: Final = ("- ", "• ", "* ")


def paragraphs(text: str, prefix: str) -> list[Paragraph]:
    """Blank-line separated paragraphs numbered prefix.1, prefix.2…; lines starting "- " are bullets."""
    result = []
    for index, block in enumerate(_blocks(text), start=1):
        lines, bullets = [], []
        for line in block.split("\n"):
            mark = next((m for m in BULLET_MARKS if line.startswith(m)), None)
            if mark:
                bullets.append(line[len(mark) :].strip())
            else:
                lines.append(line)
        result.append(Paragraph(f"{prefix}.{index}", " ".join(lines), bullets))
    return result


def deadline_as_at(deadline: DeadlineRecord, as_at: date, cutoff: datetime) -> DeadlineRow:
    """Met (on time or late) if met by the as-at date; otherwise missed once its due date has passed.

    A deadline with no date as at the date (its anchor was not recorded) is neither due nor missed.
    """
    due_value = _value_in_force(deadline.due_on_changes, cutoff, _iso(deadline.due_on))
    due_on = _as_date(due_value)
    met_on = deadline.met_on if deadline.met_on and deadline.met_on <= as_at else None
    if met_on is not None:
        state = "met" if due_on is None or met_on <= due_on else "met_late"
    elif due_on is None:
        state = "no_date"
    elif due_on < as_at:
        state = "missed"
    else:
        state = "due"
    return DeadlineRow(deadline.title, due_on, met_on, state, deadline.source, deadline.anchor_name)


def _count_by_rag(states: Iterable[ActionState]) -> dict[str, int]:
    counts = dict.fromkeys(RAG_ORDER, 0)
    for state in states:
        counts[state.rag] = counts.get(state.rag, 0) + 1
    return counts


def _completed(states: dict[int, ActionState]) -> set[int]:
    return {i for i, s in states.items() if s.status == "complete"}


def compute_figures(
    history: PlanHistory,
    states: dict[int, ActionState],
    previous: dict[int, ActionState] | None,
    deadlines: list[DeadlineRow],
    as_at: date,
) -> Figures:
    """Counts by RAG and timescale, overdue, completed, deadlines, and the change since the previous report."""
    timescale_of = {r.id: (r.timescale, r.timescale_label) for r in history.recommendations}
    rows: dict[str, TimescaleRow] = {}
    for recommendation in sorted(history.recommendations, key=lambda r: r.position):
        if recommendation.timescale not in rows:
            rows[recommendation.timescale] = TimescaleRow(
                recommendation.timescale, recommendation.timescale_label, dict.fromkeys(RAG_ORDER, 0), 0, 0
            )
    for state in states.values():
        row = rows[timescale_of[state.action.recommendation_id][0]]
        row.counts[state.rag] += 1
        row.total += 1
        row.overdue += is_overdue(state, as_at)
    completed = _completed(states)
    change = improved = worsened = completed_since = None
    if previous is not None:
        completed_since = len(completed - _completed(previous))
        previous_counts = _count_by_rag(previous.values())
        current_counts = _count_by_rag(states.values())
        change = [RagChangeRow(rag, previous_counts[rag], current_counts[rag]) for rag in RAG_ORDER]
        improved, worsened = _movement(states, previous)
    return Figures(
        total=len(states),
        by_rag=_count_by_rag(states.values()),
        by_timescale=list(rows.values()),
        overdue=sum(is_overdue(s, as_at) for s in states.values()),
        completed=len(completed),
        completed_since_previous=completed_since,
        deadlines_met=sum(d.state == "met" for d in deadlines),
        deadlines_missed=sum(d.state in ("missed", "met_late") for d in deadlines),
        deadlines_pending=sum(d.state == "due" for d in deadlines),
        rag_change=change,
        improved=improved,
        worsened=worsened,
        deadlines_no_date=sum(d.state == "no_date" for d in deadlines),
    )


def _movement(states: dict[int, ActionState], previous: dict[int, ActionState]) -> tuple[int, int]:
    """How many rated actions moved to a better or a worse rating since the previous report."""
    improved = worsened = 0
    for action_id, state in states.items():
        before = previous.get(action_id)
        if before is None or before.rag not in RAG_RANK or state.rag not in RAG_RANK:
            continue
        improved += RAG_RANK[state.rag] > RAG_RANK[before.rag]
        worsened += RAG_RANK[state.rag] < RAG_RANK[before.rag]
    return improved, worsened


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def figures_sentence(figures: Figures, inputs: ReportInputs) -> str:
    """The summary's figures in words, so the paragraph reads without the table or chart."""
    by_rag = figures.by_rag
    parts = [f"{by_rag[r]} {RAG_WORDS[r]} ({RAG_MEANINGS[r]})" for r in RAG_ORDER if by_rag[r] or r != "none"]
    text = (
        f"As at {format_day(inputs.as_at)} the action plan has {_plural(figures.total, 'action')}: "
        f"{', '.join(parts[:-1])} and {parts[-1]}. "
        f"{_plural(figures.overdue, 'action is', 'actions are')} overdue"
    )
    if figures.completed_since_previous is not None and inputs.previous_as_at is not None:
        text += (
            f"; {figures.completed_since_previous} "
            f"{'was' if figures.completed_since_previous == 1 else 'were'} completed since the previous report "
            f"(as at {format_day(inputs.previous_as_at)})"
        )
    text += f"; {figures.completed} {'is' if figures.completed == 1 else 'are'} complete in all."
    return text


def exceptions_sentence(states: dict[int, ActionState], deadlines: list[DeadlineRow], as_at: date) -> str:
    red = sum(s.rag == "red" for s in states.values())
    overdue = sum(is_overdue(s, as_at) for s in states.values())
    missed = sum(d.state in ("missed", "met_late") for d in deadlines)
    revised = sum(_was_revised(s) for s in states.values())
    return (
        f"Members are asked to note the exceptions below: {_plural(red, 'action')} rated Red, "
        f"{_plural(overdue, 'action')} overdue, {_plural(missed, 'statutory deadline')} missed and "
        f"{_plural(revised, 'action')} with a revised due date."
    )


def deadlines_sentence(figures: Figures) -> str:
    """Every deadline counted once; those with no date are counted apart, never as "not yet due"."""
    no_date = figures.deadlines_no_date
    total = figures.deadlines_met + figures.deadlines_missed + figures.deadlines_pending + no_date
    if total == 0:
        return "No statutory deadlines are recorded for this inspection."
    parts = [
        f"{figures.deadlines_met} {'was' if figures.deadlines_met == 1 else 'were'} met on time",
        f"{figures.deadlines_missed} missed or met late",
        f"{figures.deadlines_pending} not yet due",
    ]
    if no_date:
        parts.append(f"{no_date} with no date set because the date it is counted from is not recorded")
    return f"Of {_plural(total, 'statutory deadline')}, {', '.join(parts[:-1])} and {parts[-1]}."


def change_sentence(figures: Figures, previous_as_at: date | None) -> str:
    if figures.rag_change is None or previous_as_at is None:
        return "This is the first progress report on the action plan, so there is no earlier position to compare."
    improved = figures.improved or 0
    return (
        f"Since the previous report (as at {format_day(previous_as_at)}), "
        f"{_plural(improved, 'action')} improved {'its' if improved == 1 else 'their'} rating and "
        f"{_plural(figures.worsened or 0, 'action')} worsened."
    )


def _working_days_overdue(state: ActionState, as_at: date, holidays: Container[date]) -> int | None:
    if not is_overdue(state, as_at) or state.due_on is None:
        return None
    return working_days_between(state.due_on, as_at, holidays)


def red_or_overdue(
    states: dict[int, ActionState], as_at: date, holidays: Container[date], timezone: str
) -> list[ExceptionRow]:
    """Red or overdue actions, most overdue first, then the red ones by reference."""
    rows = []
    for state in states.values():
        if state.rag != "red" and not is_overdue(state, as_at):
            continue
        action = state.action
        rows.append(
            ExceptionRow(
                reference=action.reference,
                title=state.title,
                lead_officer=action.owner_name,
                due_on=state.due_on,
                rag=state.rag,
                status=state.status,
                working_days_overdue=_working_days_overdue(state, as_at, holidays),
                progress=state.update.narrative if state.update else "",
                progress_on=local_day(state.update.created_at, timezone) if state.update else None,
            )
        )
    return sorted(rows, key=lambda r: (-(r.working_days_overdue or -1), _reference_key(r.reference)))


def _reference_key(reference: str) -> tuple[Any, ...]:
    """ "2.10" after "2.9": numeric parts compare as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in reference.replace("-", ".").split("."))


def _was_revised(state: ActionState) -> bool:
    return state.original_due_on is not None and state.due_on is not None and state.due_on != state.original_due_on


def _reason_for(action: ActionRecord, change: FieldChange) -> str:
    """The approved request's reason for this new date, else the note recorded with the change."""
    new_due = _as_date(change.new_value)
    approved = [
        u
        for u in action.updates
        if u.request_state == "approved" and u.requested_due_on == new_due and u.created_at <= change.occurred_at
    ]
    if approved:
        return max(approved, key=lambda u: u.created_at).request_reason.strip()
    return change.note.strip()


def revised_due_dates(states: dict[int, ActionState], cutoff: datetime) -> list[RevisionRow]:
    rows = []
    for state in states.values():
        if not _was_revised(state):
            continue
        action = state.action
        # Changes that set the original date too were the plan being drafted, not revisions of it.
        changes = sorted(
            (
                c
                for c in action.due_on_changes
                if c.occurred_at < cutoff and _as_date(c.new_value) != state.original_due_on
            ),
            key=lambda c: c.occurred_at,
        )
        reasons = list(dict.fromkeys(r for r in (_reason_for(action, c) for c in changes) if r))
        rows.append(
            RevisionRow(
                reference=action.reference,
                title=state.title,
                original_due_on=state.original_due_on,
                due_on=state.due_on,
                revised_on=changes[-1].occurred_at.date() if changes else None,
                reason=" ".join(reasons) or "No reason recorded",
            )
        )
    return sorted(rows, key=lambda r: _reference_key(r.reference))


def _action_row(
    state: ActionState, previous: ActionState | None, as_at: date, holidays: Container[date], timezone: str
) -> ActionRow:
    action = state.action
    return ActionRow(
        reference=action.reference,
        title=state.title,
        lead_officer=action.owner_name,
        lead_officer_title=action.owner_job_title,
        lead_agency=action.lead_agency,
        due_on=state.due_on,
        original_due_on=state.original_due_on if _was_revised(state) else None,
        success_criteria=state.success_criteria,
        progress=state.update.narrative if state.update else "",
        progress_on=local_day(state.update.created_at, timezone) if state.update else None,
        status=state.status,
        rag=state.rag,
        overdue=is_overdue(state, as_at),
        working_days_overdue=_working_days_overdue(state, as_at, holidays),
        previous_rag=previous.rag if previous else None,
    )


def build_appendix(
    history: PlanHistory,
    states: dict[int, ActionState],
    previous: dict[int, ActionState] | None,
    as_at: date,
    holidays: Container[date],
    timezone: str,
) -> list[TimescaleGroup]:
    """The action plan: timescales in the report's order, recommendations in order, actions by position."""
    by_recommendation: dict[int, list[ActionState]] = {}
    for state in states.values():
        by_recommendation.setdefault(state.action.recommendation_id, []).append(state)
    groups: dict[str, TimescaleGroup] = {}
    for recommendation in sorted(history.recommendations, key=lambda r: r.position):
        group = groups.setdefault(
            recommendation.timescale, TimescaleGroup(recommendation.timescale, recommendation.timescale_label, [])
        )
        actions = sorted(
            by_recommendation.get(recommendation.id, []),
            key=lambda s: (s.action.position, _reference_key(s.action.reference)),
        )
        group.recommendations.append(
            RecommendationBlock(
                number=recommendation.number,
                text=recommendation.text,
                addressee=recommendation.addressee,
                theme=recommendation.theme,
                actions=[
                    _action_row(s, None if previous is None else previous.get(s.action.id), as_at, holidays, timezone)
                    for s in actions
                ],
            )
        )
    return list(groups.values())


# ---------------------------------------------------------------------------------------------
# JSON: the issued snapshot is the model itself.


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    return value


def _from_json(kind: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _from_json(options[0], data)
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_from_json(item, v) for v in data]
    if origin is dict:
        _key, item = typing.get_args(kind)
        return {k: _from_json(item, v) for k, v in data.items()}
    if kind is date:
        return date.fromisoformat(data)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        # A field added since a report was issued takes its default rather than None.
        return kind(
            **{
                f.name: _from_json(hints[f.name], data.get(f.name))
                for f in dataclasses.fields(kind)
                if f.name in data or (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
            }
        )
    return data


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(kind: type) -> dict[str, Any]:
    if kind not in _HINTS:
        _HINTS[kind] = typing.get_type_hints(kind)
    return _HINTS[kind]
