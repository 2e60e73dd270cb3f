"""Test fixtures: one suite, two databases.

SQLite by default; PostgreSQL when ``CASEMGMT_TEST_DATABASE_URL`` is set. The real migrations run once per session;
every test starts from empty tables with the reference services loaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from casemgmt.app import create_app
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.services import Accounts
from casemgmt.db import create_engine, metadata, upgrade
from casemgmt.directory.reference import load_reference_services
from casemgmt.settings import Mode, Settings

PASSWORD = "correct-horse-battery"
_CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def test_database_url(tmp_dir: Path) -> str:
    url = os.environ.get("CASEMGMT_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite+aiosqlite:///{tmp_dir / 'casemgmt-test.sqlite3'}"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    url = test_database_url(tmp_path_factory.mktemp("db"))
    return Settings(database_url=url, mode=Mode.TEST, secret_key="test-secret-key")


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
        await session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            await session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (names from our own metadata)


@pytest.fixture
async def app(migrated: Settings) -> AsyncIterator[Litestar]:
    # NullPool: the test client may run the app on another event loop than the fixtures, and asyncpg
    # connections belong to the loop that opened them.
    application = create_app(migrated, engine=create_engine(migrated, poolclass=NullPool))
    maker = async_sessionmaker(application.state.engine, expire_on_commit=False)
    async with maker() as session, session.begin():
        await empty_tables(session)
        await load_reference_services(session)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
def db(app: Litestar) -> Callable[[], AsyncSession]:
    """A session factory on the app's engine, for arranging data and checking what was written."""
    return async_sessionmaker(app.state.engine, expire_on_commit=False)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


@dataclass
class Person:
    id: int
    email: str
    name: str
    roles: list[str]
    services: list[str]
    password: str = PASSWORD


UserFactory = Callable[..., Awaitable[Person]]


@pytest.fixture
def make_user(db: Callable[[], AsyncSession]) -> UserFactory:
    counter = {"n": 0}

    async def factory(
        *roles: str,
        services: list[str] | None = None,
        email: str | None = None,
        name: str | None = None,
        active: bool = True,
        phone: str = "070 123 4567",
    ) -> Person:
        counter["n"] += 1
        email = email or f"{roles[0]}{counter['n']}@test.casemgmt.nl"
        name = name or f"Test {roles[0]} {counter['n']}"
        async with db() as session, session.begin():
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

    return factory


@pytest.fixture
def make_token(db: Callable[[], AsyncSession]) -> Callable[[Person], Awaitable[dict[str, str]]]:
    async def factory(person: Person) -> dict[str, str]:
        async with db() as session, session.begin():
            token = await Accounts(session, Passwords(cheap=True)).create_token(person.email, "test")
        return {"Authorization": f"Bearer {token}"}

    return factory


def csrf_from(html: str) -> str:
    match = _CSRF_INPUT.search(html)
    assert match, "page has no CSRF input"
    return match.group(1)


async def login(client: AsyncTestClient[Any], email: str, password: str = PASSWORD) -> Any:
    form = await client.get("/login")
    token = csrf_from(form.text)
    return await client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": token},
        follow_redirects=False,
    )


async def csrf_token(client: AsyncTestClient[Any], path: str = "/start") -> str:
    response = await client.get(path)
    return csrf_from(response.text)


# Browser fixtures (a live uvicorn server and a Playwright page) for every test folder.
from tests.browser.conftest import live_server, page  # noqa: E402, F401
