"""People (invite, edit, deactivate) and the outbox, for administrators.

The views; their URLs are in tracker/admin/blueprint.py.
"""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from tracker import clock, loaders, security_log, throttling, transactions
from tracker.admin import services
from tracker.admin.forms import ConfirmForm, EditUserForm, InviteUserForm, UnlockForm
from tracker.auth import sessions
from tracker.auth.forms import SignOutEverywhereForm
from tracker.auth.services import (
    begin_invitation,
    invitation_problem,
    invite_user,
    send_invitation,
)
from tracker.extensions import db
from tracker.forms import required_data
from tracker.models import EmailState, Role, User
from tracker.numbers import page_number
from tracker.outbox import services as outbox
from tracker.permissions import admin_only


@admin_only
def list_people() -> ResponseReturnValue:
    return render_template("admin/people.html", users=services.list_users())


@admin_only
def invite_person() -> ResponseReturnValue:
    form = InviteUserForm()
    form.set_line_manager_choices()
    if not form.validate_on_submit():
        return render_template("admin/invite.html", form=form), 400 if form.is_submitted() else 200
    manager = db.session.get(User, form.line_manager_id.data) if form.line_manager_id.data else None
    decision, reason = begin_invitation(required_data(form.email.data), throttling.client_address())
    transactions.commit_now()
    if not decision.allowed:
        form.email.errors = [invitation_problem(decision, reason)]
        return throttling.throttled(decision, render_template("admin/invite.html", form=form))
    user = invite_user(
        invited_by=current_user,
        name=required_data(form.name.data),
        email=required_data(form.email.data),
        role=Role(form.role.data),
        job_title=form.job_title.data or "",
        organisation=form.organisation.data or "",
        line_manager=manager,
    )
    security_log.event("invitation_sent", user_id=user.id, email=user.email, role=user.role.value)
    flash(f"Invitation sent to {user.email}")
    return redirect(url_for("admin.list_people"))


@admin_only
def edit_person(user_id: int) -> ResponseReturnValue:
    user = loaders.load_user(user_id)
    form = EditUserForm(obj=user)
    form.set_line_manager_choices(exclude_user_id=user.id)
    if not form.is_submitted():
        form.line_manager_id.data = user.line_manager_id or 0
        form.role.data = user.role.value
        form.digest_preference.data = user.digest_preference.value
        form.original.data = services.details_fingerprint(user)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _render_edit_person(form, user), status
    if form.original.data and form.original.data != services.details_fingerprint(user):
        # Someone saved this person since the page was opened: say so, keep what was typed, and let a
        # second save (made knowingly) go through. (The page always sends `original`; a script may not.)
        form.original.data = services.details_fingerprint(user)
        return _render_edit_person(form, user, changed_meanwhile=True), 409
    if user.id == current_user.id and not form.active.data:
        form.active.errors = ["You cannot deactivate your own account"]
        return _render_edit_person(form, user), 400
    if user.id == current_user.id and form.role.data != Role.ADMIN:
        form.role.errors = ["You cannot remove your own administrator access"]
        return _render_edit_person(form, user), 400
    handover = services.handover_before_role_change(user, Role(form.role.data))
    if handover:
        form.role.errors = [_handover_message(user, Role(form.role.data), handover)]
        return _render_edit_person(form, user, handover=handover), 400
    old_role = user.role
    changed = services.update_user(user, form.data, actor=current_user)
    services.log_person_changes(user, changed, old_role=old_role)
    flash(f"Saved changes to {user.name}" if changed else "Nothing was changed")
    if "active" in changed and not user.active:
        _warn_of_orphaned_actions(user)
    return redirect(url_for("admin.list_people"))


def _render_edit_person(form: EditUserForm, user: User, **context: object) -> str:
    return render_template(
        "admin/edit_person.html",
        form=form,
        user=user,
        resend=ConfirmForm(),
        unlock=UnlockForm(),
        sign_in_delay=services.sign_in_delay(user),
        sign_out=SignOutEverywhereForm(),
        live_sessions=sessions.count_live(user),
        **context,
    )


def _warn_of_orphaned_actions(user: User) -> None:
    """A leaver is blocked at once, but what they owned needs a new owner: say so, with a link to it."""
    count = services.count_open_actions_owned(user)
    if count:
        link = url_for("actions.list_actions", owner=user.id, status="open")
        flash(
            Markup(
                '{} still owns {}. <a class="govuk-notification-banner__link" href="{}">Reassign their open actions</a>'
            ).format(user.name, _plural(count, "open action"), link),
            "error",
        )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _handover_message(user: User, role: Role, handover: services.Handover) -> str:
    held = []
    if handover.open_action_count:
        held.append(f"owns {_plural(handover.open_action_count, 'open action')}")
    if handover.inspections:
        held.append(f"runs {_plural(len(handover.inspections), 'inspection')}")
    return f"{user.name} {' and '.join(held)}. Reassign them before making {user.name} a {role.label.lower()}"


@admin_only
def resend_invitation(user_id: int) -> ResponseReturnValue:
    user = loaders.load_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    decision, reason = begin_invitation(user.email, throttling.client_address())
    transactions.commit_now()
    if not decision.allowed:
        return throttling.throttled(decision, reason=reason)
    send_invitation(user, invited_by=current_user)
    security_log.event("invitation_sent", user_id=user.id, email=user.email, role=user.role.value)
    flash(f"A new invitation has been sent to {user.email}")
    return redirect(url_for("admin.edit_person", user_id=user.id))


@admin_only
def unlock_person(user_id: int) -> ResponseReturnValue:
    user = loaders.load_user(user_id)
    if not UnlockForm().validate_on_submit():
        abort(400)
    services.clear_sign_in_delay(user, actor=current_user)
    security_log.event("sign_in_delay_cleared", user_id=user.id, email=user.email)
    flash(f"{user.name}’s next sign-in is checked straight away")
    return redirect(url_for("admin.edit_person", user_id=user.id))


@admin_only
def sign_out_person_everywhere(user_id: int) -> ResponseReturnValue:
    user = loaders.load_user(user_id)
    if not SignOutEverywhereForm().validate_on_submit():
        abort(400)
    count = services.sign_out_everywhere(user, actor=current_user)
    security_log.event("sessions_ended", user_id=user.id, sessions_ended=count)
    if user.id == current_user.id:
        return redirect(url_for("auth.login"))
    flash(
        f"{user.name} has been signed out on {_plural(count, 'browser')}" if count else f"{user.name} was not signed in"
    )
    return redirect(url_for("admin.edit_person", user_id=user.id))


@admin_only
def list_outbox() -> ResponseReturnValue:
    state = request.args.get("state", "")
    chosen = EmailState(state) if state in {s.value for s in EmailState} else None
    page = page_number(request.args.get("page"))
    emails = outbox.list_emails(state=chosen, limit=outbox.PAGE_SIZE + 1, offset=(page - 1) * outbox.PAGE_SIZE)
    return render_template(
        "admin/outbox.html",
        emails=emails[: outbox.PAGE_SIZE],
        has_next=len(emails) > outbox.PAGE_SIZE,
        page=page,
        state=chosen,
        counts=outbox.counts_by_state(),
        problem=outbox.delivery_problem() if current_app.config["MAIL_SERVER"] else None,
        retry=ConfirmForm(),
    )


@admin_only
def view_email(email_id: int) -> ResponseReturnValue:
    email = loaders.load_outbox_email(email_id)
    return render_template(
        "admin/email.html",
        email=email,
        readable=outbox.readable_email(email),
        hidden_link=outbox.HIDDEN_LINK,
        retry=ConfirmForm(),
    )


# The email's own HTML, shown in a sandboxed frame: its inline styles are allowed here and nowhere
# else, it can run nothing, and only this site's own pages may frame it.
EMAIL_PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'; sandbox"
)


@admin_only
def email_html(email_id: int) -> ResponseReturnValue:
    email = loaders.load_outbox_email(email_id)
    response = make_response(outbox.readable_email(email).html_body or "<p>This email has no HTML part.</p>")
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = EMAIL_PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@admin_only
def retry_email(email_id: int) -> ResponseReturnValue:
    email = loaders.load_outbox_email(email_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if outbox.retry_email(email, actor=current_user._get_current_object(), now=clock.now()):
        flash(f"The email to {email.recipient} is back in the queue and will be sent again")
    else:
        flash("Only an email that failed can be sent again", "error")
    return redirect(url_for("admin.view_email", email_id=email.id))
