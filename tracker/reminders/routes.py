"""Reminders: each person's email and calendar settings, their calendar feed, and a preview of their digest."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock
from tracker.extensions import db
from tracker.permissions import public, signed_in
from tracker.reminders import calendar, links, services
from tracker.reminders.forms import ConfirmForm, DigestPreferenceForm

bp = Blueprint("reminders", __name__)


def _render_settings(form: DigestPreferenceForm, status: int = 200) -> ResponseReturnValue:
    return (
        render_template(
            "reminders/manage.html",
            form=form,
            confirm=ConfirmForm(),
            calendar_url=calendar.calendar_url(current_user),
            active_links=links.active_link_count(current_user, clock.now()),
            preference_text=services.PREFERENCE_TEXT[current_user.digest_preference.value],
        ),
        status,
    )


@bp.route("/reminders", methods=["GET", "POST"])
@signed_in
def manage_reminders() -> ResponseReturnValue:
    form = DigestPreferenceForm()
    if not form.is_submitted():
        form.digest_preference.data = current_user.digest_preference.value
    if not form.validate_on_submit():
        return _render_settings(form, 400 if form.is_submitted() else 200)
    changed = services.set_digest_preference(current_user, form.digest_preference.data, actor=current_user)
    db.session.commit()
    flash("Your reminder emails have been changed" if changed else "Nothing was changed")
    return redirect(url_for("reminders.manage_reminders"))


@bp.get("/reminders/preview")
@signed_in
def preview_digest() -> ResponseReturnValue:
    today = clock.today()
    preview = services.preview_digest(current_user, today)
    preference_text = services.PREFERENCE_TEXT[preview.person.digest_preference]
    return render_template("reminders/preview.html", preview=preview, today=today, preference_text=preference_text)


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.post("/reminders/calendar")
@signed_in
def create_calendar_feed() -> ResponseReturnValue:
    _confirmed()
    replacing = current_user.calendar_token is not None
    calendar.issue_calendar_token(current_user, actor=current_user)
    db.session.commit()
    flash(
        "Your calendar has a new address: the old one no longer works"
        if replacing
        else "Your calendar address is ready to copy into Outlook"
    )
    return redirect(url_for("reminders.manage_reminders", _anchor="calendar"))


@bp.post("/reminders/calendar/turn-off")
@signed_in
def turn_off_calendar_feed() -> ResponseReturnValue:
    _confirmed()
    calendar.revoke_calendar_token(current_user, actor=current_user)
    db.session.commit()
    flash("Your calendar feed is turned off: its address no longer works")
    return redirect(url_for("reminders.manage_reminders", _anchor="calendar"))


@bp.post("/reminders/email-links/stop")
@signed_in
def stop_email_links() -> ResponseReturnValue:
    _confirmed()
    count = links.revoke_links_for_user(current_user, actor=current_user, now=clock.now())
    db.session.commit()
    flash(
        f"{count} update link{'' if count == 1 else 's'} in your emails no longer work"
        if count
        else "No links were working"
    )
    return redirect(url_for("reminders.manage_reminders", _anchor="email-links"))


@bp.get("/calendar/<token>.ics")
@public
def calendar_feed(token: str) -> ResponseReturnValue:
    owner = calendar.find_calendar_owner(token)
    if owner is None:
        abort(404)
    body = calendar.build_calendar(owner, clock.now())
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="inspection-actions.ics"'},
    )
