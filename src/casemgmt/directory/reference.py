"""What defines a service, the reference services every municipality starts with, and their idempotent loading."""

from __future__ import annotations

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.directory.models import Service


class ServiceDefinition(msgspec.Struct, frozen=True):
    """What defines a service: its code and name, how the public reaches it (phone, hours, e-mail) and its norms in
    business days (callback term, escalation answer); the columns of :class:`Service` a municipality sets."""

    code: str
    name: str
    phone: str
    hours: str
    email: str
    callback_term_days: int
    escalation_norm_days: int


REFERENCE_SERVICES: tuple[ServiceDefinition, ...] = (
    ServiceDefinition(
        "KCC", "Klantcontactcentrum", "14070", "ma-vr 08:00-18:00, do tot 20:00", "kcc@gemeente.example", 2, 1
    ),
    ServiceDefinition(
        "SZW", "Sociale Zaken en Werkgelegenheid", "070 353 7500", "ma-vr 08:30-17:00", "szw@gemeente.example", 2, 3
    ),
    ServiceDefinition(
        "OCW", "Onderwijs, Cultuur en Welzijn", "070 353 6800", "ma-vr 09:00-17:00", "ocw@gemeente.example", 2, 5
    ),
    ServiceDefinition(
        "DSO", "Stedelijke Ontwikkeling", "070 353 3300", "ma-vr 08:30-16:30", "dso@gemeente.example", 2, 5
    ),
    ServiceDefinition(
        "DPZ", "Publiekszaken", "070 353 3000", "ma-vr 08:00-17:00, do tot 20:00", "dpz@gemeente.example", 2, 2
    ),
)


async def load_reference_services(session: AsyncSession) -> tuple[int, int]:
    """Insert missing reference services and refresh existing ones; returns (created, updated)."""
    existing = {s.code: s for s in (await session.scalars(select(Service))).all()}
    created = updated = 0
    for definition in REFERENCE_SERVICES:
        values = msgspec.structs.asdict(definition)
        service = existing.get(definition.code)
        if service is None:
            session.add(Service(**values))
            created += 1
        elif any(getattr(service, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(service, key, value)
            updated += 1
    await session.flush()
    return created, updated
