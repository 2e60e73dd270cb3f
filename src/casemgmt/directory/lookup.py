"""Looking up services by code, with the Dutch message every form and API shares for an unknown code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.directory.models import Service
from casemgmt.errors import InvalidInput


async def service_by_code(session: AsyncSession, code: str, field: str = "service") -> Service:
    service = await session.scalar(select(Service).where(Service.code == code.strip().upper(), Service.is_active))
    if service is None:
        raise InvalidInput.single(field, f"Onbekende dienst '{code}'")
    return service
