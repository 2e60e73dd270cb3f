"""Test fixtures: one suite, two databases.

SQLite by default; PostgreSQL when ``CASEMGMT_TEST_DATABASE_URL`` is set. The real migrations run once per session,
and one app serves the whole session; every test that asks for ``app`` starts from empty tables with the reference
services loaded (``tests/isolation.py`` empties only what the previous test wrote).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from casemgmt.app import create_app
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.services import Accounts
from casemgmt.db import create_engine, metadata, upgrade
from casemgmt.metrics.cache import figures_cache_of
from casemgmt.settings import Mode, Settings
from tests.isolation import Isolation
from tests.worlds.oidc import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from tests.worlds.personas import PASSWORD, Person, csrf_from, csrf_token, login  # noqa: F401 (used by tests)

# Property tests judge correctness, not speed: on a loaded two-core CI machine a pure function may take longer than
# hypothesis's 200 ms per example (speed is measured by the benchmarks, as ratios).
hypothesis_settings.register_profile("casemgmt", deadline=None)
hypothesis_settings.load_profile("casemgmt")

# The test clients are httpx clients: one INFO line per request is noise (and, written to a stream pytest has
# closed after an earlier test, a "Logging error").
logging.getLogger("httpx").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def test_database_url(tmp_dir: Path) -> str:
    url = os.environ.get("CASEMGMT_TEST_DATABASE_URL")
    if url:
        return worker_database(url)
    return f"sqlite+aiosqlite:///{tmp_dir / 'casemgmt-test.sqlite3'}"


def worker_database(url: str) -> str:
    """Under pytest-xdist every worker has a PostgreSQL database of its own (``cm_tests`` → ``cm_tests_gw0``, …),
    created here on first use. (SQLite needs nothing: each worker has its own temporary directory.)"""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    import anyio

    base, _, name = url.rpartition("/")
    own = f"{name}_{worker}"

    async def create() -> None:
        engine = create_engine(Settings(database_url=url, mode=Mode.TEST, secret_key="x"), isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            if not await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own}):
                await conn.execute(text(f'CREATE DATABASE "{own}"'))
        await engine.dispose()

    anyio.run(create)
    return f"{base}/{own}"


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """The test session's OpenID provider (``tests/worlds/oidc.py``), running in a thread."""
    with running_provider() as provider:
        yield provider


@pytest.fixture(scope="session")
def live_socket() -> Iterator[socket.socket]:
    """The socket the browser tests' server will listen on, bound (and so reserved) first: its port is part of
    ``CASEMGMT_BASE_URL``, which names the OpenID Connect redirect URI."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock
    sock.close()


@pytest.fixture(scope="session")
def live_port(live_socket: socket.socket) -> int:
    return int(live_socket.getsockname()[1])


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, oidc_provider: Provider, live_port: int) -> Settings:
    """The session's settings: password login on, and OpenID Connect with the test provider (creating users)."""
    url = test_database_url(tmp_path_factory.mktemp("db"))
    return Settings(
        database_url=url,
        mode=Mode.TEST,
        secret_key="test-secret-key",
        base_url=f"http://127.0.0.1:{live_port}",
        oidc_issuer=oidc_provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_create_users=True,
    )


def reset_schema(settings: Settings) -> None:
    """Start the session from an empty database (PostgreSQL keeps its schema between runs)."""
    import anyio

    async def drop() -> None:
        engine = create_engine(settings)
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    anyio.run(drop)


@pytest.fixture(scope="session")
def migrated(settings: Settings) -> Settings:
    reset_schema(settings)
    upgrade(settings)
    return settings


async def empty_tables(session: AsyncSession) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SET LOCAL session_replication_role = replica"))  # past the audit log's trigger
        await session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            await session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (names from our own metadata)
        await session.execute(text("DELETE FROM knowledge_search"))  # the kennisbank's FTS5 index


@pytest.fixture(scope="session")
def session_app(migrated: Settings) -> Iterator[Litestar]:
    """The one app of the test session (tests that need other settings build their own)."""
    # NullPool: the test client runs the app on its own event loop (a blocking portal thread), uvicorn on another,
    # and asyncpg connections belong to the loop that opened them.
    application = create_app(migrated, engine=create_engine(migrated, poolclass=NullPool))
    application.state.isolation = Isolation()
    yield application


@pytest.fixture
async def app(session_app: Litestar) -> Litestar:
    """The session's app, on a database reset to empty tables with the reference services loaded, and with no
    figures cached from an earlier test (the emptied store gives every test the same empty data version)."""
    await session_app.state.isolation.reset(session_app.state.engine)
    figures_cache_of(session_app.state).clear()
    return session_app


@pytest.fixture
def db(app: Litestar) -> Callable[[], AsyncSession]:
    """A session factory on the app's engine, for arranging data and checking what was written."""
    return async_sessionmaker(app.state.engine, expire_on_commit=False)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


UserFactory = Callable[..., Awaitable[Person]]


@pytest.fixture
def make_user(db: Callable[[], AsyncSession]) -> UserFactory:
    """``await make_user("casemanager", …)`` in a transaction of its own, or in the caller's ``session=`` (a world
    that makes many people at once saves a connection and a commit per person)."""
    counter = {"n": 0}

    async def create(
        session: AsyncSession,
        roles: tuple[str, ...],
        services: list[str] | None,
        email: str,
        name: str,
        active: bool,
        phone: str,
    ) -> Person:
        user = await Accounts(session, Passwords(cheap=True)).create_user(
            email=email,
            name=name,
            roles=list(roles),
            service_codes=services or [],
            phone=phone,
            password=PASSWORD,
            is_active=active,
        )
        return Person(user.id, user.email, user.name, list(roles), list(services or []))

    async def factory(
        *roles: str,
        services: list[str] | None = None,
        email: str | None = None,
        name: str | None = None,
        active: bool = True,
        phone: str = "070 123 4567",
        session: AsyncSession | None = None,
    ) -> Person:
        counter["n"] += 1
        email = email or f"{roles[0]}{counter['n']}@test.casemgmt.nl"
        name = name or f"Test {roles[0]} {counter['n']}"
        if session is not None:
            return await create(session, roles, services, email, name, active, phone)
        async with db() as own, own.begin():
            return await create(own, roles, services, email, name, active, phone)

    return factory


@pytest.fixture
def make_token(db: Callable[[], AsyncSession]) -> Callable[..., Awaitable[dict[str, str]]]:
    """``await make_token(person)`` → bearer headers; in its own transaction or the caller's ``session=``."""

    async def factory(person: Person, session: AsyncSession | None = None) -> dict[str, str]:
        if session is not None:
            token = await Accounts(session, Passwords(cheap=True)).create_token(person.email, "test")
        else:
            async with db() as own, own.begin():
                token = await Accounts(own, Passwords(cheap=True)).create_token(person.email, "test")
        return {"Authorization": f"Bearer {token}"}

    return factory


# Browser fixtures (a live uvicorn server and a Playwright page) for every test folder.
from tests.browser.conftest import live_server, page, session_live_server  # noqa: E402, F401
