"""People who use the tracker, their sessions and their single-use email tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.models.base import Base, IdMixin, TimestampMixin, enum_type, utcnow
from tracker.models.enums import AuthSource, DigestPreference, NoticePreference, Role, TokenPurpose


class User(UserMixin, IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.VIEWER)
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    digest_preference: Mapped[DigestPreference] = mapped_column(
        enum_type(DigestPreference), default=DigestPreference.DAILY
    )
    notice_preference: Mapped[NoticePreference] = mapped_column(
        enum_type(NoticePreference), default=NoticePreference.IMMEDIATE, server_default=NoticePreference.IMMEDIATE.value
    )
    last_login_at: Mapped[datetime | None]
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The directory's immutable id for the person (Entra ID's `oid`, else `sub`), once they have signed in with their
    # council account: the only thing a council sign-in is matched on (never the email address, which can change).
    directory_id: Mapped[str | None] = mapped_column(String(128))
    auth_source: Mapped[AuthSource] = mapped_column(
        enum_type(AuthSource), default=AuthSource.PASSWORD, server_default=AuthSource.PASSWORD.value
    )

    line_manager: Mapped["User | None"] = relationship(remote_side="User.id", foreign_keys=[line_manager_id])

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        """Store a scrypt hash of the password, never the password."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def is_invited(self) -> bool:
        """Invited but has not chosen a password yet (someone who signs in with a council account never needs one)."""
        return not self.password_hash and self.auth_source == AuthSource.PASSWORD

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


Index("uq_users_email_lower", func.lower(User.email), unique=True)
Index("uq_users_directory_id", User.directory_id, unique=True)


class UserToken(IdMixin, Base):
    """A single-use, expiring link sent by email (invitation or password reset); only its hash is kept."""

    __tablename__ = "user_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class UserSession(IdMixin, Base):
    """A signed-in browser. The session cookie carries a random token whose hash names this row; a request
    whose row is gone (signed out, signed out everywhere, new password, deactivated) or idle past the limit
    is signed out, even with a copied cookie."""

    __tablename__ = "user_sessions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The council account's id token when the session began with one: the hint for the provider's sign-out.
    id_token: Mapped[str | None] = mapped_column(Text)
