"""Sign in, sign out (here or everywhere), your account, set and reset passwords.

The views; their URLs are in tracker/auth/blueprint.py.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from tracker import clock, security_log, throttling, transactions
from tracker.auth import council_accounts, services, sessions, sso
from tracker.auth.forms import ForgotPasswordForm, SetPasswordForm, SignInForm, SignOutEverywhereForm
from tracker.domain.directory import email_domain, is_council_address
from tracker.forms import required_data
from tracker.models import TokenPurpose, User
from tracker.permissions import public, signed_in


def _council_address_problem(email: str) -> str | None:
    """Why a password cannot be used with this address: it is at the council's own domain (with council sign-in on)."""
    if not is_council_address(email or "", sso.council_domains()):
        return None
    return (
        f"Email addresses at {email_domain(email)} sign in with their council account. Choose ‘Sign in with your "
        "council account’ instead of using a password"
    )


@public
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    email, password = required_data(form.email.data), required_data(form.password.data)
    if problem := _council_address_problem(email):
        form.email.errors = [problem]
        return render_template("auth/login.html", form=form), 400
    attempt = services.begin_sign_in(
        email,
        throttling.client_address(),
        browser_cookie=request.cookies.get(services.KNOWN_BROWSER_COOKIE, ""),
    )
    transactions.commit_now()  # counted before the password is checked, so parallel attempts cannot pass the limit
    if not attempt.allowed:
        security_log.event(
            "sign_in_throttled",
            email=attempt.email,
            rule=attempt.rule.name,
            retry_after_seconds=attempt.decision.retry_after_seconds(clock.now()),
        )
        form.email.errors = [attempt.problem]
        return throttling.throttled(attempt.decision, render_template("auth/login.html", form=form))
    check = services.authenticate(email, password)
    if check.user is None:
        _log_refusal(attempt.email, check)
        form.email.errors = ["Enter a correct email address and password"]
        return render_template("auth/login.html", form=form), 400
    user = check.user
    services.signed_in(user, attempt)
    _start_session(user)
    security_log.event("sign_in_succeeded", user_id=user.id, email=user.email, method="password")
    # Never follow a user-supplied "next": always land on the home page.
    response = redirect(url_for("main.home"))
    _remember_browser(response, user)
    return response


def _log_refusal(email: str, check: services.PasswordCheck) -> None:
    account = {"user_id": check.account.id} if check.account is not None else {}
    name = "sign_in_refused" if check.reason == "deactivated" else "sign_in_failed"
    security_log.event(name, email=email, reason=check.reason, **account)


def _start_session(user: User, *, id_token: str | None = None) -> None:
    """A fresh session, so nothing planted before sign-in survives, recorded on the server so that it can be ended
    (sessions.py); the caller commits."""
    session.clear()
    session.permanent = True
    login_user(user)
    session[sessions.SESSION_KEY] = sessions.begin(user, id_token=id_token)


def _remember_browser(response: Response, user: User) -> None:
    """Mark this browser as one that has signed in as `user`: its sign-ins are throttled on their own, so
    someone else's wrong passwords for the address do not hold it up."""
    config = current_app.config
    response.set_cookie(
        services.KNOWN_BROWSER_COOKIE,
        services.known_browser_cookie(user.email),
        max_age=services.KNOWN_BROWSER_DAYS * 86400,
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def _end_session() -> None:
    logout_user()
    session.clear()


@public
def council_account() -> ResponseReturnValue:
    """Off to the council's sign-in page (Entra ID), which sends the person back to the callback below."""
    current = sso.settings()
    if current is None:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    try:
        return sso.start(current)
    except sso.SignInRefused as refusal:
        return _council_sign_in_problem(refusal)


@public
def council_account_callback() -> ResponseReturnValue:
    """Where the council's sign-in page sends the person back: the answer is checked, the account found, joined or
    created, and the same kind of session started as a password gives."""
    current = sso.settings()
    if current is None:
        abort(404)
    try:
        answer = sso.finish(current)
        user = council_accounts.sign_in(answer, current)
    except sso.SignInRefused as refusal:
        transactions.discard_changes()
        security_log.event("sign_in_refused", reason=refusal.reason, method="sso")
        return _council_sign_in_problem(refusal)
    _start_session(user, id_token=answer.id_token)
    transactions.commit_now()  # the provider sends the person back with a GET, which the boundary never commits
    security_log.event("sign_in_succeeded", user_id=user.id, email=user.email, method="sso")
    return redirect(url_for("main.home"))


def _council_sign_in_problem(refusal: sso.SignInRefused) -> ResponseReturnValue:
    page = render_template(
        "auth/council_account.html",
        heading="You have not been signed in",
        message=refusal.message,
        try_again=refusal.status != 403,
    )
    return page, refusal.status


@signed_in
def logout() -> ResponseReturnValue:
    user_id = current_user.id
    id_token = sessions.end_current()
    security_log.event("signed_out", user_id=user_id, everywhere=False, sessions_ended=1)
    _end_session()
    provider_sign_out = sso.end_session_url(id_token) if id_token else None
    if provider_sign_out:
        # Signed out of the tracker; the council account stays signed in on this browser unless they leave it too.
        return render_template("auth/signed_out.html", provider_sign_out=provider_sign_out)
    flash("You have signed out")
    return redirect(url_for("auth.login"))


@signed_in
def account() -> ResponseReturnValue:
    return render_template(
        "auth/account.html", form=SignOutEverywhereForm(), live_sessions=sessions.count_live(current_user)
    )


@signed_in
def sign_out_everywhere() -> ResponseReturnValue:
    if not SignOutEverywhereForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    ended = sessions.end_all(current_user)
    security_log.event("signed_out", user_id=current_user.id, everywhere=True, sessions_ended=ended)
    _end_session()
    flash("You have signed out on every device and browser")
    return redirect(url_for("auth.login"))


@public
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot_password.html", form=form), 400 if form.is_submitted() else 200
    email = required_data(form.email.data)
    if problem := _council_address_problem(email):
        form.email.errors = [problem]
        return render_template("auth/forgot_password.html", form=form), 400
    decision, problem = services.begin_password_reset(email, throttling.client_address())
    if not decision.allowed:
        transactions.commit_now()
        security_log.event("password_reset_requested", email=services.normalise_email(email), outcome="throttled")
        form.email.errors = [problem]
        return throttling.throttled(decision, render_template("auth/forgot_password.html", form=form))
    # Counted and sent in one transaction: the count's row stays locked until the email is queued, so ten
    # requests at once cannot queue ten emails, and an address without an account commits the same writes.
    user = services.send_password_reset(email)
    account = {"user_id": user.id, "outcome": "sent"} if user is not None else {"outcome": "no_account"}
    security_log.event("password_reset_requested", email=services.normalise_email(email), **account)
    return render_template("auth/reset_sent.html", email=email)


def _token_page(token: str, purpose: TokenPurpose, template: str) -> ResponseReturnValue:
    address = throttling.client_address()
    waiting = throttling.peek(throttling.BAD_LINK_ADDRESS, address)
    if not waiting.allowed:
        return throttling.throttled(waiting, reason=throttling.BAD_LINKS_REASON)
    row = services.find_valid_token(token, purpose)
    if row is None:
        counted = throttling.attempt(throttling.BAD_LINK_ADDRESS, address)
        transactions.commit_now()
        if not counted.allowed:
            return throttling.throttled(counted, reason=throttling.BAD_LINKS_REASON)
        return render_template("auth/link_expired.html", purpose=purpose), 404
    if problem := _council_address_problem(row.user.email):
        # A council address has no password of its own here: the link is left unspent, and says what to do instead.
        page = render_template(
            "auth/council_account.html", heading="Use your council account", message=problem + ".", council_button=True
        )
        return page, 403
    form = SetPasswordForm(email=row.user.email)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(template, form=form, user=row.user), status
    user = services.use_token(row, required_data(form.password.data))
    if user is None:  # the same link sent twice at once: the other request spent it
        transactions.discard_changes()
        return render_template("auth/link_expired.html", purpose=purpose), 404
    _start_session(user)
    used = "invitation_used" if purpose == TokenPurpose.INVITATION else "password_reset_used"
    security_log.event(used, user_id=user.id)
    flash("Your password has been saved")
    return redirect(url_for("main.home"))


@public
def set_password(token: str) -> ResponseReturnValue:
    return _token_page(token, TokenPurpose.INVITATION, "auth/set_password.html")


@public
def reset_password(token: str) -> ResponseReturnValue:
    return _token_page(token, TokenPurpose.PASSWORD_RESET, "auth/reset_password.html")
