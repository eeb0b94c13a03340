"""Progress reports to Cabinet and scrutiny: write the narrative, preview the figures, issue, download.

The report's own modules (its forms, services and renderers, and through them the report model: some thirty
dataclasses and the charts) are imported by the views that use them rather than with the app: about 30 ms of the
0.8–1.2 s from starting gunicorn to its first page, which is seldom a report (issue 17).

The views; their URLs are in tracker/reports/blueprint.py.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock, security_log
from tracker.domain.formatting import format_date
from tracker.models import Inspection, ProgressReport, ReportState
from tracker.permissions import (
    MANAGES_INSPECTION,
    MANAGES_REPORT,
    READS_INSPECTION,
    READS_REPORT,
    can_manage_inspection,
    requires,
)

if TYPE_CHECKING:
    from tracker.reports.forms import ReportForm


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _status(form: ReportForm) -> int:
    return 400 if form.is_submitted() else 200


def _issued(report: ProgressReport) -> ResponseReturnValue | None:
    """The answer to changing a report that has been issued; None for a draft."""
    if report.state == ReportState.DRAFT:
        return None
    flash("This report has been issued: it can no longer be changed", "error")
    return redirect(url_for("reports.view_report", report_id=report.id))


def _is_draft(report: ProgressReport) -> bool:
    return report.state != ReportState.ISSUED


def _filename(report: ProgressReport, extension: str) -> str:
    """ "cabinet-2026-12-07-progress-report-as-at-2026-11-20.pdf"; a draft's starts with "DRAFT-"."""
    from tracker.reports.render_html import DRAFT

    committee = re.sub(r"[^a-z0-9]+", "-", report.committee.lower()).strip("-") or "committee"
    name = f"{committee}-{report.meets_on.isoformat()}-progress-report-as-at-{report.as_at.isoformat()}.{extension}"
    return f"{DRAFT}-{name}" if _is_draft(report) else name


@requires(READS_INSPECTION)
def list_reports(inspection: Inspection) -> ResponseReturnValue:
    from tracker.reports import services

    manages = can_manage_inspection(current_user, inspection)
    reports = services.list_reports(inspection, include_drafts=manages)
    return render_template("reports/list.html", inspection=inspection, reports=reports, manages=manages)


def _report_form(published_on: date | None, data: dict | None) -> ReportForm:
    """The form as posted, or filled from `data` on GET; `?add_appendix=1` adds an empty appendix to fill in, after
    "Add an appendix" saved everything typed so far."""
    from tracker.reports.forms import MAX_APPENDICES, ReportForm

    if data is not None and request.args.get("add_appendix") and len(data.get("appendices", [])) < MAX_APPENDICES:
        data = {**data, "appendices": [*data.get("appendices", []), {"kind": "text"}]}
    return ReportForm(published_on=published_on, data=data)


def _after_save(report: ProgressReport, form: ReportForm, saved: str) -> ResponseReturnValue:
    """Back to the form with a new empty appendix after "Add an appendix"; otherwise to the report."""
    from tracker.reports.forms import MAX_APPENDICES

    if form.add_appendix.data and len(form.appendices.entries) >= MAX_APPENDICES:
        flash(f"Draft saved. A report can have up to {MAX_APPENDICES} further appendices")
        return redirect(url_for("reports.edit_report", report_id=report.id, _anchor="appendices"))
    if form.add_appendix.data:
        flash("Draft saved. Fill in the new appendix below")
        return redirect(url_for("reports.edit_report", report_id=report.id, add_appendix=1, _anchor="appendices"))
    flash(saved)
    return redirect(url_for("reports.view_report", report_id=report.id))


@requires(MANAGES_INSPECTION)
def new_report(inspection: Inspection) -> ResponseReturnValue:
    from tracker.reports import services
    from tracker.reports.forms import form_data

    form = _report_form(
        inspection.published_on, None if request.method == "POST" else services.prefill_details(inspection)
    )
    if not form.validate_on_submit():
        return render_template("reports/form.html", form=form, inspection=inspection, report=None), _status(form)
    report = services.create_report(inspection, form_data(form), author=current_user)
    return _after_save(report, form, "Draft report saved: check the figures and exceptions below, then issue it")


@requires(READS_REPORT)
def view_report(report: ProgressReport) -> ResponseReturnValue:
    from tracker.reports import services
    from tracker.reports.render_html import render_fragment

    model = services.model_for(report)
    return render_template(
        "reports/view.html",
        report=report,
        inspection=report.inspection,
        content=render_fragment(model, draft=_is_draft(report)),
        manages=can_manage_inspection(current_user, report.inspection),
    )


@requires(MANAGES_REPORT)
def edit_report(report: ProgressReport) -> ResponseReturnValue:
    from tracker.reports import services
    from tracker.reports.forms import form_data

    if refused := _issued(report):
        return refused
    form = _report_form(
        report.inspection.published_on, None if request.method == "POST" else services.details_of(report)
    )
    if not form.validate_on_submit():
        return render_template("reports/form.html", form=form, inspection=report.inspection, report=report), _status(
            form
        )
    services.update_report(report, form_data(form))
    return _after_save(report, form, "Draft report saved")


@requires(MANAGES_REPORT)
def issue_report(report: ProgressReport) -> ResponseReturnValue:
    from tracker.reports import services
    from tracker.reports.forms import ConfirmForm

    if refused := _issued(report):
        return refused
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("reports/issue.html", form=form, report=report, inspection=report.inspection)
    services.issue_report(report, issuer=current_user)
    security_log.event(
        "report_issued",
        report_id=report.id,
        inspection_id=report.inspection_id,
        committee=report.committee,
        meets_on=report.meets_on.isoformat(),
        as_at=report.as_at.isoformat(),
    )
    flash(f"Report issued for {report.committee} on {format_date(report.meets_on)}")
    return redirect(url_for("reports.view_report", report_id=report.id))


@requires(MANAGES_REPORT)
def delete_report(report: ProgressReport) -> ResponseReturnValue:
    from tracker.reports import services
    from tracker.reports.forms import DeleteForm

    if refused := _issued(report):
        return refused
    form = DeleteForm()
    if not form.validate_on_submit():
        return render_template("reports/delete.html", form=form, report=report, inspection=report.inspection)
    inspection_id = report.inspection_id
    services.delete_draft(report)
    flash("Draft report deleted")
    return redirect(url_for("reports.list_reports", inspection_id=inspection_id))


@requires(READS_REPORT)
def print_report(report: ProgressReport) -> ResponseReturnValue:
    """The A4 print document: as issued, or the draft recomputed now."""
    from tracker.reports import services
    from tracker.reports.render_html import document_csp, render_document

    html = report.issued_html if report.state == ReportState.ISSUED and report.issued_html else None
    if html is None:
        html = render_document(services.model_for(report), draft=_is_draft(report))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = document_csp(html)
    return response


@requires(READS_REPORT)
def download_pdf(report: ProgressReport) -> ResponseReturnValue:
    from tracker.reports import services

    data = report.issued_pdf if report.state == ReportState.ISSUED else None
    if data is None:
        from tracker.reports.render_pdf import render_pdf  # WeasyPrint: 30 MB a worker, loaded when first needed

        data = render_pdf(services.model_for(report), draft=_is_draft(report))
    return _download(data, "application/pdf", _filename(report, "pdf"))


@requires(READS_REPORT)
def download_docx(report: ProgressReport) -> ResponseReturnValue:
    from tracker.reports import services

    data = report.issued_docx if report.state == ReportState.ISSUED else None
    if data is None:
        from tracker.reports.render_docx import render_docx  # python-docx, loaded when first needed

        data = render_docx(services.model_for(report), made_at=clock.now(), draft=_is_draft(report))
    return _download(data, DOCX_TYPE, _filename(report, "docx"))


def _download(data: bytes | None, mimetype: str, filename: str) -> Response:
    if data is None:
        abort(404)
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
