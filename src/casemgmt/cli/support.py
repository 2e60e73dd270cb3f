"""What every casemgmt command shares: the settings it reads, the password hasher, one transaction per command, the
audit log it writes to, and exit code 2 with Dutch messages for bad input (nothing written)."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import anyio
import click

from casemgmt.errors import DomainError, InvalidInput

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy.ext.asyncio import AsyncSession

    from casemgmt.audit.services import AuditLog
    from casemgmt.auth.passwords import Passwords
    from casemgmt.settings import Settings

T = TypeVar("T")

EXIT_BAD_INPUT = 2


def cli_settings() -> Settings:
    """Commands read the same ``CASEMGMT_*`` settings as the app they manage."""
    from casemgmt.settings import Settings

    return Settings()


def cli_passwords() -> Passwords:
    from casemgmt.auth.middleware import passwords_for

    return passwords_for(cli_settings())


def cli_audit(session: AsyncSession) -> AuditLog:
    """The audit log of a command: no signed-in actor, request id ``cli``."""
    from casemgmt.audit.services import AuditLog

    return AuditLog(session, actor=None, request_id="cli")


def count_lines(path: Path) -> int:
    """The number of lines in a file (the length of an import's progress bar)."""
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


@asynccontextmanager
async def transaction(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A database session that commits when the block succeeds (and then changes the data version) and rolls back
    on any error."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from casemgmt.db import create_alchemy_config, create_engine
    from casemgmt.web.data_version import change_data_version, data_version_store

    engine = create_engine(settings)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            yield session
        # after the commit, like the web's writes: figures cached from the data are computed afresh
        await change_data_version(data_version_store(create_alchemy_config(engine)))
    finally:
        await engine.dispose()


def run_in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction; domain errors print in Dutch and exit with code 2, writing nothing."""
    settings = cli_settings()

    async def main() -> T:
        async with transaction(settings) as session:
            return await work(session)

    return run_or_exit(main)


def run_or_exit(main: Callable[[], Awaitable[T]]) -> T:
    """Run a command's async ``main``; domain errors print in Dutch and exit with code 2."""
    try:
        return anyio.run(main)
    except InvalidInput as exc:
        for error in exc.errors:
            click.echo(f"Fout in {error.field}: {error.message}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except DomainError as exc:
        click.echo(f"Fout: {exc.message}", err=True)
        sys.exit(EXIT_BAD_INPUT)
