"""Arrange data directly in the database for tests (named states, no HTTP). Valid by construction."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.clients.models import Client
from casemgmt.clients.rules import address_columns, normalise_phone, parse_address_text
from casemgmt.contacts.models import Contact
from casemgmt.directory.models import Service
from casemgmt.dossiers.models import Dossier, DossierAssignment

_counter = itertools.count(1)


def valid_bsn(n: int) -> str:
    """The n-th valid BSN of a deterministic series (11-proof), never 000000000."""
    for candidate in itertools.count(100_000_000 + n * 37):
        digits = f"{candidate:09d}"
        total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
        if total % 11 == 0:
            return digits
    raise AssertionError("unreachable")


async def service_id(session: AsyncSession, code: str) -> int:
    return (await session.scalars(select(Service.id).where(Service.code == code))).one()


async def create_client(session: AsyncSession, name: str | None = None, **values: object) -> Client:
    """A client as the app stores it: ``address`` (one text, as tests write it) split into its parts, the phone
    number in E.164 where it is a valid one."""
    n = next(_counter)
    name = name or f"Klant {n}"
    if "address" in values:
        values.update(address_columns(parse_address_text(str(values.pop("address")))))
    phone = str(values.pop("phone", "06 1234 5678"))
    client = Client(
        kind=values.pop("kind", "person"),
        bsn=values.pop("bsn", valid_bsn(n)),
        name=name,
        name_normalised=name.lower(),
        phone=normalise_phone(phone) or phone,
        pseudonym=values.pop("pseudonym", f"K-TEST{n:06d}"),
        **values,
    )
    session.add(client)
    await session.flush()
    return client


async def create_dossier(
    session: AsyncSession,
    client: Client,
    casemanager_id: int,
    accountmanagers: dict[str, int] | None = None,
    subject: str = "Complexe vraag",
    status: str = "open",
) -> Dossier:
    n = next(_counter)
    now = datetime.now(UTC)
    dossier = Dossier(
        ref=f"D-{now.year}-{n:05d}",
        client_id=client.id,
        subject=subject,
        status=status,
        opened_at=now,
        casemanager_id=casemanager_id,
    )
    session.add(dossier)
    await session.flush()
    session.add(DossierAssignment(dossier_id=dossier.id, role="casemanager", user_id=casemanager_id, since=now))
    for code, user_id in (accountmanagers or {}).items():
        session.add(
            DossierAssignment(
                dossier_id=dossier.id,
                role="accountmanager",
                service_id=await service_id(session, code),
                user_id=user_id,
                since=now,
            )
        )
    await session.flush()
    return dossier


async def create_contact(
    session: AsyncSession, client: Client, employee_id: int, service: str = "KCC", **values: object
) -> Contact:
    contact = Contact(
        client_id=client.id,
        dossier_id=values.pop("dossier_id", None),
        channel=values.pop("channel", "phone"),
        direction=values.pop("direction", "in"),
        service_id=await service_id(session, service),
        employee_id=employee_id,
        occurred_at=values.pop("occurred_at", datetime.now(UTC)),
        outcome=values.pop("outcome", "resolved"),
        transfers=values.pop("transfers", 0),
        summary=values.pop("summary", "Vraag beantwoord."),
        **values,
    )
    session.add(contact)
    await session.flush()
    return contact
