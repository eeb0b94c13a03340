"""The committee paper's decision box, optional sections and further appendices: between the report's form, its
row and the domain's Narrative."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.domain.report import EARLIER_SECTIONS, OPTIONAL_SECTIONS, AppendixText, Decision
from tracker.models import ProgressReport

YES_NO = {"yes": True, "no": False}


def _answer(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def sections_of(report: ProgressReport) -> tuple[str, ...]:
    """The sections ticked; a report saved before authors could choose showed the statutory deadlines only."""
    return tuple(report.optional_sections) if report.optional_sections is not None else EARLIER_SECTIONS


def narrative_parts(report: ProgressReport) -> dict[str, Any]:
    """The Narrative's decision, sections and appendices for a report."""
    decision = report.decision or {}
    return {
        "decision": Decision(
            key_decision=decision.get("key_decision"),
            reason=decision.get("reason", ""),
            forward_plan=decision.get("forward_plan"),
            forward_plan_on=_day(decision.get("forward_plan_on")),
            decision_by=decision.get("decision_by", ""),
        ),
        "sections": sections_of(report),
        "appendices": tuple(
            AppendixText(row.get("title", ""), row.get("kind", "text"), row.get("content", ""))
            for row in report.appendices or []
        ),
    }


def form_details(report: ProgressReport) -> dict[str, Any]:
    """A report's decision, sections and appendices in the form's shape."""
    decision = report.decision or {}
    return {
        "key_decision": _answer(decision.get("key_decision")),
        "key_decision_reason": decision.get("reason", ""),
        "forward_plan": _answer(decision.get("forward_plan")),
        "forward_plan_on": _day(decision.get("forward_plan_on")),
        "decision_by": decision.get("decision_by", ""),
        "optional_sections": list(sections_of(report)),
        "appendices": [dict(row) for row in report.appendices or []],
    }


def default_form_details() -> dict[str, Any]:
    """A first report: every optional section ticked, nothing decided yet, no further appendices."""
    return {
        "key_decision": "",
        "key_decision_reason": "",
        "forward_plan": "",
        "forward_plan_on": None,
        "decision_by": "",
        "optional_sections": list(OPTIONAL_SECTIONS),
        "appendices": [],
    }


def apply_form(report: ProgressReport, data: dict[str, Any]) -> None:
    """Store the form's decision, sections and appendices; an appendix ticked for removal, or left wholly empty, is
    dropped."""
    forward_plan = YES_NO.get(data.get("forward_plan") or "")
    forward_plan_on = data.get("forward_plan_on") if forward_plan else None
    report.decision = {
        "key_decision": YES_NO.get(data.get("key_decision") or ""),
        "reason": (data.get("key_decision_reason") or "").strip(),
        "forward_plan": forward_plan,
        "forward_plan_on": forward_plan_on.isoformat() if forward_plan_on else None,
        "decision_by": data.get("decision_by") or "",
    }
    report.optional_sections = [key for key in OPTIONAL_SECTIONS if key in (data.get("optional_sections") or [])]
    report.appendices = [
        {
            "title": (row.get("title") or "").strip(),
            "kind": row.get("kind") or "text",
            # Only line ends: a pasted row keeps the tabs of its empty last cells.
            "content": (row.get("content") or "").rstrip("\r\n"),
        }
        for row in data.get("appendices") or []
        if not row.get("remove") and ((row.get("title") or "").strip() or (row.get("content") or "").strip())
    ]
