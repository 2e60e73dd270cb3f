"""Fixtures for the kennisbank tests: the small municipality of ``tests/worlds/promises.py`` (accountmanagers of
SZW, DSO and OCW, a KCC agent, an admin, an evaluator) and a kennisbank service acting as one of them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User
from casemgmt.knowledge.services import KnowledgeService
from tests.worlds.promises import world  # noqa: F401


@pytest.fixture
def acting(db: Callable[[], AsyncSession]):  # type: ignore[no-untyped-def]
    """``async with acting(person) as service:`` a KnowledgeService for that employee in one committed transaction
    (rolled back when the block raises)."""

    @asynccontextmanager
    async def as_person(person) -> AsyncIterator[KnowledgeService]:  # type: ignore[no-untyped-def]
        async with db() as session, session.begin():
            user = await session.scalar(select(User).where(User.id == person.id))
            assert user is not None
            actor = CurrentUser.from_user(user)
            yield KnowledgeService(session, actor, AuditLog(session, actor))

    return as_person
