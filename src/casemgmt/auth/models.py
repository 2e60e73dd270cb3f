"""Users (employees), their roles and services, personal API tokens, failed logins and the session store."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.extensions.litestar.store import StoreModelMixin
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casemgmt.directory.models import Service, service_links

user_services = service_links("user_services", "user_id", "users")


class User(BigIntAuditBase):
    """An employee. ``oidc_issuer`` and ``oidc_subject`` name them at the municipality's OpenID provider (the ID
    token's ``iss`` and ``sub``), set at their first sign-in there; unique together."""

    __tablename__ = "users"
    __table_args__ = (Index("uq_users_oidc_subject", "oidc_issuer", "oidc_subject", unique=True),)

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    max_caseload: Mapped[int | None] = mapped_column(Integer, default=None)
    oidc_issuer: Mapped[str | None] = mapped_column(String(255), default=None)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), default=None)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    services: Mapped[list[Service]] = relationship(secondary=user_services, lazy="selectin", order_by=Service.code)

    @property
    def roles(self) -> list[str]:
        return sorted(r.role for r in self.role_rows)

    @property
    def service_codes(self) -> list[str]:
        return [s.code for s in self.services]


class UserRole(BigIntAuditBase):
    __tablename__ = "user_roles"
    __table_args__ = (Index("uq_user_roles_user_role", "user_id", "role", unique=True),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="role_rows")


class ApiToken(BigIntAuditBase):
    """A personal API token; only the SHA-256 of the token is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class LoginFailure(BigIntAuditBase):
    """One failed login for an e-mail address, from a client address; the throttle counts these. A row is written
    before the password is checked (and removed again when it is right), so parallel attempts count each other."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_at", "email", "attempted_at"),
        Index("ix_login_failures_address_at", "address", "attempted_at"),
    )

    email: Mapped[str] = mapped_column(String(254))
    attempted_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    address: Mapped[str] = mapped_column(String(64), default="", server_default="")


class SessionStoreEntry(StoreModelMixin):
    """Server-side sessions, stored in the app's own database so any worker serves any request."""

    __tablename__ = "session_store"
