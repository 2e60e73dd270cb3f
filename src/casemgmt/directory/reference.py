"""What defines a service, the reference services every municipality starts with, and their first loading.

The reference data is a starting point, not the source of truth: ``load_reference_services`` (``casemgmt services
load``, the demo, the generator) inserts the services that are missing, with their opening hours read from the
reference text (``directory.hours.parse_reference_hours``), and never changes a service that exists, so an admin's
edits in Beheer > Diensten stay."""

from __future__ import annotations

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.directory.hours import parse_reference_hours
from casemgmt.directory.models import Service, ServiceHours


class ServiceDefinition(msgspec.Struct, frozen=True):
    """What defines a service: its code and name, how the public reaches it (phone, hours as reference text, e-mail)
    and its norms in business days (callback term, escalation answer)."""

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


async def load_reference_services(session: AsyncSession) -> int:
    """Insert the reference services that are missing, with their opening hours; returns how many were created.
    Existing services are left as they are (an admin may have changed them)."""
    existing = set((await session.scalars(select(Service.code))).all())
    created = 0
    for definition in REFERENCE_SERVICES:
        if definition.code in existing:
            continue
        values = msgspec.structs.asdict(definition)
        hours = parse_reference_hours(values.pop("hours"))
        service = Service(**values)
        session.add(service)
        await session.flush()
        session.add_all(
            ServiceHours(service_id=service.id, weekday=i.weekday, opens=i.opens, closes=i.closes) for i in hours
        )
        created += 1
    await session.flush()
    return created
