"""Configuration classes, read from environment variables with safe defaults.

Settings are read when first asked for, not when this module is imported: each one is an `Env` descriptor that
looks at the environment when the app is built (`app.config.from_object(Config())`) or when code reads
`Config.NAME`. So a test, a command or a process manager can set a variable after import and be obeyed, and no
test has to reload this module.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

BASE_DIR = Path(__file__).resolve().parent

T = TypeVar("T")


def instance_dir() -> Path:
    """The instance folder (database, secret key): TRACKER_INSTANCE_PATH, else instance/ beside this file."""
    return Path(os.environ.get("TRACKER_INSTANCE_PATH") or BASE_DIR / "instance")


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Env(Generic[T]):
    """A setting read from the environment variable `name` each time it is asked for; `default` when unset or
    empty. `cast` turns the variable's text into the setting's type."""

    def __init__(self, name: str, default: T, cast: Callable[[str], T]) -> None:
        self.name, self.default, self.cast = name, default, cast

    @overload
    def __get__(self, obj: None, owner: type) -> T: ...
    @overload
    def __get__(self, obj: object, owner: type) -> T: ...
    def __get__(self, obj: Any, owner: type) -> T:
        value = os.environ.get(self.name)
        return self.default if value is None or value.strip() == "" else self.cast(value)


def _text(name: str, default: str) -> Env[str]:
    return Env(name, default, str)


def _bool(name: str, default: bool) -> Env[bool]:
    return Env(name, default, _as_bool)


def _int(name: str, default: int) -> Env[int]:
    return Env(name, default, int)


def _float(name: str, default: float) -> Env[float]:
    return Env(name, default, float)


def _instance_secret_key() -> str:
    """The secret key kept in the instance folder, generated on first use."""
    folder = instance_dir()
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the old driver; SQLAlchemy 2.1 maps postgresql:// to psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    return url


class Config:
    """Settings shared by every environment."""

    ORGANISATION_NAME = _text("ORGANISATION_NAME", "Leicester City Council")
    SERVICE_NAME = "Inspection action tracker"
    TRACKER_TIMEZONE = _text("TRACKER_TIMEZONE", "Europe/London")
    SCHEDULER_ENABLED = _bool("SCHEDULER_ENABLED", True)
    BASE_URL = _text("BASE_URL", "http://127.0.0.1:5000")
    LOG_LEVEL = _text("LOG_LEVEL", "INFO")
    # `text` (one line per event) or `json` (one JSON object per line, for a log collector or an auditor).
    LOG_FORMAT = Env("LOG_FORMAT", "text", lambda value: value.strip().lower())
    # How many reverse proxies in front of the app to believe about the client's address, scheme and host
    # (X-Forwarded-For, -Proto, -Host). 0 trusts none: set 1 behind one TLS-terminating proxy.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
    # `flask db …`. gunicorn.conf.py turns it off: a web worker never migrates, and Alembic costs each 11 MB.
    MIGRATION_COMMANDS = _bool("TRACKER_MIGRATION_COMMANDS", True)

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    MAIL_SERVER = _text("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = _text("MAIL_USERNAME", "")
    MAIL_PASSWORD = _text("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = _text("MAIL_DEFAULT_SENDER", "inspection-tracker@localhost")
    # OAuth 2.0 (XOAUTH2) instead of a password, as Exchange Online wants: with a token endpoint set, the sender
    # gets an access token by the client-credentials flow and authenticates as MAIL_USERNAME (the mailbox; the
    # sender's address if empty). README, "Mail through Exchange Online".
    MAIL_OAUTH2_TOKEN_URL = _text("MAIL_OAUTH2_TOKEN_URL", "")
    MAIL_OAUTH2_CLIENT_ID = _text("MAIL_OAUTH2_CLIENT_ID", "")
    MAIL_OAUTH2_CLIENT_SECRET = _text("MAIL_OAUTH2_CLIENT_SECRET", "")
    MAIL_OAUTH2_SCOPE = _text("MAIL_OAUTH2_SCOPE", "https://outlook.office365.com/.default")

    # A 20 MB upload and 20 MB of pasted text (a little over either is still read, so the form can say which
    # is too big and keep the text); anything bigger is refused before it is read, with a 413 page.
    MAX_CONTENT_LENGTH = 42 * 1024 * 1024
    # Werkzeug's limit on one text field (500 kB unless set): pasted report text may be 20 MB, and a little
    # more is read so the form can say it is too big.
    MAX_FORM_MEMORY_SIZE = 30 * 1024 * 1024
    # Werkzeug's limit on fields in one post (1,000 unless set): the review page posts 5 for each recommendation.
    MAX_FORM_PARTS = 5000
    # Reading an uploaded report or plan, or pasted report text, happens in a child process with these bounds
    # (tracker.sandbox): CPU seconds, memory in MB (address space) and seconds on the clock. The 48-page report
    # in tests/fixtures takes about 1 s of CPU and 80 MB; a file past a bound is refused with a sentence.
    FILE_READ_CPU_SECONDS = _int("FILE_READ_CPU_SECONDS", 20)
    FILE_READ_MEMORY_MB = _int("FILE_READ_MEMORY_MB", 512)
    FILE_READ_SECONDS = _int("FILE_READ_SECONDS", 30)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a long review page still submits
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60  # also the server-side idle limit (tracker/auth/sessions.py)

    # Sign-in with the council's accounts (Entra ID, OpenID Connect); off unless SSO_ENABLED. README, Single sign-on.
    SSO_ENABLED = _bool("SSO_ENABLED", False)
    SSO_ISSUER_URL = _text("SSO_ISSUER_URL", "")  # or the discovery document's own URL
    SSO_CLIENT_ID = _text("SSO_CLIENT_ID", "")
    SSO_CLIENT_SECRET = _text("SSO_CLIENT_SECRET", "")
    SSO_CLIENT_CERTIFICATE = _text("SSO_CLIENT_CERTIFICATE", "")  # PEM: private key and certificate
    SSO_ALLOWED_TENANTS = _text("SSO_ALLOWED_TENANTS", "")
    SSO_ROLE_CLAIM = _text("SSO_ROLE_CLAIM", "roles")
    SSO_ROLES = _text("SSO_ROLES", "")
    SSO_COUNCIL_DOMAINS = _text("SSO_COUNCIL_DOMAINS", "")
    SSO_TIMEOUT_SECONDS = _int("SSO_TIMEOUT_SECONDS", 10)

    INVITATION_DAYS = _int("INVITATION_DAYS", 7)
    PASSWORD_RESET_HOURS = _int("PASSWORD_RESET_HOURS", 2)

    # Reminders (DESIGN §6): when they go out and what they contain. Times are TRACKER_TIMEZONE.
    DIGEST_TIME = _text("DIGEST_TIME", "07:30")
    DUE_SOON_WORKING_DAYS = _int("DUE_SOON_WORKING_DAYS", 10)
    ESCALATION_WORKING_DAYS = _int("ESCALATION_WORKING_DAYS", 10)
    STALE_UPDATE_WEEKS = _int("STALE_UPDATE_WEEKS", 6)
    UPDATE_REQUEST_WORKING_DAYS = _int("UPDATE_REQUEST_WORKING_DAYS", 5)
    SUMMARY_DEADLINE_WORKING_DAYS = _int("SUMMARY_DEADLINE_WORKING_DAYS", 20)
    ACTION_LINK_DAYS = _int("ACTION_LINK_DAYS", 14)
    # The read-only API: requests a minute for each token (a Power BI refresh of 10,000 actions is 10 to 100).
    API_REQUESTS_PER_MINUTE = _int("API_REQUESTS_PER_MINUTE", 300)
    # The outbox sender: retries back off exponentially from OUTBOX_RETRY_SECONDS.
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 5)
    OUTBOX_RETRY_SECONDS = _int("OUTBOX_RETRY_SECONDS", 60)
    OUTBOX_BATCH_SIZE = _int("OUTBOX_BATCH_SIZE", 500)
    OUTBOX_CLAIM_TIMEOUT_SECONDS = _int("OUTBOX_CLAIM_TIMEOUT_SECONDS", 600)
    MAIL_TIMEOUT_SECONDS = _int("MAIL_TIMEOUT_SECONDS", 30)
    # The single scheduler: its lease expires unless renewed; a standby retries at the same interval.
    SCHEDULER_LEASE_SECONDS = _float("SCHEDULER_LEASE_SECONDS", 60.0)
    SCHEDULER_HEARTBEAT_SECONDS = _float("SCHEDULER_HEARTBEAT_SECONDS", 15.0)

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _instance_secret_key()
        self.SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{instance_dir() / 'tracker.sqlite'}")


class DevelopmentConfig(Config):
    """`make run`: SQLite in the instance folder, mail kept in the outbox."""

    DEBUG = False


class TestingConfig(Config):
    """The test suite: a throwaway database named by TEST_DATABASE_URL."""

    TESTING = True
    SCHEDULER_ENABLED = False
    WTF_CSRF_ENABLED = True

    def __init__(self) -> None:
        self.SECRET_KEY = "test-secret-key-not-for-production"
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")


class ProductionConfig(Config):
    """Production: refuses to start without SECRET_KEY, DATABASE_URL and ORGANISATION_NAME (so no council's
    service is ever headed with the demo's council by default)."""

    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    def __init__(self) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "ORGANISATION_NAME") if not os.environ.get(name)]
        if missing:
            names = " and ".join(filter(None, [", ".join(missing[:-1]), missing[-1]]))
            raise RuntimeError(f"Production configuration needs {names} set in the environment")
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = _database_url(os.environ["DATABASE_URL"])


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """The config class named by TRACKER_ENV (development by default)."""
    name = os.environ.get("TRACKER_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"TRACKER_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
