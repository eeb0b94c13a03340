"""Signing in with a council account: OpenID Connect with Entra ID (or any OpenID provider), through Authlib.

Authorization code flow with PKCE (S256). Authlib keeps the state, nonce and code verifier in the session cookie,
checks the state on the way back, exchanges the code and checks the id token: its signature against the provider's
published keys (JWKS), issuer, audience, expiry and nonce. This module adds the tenant check and says, in words a
person can act on, why a sign-in was refused. Which account it signs in to is council_accounts.py's business.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app, url_for
from werkzeug.wrappers import Response

from tracker.domain.directory import parse_role_map, setting_list

if TYPE_CHECKING:
    from authlib.integrations.flask_client import FlaskOAuth2App

# Authlib, requests, cryptography and joserfc are imported by the functions that use them, when a council sign-in
# happens: most sites never use it, and every worker would otherwise start a fifth of a second later.

logger = logging.getLogger(__name__)

NAME = "council"  # Authlib's name for the provider: its state is kept in the session under _state_council_…
WELL_KNOWN = "/.well-known/openid-configuration"
ROLE_CLAIMS = ("roles", "groups")
LEEWAY_SECONDS = 60  # clock difference allowed with the provider when checking exp, iat and nbf


@dataclass(frozen=True)
class Settings:
    """The SSO_* settings, read and checked."""

    metadata_url: str
    client_id: str
    client_secret: str
    certificate: str
    allowed_tenants: tuple[str, ...]
    role_claim: str
    role_map: tuple[tuple[str, str], ...]
    council_domains: tuple[str, ...]
    timeout: int

    @property
    def roles(self) -> dict[str, str]:
        return dict(self.role_map)


def settings_problems(config: Mapping[str, Any]) -> list[str]:
    """What stops the SSO_* settings working, in words for whoever set them (none when SSO is off)."""
    if not config.get("SSO_ENABLED"):
        return []
    problems = [
        f"{name} is not set"
        for name in ("SSO_ISSUER_URL", "SSO_CLIENT_ID", "SSO_ALLOWED_TENANTS", "SSO_ROLES")
        if not str(config.get(name) or "").strip()
    ]
    if not (config.get("SSO_CLIENT_SECRET") or config.get("SSO_CLIENT_CERTIFICATE")):
        problems.append("set SSO_CLIENT_SECRET or SSO_CLIENT_CERTIFICATE")
    if config.get("SSO_CLIENT_CERTIFICATE"):
        try:
            _certificate_key(str(config["SSO_CLIENT_CERTIFICATE"]))
        except (OSError, ValueError) as problem:
            problems.append(f"SSO_CLIENT_CERTIFICATE cannot be used: {problem}")
    if config.get("SSO_ROLE_CLAIM") not in ROLE_CLAIMS:
        problems.append(f"SSO_ROLE_CLAIM must be one of {', '.join(ROLE_CLAIMS)}")
    try:
        parse_role_map(str(config.get("SSO_ROLES") or ""))
    except ValueError as problem:
        problems.append(f"SSO_ROLES: {problem}")
    return problems


def check_settings(config: Mapping[str, Any]) -> None:
    """Refuse to start with SSO turned on but not usable, saying what to set."""
    problems = settings_problems(config)
    if problems:
        raise RuntimeError("Single sign-on (SSO_ENABLED) cannot work: " + "; ".join(problems))


def settings(config: Mapping[str, Any] | None = None) -> Settings | None:
    """The SSO settings in force, or None when sign-in with a council account is off."""
    config = current_app.config if config is None else config
    if not config.get("SSO_ENABLED"):
        return None
    issuer = str(config["SSO_ISSUER_URL"]).strip().rstrip("/")
    return Settings(
        metadata_url=issuer if issuer.endswith(WELL_KNOWN) else issuer + WELL_KNOWN,
        client_id=str(config["SSO_CLIENT_ID"]).strip(),
        client_secret=str(config.get("SSO_CLIENT_SECRET") or ""),
        certificate=str(config.get("SSO_CLIENT_CERTIFICATE") or ""),
        allowed_tenants=setting_list(str(config["SSO_ALLOWED_TENANTS"])),
        role_claim=str(config.get("SSO_ROLE_CLAIM") or "roles"),
        role_map=tuple(sorted(parse_role_map(str(config["SSO_ROLES"])).items())),
        council_domains=tuple(domain.lower().lstrip("@") for domain in setting_list(config["SSO_COUNCIL_DOMAINS"])),
        timeout=int(config.get("SSO_TIMEOUT_SECONDS") or 10),
    )


def council_domains() -> tuple[str, ...]:
    """The council's own email domains, whose people sign in with their council account only (none when SSO is
    off: then everyone uses a password)."""
    current = settings()
    return current.council_domains if current is not None else ()


# The client -------------------------------------------------------------------------------------------------


def _certificate_key(path: str) -> tuple[str, dict[str, str]]:
    """The private key (PEM) from a file holding it and its certificate, and the certificate's thumbprints for the
    client assertion's header (Entra ID finds the uploaded certificate by `x5t`)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    data = Path(path).read_bytes()
    certificate = x509.load_pem_x509_certificate(data)
    key = serialization.load_pem_private_key(data, password=None)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    der = certificate.public_bytes(serialization.Encoding.DER)

    def thumbprint(algorithm: str) -> str:
        return base64.urlsafe_b64encode(hashlib.new(algorithm, der).digest()).rstrip(b"=").decode()

    # SHA-1 here names a certificate (as Entra ID asks), it protects nothing.
    return pem, {"x5t": thumbprint("sha1"), "x5t#S256": thumbprint("sha256")}


@cache
def _client(current: Settings) -> FlaskOAuth2App:
    """One Authlib client per settings: it keeps the provider's discovery document and keys between requests."""
    from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
    from authlib.oauth2.rfc7523 import PrivateKeyJWT

    client_kwargs: dict[str, Any] = {
        "scope": "openid profile email",
        "code_challenge_method": "S256",
        "default_timeout": current.timeout,
    }
    secret, auth_methods = current.client_secret, None
    if current.certificate:
        secret, headers = _certificate_key(current.certificate)
        client_kwargs["token_endpoint_auth_method"] = PrivateKeyJWT.name
        auth_methods = [PrivateKeyJWT(headers=headers, alg="RS256")]
    return FlaskOAuth2App(
        FlaskIntegration(NAME),
        name=NAME,
        client_id=current.client_id,
        client_secret=secret,
        server_metadata_url=current.metadata_url,
        client_kwargs=client_kwargs,
        client_auth_methods=auth_methods,
    )


def redirect_uri() -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for("auth.council_account_callback")


def post_logout_uri() -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for("auth.login")


# Refusals ---------------------------------------------------------------------------------------------------


class SignInRefused(Exception):
    """A council sign-in that must not go on: `reason` for the log, `message` for the person, `status` for HTTP."""

    def __init__(self, reason: str, message: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.status = status


def ask_the_administrator() -> str:
    return f"the administrator of the tracker at {current_app.config['ORGANISATION_NAME']}"


def refused(reason: str) -> SignInRefused:
    """The refusal for `reason`, in words that say what to do next."""
    admin = ask_the_administrator()
    again = "Go back to the sign-in page and choose ‘Sign in with your council account’ again."
    messages = {
        "state": (
            "Your sign-in could not be matched to this browser: it was started in another browser or tab, or the "
            f"page was opened again. {again}",
            400,
        ),
        "code": ("Your sign-in took too long or had already been used. " + again, 400),
        "cancelled": ("You did not finish signing in with your council account. " + again, 400),
        "token": (
            "Your council's sign-in service sent an answer the tracker could not trust, so you have not been "
            f"signed in. {again} If this keeps happening, tell {admin}.",
            400,
        ),
        "unreachable": (
            f"Your council's sign-in service cannot be reached just now. Try again in a few minutes. If it still "
            f"does not work, tell {admin}.",
            503,
        ),
        "tenant": (
            "You signed in with an account from another organisation. Sign in with your "
            f"{current_app.config['ORGANISATION_NAME']} account, or ask {admin} for help.",
            403,
        ),
        "no_role": (
            f"Your council account has not been given access to the {current_app.config['SERVICE_NAME']}. "
            f"Ask {admin} to give you a role.",
            403,
        ),
        "deactivated": (f"Your account in the tracker has been deactivated. Ask {admin} if you need it again.", 403),
        "no_email": (
            f"Your council account has no email address, so the tracker cannot send you reminders. Ask {admin}.",
            403,
        ),
        "email_taken": (
            "An account in the tracker already uses your email address and cannot be joined to your council "
            f"account automatically. Sign in with your password, or ask {admin} to join the two.",
            403,
        ),
    }
    message, status = messages[reason]
    return SignInRefused(reason, message, status)


# The flow ---------------------------------------------------------------------------------------------------


def start(current: Settings) -> Response:
    """Redirect to the provider's sign-in page; Authlib remembers the state, nonce and PKCE verifier in the session."""
    import requests

    try:
        return _client(current).authorize_redirect(redirect_uri(), nonce=secrets.token_urlsafe(32))
    except (requests.RequestException, ValueError) as problem:  # discovery document unreachable or not JSON
        logger.warning("Council sign-in could not start: %s", problem)
        raise refused("unreachable") from problem


@dataclass(frozen=True)
class Answer:
    """What the provider said about the person, checked: the id token's claims and the token itself."""

    claims: dict[str, Any]
    id_token: str


def _expected_issuers(issuer: str, tenants: tuple[str, ...]) -> list[str]:
    """Entra ID's multi-tenant discovery names the issuer with a `{tenantid}` placeholder; a tenant's own is exact."""
    if "{tenantid}" in issuer:
        return [issuer.replace("{tenantid}", tenant) for tenant in tenants]
    return [issuer]


def finish(current: Settings) -> Answer:
    """Check the provider's answer on the callback URL, exchange the code and check the id token and tenant.

    Raises SignInRefused; the reason is logged with what was wrong, the person is told what to do.
    """
    import requests
    from authlib.integrations.base_client import MismatchingStateError
    from authlib.integrations.flask_client import OAuthError
    from joserfc.errors import JoseError

    client = _client(current)
    try:
        metadata = client.load_server_metadata()
        issuers = _expected_issuers(metadata.get("issuer", ""), current.allowed_tenants)
        claims_options = {
            "iss": {"essential": True, "values": issuers},
            "aud": {"essential": True, "value": current.client_id},
            "exp": {"essential": True},
            "iat": {"essential": True},
        }
        token = client.authorize_access_token(claims_options=claims_options, leeway=LEEWAY_SECONDS)
    except MismatchingStateError as problem:
        raise _logged("state", problem) from problem
    except OAuthError as problem:
        reason = "cancelled" if problem.error in {"access_denied", "login_required", "consent_required"} else "code"
        raise _logged(reason, problem) from problem
    except JoseError as problem:  # a bad signature, an unknown key, a wrong issuer, audience or nonce, expired
        raise _logged("token", problem) from problem
    except (requests.RequestException, ValueError) as problem:  # the provider unreachable, or not answering JSON
        raise _logged("unreachable", problem) from problem
    claims = dict(token.get("userinfo") or {})
    if not claims or not token.get("id_token"):
        raise _logged("token", "no id token in the token response")
    if claims.get("tid") not in current.allowed_tenants:
        raise _logged("tenant", f"tenant {claims.get('tid')!r} is not one of SSO_ALLOWED_TENANTS")
    return Answer(claims=claims, id_token=token["id_token"])


def _logged(reason: str, problem: object) -> SignInRefused:
    logger.warning("Council sign-in refused (%s): %s", reason, problem)
    return refused(reason)


def end_session_url(id_token: str) -> str | None:
    """The provider's sign-out page for the person whose sign-in gave `id_token`, coming back to the sign-in page;
    None when the provider has none or cannot be reached."""
    current = settings()
    if current is None:
        return None
    import requests

    try:
        return _client(current).create_logout_url(
            post_logout_redirect_uri=post_logout_uri(), id_token_hint=id_token, client_id=current.client_id
        )["url"]
    except (requests.RequestException, ValueError, RuntimeError) as problem:
        logger.warning("No sign-out page from the council's sign-in service: %s", problem)
        return None
