"""A real OpenID provider for the council sign-in tests: the npm package oidc-provider (the certified reference
implementation), started by tests/oidc/provider.mjs on 127.0.0.1, and a person at its sign-in page.

The provider plays the council's Entra ID tenant: its accounts carry `oid`, `tid`, `roles` or `groups`, `email` and
`name` claims, as Entra ID's id tokens do.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from bs4 import BeautifulSoup

from tests.postgres_cluster import free_port
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")

TENANT = "9a6f2c1e-2b7d-4c4e-9d1a-5e8f0b3c7a11"  # the council's tenant
OTHER_TENANT = "0d4b8e7a-6c3f-4a2b-8e9d-1f2a3b4c5d6e"  # another organisation's
CLIENT_ID = "inspection-tracker"
CLIENT_SECRET = "a-client-secret-for-the-tests-only"
SLOW_CLIENT_ID = "inspection-tracker-slow-codes"  # its codes expire after one second
CERTIFICATE_CLIENT_ID = "inspection-tracker-certificate"  # authenticates with private_key_jwt
PASSWORD = "correct horse battery staple"
COUNCIL_DOMAIN = "council.test"
SERVICE_MANAGERS_GROUP = "5b1e0f9c-8d2a-4e6b-a7c3-2f9d8e1b0a64"

# App roles (the `roles` claim) as the council's app registration would define them, mapped to the tracker's roles.
ROLES = ",".join(
    [
        "Tracker.Admin=admin",
        "Tracker.ProgrammeManager=programme_manager",
        "Tracker.ServiceManager=service_manager",
        "Tracker.Viewer=viewer",
    ]
)


def _account(oid: str, name: str, email: str, **claims: object) -> dict:
    return {"password": PASSWORD, "claims": {"oid": oid, "tid": TENANT, "name": name, "email": email, **claims}}


ACCOUNTS = {
    "priya.shah": _account(
        "1f0e5a3c-0000-4000-8000-000000000001",
        "Priya Shah",
        "priya.shah@council.test",
        roles=["Tracker.ProgrammeManager"],
    ),
    "alex.admin": _account(
        "1f0e5a3c-0000-4000-8000-000000000002", "Alex Admin", "alex.admin@council.test", roles=["Tracker.Admin"]
    ),
    "sam.groups": _account(
        "1f0e5a3c-0000-4000-8000-000000000003",
        "Sam Groups",
        "sam.groups@council.test",
        groups=["00000000-aaaa-4bbb-8ccc-000000000000", SERVICE_MANAGERS_GROUP],
    ),
    "no.role": _account("1f0e5a3c-0000-4000-8000-000000000004", "Nora Role", "nora.role@council.test", roles=[]),
    "other.tenant": {
        "password": PASSWORD,
        "claims": {
            "oid": "1f0e5a3c-0000-4000-8000-000000000005",
            "tid": OTHER_TENANT,
            "name": "Otto Elsewhere",
            "email": "otto@elsewhere.test",
            "roles": ["Tracker.Admin"],
        },
    },
    "guest.partner": _account(
        "1f0e5a3c-0000-4000-8000-000000000006",
        "Gwen Partner",
        "gwen.partner@health.test",
        roles=["Tracker.ServiceManager"],
    ),
    "two.roles": _account(
        "1f0e5a3c-0000-4000-8000-000000000007",
        "Tom Two",
        "tom.two@council.test",
        roles=["Tracker.Viewer", "Tracker.ProgrammeManager"],
    ),
}


def make_client_certificate(folder: Path) -> tuple[Path, dict]:
    """A self-signed certificate and its RSA key in one PEM file, and the public key as a JWK (with its thumbprints,
    as Entra ID finds an uploaded certificate by them)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from joserfc.jwk import RSAKey

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "inspection-tracker")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    path = folder / "tracker-client.pem"
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(key_pem + certificate.public_bytes(serialization.Encoding.PEM))
    jwk = RSAKey.import_key(key.public_key()).as_dict(private=False)
    return path, {**jwk, "use": "sig", "alg": "RS256"}


def oid(login: str) -> str:
    return ACCOUNTS[login]["claims"]["oid"]


def email(login: str) -> str:
    return ACCOUNTS[login]["claims"]["email"]


def _client(client_id: str, bases: Iterable[str], **extra: object) -> dict:
    bases = list(bases)
    return {
        "client_id": client_id,
        "redirect_uris": [f"{base}/sign-in/council-account/callback" for base in bases],
        "post_logout_redirect_uris": [f"{base}/sign-in" for base in bases],
        "response_types": ["code"],
        "grant_types": ["authorization_code"],
        **extra,
    }


@dataclass
class Provider:
    """A running oidc-provider process."""

    issuer: str
    process: subprocess.Popen
    log: Path
    settings: dict = field(default_factory=dict)

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/jwks"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_provider(
    folder: Path,
    redirect_bases: Iterable[str],
    *,
    issuer: str | None = None,
    publish_jwks_from: str | None = None,
    certificate_jwk: dict | None = None,
) -> Provider:
    """Start the provider on a free port; `issuer` names another provider's issuer (the impostor), and
    `publish_jwks_from` makes its discovery document name that provider's keys while it signs with its own."""
    port = free_port()
    bases = list(redirect_bases)
    clients = [
        _client(CLIENT_ID, bases, client_secret=CLIENT_SECRET, token_endpoint_auth_method="client_secret_basic"),
        _client(SLOW_CLIENT_ID, bases, client_secret=CLIENT_SECRET, token_endpoint_auth_method="client_secret_basic"),
    ]
    if certificate_jwk is not None:
        clients.append(
            _client(
                CERTIFICATE_CLIENT_ID,
                bases,
                token_endpoint_auth_method="private_key_jwt",
                token_endpoint_auth_signing_alg="RS256",
                jwks={"keys": [certificate_jwk]},
            )
        )
    settings = {
        "issuer": issuer or f"http://127.0.0.1:{port}",
        "port": port,
        "kid": "council-signing-key",
        "clients": clients,
        "accounts": ACCOUNTS,
        "codeTtlSeconds": {SLOW_CLIENT_ID: 1},
        "publishJwksFrom": publish_jwks_from,
    }
    folder.mkdir(parents=True, exist_ok=True)
    settings_file = folder / f"provider-{port}.json"
    settings_file.write_text(json.dumps(settings))
    log = folder / f"provider-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["node", str(SCRIPT), str(settings_file)], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    provider = Provider(issuer=settings["issuer"], process=process, log=log, settings=settings)
    if not wait_for(lambda: "listening" in log.read_text() or process.poll() is not None, timeout=30):
        provider.stop()
        raise RuntimeError(f"the OpenID provider did not start: {log.read_text()}")
    if process.poll() is not None:
        raise RuntimeError(f"the OpenID provider stopped: {log.read_text()}")
    provider.settings["url"] = f"http://127.0.0.1:{port}"
    return provider


def url_of(provider: Provider) -> str:
    """Where the provider answers (the impostor answers on its own port under another's issuer name)."""
    return provider.settings["url"]


def sso_config(provider: Provider, base_url: str, **overrides: object) -> dict[str, object]:
    """The settings that turn council sign-in on against `provider`, for a tracker at `base_url`."""
    return {
        "BASE_URL": base_url,
        "SSO_ENABLED": True,
        "SSO_ISSUER_URL": url_of(provider),
        "SSO_CLIENT_ID": CLIENT_ID,
        "SSO_CLIENT_SECRET": CLIENT_SECRET,
        "SSO_CLIENT_CERTIFICATE": "",
        "SSO_ALLOWED_TENANTS": TENANT,
        "SSO_ROLE_CLAIM": "roles",
        "SSO_ROLES": ROLES,
        "SSO_COUNCIL_DOMAINS": COUNCIL_DOMAIN,
        "SSO_TIMEOUT_SECONDS": 10,
        **overrides,
    }


class PersonAtProvider:
    """Someone at the provider's sign-in page with a browser's cookies: follows its redirects, fills in its form,
    and stops where it sends them back to the tracker (returning that URL, not following it)."""

    def __init__(self, tracker_base: str) -> None:
        self.tracker_base = tracker_base
        self.http = requests.Session()

    def _follow(self, response: requests.Response) -> tuple[requests.Response | None, str | None]:
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(self.tracker_base):
                return None, location
            response = self.http.get(location, allow_redirects=False, timeout=10)
        return response, None

    def sign_in(self, authorize_url: str, login: str, password: str = PASSWORD) -> str:
        """The callback URL the provider sends the browser back to, after signing in as `login`."""
        page, back = self._follow(self.http.get(authorize_url, allow_redirects=False, timeout=10))
        if back is not None:  # already signed in at the provider
            return back
        assert page is not None and page.status_code == 200, page.text[:500] if page is not None else ""
        form = BeautifulSoup(page.text, "html.parser").select_one("form")
        assert form is not None, page.text[:500]
        response = self.http.post(
            urljoin(page.url, str(form["action"])),
            data={"login": login, "password": password},
            allow_redirects=False,
            timeout=10,
        )
        page, back = self._follow(response)
        assert back is not None, page.text[:1000] if page is not None else ""
        return back

    def open(self, url: str) -> tuple[requests.Response | None, str | None]:
        """Open a provider URL; the page it ends on, or the tracker URL it sends the browser back to."""
        return self._follow(self.http.get(url, allow_redirects=False, timeout=10))


def path_of(url: str) -> str:
    """The path and query of a URL, for the Flask test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
