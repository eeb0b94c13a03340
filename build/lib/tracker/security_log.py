"""Named security events, each its own log record on the `tracker.security` logger, for an auditor to read.

`event("sign_in_failed", email=..., reason=...)` writes one record whose `event` field names what happened,
with its fields beside it (in the JSON log, keys of their own; in the text log, `key=value` after the name).
Every record says how the thing was done (`via`: web, command_line or system) and, in a request, the client's
address (after ProxyFix) and the signed-in person's id; the request id comes from the log handler.

Call it after the change is committed. Never pass a password, a token or a link: a field whose name says it
holds one is refused (tests/integration/test_security_log.py checks the log of whole flows for secrets), and so is
one named like a LogRecord attribute (`name`, `filename`, `process` …).
"""

from __future__ import annotations

import getpass
import logging
from typing import Any

import click
from flask import g, has_request_context, request

logger = logging.getLogger("tracker.security")

_SECRET_WORDS = ("password", "token", "secret", "link", "cookie", "authorization")
# Names a logging.LogRecord already has: a field may not overwrite them.
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

# Every event and the fields it carries besides `event`, `via`, `client`, `actor_id` and `os_user`; the README's
# log section lists the same (a test checks that the two agree).
EVENTS: tuple[tuple[str, str], ...] = (
    ("sign_in_succeeded", "user_id, email, method"),
    ("sign_in_failed", "email, reason (unknown_email, wrong_password, no_password_yet), user_id when known"),
    ("sign_in_refused", "email, user_id, reason (deactivated; SSO: no_role, wrong_tenant …)"),
    ("sign_in_throttled", "email, rule (sign-in-address, sign-in-account, sign-in-browser), retry_after_seconds"),
    ("signed_out", "user_id, everywhere, sessions_ended"),
    ("sso_role_changed", "user_id, old_role, new_role"),
    ("password_reset_requested", "email, user_id when known, outcome (sent, no_account, throttled)"),
    ("password_reset_used", "user_id"),
    ("invitation_sent", "user_id, email, role"),
    ("invitation_used", "user_id"),
    ("role_changed", "user_id, old_role, new_role"),
    ("active_changed", "user_id, active, open_actions"),
    ("sign_in_delay_cleared", "user_id, email, was_delayed (command line)"),
    ("sessions_ended", "user_id, sessions_ended"),
    ("update_link_used", "user_id, action_id, progress_update_id"),
    ("spreadsheet_imported", "inspection_id, file (its name), actions, skipped"),
    ("report_issued", "report_id, inspection_id, committee, meets_on, as_at"),
    ("backup_made", "path, bytes, database"),
)
_EVENT_NAMES = frozenset(name for name, _fields in EVENTS)


def _via() -> str:
    if has_request_context():
        return "web"
    return "command_line" if click.get_current_context(silent=True) is not None else "system"


def _context() -> dict[str, Any]:
    """Who and where: the client and signed-in person in a request, the operating-system user on the command
    line."""
    via = _via()
    context: dict[str, Any] = {"via": via}
    if via == "web":
        context["client"] = request.remote_addr or "unknown"
        user = g.get("_login_user")
        if user is not None and getattr(user, "is_authenticated", False):
            context["actor_id"] = user.id
    elif via == "command_line":
        context["actor"] = "command line"
        try:
            context["os_user"] = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (a container's arbitrary user)
            context["os_user"] = "unknown"
    return context


def event(name: str, **fields: Any) -> None:
    """Log the security event `name` with `fields` (plain values: ids, addresses, reasons, counts)."""
    if name not in _EVENT_NAMES:
        raise ValueError(f"{name!r} is not a security event: add it to tracker.security_log.EVENTS")
    for key in fields:
        if key in _RESERVED or any(word in key.lower() for word in _SECRET_WORDS):
            raise ValueError(f"{key!r} may not be logged with a security event")
    details = {**_context(), **fields}
    text = " ".join(f"{key}={_text(value)}" for key, value in details.items())
    logger.info("%s %s", name, text, extra={"event": name, **details})


def _text(value: Any) -> str:
    text = str(value)
    return repr(text) if not text or any(c.isspace() or c in "'\"=" for c in text) else text
