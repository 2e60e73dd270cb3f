"""Runtime settings, read once from ``CASEMGMT_*`` environment variables and passed down explicitly."""

from __future__ import annotations

import json
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


def parse_group_map_json(text: str) -> dict[str, list[str]]:
    """``CASEMGMT_OIDC_GROUP_MAP``: a JSON object from group name to a target or a list of targets (strings); the
    targets' meaning (a role, ``service:CODE``) is checked by ``signin.rules.parse_group_map``."""
    name = "CASEMGMT_OIDC_GROUP_MAP"
    example = '{"casemgmt-kcc": ["kcc_agent", "service:KCC"], "casemgmt-szw": "service:SZW"}'
    try:
        raw = json.loads(text)
    except ValueError:
        raise ValueError(f"{name} is not valid JSON, e.g. {example}") from None
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{name} must be a JSON object from group to role or service, e.g. {example}")
    result: dict[str, list[str]] = {}
    for group, target in raw.items():
        targets = [target] if isinstance(target, str) else target
        if not group.strip() or not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise ValueError(f"{name}: group {group!r} must map to a text or a list of texts, e.g. {example}")
        result[group.strip()] = [t.strip() for t in targets]
    return result


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
    access_log: bool = False
    """``CASEMGMT_ACCESS_LOG``: log every request (uvicorn's access log, at info level). Off by default: a line per
    request costs the worker time on the hot paths; the proxy in front usually logs requests already."""
    smtp_url: str | None = None
    """Where notification mails are sent (``parse_smtp_url``); without it they stay in the outbox."""
    mail_from: str = "casemgmt <noreply@casemgmt.invalid>"
    digest_at: str = "07:30"
    """The time of day (Europe/Amsterdam) from which the daily digest is composed on business days."""
    base_url: str = "http://127.0.0.1:8000"
    """The address employees open casemgmt at, for the links in mails and the OpenID Connect redirect URI."""
    password_login: bool = True
    """Local passwords on the login page; ``false`` leaves only the municipality's OpenID provider."""
    oidc_issuer: str | None = None
    """The OpenID provider's issuer URL (discovery at ``<issuer>/.well-known/openid-configuration``); unset: no OIDC."""
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    """Without a secret casemgmt is a public client (PKCE only, token endpoint auth ``none``)."""
    oidc_scopes: str = "openid email profile"
    oidc_clock_skew_seconds: int = 60
    """How far the provider's clock may be off when an ID token's ``exp`` and ``iat`` are checked (0..300)."""
    oidc_create_users: bool = False
    """Create an employee at their first sign-in (else only known employees may sign in)."""
    oidc_groups_claim: str = "groups"
    """The ID token claim listing the employee's groups (Entra ID app roles: ``roles``)."""
    oidc_group_map: str | None = None
    """JSON ``{"group": "role" | "service:CODE" | [...]}``; unset: ``signin.rules.DEFAULT_GROUP_MAP``."""

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

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_is_https(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        local = parts.hostname in ("localhost", "127.0.0.1", "::1")
        if not parts.netloc or not (parts.scheme == "https" or (parts.scheme == "http" and local)):
            raise ValueError(
                "CASEMGMT_OIDC_ISSUER must be the provider's https address, e.g. "
                "https://login.gemeente.nl/realms/medewerkers (http only on localhost)"
            )
        return value.strip()

    @field_validator("oidc_clock_skew_seconds")
    @classmethod
    def _skew_is_bounded(cls, value: int) -> int:
        if not 0 <= value <= 300:
            raise ValueError("CASEMGMT_OIDC_CLOCK_SKEW_SECONDS must be from 0 to 300 seconds")
        return value

    @field_validator("oidc_group_map")
    @classmethod
    def _group_map_is_json(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parse_group_map_json(value)
        return value

    @model_validator(mode="after")
    def _oidc_is_complete(self) -> Settings:
        if self.oidc_issuer and not self.oidc_client_id:
            raise ValueError("CASEMGMT_OIDC_ISSUER is set: set CASEMGMT_OIDC_CLIENT_ID too")
        if not self.password_login and not self.oidc_issuer:
            raise ValueError(
                "CASEMGMT_PASSWORD_LOGIN=false leaves no way to sign in: set CASEMGMT_OIDC_ISSUER and "
                "CASEMGMT_OIDC_CLIENT_ID (or keep password login on)"
            )
        return self

    @model_validator(mode="after")
    def _driver_is_named(self) -> Settings:
        scheme = self.database_url.split("://", 1)[0]
        if "+" not in scheme:
            raise ValueError(
                "CASEMGMT_DATABASE_URL must name its driver, e.g. sqlite+aiosqlite:///… or postgresql+asyncpg://…"
            )
        return self

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def group_map(self) -> dict[str, list[str]] | None:
        """``CASEMGMT_OIDC_GROUP_MAP`` read (each group's targets as a list), or None for the default map."""
        return parse_group_map_json(self.oidc_group_map) if self.oidc_group_map else None

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
