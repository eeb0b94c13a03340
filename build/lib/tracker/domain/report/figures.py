"""The report's figures: counts by RAG and timescale, overdue, completed, statutory deadlines met
and missed, and how ratings moved since the previous report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tracker.domain.report.history import ActionState, is_overdue
from tracker.domain.report.model import DeadlineRow, Figures, RagChangeRow, TimescaleRow
from tracker.domain.report.records import PlanHistory
from tracker.domain.vocabulary import RAG_RANK, RATING_KEYS, ActionStatus


def _count_by_rag(states: Iterable[ActionState]) -> dict[str, int]:
    counts = dict.fromkeys(RATING_KEYS, 0)
    for state in states:
        counts[state.rag] = counts.get(state.rag, 0) + 1
    return counts


def _completed(states: dict[int, ActionState]) -> set[int]:
    return {i for i, s in states.items() if s.status == ActionStatus.COMPLETE}


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
                recommendation.timescale, recommendation.timescale_label, dict.fromkeys(RATING_KEYS, 0), 0, 0
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
        change = [RagChangeRow(rag, previous_counts[rag], current_counts[rag]) for rag in RATING_KEYS]
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
