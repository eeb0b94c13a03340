"""The report's computed paragraphs: its figures, exceptions, deadlines and change since the
previous report in words, so each reads without the table or chart beside it."""

from __future__ import annotations

from datetime import date

from tracker.domain.formatting import format_date
from tracker.domain.report.history import ActionState, is_overdue, was_revised
from tracker.domain.report.model import DeadlineRow, Figures
from tracker.domain.report.records import ReportInputs
from tracker.domain.vocabulary import NOT_RATED, RAG_MEANINGS, RAG_WORDS, RATING_KEYS, Rag


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def figures_sentence(figures: Figures, inputs: ReportInputs) -> str:
    """The summary's figures in words, so the paragraph reads without the table or chart."""
    by_rag = figures.by_rag
    parts = [f"{by_rag[r]} {RAG_WORDS[r]} ({RAG_MEANINGS[r]})" for r in RATING_KEYS if by_rag[r] or r != NOT_RATED]
    text = (
        f"As at {format_date(inputs.as_at)} the action plan has {_plural(figures.total, 'action')}: "
        f"{', '.join(parts[:-1])} and {parts[-1]}. "
        f"{_plural(figures.overdue, 'action is', 'actions are')} overdue"
    )
    if figures.completed_since_previous is not None and inputs.previous_as_at is not None:
        text += (
            f"; {figures.completed_since_previous} "
            f"{'was' if figures.completed_since_previous == 1 else 'were'} completed since the previous report "
            f"(as at {format_date(inputs.previous_as_at)})"
        )
    text += f"; {figures.completed} {'is' if figures.completed == 1 else 'are'} complete in all."
    return text


def exceptions_sentence(states: dict[int, ActionState], deadlines: list[DeadlineRow], as_at: date) -> str:
    red = sum(s.rag == Rag.RED for s in states.values())
    overdue = sum(is_overdue(s, as_at) for s in states.values())
    missed = sum(d.state in ("missed", "met_late") for d in deadlines)
    revised = sum(was_revised(s) for s in states.values())
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
        f"Since the previous report (as at {format_date(previous_as_at)}), "
        f"{_plural(improved, 'action')} improved {'its' if improved == 1 else 'their'} rating and "
        f"{_plural(figures.worsened or 0, 'action')} worsened."
    )
