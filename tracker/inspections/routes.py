"""Inspections: import a report, review it, save it, and run its statutory deadlines and meetings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import clock
from tracker.actions.services import not_a_working_day
from tracker.domain.importer import UnreadableDocument
from tracker.extensions import db
from tracker.inspections import deadlines as deadline_services
from tracker.inspections import drafts, services
from tracker.inspections.forms import (
    ChangeDeadlineDateForm,
    ChecklistItemForm,
    ConfirmForm,
    DueDateSettingsForm,
    EditInspectionForm,
    ManagersForm,
    MarkDoneForm,
    MeetingForm,
    NewDeadlineForm,
    NewInspectionForm,
    RecommendationForm,
    ReviewForm,
)
from tracker.models import DeadlineAnchor, DeadlineCounting, DeadlineKind, ImportDraft, Inspection
from tracker.numbers import page_number
from tracker.permissions import (
    STAFF_WHO_MANAGE,
    can_manage_inspection,
    managers_only,
    require_manage_inspection,
    signed_in,
)

bp = Blueprint("inspections", __name__, url_prefix="/inspections")

TOO_LARGE = "The file or pasted text must be smaller than 20MB"


def _status(form: Any) -> int:
    return 400 if form.is_submitted() else 200


def _managed_inspection_or_403(inspection_id: int) -> Inspection:
    inspection = services.get_inspection_or_404(inspection_id)
    require_manage_inspection(current_user, inspection)
    return inspection


def _back_to(inspection: Inspection, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("inspections.view_inspection", inspection_id=inspection.id, _anchor=anchor))


# Listing and importing


@bp.get("")
@signed_in
def list_inspections() -> ResponseReturnValue:
    listing = services.list_inspections(page_number(request.args.get("page")))
    imports = drafts.list_drafts(current_user) if current_user.role in STAFF_WHO_MANAGE else []
    return render_template("inspections/list.html", listing=listing, imports=imports)


@bp.route("/new", methods=["GET", "POST"])
@managers_only
def new_inspection() -> ResponseReturnValue:
    form = NewInspectionForm()
    if not form.validate_on_submit():
        return render_template("inspections/new.html", form=form), _status(form)
    upload = form.uploaded_file()
    try:
        if upload is not None:
            draft = drafts.import_upload(upload.read(), upload.filename, user=current_user)
        else:
            draft = drafts.import_pasted_text(form.pasted_text(), user=current_user)
    except UnreadableDocument as error:
        # Shown on what was sent; the pasted text stays in its box.
        (form.report_file if upload is not None else form.report_text).errors.append(str(error))
        return render_template("inspections/new.html", form=form), 400
    db.session.commit()
    return redirect(url_for("inspections.review_import", draft_id=draft.id))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A request over the app's limit is not read, so which field was too big is not known: say so on the upload
    form, not on a bare 413 (a little over 20MB is read, and the form says which one)."""
    may_import = current_user.is_authenticated and current_user.role in STAFF_WHO_MANAGE
    if request.endpoint != "inspections.new_inspection" or not may_import:
        return render_template("errors/413.html"), 413
    form = NewInspectionForm(formdata=None)
    form.report_file.errors = [TOO_LARGE]
    return render_template("inspections/new.html", form=form), 413


def _own_draft_or_403(draft_id: int) -> ImportDraft:
    draft = services.get_draft_or_404(draft_id)
    if draft.user_id != current_user.id:
        abort(403)
    return draft


def _posted_draft_or_stale(draft_id: int) -> ImportDraft | ResponseReturnValue:
    """The draft a review-page post is for, or the answer to a post from a page that is out of date.

    The page names its import (drafts.draft_key): a draft id can be missing (saved, discarded) or, on SQLite,
    given to a newer import, and a stale page must never change that one.
    """
    draft = services.find_draft(draft_id)
    if draft is not None and draft.user_id != current_user.id:
        abort(403)
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
    preview = services.preview_dates(
        form.framework.data or "", received_on=form.received_on.data, published_on=form.published_on.data
    )
    return (
        render_template(
            "inspections/review.html",
            draft=draft,
            draft_key=drafts.draft_key(draft),
            form=form,
            preview=preview,
            duplicates=drafts.same_document(draft),
        ),
        status,
    )


@bp.route("/imports/<int:draft_id>", methods=["GET", "POST"])
@managers_only
def review_import(draft_id: int) -> ResponseReturnValue:
    if request.method == "GET":
        draft = _own_draft_or_403(draft_id)
        return _render_review(draft, ReviewForm(formdata=drafts.as_formdata(draft.fields)))
    draft = _posted_draft_or_stale(draft_id)
    if not isinstance(draft, ImportDraft):
        return draft
    operation = request.form.get("op", "update")
    fields = drafts.fields_from_formdata(request.form)
    if operation == "save":
        return _save_review(draft, fields)
    if operation == "discard-ask":
        drafts.save_fields(draft, fields)
        db.session.commit()
        return redirect(url_for("inspections.discard_import", draft_id=draft.id))
    try:
        outcome = drafts.apply_operation(fields, operation)
    except drafts.ReviewError as error:
        drafts.save_fields(draft, fields)
        db.session.commit()
        form = ReviewForm(formdata=drafts.as_formdata(fields))
        _add_error(form, error)
        return _render_review(draft, form, 400)
    drafts.save_fields(draft, fields)
    db.session.commit()
    return redirect(url_for("inspections.review_import", draft_id=draft.id, _anchor=outcome.anchor))


@bp.route("/imports/<int:draft_id>/discard", methods=["GET", "POST"])
@managers_only
def discard_import(draft_id: int) -> ResponseReturnValue:
    if request.method == "GET":
        draft = _own_draft_or_403(draft_id)
    else:
        draft = _posted_draft_or_stale(draft_id)
        if not isinstance(draft, ImportDraft):
            return draft
    form = ConfirmForm()
    if not form.validate_on_submit():
        context = {"draft": draft, "draft_key": drafts.draft_key(draft), "form": form}
        return render_template("inspections/discard_import.html", **context)
    drafts.discard(draft)
    db.session.commit()
    flash("The import was discarded: nothing was saved")
    return redirect(url_for("inspections.list_inspections"))


def _save_review(draft: ImportDraft, fields: dict[str, Any]) -> ResponseReturnValue:
    form = ReviewForm()
    if not form.validate():
        drafts.save_fields(draft, fields)
        db.session.commit()  # the edits are kept even though they cannot be saved yet
        return _render_review(draft, form, 400)
    key = drafts.draft_key(draft)
    inspection = services.create_inspection(draft, form.data, creator=current_user)
    if inspection is None:  # a second click, or another tab, saved it a moment ago
        db.session.rollback()
        return _stale_import(key)
    db.session.commit()
    flash(f"{inspection.title} was saved with {len(inspection.recommendations)} recommendations")
    return redirect(url_for("inspections.view_inspection", inspection_id=inspection.id))


def _add_error(form: ReviewForm, error: drafts.ReviewError) -> None:
    """Attach an edit's error to its item's field, and to the list so the error summary links to it."""
    _, index, name = error.field.split("-")
    entries = form.recommendations.entries
    getattr(entries[int(index)].form, name).errors = [error.message]
    form.recommendations.errors = [entry.errors for entry in entries]


# The inspection page


@bp.get("/<int:inspection_id>")
@signed_in
def view_inspection(inspection_id: int) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    page = services.build_inspection_page(
        inspection, clock.today(), due_soon_working_days=current_app.config["DUE_SOON_WORKING_DAYS"]
    )
    return render_template(
        "inspections/view.html",
        page=page,
        inspection=inspection,
        can_manage=can_manage_inspection(current_user, inspection),
        today=clock.today(),
    )


@bp.get("/<int:inspection_id>/history")
@signed_in
def inspection_history(inspection_id: int) -> ResponseReturnValue:
    inspection = services.get_inspection_or_404(inspection_id)
    page = page_number(request.args.get("page"))
    lines, total = services.inspection_history(inspection, page=page, page_size=services.HISTORY_PAGE_SIZE)
    pages = max(1, -(-total // services.HISTORY_PAGE_SIZE))
    return render_template(
        "inspections/history.html", inspection=inspection, lines=lines, page=page, pages=pages, total=total
    )


@bp.route("/<int:inspection_id>/edit", methods=["GET", "POST"])
@managers_only
def edit_inspection(inspection_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    form = EditInspectionForm(data=services.details_formdata(inspection))
    if not form.validate_on_submit():
        return render_template("inspections/edit.html", inspection=inspection, form=form), _status(form)
    changed, kept = services.update_details(inspection, form.data, actor=current_user)
    db.session.commit()
    flash("Saved the changes to the inspection" if changed else "Nothing was changed")
    if kept:
        flash(f"{kept} deadline{'s keep their' if kept > 1 else ' keeps its'} changed date: check it is still right")
    return _back_to(inspection)


@bp.route("/<int:inspection_id>/due-date-rules", methods=["GET", "POST"])
@managers_only
def edit_due_date_rules(inspection_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    form = DueDateSettingsForm(obj=inspection)
    if not form.validate_on_submit():
        return render_template("inspections/due_date_rules.html", inspection=inspection, form=form), _status(form)
    changed = services.update_due_date_rules(inspection, form.data, actor=current_user)
    db.session.commit()
    flash("Saved the due date rules" if changed else "Nothing was changed")
    return _back_to(inspection, "recommendations")


@bp.route("/<int:inspection_id>/managers", methods=["GET", "POST"])
@managers_only
def edit_managers(inspection_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    form = ManagersForm(data={"manager_ids": [user.id for user in inspection.managers]})
    form.manager_ids.choices = [(user.id, f"{user.name} ({user.email})") for user in services.manager_candidates()]
    if not form.validate_on_submit():
        return render_template("inspections/managers.html", inspection=inspection, form=form), _status(form)
    changed = services.set_managers(inspection, form.manager_ids.data, actor=current_user)
    db.session.commit()
    flash("Saved who runs this inspection" if changed else "Nothing was changed")
    return _back_to(inspection, "details")


# Recommendations after saving


@bp.route("/<int:inspection_id>/recommendations/new", methods=["GET", "POST"])
@managers_only
def add_recommendation(inspection_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    form = RecommendationForm()
    if not form.validate_on_submit():
        return render_template(
            "inspections/recommendation_form.html", inspection=inspection, form=form, recommendation=None
        ), _status(form)
    recommendation = services.add_recommendation(inspection, form.data, actor=current_user)
    db.session.commit()
    flash("Added the recommendation")
    return _back_to(inspection, f"recommendation-{recommendation.id}")


@bp.route("/<int:inspection_id>/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@managers_only
def edit_recommendation(inspection_id: int, recommendation_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    recommendation = services.get_recommendation_or_404(inspection, recommendation_id)
    form = RecommendationForm(obj=recommendation)
    if not form.is_submitted():
        form.timescale.data = recommendation.timescale.value
    if not form.validate_on_submit():
        return render_template(
            "inspections/recommendation_form.html", inspection=inspection, form=form, recommendation=recommendation
        ), _status(form)
    changed = services.update_recommendation(recommendation, form.data, actor=current_user)
    db.session.commit()
    flash("Saved the recommendation" if changed else "Nothing was changed")
    return _back_to(inspection, f"recommendation-{recommendation.id}")


@bp.route("/<int:inspection_id>/recommendations/<int:recommendation_id>/delete", methods=["GET", "POST"])
@managers_only
def delete_recommendation(inspection_id: int, recommendation_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    recommendation = services.get_recommendation_or_404(inspection, recommendation_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template(
            "inspections/delete_recommendation.html", inspection=inspection, recommendation=recommendation, form=form
        ), _status(form)
    if not services.delete_recommendation(recommendation, actor=current_user):
        flash("This recommendation has actions, so it cannot be deleted. Delete or move its actions first", "error")
        return _back_to(inspection, f"recommendation-{recommendation.id}")
    db.session.commit()
    flash("Deleted the recommendation")
    return _back_to(inspection, "recommendations")


# Statutory deadlines


@bp.route("/<int:inspection_id>/deadlines/new", methods=["GET", "POST"])
@managers_only
def add_deadline(inspection_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    form = NewDeadlineForm()
    if not form.validate_on_submit():
        return render_template("inspections/add_deadline.html", inspection=inspection, form=form), _status(form)
    deadline = deadline_services.add_deadline(
        inspection,
        title=form.title.data.strip(),
        actor=current_user,
        due_on=form.due_on.data,
        working_days=form.working_days.data,
        anchor=DeadlineAnchor(form.anchor.data) if form.anchor.data else None,
        counting=DeadlineCounting(form.counting.data) if form.counting.data else None,
    )
    db.session.commit()
    flash(f"Added the deadline: {deadline.title}")
    return _back_to(inspection, "deadlines")


@bp.route("/<int:inspection_id>/deadlines/<int:deadline_id>/change-date", methods=["GET", "POST"])
@managers_only
def change_deadline_date(inspection_id: int, deadline_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    deadline = services.get_deadline_or_404(inspection, deadline_id)
    form = ChangeDeadlineDateForm()
    if not form.validate_on_submit():
        context = {"inspection": inspection, "deadline": deadline, "form": form}
        return render_template("inspections/change_deadline_date.html", **context), _status(form)
    changed = deadline_services.change_due_on(
        deadline, form.due_on.data, reason=form.reason.data.strip(), actor=current_user
    )
    db.session.commit()
    flash(f"Changed the date of {deadline.title}" if changed else "The date is the same: nothing was changed")
    if changed and (warning := not_a_working_day(deadline.due_on)):
        flash(warning, "error")
    return _back_to(inspection, f"deadline-{deadline.id}")


@bp.post("/<int:inspection_id>/deadlines/<int:deadline_id>/restore-date")
@managers_only
def restore_deadline_date(inspection_id: int, deadline_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    deadline = services.get_deadline_or_404(inspection, deadline_id)
    if deadline.working_days is None:
        abort(400)
    deadline_services.restore_counted_date(deadline, actor=current_user)
    db.session.commit()
    flash(f"{deadline.title} is back to its counted date")
    return _back_to(inspection, f"deadline-{deadline.id}")


@bp.route("/<int:inspection_id>/deadlines/<int:deadline_id>/mark-done", methods=["GET", "POST"])
@managers_only
def mark_deadline_done(inspection_id: int, deadline_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    deadline = services.get_deadline_or_404(inspection, deadline_id)
    form = MarkDoneForm()
    if form.validate_on_submit() and form.met_on.data > clock.today():
        form.met_on.errors.append("The date it was done must be today or in the past")
    if not form.is_submitted() or form.errors:
        context = {"inspection": inspection, "deadline": deadline, "form": form}
        return render_template("inspections/mark_done.html", **context), _status(form)
    deadline_services.mark_done(deadline, form.met_on.data, actor=current_user)
    db.session.commit()
    flash(f"Marked as done: {deadline.title}")
    return _back_to(inspection, f"deadline-{deadline.id}")


@bp.post("/<int:inspection_id>/deadlines/<int:deadline_id>/mark-not-done")
@managers_only
def mark_deadline_not_done(inspection_id: int, deadline_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    deadline = services.get_deadline_or_404(inspection, deadline_id)
    deadline_services.mark_not_done(deadline, actor=current_user)
    db.session.commit()
    flash(f"Marked as not done: {deadline.title}")
    return _back_to(inspection, f"deadline-{deadline.id}")


@bp.post("/<int:inspection_id>/deadlines/<int:deadline_id>/delete")
@managers_only
def delete_deadline(inspection_id: int, deadline_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    deadline = services.get_deadline_or_404(inspection, deadline_id)
    if deadline.kind != DeadlineKind.OTHER:
        abort(400)
    deadline_services.delete_deadline(deadline, actor=current_user)
    db.session.commit()
    flash(f"Deleted the deadline: {deadline.title}")
    return _back_to(inspection, "deadlines")


@bp.route("/<int:inspection_id>/deadlines/<int:deadline_id>/checklist/<int:item_id>", methods=["GET", "POST"])
@managers_only
def tick_checklist_item(inspection_id: int, deadline_id: int, item_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    deadline = services.get_deadline_or_404(inspection, deadline_id)
    item = services.get_checklist_item_or_404(deadline, item_id)
    form = ChecklistItemForm(obj=item)
    if form.validate_on_submit() and form.done_on.data > clock.today():
        form.done_on.errors.append("The date it was done must be today or in the past")
    if not form.is_submitted() or form.errors:
        context = {"inspection": inspection, "deadline": deadline, "item": item, "form": form}
        return render_template("inspections/checklist_item.html", **context), _status(form)
    deadline_services.tick_checklist_item(
        item, done_on=form.done_on.data, evidence=form.evidence.data.strip(), actor=current_user
    )
    db.session.commit()
    flash(f"Ticked: {item.label}")
    return _back_to(inspection, f"deadline-{deadline.id}")


@bp.post("/<int:inspection_id>/deadlines/<int:deadline_id>/checklist/<int:item_id>/untick")
@managers_only
def untick_checklist_item(inspection_id: int, deadline_id: int, item_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    deadline = services.get_deadline_or_404(inspection, deadline_id)
    item = services.get_checklist_item_or_404(deadline, item_id)
    deadline_services.untick_checklist_item(item, actor=current_user)
    db.session.commit()
    flash(f"Marked as not done: {item.label}")
    return _back_to(inspection, f"deadline-{deadline.id}")


# Meetings


@bp.route("/<int:inspection_id>/meetings/new", methods=["GET", "POST"])
@managers_only
def add_meeting(inspection_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    form = MeetingForm()
    if not form.validate_on_submit():
        return render_template("inspections/add_meeting.html", inspection=inspection, form=form), _status(form)
    meeting = services.add_meeting(
        inspection,
        committee=form.committee.data.strip(),
        meets_on=form.meets_on.data,
        approves_plan=form.approves_plan.data,
        actor=current_user,
    )
    db.session.commit()
    flash(f"Added the meeting: {meeting.committee}")
    for warning in services.meeting_warnings([meeting], services.list_deadlines(inspection)):
        flash(warning, "error")
    return _back_to(inspection, "meetings")


@bp.post("/<int:inspection_id>/meetings/<int:meeting_id>/delete")
@managers_only
def delete_meeting(inspection_id: int, meeting_id: int) -> ResponseReturnValue:
    inspection = _managed_inspection_or_403(inspection_id)
    meeting = services.get_meeting_or_404(inspection, meeting_id)
    services.delete_meeting(meeting, actor=current_user)
    db.session.commit()
    flash(f"Removed the meeting: {meeting.committee}")
    return _back_to(inspection, "meetings")
