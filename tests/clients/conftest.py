"""Fixtures for the client tests: employees of each role with an API token, and a look at the audit log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from tests.worlds.personas import Person

ROLES = ["kcc_agent", "casemanager", "accountmanager", "evaluator", "admin"]
EMPLOYEES = ["kcc_agent", "casemanager", "accountmanager", "admin"]
CREATORS = ["kcc_agent", "casemanager", "admin"]
SERVICES = {"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}


@pytest.fixture
def employee(make_user, make_token) -> Callable[..., Awaitable[tuple[Person, dict[str, str]]]]:
    """``await employee("kcc_agent")`` → (person, bearer headers)."""

    async def factory(role: str, **values: object) -> tuple[Person, dict[str, str]]:
        values.setdefault("services", SERVICES.get(role))
        person = await make_user(role, **values)
        return person, await make_token(person)

    return factory


@pytest.fixture
def audit_events(db) -> Callable[[], Awaitable[list[AuditEvent]]]:
    async def read() -> list[AuditEvent]:
        async with db() as session:
            # logging in and out (object type ``user``) is audited too; these tests look at what the casework wrote
            query = select(AuditEvent).where(AuditEvent.object_type != "user").order_by(AuditEvent.id)
            return list(await session.scalars(query))

    return read
