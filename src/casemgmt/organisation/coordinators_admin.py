"""Beheer > Coördinatoren (``/beheer/coordinatoren``, admins only) and its API: per service the employees who are
told of its escalations past their norm and of its team promises three times late. Adding and removing go through
``coordinators.set_coordinator`` (the function ``casemgmt users coordinator`` uses), which refuses an inactive
account and audits the change.

API: ``GET /api/v1/services/{code}/coordinators`` for employees (Bereikbaarheid names them too), ``PUT`` and
``DELETE /api/v1/services/{code}/coordinators/{user_id}`` for admins, each answering the service's coordinators.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, delete, get, put
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.guards import requires_admin, requires_employee
from casemgmt.auth.models import User
from casemgmt.db import DbSession
from casemgmt.directory.models import Service, service_coordinators
from casemgmt.errors import InvalidInput, NotFound
from casemgmt.organisation.coordinators import set_coordinator
from casemgmt.web.forms import FormBody, whole_number
from casemgmt.web.routes import page_form

PATH = "/beheer/coordinatoren"
VIA = "Beheer > Coördinatoren"


class CoordinatorOut(msgspec.Struct):
    id: int
    name: str
    email: str
    active: bool


async def _service(session: AsyncSession, code: str) -> Service:
    service = await session.scalar(select(Service).where(Service.code == code.strip().upper()))
    if service is None:
        raise NotFound(f"Onbekende dienst '{code.strip()[:20]}'")
    return service


async def coordinators_by_service(session: AsyncSession) -> dict[int, list[User]]:
    """service id → its coordinators by name (active or not, so a deactivated one can still be removed): one query."""
    rows = await session.execute(
        select(service_coordinators.c.service_id, User)
        .join(User, User.id == service_coordinators.c.user_id)
        .order_by(User.name, User.id)
    )
    found: dict[int, list[User]] = {}
    for service_id, user in rows.tuples():
        found.setdefault(service_id, []).append(user)
    return found


async def _out(session: AsyncSession, service: Service) -> list[CoordinatorOut]:
    users = (await coordinators_by_service(session)).get(service.id, [])
    return [CoordinatorOut(u.id, u.name, u.email, u.is_active) for u in users]


async def _change(session: AsyncSession, audit: Any, code: str, user_id: int, *, remove: bool) -> Service:
    service = await _service(session, code)
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("Deze medewerker bestaat niet")
    if not remove and not user.is_active:
        raise InvalidInput.single("user_id", "Een inactief account kan geen coördinator worden")
    if not service.is_active:
        raise InvalidInput.single("code", f"Dienst {service.code} is niet meer in gebruik")
    await set_coordinator(session, audit, user, service.code, remove=remove, via=VIA)
    return service


@get(
    "/api/v1/services/{code:str}/coordinators",
    guards=[requires_employee],
    tags=["diensten"],
    summary="The coordinators of a service (told of escalations past the norm and team promises three times late)",
)
async def api_coordinators(db_session: DbSession, code: FromPath[str]) -> list[CoordinatorOut]:
    return await _out(db_session, await _service(db_session, code))


@put(
    "/api/v1/services/{code:str}/coordinators/{user_id:int}",
    guards=[requires_admin],
    tags=["diensten"],
    summary="Make an active employee a coordinator of the service (admin); answers the service's coordinators",
    status_code=200,
)
async def api_add_coordinator(
    db_session: DbSession, audit: Audit, code: FromPath[str], user_id: FromPath[int]
) -> list[CoordinatorOut]:
    service = await _change(db_session, audit, code, user_id, remove=False)
    return await _out(db_session, service)


@delete(
    "/api/v1/services/{code:str}/coordinators/{user_id:int}",
    guards=[requires_admin],
    tags=["diensten"],
    summary="Remove a coordinator of the service (admin); answers the service's coordinators",
    status_code=200,
)
async def api_remove_coordinator(
    db_session: DbSession, audit: Audit, code: FromPath[str], user_id: FromPath[int]
) -> list[CoordinatorOut]:
    service = await _change(db_session, audit, code, user_id, remove=True)
    return await _out(db_session, service)


class CoordinatorForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    service: str = ""
    user_id: str = ""


async def _page(
    db_session: DbSession, errors: dict[str, dict[str, str]] | None = None, status_code: int = 200
) -> Template:
    services = (await db_session.scalars(select(Service).where(Service.is_active).order_by(Service.code))).all()
    people = (
        await db_session.execute(select(User.id, User.name, User.email).where(User.is_active).order_by(User.name))
    ).all()
    context = {
        "services": services,
        "coordinators": await coordinators_by_service(db_session),
        "people": [(str(p.id), f"{p.name} ({p.email})") for p in people],
        "errors": errors or {},
    }
    return Template("directory/coordinators.html", context=context, status_code=status_code)


@get(PATH, name="admin.coordinators", guards=[requires_admin], include_in_schema=False)
async def coordinators_page(db_session: DbSession) -> Template:
    return await _page(db_session)


async def _page_change(
    request: Request[Any, Any, Any], db_session: DbSession, audit: Any, data: CoordinatorForm, *, remove: bool
) -> Template | Redirect:
    code = data.service.strip().upper()
    user_id = whole_number(data.user_id)
    try:
        if user_id is None or user_id < 1 or user_id > 2**63 - 1:
            raise InvalidInput.single("user_id", "Kies een medewerker")
        service = await _change(db_session, audit, code, user_id, remove=remove)
    except NotFound as exc:
        return await _page(db_session, {code: {"user_id": exc.message}}, status_code=422)
    except InvalidInput as exc:
        message = "; ".join(e.message for e in exc.errors)
        return await _page(db_session, {code: {"user_id": message}}, status_code=422)
    word = "verwijderd als coördinator" if remove else "is nu coördinator"
    flash(request, f"{service.code}: medewerker {word}.", category="success")
    return Redirect(PATH, status_code=303)


@page_form(PATH, "admin.coordinators.add", guard=requires_admin)
async def add_coordinator_page(
    request: Request[Any, Any, Any], db_session: DbSession, audit: Audit, data: Annotated[CoordinatorForm, FormBody]
) -> Template | Redirect:
    return await _page_change(request, db_session, audit, data, remove=False)


@page_form(PATH + "/verwijderen", "admin.coordinators.remove", guard=requires_admin)
async def remove_coordinator_page(
    request: Request[Any, Any, Any], db_session: DbSession, audit: Audit, data: Annotated[CoordinatorForm, FormBody]
) -> Template | Redirect:
    return await _page_change(request, db_session, audit, data, remove=True)


PAGE_HANDLERS: list[Any] = [coordinators_page, add_coordinator_page, remove_coordinator_page]
API_HANDLERS: list[Any] = [api_coordinators, api_add_coordinator, api_remove_coordinator]
