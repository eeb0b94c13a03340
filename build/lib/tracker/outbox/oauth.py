"""OAuth 2.0 for SMTP (XOAUTH2), as Exchange Online wants now that it retires Basic authentication.

The tracker is an application, not a person: it gets an access token with the client-credentials flow (its client
id and secret, sent to the identity provider's token endpoint for a scope such as
https://outlook.office365.com/.default) and presents it to the mail server with AUTH XOAUTH2 for the mailbox it
sends from. A token is kept in memory, per process, until shortly before it expires (REFRESH_MARGIN), so one is
fetched about once an hour, not once a minute. The secret and the tokens are never logged.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

DEFAULT_SCOPE = "https://outlook.office365.com/.default"
REFRESH_MARGIN = timedelta(minutes=5)
_MAX_RESPONSE_BYTES = 1024 * 1024


class TokenError(Exception):
    """No access token: the token endpoint could not be reached, or refused the tracker's credentials."""


@dataclass(frozen=True)
class ClientCredentials:
    """Where and how the tracker asks for its access token (MAIL_OAUTH2_* settings)."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str = DEFAULT_SCOPE

    @classmethod
    def from_config(cls, config: Any) -> ClientCredentials | None:
        """The configured credentials, or None when MAIL_OAUTH2_TOKEN_URL is not set (password or no login)."""
        if not config.get("MAIL_OAUTH2_TOKEN_URL"):
            return None
        return cls(
            token_url=config["MAIL_OAUTH2_TOKEN_URL"],
            client_id=config["MAIL_OAUTH2_CLIENT_ID"],
            client_secret=config["MAIL_OAUTH2_CLIENT_SECRET"],
            scope=config.get("MAIL_OAUTH2_SCOPE") or DEFAULT_SCOPE,
        )


@dataclass(frozen=True)
class _Cached:
    token: str = field(repr=False)
    refresh_at: datetime


_cache: dict[tuple[str, str, str], _Cached] = {}
_lock = threading.Lock()


def access_token(credentials: ClientCredentials, *, now: datetime, timeout: float, fresh: bool = False) -> str:
    """A token for `credentials`: the cached one until shortly before it expires, else a new one (`fresh`: a new
    one whatever the cache holds, after the mail server refused the cached one)."""
    key = (credentials.token_url, credentials.client_id, credentials.scope)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and not fresh and now < cached.refresh_at:
            return cached.token
        token, lifetime = request_token(credentials, timeout=timeout)
        _cache[key] = _Cached(token, now + lifetime - min(REFRESH_MARGIN, lifetime / 2))
        return token


def request_token(credentials: ClientCredentials, *, timeout: float) -> tuple[str, timedelta]:
    """Ask the token endpoint for a token (client-credentials grant, the secret in the body as Entra ID accepts
    it); returns the token and how long it lives."""
    if urlsplit(credentials.token_url).scheme not in {"https", "http"}:
        raise TokenError(f"MAIL_OAUTH2_TOKEN_URL must be an https:// address, not {credentials.token_url!r}")
    body = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "scope": credentials.scope,
        }
    ).encode()
    request = Request(
        credentials.token_url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        # The scheme is checked above: http(s) only, never file: or ftp:.
        with urlopen(request, timeout=timeout) as response:  # nosec B310
            payload = json.loads(response.read(_MAX_RESPONSE_BYTES))
    except HTTPError as error:
        raise TokenError(f"the token endpoint refused the request: {_oauth_error(error)}") from None
    except (URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise TokenError(f"could not reach the token endpoint {credentials.token_url}: {reason}") from None
    except ValueError:
        raise TokenError("the token endpoint did not answer with JSON") from None
    return _token_from(payload)


def _token_from(payload: Any) -> tuple[str, timedelta]:
    token = payload.get("access_token") if isinstance(payload, dict) else None
    try:
        seconds = int(payload.get("expires_in", 0)) if isinstance(payload, dict) else 0
    except (TypeError, ValueError):
        seconds = 0
    if not isinstance(token, str) or not token or seconds <= 0:
        raise TokenError("the token endpoint's answer has no access_token with a positive expires_in")
    return token, timedelta(seconds=seconds)


def _oauth_error(error: HTTPError) -> str:
    """The endpoint's `error` and `error_description` (RFC 6749 §5.2), or its HTTP status."""
    try:
        payload = json.loads(error.read(_MAX_RESPONSE_BYTES))
    except (ValueError, OSError):
        payload = None
    if isinstance(payload, dict) and payload.get("error"):
        description = str(payload.get("error_description", "")).splitlines()
        return f"{payload['error']}" + (f" ({description[0]})" if description else "")
    return f"HTTP {error.code}"


def xoauth2_response(user: str, token: str) -> str:
    """The XOAUTH2 initial client response: the mailbox and the bearer token."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"
