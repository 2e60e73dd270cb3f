"""Runtime settings, read once from ``CASEMGMT_*`` environment variables and passed down explicitly."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import model_validator
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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEMGMT_", extra="ignore")

    database_url: str = default_database_url()
    mode: Mode = Mode.PRODUCTION
    secret_key: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    templates_dir: Path = PROJECT_ROOT / "templates"
    assets_dir: Path = PROJECT_ROOT / "node_modules"
    migrations_dir: Path = PROJECT_ROOT / "migrations"
    session_max_age_seconds: int = 8 * 60 * 60
    echo_sql: bool = False

    @model_validator(mode="after")
    def _driver_is_named(self) -> Settings:
        scheme = self.database_url.split("://", 1)[0]
        if "+" not in scheme:
            raise ValueError(
                "CASEMGMT_DATABASE_URL must name its driver, e.g. sqlite+aiosqlite:///… or postgresql+asyncpg://…"
            )
        return self

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
