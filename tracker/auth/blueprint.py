"""Sign in, sign out (here or everywhere), your account, set and reset passwords: the `auth` blueprint's URLs and
the view each runs.

A view is named by where it is in `tracker.auth.routes`, and imported with the first request for it
(tracker.routing).
"""

from __future__ import annotations

from flask import Blueprint

from tracker.auth import sso
from tracker.routing import LazyRoutes

bp = Blueprint("auth", __name__)
routes = LazyRoutes(bp)

routes.get_post("/sign-in", "login")
routes.get("/sign-in/council-account", "council_account")
routes.get("/sign-in/council-account/callback", "council_account_callback")
routes.post("/sign-out", "logout")
routes.get("/account", "account")
routes.post("/account/sign-out-everywhere", "sign_out_everywhere")
routes.get_post("/forgot-password", "forgot_password")
routes.get_post("/set-password/<token>", "set_password")
routes.get_post("/reset-password/<token>", "reset_password")


@bp.context_processor
def _council_sign_in() -> dict[str, bool]:
    return {"council_sign_in": sso.settings() is not None}


@bp.record_once
def _check_sso_settings(state) -> None:  # noqa: ANN001 - Flask's BlueprintSetupState
    sso.check_settings(state.app.config)
