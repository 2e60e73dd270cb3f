"""Runtime settings, read once from ``CASEMGMT_*`` environment variables and passed down explicitly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Mode(StrEnum):
    PRODUCTION = "production"
    DEMO = "demo"
    TEST = "test"


class SettingsError(RuntimeError):
    """The settings cannot be used to start casemgmt."""


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'casemgmt.sqlite3'}"


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes: ``smtp://user:pass@host:587?starttls=true`` (STARTTLS), ``smtps://user:pass@host:465``
    (TLS from the first byte) or ``smtp://host:25`` (plain, e.g. a relay on localhost)."""

    host: str
    port: int
    tls: bool
    """Implicit TLS (``smtps://``)."""
    starttls: bool
    username: str | None
    password: str | None

    def describe(self) -> str:
        """Host, port and security, never the password (for logs and the CLI)."""
        security = "TLS" if self.tls else "STARTTLS" if self.starttls else "onversleuteld"
        user = f"{self.username}@" if self.username else ""
        return f"{user}{self.host}:{self.port} ({security})"


_TRUE, _FALSE = ("true", "1", "yes", "ja"), ("false", "0", "no", "nee")


def parse_smtp_url(url: str) -> SmtpSettings:
    """``CASEMGMT_SMTP_URL`` read into its parts; ValueError with a message naming what is wrong."""
    name = "CASEMGMT_SMTP_URL"
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(
            f"{name} must start with smtp:// or smtps://, e.g. smtp://user:password@mail.example.nl:587?starttls=true"
        )
    if not parts.hostname:
        raise ValueError(f"{name} names no host, e.g. smtp://mail.example.nl:587")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:
        raise ValueError(f"{name} has a port that is not a number from 1 to 65535")
    tls = parts.scheme == "smtps"
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"starttls"})
    if unknown:
        raise ValueError(f"{name} has unknown options {', '.join(unknown)} (only starttls=true|false)")
    starttls_text = (query.get("starttls") or [""])[-1].lower()
    if starttls_text and starttls_text not in _TRUE + _FALSE:
        raise ValueError(f"{name}: starttls must be true or false")
    starttls = starttls_text in _TRUE if starttls_text else (not tls and port == 587)
    if tls and starttls:
        raise ValueError(f"{name}: smtps:// already uses TLS; leave out starttls=true")
    return SmtpSettings(
        host=parts.hostname,
        port=port or (465 if tls else 587 if starttls else 25),
        tls=tls,
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_clock(text: str, name: str = "CASEMGMT_DIGEST_AT") -> time:
    """``"07:30"`` → 07:30; ValueError naming the setting for anything else."""
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ValueError(f"{name} must be a time of day as HH:MM (Europe/Amsterdam), e.g. 07:30")
    return time(int(match.group(1)), int(match.group(2)))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEMGMT_", extra="ignore", hide_input_in_errors=True)
    """hide_input_in_errors: a refused CASEMGMT_SMTP_URL is not echoed with its password."""

    database_url: str = default_database_url()
    mode: Mode = Mode.PRODUCTION
    secret_key: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    templates_dir: Path = PROJECT_ROOT / "templates"
    assets_dir: Path = PROJECT_ROOT / "node_modules"
    migrations_dir: Path = PROJECT_ROOT / "migrations"
    pilots_dir: Path = PROJECT_ROOT / "pilots"
    """The pilot definitions (``*.toml``) that Beheer > Pilots loads with "Opnieuw laden"."""
    session_max_age_seconds: int = 8 * 60 * 60
    echo_sql: bool = False
    smtp_url: str | None = None
    """Where notification mails are sent (``parse_smtp_url``); without it they stay in the outbox."""
    mail_from: str = "casemgmt <noreply@casemgmt.invalid>"
    digest_at: str = "07:30"
    """The time of day (Europe/Amsterdam) from which the daily digest is composed on business days."""
    base_url: str = "http://127.0.0.1:8000"
    """The address employees open casemgmt at, for the links in mails."""

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_is_usable(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parse_smtp_url(value)
        return value.strip()

    @field_validator("digest_at")
    @classmethod
    def _digest_at_is_a_clock(cls, value: str) -> str:
        parse_clock(value)
        return value.strip()

    @field_validator("mail_from")
    @classmethod
    def _mail_from_is_an_address(cls, value: str) -> str:
        if "@" not in value or "\n" in value or "\r" in value:
            raise ValueError("CASEMGMT_MAIL_FROM must be an e-mail address, e.g. casemgmt <noreply@gemeente.nl>")
        return value.strip()

    @field_validator("base_url")
    @classmethod
    def _base_url_is_http(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("CASEMGMT_BASE_URL must be an http(s) address, e.g. https://casemgmt.gemeente.nl")
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _driver_is_named(self) -> Settings:
        scheme = self.database_url.split("://", 1)[0]
        if "+" not in scheme:
            raise ValueError(
                "CASEMGMT_DATABASE_URL must name its driver, e.g. sqlite+aiosqlite:///… or postgresql+asyncpg://…"
            )
        return self

    @property
    def smtp(self) -> SmtpSettings | None:
        return parse_smtp_url(self.smtp_url) if self.smtp_url else None

    @property
    def digest_time(self) -> time:
        return parse_clock(self.digest_at)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return self.mode is Mode.PRODUCTION

    def require_secret_key(self) -> str:
        """The key for CSRF tokens; demo and test mode derive one, production refuses to start without it."""
        if self.secret_key:
            return self.secret_key
        if self.mode is Mode.PRODUCTION:
            raise SettingsError(
                "CASEMGMT_SECRET_KEY is required in production mode (set CASEMGMT_SECRET_KEY, "
                "or CASEMGMT_MODE=demo for a local demo)."
            )
        return f"casemgmt-{self.mode.value}-not-secret-{self.database_url}"
