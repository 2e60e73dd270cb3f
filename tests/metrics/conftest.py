"""Fixtures for the metrics tests: the hand-computed pilot of ``tests/worlds/metrics.py`` and API personas."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy.ext.asyncio import AsyncSession

from tests.worlds.metrics import Built, build
from tests.worlds.personas import Person


@pytest.fixture(autouse=True)
def fresh_alchemy_scope_keys() -> None:
    """Every test's app gets advanced-alchemy's default session scope key, as a fresh process would (see
    tests/clients/conftest.py)."""
    for registry in (
        "_SESSION_SCOPE_KEY_REGISTRY",
        "_ENGINE_APP_STATE_KEY_REGISTRY",
        "_SESSIONMAKER_APP_STATE_KEY_REGISTRY",
    ):
        getattr(SQLAlchemyAsyncConfig, registry).clear()


@pytest.fixture
async def casemanager(make_user: Callable[..., Awaitable[Person]]) -> Person:
    return await make_user("casemanager", services=["SZW"])


@pytest.fixture
async def built(db: Callable[[], AsyncSession], casemanager: Person) -> Built:
    async with db() as session, session.begin():
        return await build(session, casemanager.id)
