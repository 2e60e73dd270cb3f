"""Reading and replacing a service's opening hours (the ``service_hours`` rows) in the database: one query for any
number of services. The rules are ``directory.hours``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.directory.hours import Interval
from casemgmt.directory.models import ServiceHours


async def hours_of(session: AsyncSession, service_ids: Iterable[int]) -> dict[int, list[Interval]]:
    """service id → its intervals in order (an id without hours maps to ``[]``): one query."""
    ids = list(dict.fromkeys(service_ids))
    result: dict[int, list[Interval]] = {service_id: [] for service_id in ids}
    if not ids:
        return result
    rows = await session.execute(
        select(ServiceHours.service_id, ServiceHours.weekday, ServiceHours.opens, ServiceHours.closes)
        .where(ServiceHours.service_id.in_(ids))
        .order_by(ServiceHours.service_id, ServiceHours.weekday, ServiceHours.opens)
    )
    for service_id, weekday, opens, closes in rows.tuples():
        result[service_id].append(Interval(weekday, opens, closes))
    return result


async def replace_hours(session: AsyncSession, service_id: int, intervals: Sequence[Interval]) -> None:
    """The service's hours become ``intervals`` (already checked): its rows deleted and written again."""
    await session.execute(delete(ServiceHours).where(ServiceHours.service_id == service_id))
    session.add_all(
        ServiceHours(service_id=service_id, weekday=i.weekday, opens=i.opens, closes=i.closes) for i in intervals
    )
    await session.flush()
