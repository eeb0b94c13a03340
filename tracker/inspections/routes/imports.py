"""Listing inspections, importing a report and reviewing the import until it is saved or discarded."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import transactions
from tracker.forms import add_error
from tracker.inspections import autosave, drafts, review_edits, review_notes
from tracker.inspections.forms import ConfirmForm, NewInspectionForm, ReviewForm
from tracker.inspections.listing import list_inspections as inspections_page
from tracker.inspections.routes import status_for
from tracker.inspections.saving import create_inspection, preview_dates
from tracker.models import ImportDraft, Timescale
from tracker.numbers import page_number
from tracker.permissions import STAFF_WHO_MANAGE, STARTED_IMPORT, managers_only, requires, signed_in

TOO_LARGE = "The file or pasted text must be smaller than 20MB"
STALE = "This import was saved or discarded since the page was opened: reload the page"


@signed_in
def list_inspections() -> ResponseReturnValue:
    listing = inspections_page(page_number(request.args.get("page")))
    imports = drafts.list_drafts(current_user) if current_user.role in STAFF_WHO_MANAGE else []
    return render_template("inspections/list.html", listing=listing, imports=imports)


@managers_only
def new_inspection() -> ResponseReturnValue:
    form = NewInspectionForm()
    if not form.validate_on_submit():
        return render_template("inspections/new.html", form=form), status_for(form)
    upload = form.uploaded_file()
    from tracker.domain.importer import UnreadableDocument  # the importer loads with the first upload (issue 17)

    try:
        if upload is not None:
            draft = drafts.import_upload(upload.read(), upload.filename, user=current_user)
        else:
            draft = drafts.import_pasted_text(form.pasted_text(), user=current_user)
    except UnreadableDocument as error:
        # Shown on what was sent; the pasted text stays in its box.
        add_error(form.report_file if upload is not None else form.report_text, str(error))
        return render_template("inspections/new.html", form=form), 400
    return redirect(url_for("inspections.review_import", draft_id=draft.id))


def upload_too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A request over the app's limit is not read, so which field was too big is not known: say so on the upload
    form, not on a bare 413 (a little over 20MB is read, and the form says which one)."""
    may_import = current_user.is_authenticated and current_user.role in STAFF_WHO_MANAGE
    if request.endpoint != "inspections.new_inspection" or not may_import:
        return render_template("errors/413.html"), 413
    form = NewInspectionForm(formdata=None)
    form.report_file.errors = [TOO_LARGE]
    return render_template("inspections/new.html", form=form), 413


def _current_or_stale(draft: ImportDraft | None) -> ImportDraft | ResponseReturnValue:
    """The draft a review-page post is for, or the answer to a post from a page that is out of date.

    The page names its import (drafts.draft_key): a draft id can be missing (saved, discarded) or, on SQLite,
    given to a newer import, and a stale page must never change that one.
    """
    posted_key = request.form.get("draft_key", "")
    if draft is not None and posted_key == drafts.draft_key(draft):
        return draft
    return _stale_import(posted_key)


def _stale_import(key: str) -> ResponseReturnValue:
    inspection = drafts.saved_inspection(key, current_user)
    if inspection is not None:
        flash("This import was already saved: this is the inspection it became")
        return redirect(url_for("inspections.view_inspection", inspection_id=inspection.id))
    return render_template("inspections/stale_import.html"), 409


def _render_review(draft: ImportDraft, form: ReviewForm, status: int = 200) -> ResponseReturnValue:
    preview = preview_dates(
        form.framework.data or "",
        received_on=form.received_on.data,
        published_on=form.published_on.data,
        priority_actions=any(entry.form.timescale.data == Timescale.IMMEDIATE for entry in form.recommendations),
    )
    return (
        render_template(
            "inspections/review.html",
            draft=draft,
            draft_key=drafts.draft_key(draft),
            form=form,
            notes=review_notes.review_notes(draft, draft.fields or {}),
            preview=preview,
            duplicates=drafts.same_document(draft),
        ),
        status,
    )


@requires(STARTED_IMPORT)
def review_import(draft: ImportDraft | None) -> ResponseReturnValue:
    if request.method == "GET" and draft is not None:
        return _render_review(draft, ReviewForm(formdata=drafts.as_formdata(draft.fields)))
    current = _current_or_stale(draft)
    if not isinstance(current, ImportDraft):
        return current
    operation = request.form.get("op", "update")
    fields = drafts.fields_from_formdata(request.form)
    if operation == "save":
        return _save_review(current, fields)
    if operation == "discard-ask":
        drafts.save_fields(current, fields)
        return redirect(url_for("inspections.discard_import", draft_id=current.id))
    try:
        outcome = review_edits.apply_operation(fields, operation)
    except review_edits.ReviewError as error:
        drafts.save_fields(current, fields)
        transactions.keep_changes()
        form = ReviewForm(formdata=drafts.as_formdata(fields))
        _add_error(form, error)
        return _render_review(current, form, 400)
    drafts.save_fields(current, fields)
    return redirect(url_for("inspections.review_import", draft_id=current.id, _anchor=outcome.anchor))


@requires(STARTED_IMPORT)
def save_review_field(draft: ImportDraft | None) -> ResponseReturnValue:
    """One field of the review page, kept as it changes: JSON `{draft_key, name, value}` in, JSON out."""
    if draft is None:  # saved or discarded: gone
        return jsonify(error=STALE), 404
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="Send the field as JSON, with its name and value"), 400
    if body.get("draft_key") != drafts.draft_key(draft):  # the id now names a newer import (SQLite reuses ids)
        return jsonify(error=STALE), 409
    try:
        name = autosave.save_field(draft, body.get("name"), body.get("value"))
    except autosave.FieldRefused as refusal:
        return jsonify(error=str(refusal), name=body.get("name")), 400
    return jsonify(saved=True, name=name)


@requires(STARTED_IMPORT)
def discard_import(draft: ImportDraft | None) -> ResponseReturnValue:
    current = draft if request.method == "GET" and draft is not None else _current_or_stale(draft)
    if not isinstance(current, ImportDraft):
        return current
    form = ConfirmForm()
    if not form.validate_on_submit():
        context = {"draft": current, "draft_key": drafts.draft_key(current), "form": form}
        return render_template("inspections/discard_import.html", **context)
    drafts.discard(current)
    flash("The import was discarded: nothing was saved")
    return redirect(url_for("inspections.list_inspections"))


def _save_review(draft: ImportDraft, fields: dict[str, Any]) -> ResponseReturnValue:
    form = ReviewForm()
    if not form.validate():
        drafts.save_fields(draft, fields)
        transactions.keep_changes()  # the edits are kept even though they cannot be saved yet
        return _render_review(draft, form, 400)
    key = drafts.draft_key(draft)
    inspection = create_inspection(draft, form.data, creator=current_user)
    if inspection is None:  # a second click, or another tab, saved it a moment ago
        transactions.discard_changes()
        return _stale_import(key)
    flash(f"{inspection.title} was saved with {len(inspection.recommendations)} recommendations")
    return redirect(url_for("inspections.view_inspection", inspection_id=inspection.id))


def _add_error(form: ReviewForm, error: review_edits.ReviewError) -> None:
    """Attach an edit's error to its item's field, and to the list so the error summary links to it."""
    _, index, name = error.field.split("-")
    entries = form.recommendations.entries
    getattr(entries[int(index)].form, name).errors = [error.message]
    form.recommendations.errors = [entry.errors for entry in entries]
