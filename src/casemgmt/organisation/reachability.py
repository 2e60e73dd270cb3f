"""Bereikbaarheid: every active service with its phone, opening hours ("nu open" / "gesloten"), norms and its
accountmanagers' direct lines.

The page (``/bereikbaarheid``), ``GET /api/v1/services`` and ``GET /api/v1/services/{code}`` are for every employee
but the evaluator. The data comes from three queries: the services, their opening hours (``service_hours``), and all
active accountmanagers with the services they belong to. Beheer > Diensten (``service_admin.py``) reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.guards import requires_employee
from casemgmt.auth.models import User, UserRole, user_services
from casemgmt.auth.roles import Role
from casemgmt.db import DbSession
from casemgmt.directory.hours import DUTCH, WEEKDAYS, Interval, OpenState, by_weekday, day_text, describe, open_state
from casemgmt.directory.models import Service
from casemgmt.directory.opening import hours_of
from casemgmt.errors import NotFound
from casemgmt.organisation.coordinators import coordinator_names
from casemgmt.web.structs import copied

TAGS = ["diensten"]
CLOSED = OpenState(False, "Gesloten")


@dataclass(frozen=True)
class DirectLine:
    id: int
    name: str
    phone: str


@dataclass
class ServiceReachability:
    service: Service
    hours: list[Interval] = field(default_factory=list)
    state: OpenState = CLOSED
    accountmanagers: list[DirectLine] = field(default_factory=list)

    @property
    def hours_text(self) -> str:
        return describe(self.hours)

    @property
    def week(self) -> list[tuple[str, str]]:
        """(Dutch weekday, its hours or "gesloten") for Monday to Sunday."""
        return [(DUTCH[day], day_text(spans)) for day, spans in enumerate(by_weekday(self.hours))]


async def reachability(
    session: AsyncSession, *, code: str | None = None, inactive: bool = False, now: datetime | None = None
) -> list[ServiceReachability]:
    """Services by code (active ones unless ``inactive``; one when ``code`` is given), each with its opening hours,
    whether it is open ``now`` and its active accountmanagers by name (three queries)."""
    query = select(Service).order_by(Service.code)
    if not inactive:
        query = query.where(Service.is_active.is_(True))
    if code is not None:
        query = query.where(Service.code == code.strip().upper())
    services = (await session.scalars(query)).all()
    if not services:
        return []
    moment = now or datetime.now(UTC)
    hours = await hours_of(session, [service.id for service in services])
    entries = {
        service.id: ServiceReachability(service, hours[service.id], open_state(hours[service.id], moment))
        for service in services
    }
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


async def one_service(session: AsyncSession, code: str, *, inactive: bool = True) -> ServiceReachability:
    """The service of ``code`` (also a deactivated one), or 404."""
    found = await reachability(session, code=code, inactive=inactive)
    if not found:
        raise NotFound(f"Onbekende dienst '{code.strip()[:20]}'")
    return found[0]


class DirectLineOut(msgspec.Struct):
    id: int
    name: str
    phone: str


class OpeningHoursOut(msgspec.Struct):
    """One interval: open on ``weekday`` (``monday`` … ``sunday``) from ``opens`` up to ``closes`` (HH:MM,
    Europe/Amsterdam)."""

    weekday: str
    opens: str
    closes: str


class ServiceOut(msgspec.Struct):
    """A service with its phone, opening hours (as one Dutch line in ``hours`` and as intervals in
    ``opening_hours``), whether it is open now (public holidays closed), its norms in business days, whether it is
    active, its accountmanagers' direct lines and ``updated_at``, the version a PATCH must name."""

    code: str
    name: str
    phone: str
    hours: str
    email: str
    callback_term_days: int
    escalation_norm_days: int
    opening_hours: list[OpeningHoursOut]
    open_now: bool
    active: bool
    updated_at: str
    accountmanagers: list[DirectLineOut]

    @classmethod
    def of(cls, entry: ServiceReachability) -> ServiceOut:
        return copied(
            cls,
            entry.service,
            hours=entry.hours_text,
            opening_hours=[
                OpeningHoursOut(WEEKDAYS[i.weekday], i.opens.strftime("%H:%M"), i.closes.strftime("%H:%M"))
                for i in entry.hours
            ],
            open_now=entry.state.is_open,
            active=entry.service.is_active,
            updated_at=entry.service.updated_at.isoformat(),
            accountmanagers=[copied(DirectLineOut, line) for line in entry.accountmanagers],
        )


@get("/bereikbaarheid", name="directory.reachability", guards=[requires_employee], include_in_schema=False)
async def reachability_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    context = {"entries": await reachability(db_session), "coordinators": await coordinator_names(db_session)}
    return Template("directory/reachability.html", context=context)


@get(
    "/api/v1/services",
    guards=[requires_employee],
    tags=TAGS,
    summary="Active services with phone, opening hours, open now, norms and their accountmanagers' direct lines",
)
async def api_services(db_session: DbSession) -> list[ServiceOut]:
    return [ServiceOut.of(entry) for entry in await reachability(db_session)]


@get(
    "/api/v1/services/{code:str}",
    guards=[requires_employee],
    tags=TAGS,
    summary="One service (also a deactivated one) by its code",
)
async def api_service(db_session: DbSession, code: FromPath[str]) -> ServiceOut:
    return ServiceOut.of(await one_service(db_session, code))


PAGE_HANDLERS: list[Any] = [reachability_page]
API_HANDLERS: list[Any] = [api_services, api_service]
