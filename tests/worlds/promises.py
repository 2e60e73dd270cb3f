"""A small municipality for the promise tests (commitments, handoffs, escalations, worklists), and helpers.

One client, Jan de Vries, with one open dossier:

- ``cm``: the dossier's casemanager;          ``other_cm``: a casemanager not involved in it;
- ``szw``: its SZW accountmanager;            ``dso``: its DSO accountmanager (the supervisor of scenario 9);
- ``ocw``: an OCW accountmanager, not (yet) on the dossier; ``ocw2``: another OCW accountmanager;
- ``kcc``: a KCC agent;  ``admin``;  ``evaluator`` (sees no personal data).

Time is simulated by moving stored moments (``due_at``, ``requested_at``) into the past directly in the database,
after the API made the row with a valid (future) moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.models import AuditEvent
from casemgmt.commitments.models import Commitment, CommitmentOwnerChange
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.escalations.models import Escalation, ReusableAnswer
from casemgmt.handoffs.models import Handoff
from tests.factories import create_client, create_dossier
from tests.worlds.personas import Person, login

PERSONAS = ("cm", "other_cm", "szw", "dso", "ocw", "ocw2", "kcc", "admin", "evaluator")
CONTEXT = "Cliënt heeft schulden en een lopende WMO-indicatie; de maatschappelijk werker belt namens haar."


@dataclass
class World:
    cm: Person
    other_cm: Person
    szw: Person
    dso: Person
    ocw: Person
    ocw2: Person
    kcc: Person
    admin: Person
    evaluator: Person
    client_id: int
    pseudonym: str
    dossier_id: int
    dossier_ref: str
    tokens: dict[str, dict[str, str]]

    def person(self, name: str) -> Person:
        return getattr(self, name)

    def token(self, name: str) -> dict[str, str]:
        return self.tokens[name]


async def arrange(
    make_user: Callable[..., Any], make_token: Callable[..., Any], db: Callable[[], AsyncSession]
) -> World:
    async with db() as session, session.begin():  # one transaction for the whole world
        people = {
            "cm": await make_user("casemanager", name="Carla Casemanager", session=session),
            "other_cm": await make_user("casemanager", name="Olga Ander", session=session),
            "szw": await make_user(
                "accountmanager", services=["SZW"], name="Sanne Szw", phone="070 353 7511", session=session
            ),
            "dso": await make_user(
                "accountmanager", services=["DSO"], name="Dirk Opzichter", phone="070 353 3311", session=session
            ),
            "ocw": await make_user(
                "accountmanager", services=["OCW"], name="Omar Ocw", phone="070 353 6811", session=session
            ),
            "ocw2": await make_user("accountmanager", services=["OCW"], name="Olivia Ocw", session=session),
            "kcc": await make_user("kcc_agent", services=["KCC"], name="Kees Kcc", session=session),
            "admin": await make_user("admin", name="Anna Admin", session=session),
            "evaluator": await make_user("evaluator", name="Erik Evaluator", session=session),
        }
        client = await create_client(session, name="Jan de Vries")
        dossier = await create_dossier(
            session,
            client,
            people["cm"].id,
            {"SZW": people["szw"].id, "DSO": people["dso"].id},
            subject="Parkeerplaats voor gehandicapte broer",
        )
        ids = (client.id, client.pseudonym, dossier.id, dossier.ref)
        tokens = {name: await make_token(person, session=session) for name, person in people.items()}
    return World(**people, client_id=ids[0], pseudonym=ids[1], dossier_id=ids[2], dossier_ref=ids[3], tokens=tokens)


@pytest.fixture
async def world(make_user, make_token, db) -> World:  # type: ignore[no-untyped-def]
    return await arrange(make_user, make_token, db)


# -- helpers -------------------------------------------------------------------------------------------------------


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def login_as(client: Any, person: Person) -> None:
    client.cookies.clear()
    result = await login(client, person.email)
    assert result.status_code == 303, result.text


async def make_commitment(client: Any, world: World, by: str = "dso", **values: Any) -> dict[str, Any]:
    body = {
        "client_id": world.client_id,
        "dossier_id": world.dossier_id,
        "kind": "callback",
        "description": "Ik bel u morgen terug over de parkeerplaats.",
        "owner_id": world.dso.id,
        "due_at": in_days(2),
    }
    body.update(values)
    response = await client.post("/api/v1/commitments", json=body, headers=world.token(by))
    assert response.status_code == 201, response.text
    return response.json()


async def make_overdue(db: Callable[[], AsyncSession], commitment_id: int, hours: float = 26) -> None:
    """Simulate time: the commitment's due moment passed `hours` ago."""
    due = datetime.now(UTC) - timedelta(hours=hours)
    async with db() as session, session.begin():
        await session.execute(
            update(Commitment).where(Commitment.id == commitment_id).values(due_at=due, first_due_at=due)
        )


async def move_handoff(db: Callable[[], AsyncSession], handoff_id: int, days: float) -> None:
    """Simulate time: the handoff was requested `days` days ago."""
    async with db() as session, session.begin():
        await session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id)
            .values(requested_at=datetime.now(UTC) - timedelta(days=days))
        )


async def count(db: Callable[[], AsyncSession], model: Any, *where: Any) -> int:
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


NOT_SIGN_IN = AuditEvent.object_type != "user"
"""Audit events of casework: logging in and out (as a test does between a refused request and the check that it
wrote nothing) is recorded too, on object type ``user``."""


async def counts(db: Callable[[], AsyncSession]) -> dict[str, int]:
    """Rows in every table a promise action may write: to show that a refused request wrote nothing."""
    return {
        "commitments": await count(db, Commitment),
        "owner_changes": await count(db, CommitmentOwnerChange),
        "handoffs": await count(db, Handoff),
        "escalations": await count(db, Escalation),
        "reusable_answers": await count(db, ReusableAnswer),
        "assignments": await count(db, DossierAssignment),
        "dossiers": await count(db, Dossier),
        "audit": await count(db, AuditEvent, NOT_SIGN_IN),
    }


async def snapshot(db: Callable[[], AsyncSession], model: Any, row_id: int) -> dict[str, Any]:
    """Every column of one row, to show that a refused change left it untouched."""
    async with db() as session:
        row = await session.get(model, row_id)
        assert row is not None
        return {column.key: getattr(row, column.key) for column in model.__table__.columns}


async def audit_events(db: Callable[[], AsyncSession], *where: Any) -> list[AuditEvent]:
    async with db() as session:
        return list(await session.scalars(select(AuditEvent).where(*where).order_by(AuditEvent.id)))
