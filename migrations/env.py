"""Alembic environment: one transaction per run on PostgreSQL, batch mode on SQLite, the app's own engine setup."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

import casemgmt.models  # noqa: F401  (registers every table on the metadata)
from casemgmt.db import compare_type, create_engine, include_object, metadata
from casemgmt.settings import Settings

config = context.config


def _settings() -> Settings:
    settings = config.attributes.get("settings")
    if settings is None:
        settings = Settings()
    return settings


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=compare_type,
        include_object=include_object,
        compare_server_default=False,
        user_module_prefix="advanced_alchemy.types.",
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(_settings(), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=_settings().database_url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        user_module_prefix="advanced_alchemy.types.",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(_run_async())
