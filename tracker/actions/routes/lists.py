"""My actions and all actions."""

from __future__ import annotations

from flask import Response, current_app, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock
from tracker.actions.queries import action_list
from tracker.actions.queries import my_actions as mine
from tracker.domain.formatting import format_date
from tracker.models import Rag, Timescale
from tracker.permissions import signed_in


@signed_in
def my_actions() -> ResponseReturnValue:
    filters = mine.MyActionsFilters.from_args(request.args)
    page = mine.build_my_actions(
        current_user, clock.today(), filters, due_soon_working_days=current_app.config["DUE_SOON_WORKING_DAYS"]
    )
    return render_template("actions/my_actions.html", page=page, my_status_choices=mine.MY_STATUS_CHOICES)


@signed_in
def list_actions() -> ResponseReturnValue:
    filters = action_list.ActionFilters.from_args(request.args)
    today = clock.today()
    page = action_list.build_action_list(filters, today)
    return render_template(
        "actions/list_actions.html",
        page=page,
        today=today,
        sorts=action_list.SORTS,
        sort_choices=action_list.SORTS,
        rag_choices=[*((rag.value, rag.label) for rag in Rag), ("none", "Not rated")],
        status_choices=action_list.STATUS_FILTER_CHOICES[1:],
        timescale_choices=[(timescale.value, timescale.label) for timescale in Timescale],
    )


@signed_in
def download_actions(file_format: str) -> ResponseReturnValue:
    """All actions as a spreadsheet, with the page's filters and order: sent as it is written (exports.py)."""
    from tracker.actions import exports, spreadsheets  # with the first download, not at start (issue 17)

    filters = action_list.ActionFilters.from_args(request.args)
    today = clock.today()
    headers = {"Content-Disposition": f'attachment; filename="actions-{today.isoformat()}.{file_format}"'}
    if file_format == "csv":
        chunks, mimetype = exports.csv_chunks(filters, today), "text/csv; charset=utf-8"
    else:
        chunks, mimetype = (
            exports.xlsx_chunks(filters, today, f"Actions at {format_date(today)}"),
            spreadsheets.XLSX_MIMETYPE,
        )
    return Response(stream_with_context(chunks), mimetype=mimetype, headers=headers)
