"""Coordinators of a service (issue 14): a flag per service and employee, set by ``casemgmt users coordinator EMAIL
--service SZW [--remove]``. Coordinators are told of the service's escalations past their norm and of its team
promises three times late (``notifications.rules.reaches_coordinators``); Bereikbaarheid names them. Beheer >
Coördinatoren (``coordinators_admin.py``) and its API set them with the same function."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog, Purpose
from casemgmt.auth.models import User
from casemgmt.directory.lookup import service_by_code
from casemgmt.directory.models import service_coordinators
from casemgmt.errors import InvalidInput


async def set_coordinator(
    session: AsyncSession,
    audit: AuditLog,
    user: User,
    service_code: str,
    *,
    remove: bool = False,
    via: str = "casemgmt users coordinator",
) -> bool:
    """Make ``user`` a coordinator of the service (or no longer, with ``remove``); returns whether anything changed.
    An inactive account cannot become one (422)."""
    service = await service_by_code(session, service_code)
    if not remove and not user.is_active:
        raise InvalidInput.single("email", "Een inactief account kan geen coordinator worden")
    link = (service_coordinators.c.service_id == service.id) & (service_coordinators.c.user_id == user.id)
    present = await session.scalar(select(service_coordinators.c.user_id).where(link)) is not None
    if present == (not remove):
        return False
    if remove:
        await session.execute(delete(service_coordinators).where(link))
    else:
        await session.execute(insert(service_coordinators).values(service_id=service.id, user_id=user.id))
    audit.record(
        Action.UPDATE,
        "user",
        user.id,
        purpose=Purpose.BEHEER,
        detail=f"{'geen ' if remove else ''}coordinator van {service.code} ({via})",
    )
    return True


async def coordinator_names(session: AsyncSession) -> dict[int, list[str]]:
    """service id → the names of its active coordinators, alphabetically: one query."""
    rows = await session.execute(
        select(service_coordinators.c.service_id, User.name)
        .join(User, User.id == service_coordinators.c.user_id)
        .where(User.is_active.is_(True))
        .order_by(User.name)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for service_id, name in rows.tuples():
        names[service_id].append(name)
    return names
