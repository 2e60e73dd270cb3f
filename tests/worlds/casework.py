"""A small municipality for dossier and contact tests: one dossier and every persona the access rules know.

- ``cm``: the dossier's current casemanager;      ``am``: its current SZW accountmanager;
- ``earlier``: was its casemanager before (read only now);
- ``other_cm`` / ``other_am``: a casemanager and a DSO accountmanager not involved in it;
- ``kcc``: a KCC agent (reads, logs contacts);    ``admin``; ``evaluator`` (sees no personal data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.models import AuditEvent
from casemgmt.contacts.models import Contact
from casemgmt.dossiers.models import Dossier, DossierAssignment
from tests.factories import create_client, create_dossier
from tests.worlds.personas import Person, login

PERSONAS = ("cm", "am", "earlier", "other_cm", "other_am", "kcc", "admin", "evaluator")


@dataclass
class Casework:
    cm: Person
    am: Person
    earlier: Person
    other_cm: Person
    other_am: Person
    kcc: Person
    admin: Person
    evaluator: Person
    am_dso: Person
    client_id: int
    client_pseudonym: str
    other_client_id: int
    dossier_id: int
    tokens: dict[str, dict[str, str]]

    def person(self, name: str) -> Person:
        return getattr(self, name)


async def arrange(
    make_user: Callable[..., Any], make_token: Callable[..., Any], db: Callable[[], AsyncSession]
) -> Casework:
    async with db() as session, session.begin():  # one transaction for the whole world
        cm = await make_user("casemanager", name="Carla Casemanager", phone="070 111 1111", session=session)
        am = await make_user(
            "accountmanager", services=["SZW"], name="Ahmed Accountmanager", phone="070 222 2222", session=session
        )
        earlier = await make_user("casemanager", name="Eva Eerder", session=session)
        other_cm = await make_user("casemanager", name="Olga Ander", session=session)
        other_am = await make_user("accountmanager", services=["DSO"], name="Otto Ander", session=session)
        am_dso = await make_user("accountmanager", services=["DSO"], name="Dirk Dso", session=session)
        kcc = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc", session=session)
        admin = await make_user("admin", name="Anna Admin", session=session)
        evaluator = await make_user("evaluator", name="Erik Evaluator", session=session)
        client = await create_client(session, name="Jan de Vries")
        other = await create_client(session, name="Piet Anders")
        dossier = await create_dossier(session, client, cm.id, {"SZW": am.id}, subject="Schulden en bijstand")
        then = datetime.now(UTC) - timedelta(days=10)
        session.add(
            DossierAssignment(
                dossier_id=dossier.id,
                role="casemanager",
                user_id=earlier.id,
                since=then,
                until=then + timedelta(days=5),
                reason="Dossier geopend",
                end_reason="Overgedragen",
            )
        )
        await session.flush()
        ids = (client.id, client.pseudonym, other.id, dossier.id)
        people = {
            "cm": cm,
            "am": am,
            "earlier": earlier,
            "other_cm": other_cm,
            "other_am": other_am,
            "kcc": kcc,
            "admin": admin,
            "evaluator": evaluator,
            "am_dso": am_dso,
        }
        tokens = {name: await make_token(person, session=session) for name, person in people.items()}
    return Casework(
        **people, client_id=ids[0], client_pseudonym=ids[1], other_client_id=ids[2], dossier_id=ids[3], tokens=tokens
    )


async def promise_callback(client: Any, world: Casework, text: str) -> int:
    """The accountmanager promises the client a callback on the dossier, through the API; the commitment's id."""
    response = await client.post(
        "/api/v1/commitments",
        headers=world.tokens["am"],
        json={
            "client_id": world.client_id,
            "dossier_id": world.dossier_id,
            "kind": "callback",
            "description": text,
            "owner_id": world.am.id,
        },
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def login_as(client: Any, person: Person) -> None:
    response = await client.post("/logout", follow_redirects=False) if client.cookies else None
    del response
    client.cookies.clear()
    result = await login(client, person.email)
    assert result.status_code == 303, result.text


async def count(db: Callable[[], AsyncSession], model: Any, *where: Any) -> int:
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


NOT_SIGN_IN = AuditEvent.object_type != "user"
"""Audit events of casework: logging in and out (as a test does between a refused request and the check that it
wrote nothing) is recorded too, on object type ``user``."""


async def counts(db: Callable[[], AsyncSession]) -> dict[str, int]:
    """How many rows the casework tables hold: to show that a refused request wrote nothing."""
    return {
        "dossiers": await count(db, Dossier),
        "assignments": await count(db, DossierAssignment),
        "contacts": await count(db, Contact),
        "audit": await count(db, AuditEvent, NOT_SIGN_IN),
    }
