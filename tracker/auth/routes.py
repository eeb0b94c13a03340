"""Sign in, sign out, set and reset passwords."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from tracker.auth import services
from tracker.auth.forms import ForgotPasswordForm, SetPasswordForm, SignInForm
from tracker.extensions import db
from tracker.models import TokenPurpose, User
from tracker.permissions import public, signed_in

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    result = services.authenticate(form.email.data, form.password.data)
    db.session.commit()
    if result.user is None:
        if result.locked_minutes:
            message = f"Too many failed attempts. Try again in {result.locked_minutes} minutes, or reset your password"
        else:
            message = "Enter a correct email address and password"
        form.email.errors = [message]
        return render_template("auth/login.html", form=form), 400
    _start_session(result.user)
    # Never follow a user-supplied "next": always land on the home page.
    return redirect(url_for("main.home"))


def _start_session(user: User) -> None:
    """A fresh session, so nothing planted before sign-in survives, that ends after PERMANENT_SESSION_LIFETIME
    (8 hours) without a request: the signed cookie is refused after that even if it was copied."""
    session.clear()
    session.permanent = True
    login_user(user)


@bp.post("/sign-out")
@signed_in
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    flash("You have signed out")
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot_password.html", form=form), 400 if form.is_submitted() else 200
    services.send_password_reset(form.email.data)
    db.session.commit()
    return render_template("auth/reset_sent.html", email=form.email.data)


def _token_page(token: str, purpose: TokenPurpose, template: str) -> ResponseReturnValue:
    row = services.find_valid_token(token, purpose)
    if row is None:
        return render_template("auth/link_expired.html", purpose=purpose), 404
    form = SetPasswordForm(email=row.user.email)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(template, form=form, user=row.user), status
    user = services.use_token(row, form.password.data)
    db.session.commit()
    _start_session(user)
    flash("Your password has been saved")
    return redirect(url_for("main.home"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str) -> ResponseReturnValue:
    return _token_page(token, TokenPurpose.INVITATION, "auth/set_password.html")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> ResponseReturnValue:
    return _token_page(token, TokenPurpose.PASSWORD_RESET, "auth/reset_password.html")
