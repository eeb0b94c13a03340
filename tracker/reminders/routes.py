"""Reminders: each person's email and calendar settings, their calendar feed, a preview of their digest,
and the progress form that the links in reminder emails open without a password.

The views; their URLs are in tracker/reminders/blueprint.py.
"""

from __future__ import annotations

import hashlib

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock, security_log, throttling, transactions
from tracker.actions import conflicts
from tracker.actions.due_dates import suggested_rag
from tracker.actions.progress_forms import ProgressForm, progress_form_for, progress_page
from tracker.actions.services.versions import ActionConflict
from tracker.models import User
from tracker.permissions import public, signed_in
from tracker.reminders import calendar, links
from tracker.reminders.forms import ConfirmForm, DigestPreferenceForm


def _me() -> User:
    """The signed-in person as a model instance (the history records the entity's table)."""
    return current_user._get_current_object()


def _render_settings(form: DigestPreferenceForm, status: int = 200) -> ResponseReturnValue:
    from tracker.reminders import digests  # imported by the pages that use it, not at start-up (issue 17)

    return (
        render_template(
            "reminders/manage.html",
            form=form,
            confirm=ConfirmForm(),
            calendar_url=calendar.calendar_url(current_user),
            active_links=links.active_link_count(current_user, clock.now()),
            preference_text=digests.PREFERENCE_TEXT[current_user.digest_preference.value],
        ),
        status,
    )


@signed_in
def manage_reminders() -> ResponseReturnValue:
    from tracker.reminders import digests

    form = DigestPreferenceForm()
    if not form.is_submitted():
        form.digest_preference.data = current_user.digest_preference.value
        form.notice_preference.data = current_user.notice_preference.value
    if not form.validate_on_submit():
        return _render_settings(form, 400 if form.is_submitted() else 200)
    changed = digests.set_digest_preference(
        _me(), form.digest_preference.data, actor=_me(), notices=form.notice_preference.data or None
    )
    flash("Your reminder emails have been changed" if changed else "Nothing was changed")
    return redirect(url_for("reminders.manage_reminders"))


@signed_in
def preview_digest() -> ResponseReturnValue:
    from tracker.reminders import digests

    today = clock.today()
    preview = digests.preview_digest(current_user, today)
    preference_text = digests.PREFERENCE_TEXT[preview.person.digest_preference]
    return render_template("reminders/preview.html", preview=preview, today=today, preference_text=preference_text)


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@signed_in
def create_calendar_feed() -> ResponseReturnValue:
    _confirmed()
    replacing = current_user.calendar_token is not None
    calendar.issue_calendar_token(_me(), actor=_me())
    flash(
        "Your calendar has a new address: the old one no longer works"
        if replacing
        else "Your calendar address is ready to copy into Outlook"
    )
    return redirect(url_for("reminders.manage_reminders", _anchor="calendar"))


@signed_in
def turn_off_calendar_feed() -> ResponseReturnValue:
    _confirmed()
    calendar.revoke_calendar_token(_me(), actor=_me())
    flash("Your calendar feed is turned off: its address no longer works")
    return redirect(url_for("reminders.manage_reminders", _anchor="calendar"))


@signed_in
def stop_email_links() -> ResponseReturnValue:
    _confirmed()
    count = links.revoke_links_for_user(_me(), actor=_me(), now=clock.now())
    flash(
        f"{count} update link{'' if count == 1 else 's'} in your emails no longer work"
        if count
        else "No links were working"
    )
    return redirect(url_for("reminders.manage_reminders", _anchor="email-links"))


def _bad_link_throttle() -> ResponseReturnValue | None:
    """The 429 answer when this client address has opened too many links that do not work."""
    decision = throttling.peek(throttling.BAD_LINK_ADDRESS, throttling.client_address())
    return None if decision.allowed else throttling.throttled(decision, reason=throttling.BAD_LINKS_REASON)


def _count_bad_link() -> ResponseReturnValue | None:
    """Count a link that does not work against this client address; the 429 answer once there are too many."""
    decision = throttling.attempt(throttling.BAD_LINK_ADDRESS, throttling.client_address())
    transactions.commit_now()
    return None if decision.allowed else throttling.throttled(decision, reason=throttling.BAD_LINKS_REASON)


@public
def calendar_feed(token: str) -> ResponseReturnValue:
    # Every request counts against the client address: calendar services fetch many people's feeds from few
    # addresses, and keep asking for feeds that were turned off, so unknown feeds are not counted apart.
    decision = throttling.attempt(throttling.CALENDAR_ADDRESS, throttling.client_address())
    transactions.commit_now()
    if not decision.allowed:
        return throttling.throttled(decision, reason="Too many calendars have been read from your network.")
    owner = calendar.find_calendar_owner(token)
    if owner is None:
        abort(404)
    decision = throttling.attempt(throttling.CALENDAR_FEED, token)
    transactions.commit_now()
    if not decision.allowed:
        return throttling.throttled(decision, reason="This calendar address has been read too many times.")
    response = Response(
        calendar.build_calendar(owner),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="inspection-actions.ics"'},
    )
    # Calendar programs ask again every few hours: an unchanged feed is answered "304 Not Modified" with no body.
    # The address is the secret, so caches may keep it for its reader only, and must ask again each time.
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:40])
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


# Recording progress from the link in a reminder email, without signing in ----------------------


def _render_link_form(
    link: links.EmailLink, form: ProgressForm, status: int = 200, conflict: list | None = None
) -> ResponseReturnValue:
    page = progress_page(link.action, form, clock.today(), conflict)
    return render_template("reminders/update_from_email.html", link=link, **page), status


def _unusable(check: links.LinkCheck) -> ResponseReturnValue:
    status = 404 if check.problem == links.LinkProblem.UNKNOWN else 410
    return render_template("reminders/link_unusable.html", problem=check.problem, link=check.link), status


@public
def update_from_email(token: str) -> ResponseReturnValue:
    """The progress form for the one action a reminder-email link names; submitting it spends the link."""
    if refused := _bad_link_throttle():
        return refused
    check = links.check_link(token, clock.now())
    if check.link is None or check.problem is not None:
        if check.problem == links.LinkProblem.UNKNOWN and (refused := _count_bad_link()):
            return refused
        return _unusable(check)
    link = check.link
    decision = throttling.attempt(throttling.EMAIL_LINK, link.token_hash)
    transactions.commit_now()
    if not decision.allowed:
        return throttling.throttled(decision, reason="This link has been opened too many times.")
    form = progress_form_for(link.action, clock.today())
    if not form.is_submitted():
        form.status.data = link.action.status.value
        form.rag.data = suggested_rag(link.action, link.action.status.value, clock.today())
        form.version.data = str(link.action.version)
        form.seen.data = conflicts.seen_marks(link.action.id)
        return _render_link_form(link, form)
    if not form.validate_on_submit():
        return _render_link_form(link, form, 400)
    try:
        update = links.record_progress_from_link(link, form.progress_data(), clock.now())
    except links.LinkAlreadyUsed:
        transactions.discard_changes()
        return _unusable(links.check_link(token, clock.now()))
    except ActionConflict:
        return _link_conflict(token, form)
    security_log.event("update_link_used", user_id=link.user_id, action_id=link.action_id, progress_update_id=update.id)
    flash(f"Progress recorded for {link.action.reference} {link.action.title}")
    return redirect(url_for("reminders.progress_recorded"))


def _link_conflict(token: str, sent: ProgressForm) -> ResponseReturnValue:
    transactions.discard_changes()
    check = links.check_link(token, clock.now())
    if check.link is None or check.problem is not None:
        return _unusable(check)
    action = check.link.action
    changes = conflicts.changes_since(action.id, sent.seen.data or "")
    form = progress_form_for(action, clock.today())  # what was sent, checked against the action as it is now
    form.version.data = str(action.version)
    form.seen.data = conflicts.seen_marks(action.id)
    return _render_link_form(check.link, form, 409, conflict=changes)


@public
def progress_recorded() -> ResponseReturnValue:
    return render_template("reminders/progress_recorded.html")
