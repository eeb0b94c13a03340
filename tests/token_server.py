"""A small real OAuth 2.0 token endpoint on 127.0.0.1 (the client-credentials grant, as Entra ID answers it) that
issues access tokens as RS256-signed JWTs, and the check a mail server makes of one (signature, audience, role,
expiry). Both read the time from one `WorldClock`, so a test can move the outside world's clock on while the
tracker's stays put (a token that the tracker still believes in has expired for the mail server).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.postgres_cluster import free_port

AUDIENCE = "https://outlook.office365.com"
SCOPE = "https://outlook.office365.com/.default"
SEND_AS_APP = "SMTP.SendAsApp"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class WorldClock:
    """Real time, plus however far a test has moved it on."""

    offset: float = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class InvalidToken(Exception):
    pass


@dataclass
class TokenServer:
    client_id: str
    client_secret: str
    clock: WorldClock = field(default_factory=WorldClock)
    lifetime: int = 3600  # seconds, as `expires_in` says and the token's `exp` claim holds
    issued: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.port = free_port()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/oauth2/v2.0/token"

    # The endpoint ------------------------------------------------------------------------------------------------

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server hook's name
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = server.answer(self.path, form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if path != "/oauth2/v2.0/token":
            return 404, {"error": "not_found"}
        if form.get("grant_type") != "client_credentials":
            return self._refuse(400, "unsupported_grant_type", "AADSTS70003: The grant type is not supported.")
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return self._refuse(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        if form.get("scope") != SCOPE:
            return self._refuse(400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid.")
        token = self.issue()
        return 200, {"token_type": "Bearer", "expires_in": self.lifetime, "ext_expires_in": self.lifetime,
                     "access_token": token}  # fmt: skip

    def _refuse(self, status: int, error: str, description: str) -> tuple[int, dict[str, Any]]:
        self.refused.append(error)
        return status, {"error": error, "error_description": description + "\r\nTrace ID: 0000\r\nTimestamp: now"}

    # Tokens ------------------------------------------------------------------------------------------------------

    def issue(self) -> str:
        now = int(self.clock.now())
        header = {"alg": "RS256", "typ": "JWT", "kid": "test-key"}
        claims = {
            "iss": f"http://127.0.0.1:{self.port}/",
            "aud": AUDIENCE,
            "appid": self.client_id,
            "roles": [SEND_AS_APP],
            "iat": now,
            "nbf": now,
            "exp": now + self.lifetime,
            "jti": uuid.uuid4().hex,
        }
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        signature = self._key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        token = f"{signing_input}.{_b64(signature)}"
        self.issued.append(token)
        return token

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, if this server signed it for Exchange with SMTP.SendAsApp and it has not expired."""
        try:
            header_part, claims_part, signature_part = token.split(".")
            header, claims = json.loads(_unb64(header_part)), json.loads(_unb64(claims_part))
            self._key.public_key().verify(
                _unb64(signature_part), f"{header_part}.{claims_part}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except (ValueError, InvalidSignature) as error:
            raise InvalidToken("bad signature or not a JWT") from error
        if header.get("alg") != "RS256":
            raise InvalidToken("wrong algorithm")
        now = self.clock.now()
        if claims.get("exp", 0) <= now:
            raise InvalidToken("expired")
        if claims.get("nbf", now) > now:
            raise InvalidToken("not yet valid")
        if claims.get("aud") != AUDIENCE or SEND_AS_APP not in claims.get("roles", []):
            raise InvalidToken("wrong audience or role")
        return claims
