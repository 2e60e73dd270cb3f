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


_ACTIVE_SERVICES = "casemgmt_active_services"


async def active_services(session: AsyncSession) -> list[tuple[str, str]]:
    """The active services as (code, name), by code: the choices of every service dropdown on a page. Read once per
    session (a request's, kept in ``session.info``) however many forms on the page offer them; the admin pages that
    add or deactivate services do not read them through here."""
    cached = session.info.get(_ACTIVE_SERVICES)
    if cached is None:
        query = select(Service.code, Service.name).where(Service.is_active.is_(True)).order_by(Service.code)
        cached = [(code, name) for code, name in (await session.execute(query)).all()]
        session.info[_ACTIVE_SERVICES] = cached
    return list(cached)
