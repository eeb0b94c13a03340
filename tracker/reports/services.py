"""Progress reports: the report model from the plan's history (reports.history); creating, editing, issuing."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from tracker import clock
from tracker.domain.report import (
    IMPLICATION_TOPICS,
    ImplicationAnswer,
    Narrative,
    ReportInputs,
    ReportModel,
    TrendPoint,
    build_report,
)
from tracker.extensions import db
from tracker.models import (
    Inspection,
    Meeting,
    ProgressReport,
    ReportState,
    User,
)
from tracker.reports import paper
from tracker.reports.history import load_plan_history

TIMETABLE_ROWS = 4


def list_reports(inspection: Inspection, *, include_drafts: bool) -> list[ProgressReport]:
    """Reports for the inspection, newest meeting first; drafts only for those who may see them."""
    query = select(ProgressReport).where(ProgressReport.inspection_id == inspection.id)
    if not include_drafts:
        query = query.where(ProgressReport.state == ReportState.ISSUED)
    query = query.order_by(ProgressReport.meets_on.desc(), ProgressReport.as_at.desc(), ProgressReport.id.desc())
    return list(db.session.scalars(query))


# ---------------------------------------------------------------------------------------------
# The model for a report.


def narrative_of(report: ProgressReport) -> Narrative:
    return Narrative(
        committee=report.committee,
        meets_on=report.meets_on,
        title=report.title,
        report_of=report.report_of,
        wards_affected=report.wards_affected,
        forward_timetable=tuple(
            (row.get("committee", ""), date.fromisoformat(row["meets_on"]) if row.get("meets_on") else None)
            for row in report.forward_timetable or []
        ),
        purpose=report.purpose,
        summary=report.summary,
        recommendations=report.recommendations_to_committee,
        body=report.report_body,
        financial=report.financial_implications,
        financial_officer=report.financial_officer,
        legal=report.legal_implications,
        legal_officer=report.legal_officer,
        other_implications=tuple(
            ImplicationAnswer(row.get("topic", ""), row.get("applies"), row.get("reference", ""))
            for row in report.other_implications or []
        ),
        background_papers=report.background_papers,
        report_authors=report.report_authors,
        **paper.narrative_parts(report),
    )


def _earlier_issued(inspection_id: int, as_at: date, exclude_id: int | None) -> list[ProgressReport]:
    query = (
        select(ProgressReport)
        .where(
            ProgressReport.inspection_id == inspection_id,
            ProgressReport.state == ReportState.ISSUED,
            ProgressReport.as_at < as_at,
        )
        .order_by(ProgressReport.as_at, ProgressReport.id)
    )
    return [r for r in db.session.scalars(query) if r.id != exclude_id]


def _trend_point(report: ProgressReport) -> TrendPoint | None:
    by_rag = ((report.snapshot or {}).get("figures") or {}).get("by_rag")
    return TrendPoint(report.as_at, {k: int(v) for k, v in by_rag.items()}) if by_rag else None


def compute_model(
    inspection: Inspection, narrative: Narrative, as_at: date, exclude_report_id: int | None = None
) -> ReportModel:
    """The report as at `as_at` from history; the previous issued report gives the comparison."""
    earlier = _earlier_issued(inspection.id, as_at, exclude_report_id)
    trend = tuple(p for p in (_trend_point(r) for r in earlier) if p is not None)
    inputs = ReportInputs(
        as_at=as_at,
        timezone=current_app.config["TRACKER_TIMEZONE"],
        holidays=clock.BANK_HOLIDAYS,
        previous_as_at=earlier[-1].as_at if earlier else None,
        earlier_trend=trend,
    )
    return build_report(load_plan_history(inspection), narrative, inputs)


def model_for(report: ProgressReport) -> ReportModel:
    """What the report shows: its frozen snapshot once issued, otherwise recomputed now."""
    if report.state == ReportState.ISSUED and report.snapshot:
        return ReportModel.from_json(report.snapshot)
    return compute_model(report.inspection, narrative_of(report), report.as_at, exclude_report_id=report.id)


def model_for_inspection(inspection: Inspection, as_at: date) -> ReportModel:
    """For scripted packs: the latest report's narrative (or a default one) as at `as_at`, for the next
    meeting, with the forward timetable of the inspection's upcoming meetings as a new report has."""
    latest = latest_report(inspection)
    defaults = default_details(inspection)
    timetable = tuple(
        (defaults[f"timetable_{i}_committee"], defaults[f"timetable_{i}_meets_on"])
        for i in range(1, TIMETABLE_ROWS + 1)
        if defaults[f"timetable_{i}_committee"]
    )
    if latest is None:
        narrative = Narrative(committee=defaults["committee"], meets_on=defaults["meets_on"] or as_at)
    else:
        narrative = narrative_of(latest)
        if defaults["meets_on"] is not None:
            narrative = dataclasses.replace(narrative, committee=defaults["committee"], meets_on=defaults["meets_on"])
    return compute_model(inspection, dataclasses.replace(narrative, forward_timetable=timetable), as_at)


# ---------------------------------------------------------------------------------------------
# Creating and editing.


def latest_report(inspection: Inspection) -> ProgressReport | None:
    query = (
        select(ProgressReport)
        .where(ProgressReport.inspection_id == inspection.id)
        .order_by(ProgressReport.as_at.desc(), ProgressReport.id.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


NARRATIVE_FIELDS = (
    "title",
    "report_of",
    "wards_affected",
    "purpose",
    "summary",
    "recommendations_to_committee",
    "report_body",
    "financial_implications",
    "financial_officer",
    "legal_implications",
    "legal_officer",
    "background_papers",
    "report_authors",
)


def details_of(report: ProgressReport) -> dict[str, Any]:
    """A report's details in the form's shape."""
    details: dict[str, Any] = {name: getattr(report, name) for name in NARRATIVE_FIELDS}
    details.update(committee=report.committee, meets_on=report.meets_on, as_at=report.as_at)
    details.update(paper.form_details(report))
    rows = list(report.forward_timetable or [])
    for index in range(TIMETABLE_ROWS):
        row = rows[index] if index < len(rows) else {}
        details[f"timetable_{index + 1}_committee"] = row.get("committee", "")
        details[f"timetable_{index + 1}_meets_on"] = (
            date.fromisoformat(row["meets_on"]) if row.get("meets_on") else None
        )
    answers = {row.get("topic"): row for row in report.other_implications or []}
    for key, _label in IMPLICATION_TOPICS:
        answer = answers.get(key, {})
        applies = answer.get("applies")
        details[f"{key}_applies"] = "" if applies is None else ("yes" if applies else "no")
        details[f"{key}_reference"] = answer.get("reference", "")
    return details


def default_details(inspection: Inspection) -> dict[str, Any]:
    """A first report's details: the next meetings on the inspection and the committee-paper boilerplate."""
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.inspection_id == inspection.id, Meeting.meets_on >= clock.today())
            .order_by(Meeting.meets_on)
        )
    )
    target = next((m for m in meetings if m.committee.lower() == "cabinet"), meetings[-1] if meetings else None)
    details: dict[str, Any] = dict.fromkeys(NARRATIVE_FIELDS, "")
    details.update(
        committee=target.committee if target else "Cabinet",
        meets_on=target.meets_on if target else None,
        as_at=clock.today(),
        title=f"{inspection.title}: progress on the action plan",
        wards_affected="All",
        purpose=f"To report progress on the action plan responding to the {inspection.title}.",
        recommendations_to_committee="Members are asked to note the progress made and the exceptions in section 4.",
    )
    details.update(paper.default_form_details())
    for index in range(TIMETABLE_ROWS):
        meeting = meetings[index] if index < len(meetings) else None
        details[f"timetable_{index + 1}_committee"] = meeting.committee if meeting else ""
        details[f"timetable_{index + 1}_meets_on"] = meeting.meets_on if meeting else None
    for key, _label in IMPLICATION_TOPICS:
        details[f"{key}_applies"] = ""
        details[f"{key}_reference"] = ""
    return details


def prefill_details(inspection: Inspection) -> dict[str, Any]:
    """A new report starts from the previous one's words, with today's as-at date, the next meeting and
    the forward timetable of the inspection's upcoming meetings (the previous report's have happened)."""
    previous = latest_report(inspection)
    if previous is None:
        return default_details(inspection)
    details = details_of(previous)
    defaults = default_details(inspection)
    details.update(as_at=defaults["as_at"], committee=defaults["committee"], meets_on=defaults["meets_on"])
    details.update({name: value for name, value in defaults.items() if name.startswith("timetable_")})
    return details


def _apply_details(report: ProgressReport, data: dict[str, Any]) -> None:
    for name in NARRATIVE_FIELDS:
        setattr(report, name, (data.get(name) or "").strip())
    report.committee = data["committee"].strip()
    report.meets_on = data["meets_on"]
    report.as_at = data["as_at"]
    report.forward_timetable = [
        {
            "committee": (data.get(f"timetable_{i}_committee") or "").strip(),
            "meets_on": data[f"timetable_{i}_meets_on"].isoformat() if data.get(f"timetable_{i}_meets_on") else None,
        }
        for i in range(1, TIMETABLE_ROWS + 1)
        if (data.get(f"timetable_{i}_committee") or "").strip()
    ]
    report.other_implications = [
        {
            "topic": key,
            "applies": {"yes": True, "no": False}.get(data.get(f"{key}_applies") or ""),
            "reference": (data.get(f"{key}_reference") or "").strip(),
        }
        for key, _label in IMPLICATION_TOPICS
    ]
    paper.apply_form(report, data)


def create_report(inspection: Inspection, data: dict[str, Any], *, author: User) -> ProgressReport:
    report = ProgressReport(inspection=inspection, created_by_id=author.id, state=ReportState.DRAFT)
    _apply_details(report, data)
    db.session.add(report)
    db.session.flush()
    return report


def update_report(report: ProgressReport, data: dict[str, Any]) -> None:
    """Change a draft's details; an issued report never changes."""
    if report.state != ReportState.DRAFT:
        raise ValueError("An issued report cannot be changed")
    _apply_details(report, data)
    db.session.flush()


def delete_draft(report: ProgressReport) -> None:
    if report.state != ReportState.DRAFT:
        raise ValueError("An issued report cannot be deleted")
    db.session.delete(report)
    db.session.flush()


def issue_report(report: ProgressReport, *, issuer: User) -> ProgressReport:
    """Freeze the report: the model as JSON and the HTML, PDF and Word files rendered from it."""
    from tracker.reports.render_docx import render_docx
    from tracker.reports.render_html import render_document
    from tracker.reports.render_pdf import render_pdf

    if report.state != ReportState.DRAFT:
        raise ValueError("This report has already been issued")
    model = model_for(report)
    html = render_document(model)
    report.snapshot = model.to_json()
    report.issued_html = html
    report.issued_pdf = render_pdf(model, html=html)
    report.issued_at = clock.now()
    report.issued_docx = render_docx(model, made_at=report.issued_at)
    report.state = ReportState.ISSUED
    report.issued_by_id = issuer.id
    db.session.flush()
    return report
