"""The read-only JSON API for reporting tools, under /api/v1: token authentication only, no cookies, no CSRF.

Every answer carries an ETag over its body: a client that sends it back in If-None-Match gets 304 and no body
when nothing changed. Lists are cursor-paginated in id order (tracker/api/paging.py).
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, Flask, Request, Response, current_app, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue

from tracker import clock
from tracker.api import openapi, resources
from tracker.api.auth import token_required
from tracker.api.paging import Paging, check_parameters, paging
from tracker.api.problems import API_PREFIX, to_json
from tracker.extensions import csrf
from tracker.permissions import public

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Tokens, not cookies, say who is calling, so there is no cross-site request to forge; and every route is a GET.
csrf.exempt(bp)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session for the pages; none for the API, whose requests neither read the session
    cookie (a signed-in browser is not a caller) nor send it back (an API call never extends a session)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)


@bp.record_once
def _sessions_without_the_api(state: Any) -> None:
    state.app.session_interface = SessionInterface()


def json_response(body: dict[str, Any]) -> Response:
    """`body` as JSON with an ETag over it; 304 with no body when the client already has it."""
    response = current_app.response_class(to_json(body), mimetype="application/json")
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:40])
    # Each token may see different data: caches may keep an answer for its caller only, and must ask again.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Authorization")
    response.make_conditional(request)
    return response


def _list(page: resources.ListPage, listed: Paging) -> Response:
    args = request.args.to_dict()
    args.pop("cursor", None)
    next_url = None
    if page.next_cursor:
        next_url = url_for(request.endpoint or "", **args, cursor=page.next_cursor, _external=True)
    return json_response(
        {
            "data": page.items,
            "links": {"self": request.url, "next": next_url},
            "meta": {"limit": listed.limit, "next_cursor": page.next_cursor},
        }
    )


@bp.get("/openapi.json")
@public
def openapi_description() -> ResponseReturnValue:
    return json_response(openapi.description())


@bp.get("/inspections")
@token_required
def list_inspections() -> ResponseReturnValue:
    check_parameters(request.args, resources.INSPECTION_FILTERS)
    listed = paging("inspections", request.args)
    return _list(resources.list_inspections(request.args, listed), listed)


@bp.get("/inspections/<int:inspection_id>")
@token_required
def get_inspection(inspection_id: int) -> ResponseReturnValue:
    check_parameters(request.args, (), paged=False)
    return json_response({"data": resources.get_inspection(inspection_id)})


@bp.get("/recommendations")
@token_required
def list_recommendations() -> ResponseReturnValue:
    check_parameters(request.args, resources.RECOMMENDATION_FILTERS)
    listed = paging("recommendations", request.args)
    return _list(resources.list_recommendations(request.args, listed), listed)


@bp.get("/actions")
@token_required
def list_actions() -> ResponseReturnValue:
    check_parameters(request.args, resources.ACTION_FILTERS)
    listed = paging("actions", request.args)
    return _list(resources.list_actions(request.args, listed, clock.today()), listed)


@bp.get("/actions/<int:action_id>")
@token_required
def get_action(action_id: int) -> ResponseReturnValue:
    check_parameters(request.args, (), paged=False)
    return json_response({"data": resources.get_action(action_id, clock.today())})


@bp.get("/progress-updates")
@token_required
def list_progress_updates() -> ResponseReturnValue:
    check_parameters(request.args, resources.PROGRESS_FILTERS)
    listed = paging("progress-updates", request.args)
    return _list(resources.list_progress_updates(request.args, listed), listed)


@bp.get("/statutory-deadlines")
@token_required
def list_statutory_deadlines() -> ResponseReturnValue:
    check_parameters(request.args, resources.DEADLINE_FILTERS)
    listed = paging("statutory-deadlines", request.args)
    return _list(resources.list_statutory_deadlines(request.args, listed, clock.today()), listed)
