"""Bereikbaarheid: every active service with its phone, hours, norms and its accountmanagers' direct lines.

The page (``/bereikbaarheid``) and ``GET /api/v1/services`` are for every employee but the evaluator. The data comes
from two queries: the active services, and all active accountmanagers with the services they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Request, get
from litestar.response import Template
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.guards import requires_employee
from casemgmt.auth.models import User, UserRole, user_services
from casemgmt.auth.roles import Role
from casemgmt.db import DbSession
from casemgmt.directory.models import Service
from casemgmt.directory.reference import ServiceDefinition
from casemgmt.organisation.coordinators import coordinator_names
from casemgmt.web.structs import copied


@dataclass(frozen=True)
class DirectLine:
    id: int
    name: str
    phone: str


@dataclass
class ServiceReachability:
    service: Service
    accountmanagers: list[DirectLine] = field(default_factory=list)


async def reachability(session: AsyncSession) -> list[ServiceReachability]:
    """Active services by code, each with its active accountmanagers by name (two queries)."""
    services = (await session.scalars(select(Service).where(Service.is_active.is_(True)).order_by(Service.code))).all()
    entries = {service.id: ServiceReachability(service) for service in services}
    if not entries:
        return []
    is_accountmanager = exists(
        select(UserRole.id).where(UserRole.user_id == User.id, UserRole.role == Role.ACCOUNTMANAGER.value)
    )
    rows = await session.execute(
        select(user_services.c.service_id, User.id, User.name, User.phone)
        .join(User, User.id == user_services.c.user_id)
        .where(user_services.c.service_id.in_(list(entries)), User.is_active.is_(True), is_accountmanager)
        .order_by(User.name, User.id)
    )
    for service_id, user_id, name, phone in rows:
        entries[service_id].accountmanagers.append(DirectLine(user_id, name, phone))
    return list(entries.values())


class DirectLineOut(msgspec.Struct):
    id: int
    name: str
    phone: str


class ServiceOut(ServiceDefinition, frozen=True):
    """An active service with its phone, hours, norms (business days) and its accountmanagers' direct lines."""

    accountmanagers: list[DirectLineOut]

    @classmethod
    def of(cls, entry: ServiceReachability) -> ServiceOut:
        return copied(
            cls, entry.service, accountmanagers=[copied(DirectLineOut, line) for line in entry.accountmanagers]
        )


@get("/bereikbaarheid", name="directory.reachability", guards=[requires_employee], include_in_schema=False)
async def reachability_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    context = {"entries": await reachability(db_session), "coordinators": await coordinator_names(db_session)}
    return Template("directory/reachability.html", context=context)


@get(
    "/api/v1/services",
    guards=[requires_employee],
    tags=["diensten"],
    summary="Services with phone, hours, norms and their accountmanagers' direct lines",
)
async def api_services(db_session: DbSession) -> list[ServiceOut]:
    return [ServiceOut.of(entry) for entry in await reachability(db_session)]


PAGE_HANDLERS: list[Any] = [reachability_page]
API_HANDLERS: list[Any] = [api_services]
