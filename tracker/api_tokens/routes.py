"""API tokens, for administrators: issue one (shown once), list them, revoke one.

The views; their URLs are in tracker/api_tokens/blueprint.py.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock
from tracker.api_tokens import services
from tracker.api_tokens.forms import EXPIRY_LABELS, IssueTokenForm, RevokeTokenForm
from tracker.forms import required_data
from tracker.permissions import admin_only


@admin_only
def list_api_tokens() -> ResponseReturnValue:
    now = clock.now()
    tokens = [(token, services.token_state(token, now)) for token in services.list_tokens()]
    return render_template("api_tokens/list.html", tokens=tokens)


@admin_only
def issue_api_token() -> ResponseReturnValue:
    form = IssueTokenForm()
    form.set_people(services.people_tokens_can_act_as())
    if not form.is_submitted():
        form.expires_in.data = "90"
    if not form.validate_on_submit():
        return render_template("api_tokens/issue.html", form=form), 400 if form.is_submitted() else 200
    person = form.person
    if services.live_token_named(person.id, required_data(form.name.data)) is not None:
        form.name.errors = [
            f"{person.name} already has a token called ‘{form.name.data}’: choose another name, or revoke that one"
        ]
        return render_template("api_tokens/issue.html", form=form), 400
    api_token, token = services.issue_token(
        name=required_data(form.name.data), user=person, days=int(form.expires_in.data), actor=current_user
    )
    # Shown in the answer to the POST and nowhere else: the token is in no redirect, session or log.
    return render_template(
        "api_tokens/issued.html",
        api_token=api_token,
        person=person,
        token=token,
        lasts=EXPIRY_LABELS[int(form.expires_in.data)],
    )


@admin_only
def revoke_api_token(token_id: int) -> ResponseReturnValue:
    api_token = services.get_token_or_404(token_id)
    form = RevokeTokenForm()
    if not form.is_submitted():
        return render_template("api_tokens/revoke.html", api_token=api_token, form=form)
    if not form.validate_on_submit():
        abort(400)
    if services.revoke_token(api_token, actor=current_user):
        flash(f"Token revoked: {api_token.name} no longer works")
    else:
        flash(f"{api_token.name} was already revoked")
    return redirect(url_for("api_tokens.list_api_tokens"))
