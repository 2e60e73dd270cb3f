"""The database: engine (SQLite pragmas, asyncpg), the advanced-alchemy config, the shared metadata, migrations."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from advanced_alchemy.base import orm_registry
from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyAsyncConfig
from advanced_alchemy.types import GUID
from alembic import command
from alembic.config import Config as AlembicConfig
from litestar.di import NamedDependency
from sqlalchemy import event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from casemgmt.settings import Settings

metadata = orm_registry.metadata

DbSession = NamedDependency[AsyncSession]
"""A handler's database session: advanced-alchemy's ``db_session`` dependency, named explicitly (Litestar 3 no longer
infers dependencies from parameter names)."""

SQLITE_BUSY_TIMEOUT_MS = 10_000

PING_AFTER_IDLE_SECONDS = 10.0
"""A pooled PostgreSQL connection idle for longer than this is pinged before it is handed out again."""


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(settings: Settings, **kwargs: Any) -> AsyncEngine:
    """An async engine for the configured URL; every SQLite connection enforces foreign keys and uses WAL, every
    PostgreSQL connection runs without JIT compilation."""
    if settings.is_sqlite:
        path = settings.database_url.split("///", 1)[1] if "///" in settings.database_url else ""
        if not path or path == ":memory:":
            raise ValueError("casemgmt needs a SQLite file, not :memory: (each pooled connection would be empty)")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    else:
        # No JIT compilation on any connection: PostgreSQL compiles a statement whose estimated cost passes
        # jit_above_cost, and compiling took 80 ms for the worklist's count (an OR with a subplan estimated at 275k,
        # executed in 3 ms) and 170–330 ms per Trends aggregate at ``large``: more than any execution it sped up.
        kwargs.setdefault("connect_args", {"server_settings": {"jit": "off"}})
    engine = create_async_engine(settings.database_url, echo=settings.echo_sql, **kwargs)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        for moment in ("connect", "checkin"):
            event.listen(engine.sync_engine, moment, _note_idle_since)
        event.listen(engine.sync_engine, "checkout", ping_if_idle)
    return engine


def _note_idle_since(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
    record.info["idle_since"] = time.monotonic()


def ping_if_idle(
    dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection | None = None
) -> None:
    """Ping a connection that sat in the pool for more than ``PING_AFTER_IDLE_SECONDS`` before handing it out; a
    dead one is replaced by a fresh one (the pool retries on ``DisconnectionError``).

    Instead of SQLAlchemy's ``pool_pre_ping``, which pings on every checkout: on asyncpg a ping is three round trips
    (BEGIN, an empty statement, ROLLBACK), as many as the rest of the floor's read together. A connection back in the
    pool a moment ago is as alive as the ping would find it; one that waited out a quiet spell or a server restart is
    checked. A connection that dies mid-request fails that request, as it would with a ping."""
    idle_since = record.info.get("idle_since")
    if isinstance(idle_since, float) and time.monotonic() - idle_since <= PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.ping()  # type: ignore[attr-defined]  # SQLAlchemy's asyncpg adapter has ping()
    except Exception as exc:
        raise DisconnectionError("the pooled connection did not answer its ping") from exc


async def refresh_planner_statistics(session: AsyncSession) -> None:
    """Run ANALYZE so the query planner knows the new sizes after a bulk load (generator, dossier import).

    Without it PostgreSQL plans the pilot metrics on empty-table estimates until autovacuum catches up (seen: 3.1 s
    instead of 0.17 s at ``medium``), and SQLite has no statistics at all."""
    if session.get_bind().dialect.name == "sqlite":
        # Sample at most ~1,000 rows per index (SQLite's recommendation), so ANALYZE stays quick at any size.
        await session.execute(text("PRAGMA analysis_limit=1000"))
    await session.execute(text("ANALYZE"))


async def plan_with_parameter_values(session: AsyncSession) -> None:
    """PostgreSQL: plan the rest of this transaction's statements for their actual parameter values.

    asyncpg prepares every statement, and after five runs PostgreSQL may switch a prepared statement to a generic
    plan that ignores the values (which pilot, which period). For the aggregate queries behind the pilot and survey
    figures that generic plan scans whole tables: the pilot metrics went from 0.1 s to 0.6 s on the sixth request at
    ``large``. Planning each time costs a few milliseconds; the casework pages keep their cached plans.

    (JIT compilation is off for every connection, see ``create_engine``.)"""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def create_alchemy_config(engine: AsyncEngine) -> SQLAlchemyAsyncConfig:
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        # casemgmt stores no FileObjects and uses no dogpile cache: their commit/flush listeners only cost time
        # (they rebuild the engine's execution options on every commit).
        session_config=AsyncSessionConfig(expire_on_commit=False, info={"enable_cache_listener": False}),
        enable_file_object_listener=False,
        before_send_handler="autocommit_include_redirects",
        create_all=False,
    )


def compare_type(
    _context: Any, _inspected: Any, metadata_column: Any, _inspected_type: Any, metadata_type: Any
) -> bool | None:
    """Alembic type comparison: advanced-alchemy's GUID reflects as NUMERIC/BLOB on SQLite and UUID on PostgreSQL,
    which is not a difference. Everything else uses Alembic's default comparison."""
    if isinstance(metadata_type, GUID):
        return False
    return None


SEARCH_INDEX_TABLES = ("knowledge_search",)
"""Tables the migrations keep outside the metadata: SQLite's FTS5 index of the kennisbank (``knowledge/search.py``)
with its shadow tables and vocabulary, all named ``knowledge_search…``."""
SEARCH_INDEXES = ("ix_knowledge_articles_search",)
"""Indexes the migrations keep outside the metadata: PostgreSQL's GIN expression index of the kennisbank."""


def include_object(_object: Any, name: str | None, type_: str, reflected: bool, _compare_to: Any) -> bool:
    """Alembic comparison: the search index and its tables are the migrations' own, not the models' (no drift)."""
    if type_ == "table" and reflected and (name or "").startswith(SEARCH_INDEX_TABLES):
        return False
    return not (type_ == "index" and reflected and name in SEARCH_INDEXES)


def alembic_config(settings: Settings) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(settings.migrations_dir))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate the database up (Alembic's env runs its own event loop: call from sync code or a worker thread)."""
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)


async def upgrade_async(settings: Settings, revision: str = "head") -> None:
    await asyncio.to_thread(upgrade, settings, revision)
