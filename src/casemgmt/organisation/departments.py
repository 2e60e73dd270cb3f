"""Beheer > Afdelingen (``/beheer/afdelingen``, admins only): the departments (afdelingen) under each service, where
the KCC transfers a caller to, with their phone number and opening hours. Add one, change its name, phone or hours,
deactivate or reactivate it; a department is never deleted, so recorded transfer attempts keep theirs.

The rule for the details is ``directory.catalogue.check_department`` (the loader ``casemgmt departments load`` uses
it too). A change names the moment of the department's last change it was based on (``updated_at``, the form's
hidden field and the API's body field): when the department changed since, nothing is written and the answer is
409 with "laad opnieuw" (optimistic concurrency; the row is read ``FOR UPDATE`` on PostgreSQL, so two changes based
on the same moment cannot both pass). Every change is audited (object type ``department``).

API: ``GET /api/v1/departments?service=`` for everyone signed in (the contact form and API clients need the list),
``POST /api/v1/departments`` and ``PATCH /api/v1/departments/{id}`` for admins; ``GET /api/v1/topics?service=``
likewise for everyone signed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.dependencies import Audit
from casemgmt.audit.services import Action, AuditLog, Purpose
from casemgmt.auth.guards import requires_admin
from casemgmt.db import DbSession
from casemgmt.directory.catalogue import (
    DEPARTMENT_NAME_MAX,
    HOURS_MAX,
    PHONE_MAX,
    DepartmentInput,
    check_department,
    topic_choices,
)
from casemgmt.directory.models import Department, Service
from casemgmt.errors import Conflict, FieldError, InvalidInput, NotFound
from casemgmt.web.forms import FormBody
from casemgmt.web.limits import limited, required_text
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.routes import page_form

PATH = "/beheer/afdelingen"
TAGS = ["diensten"]
STALE_MESSAGE = "Deze afdeling is intussen door iemand anders gewijzigd. Er is niets opgeslagen; laad opnieuw."
SERVICE_MESSAGE = "Kies de dienst waar de afdeling onder valt"
UNKNOWN_SERVICE_FILTER = "Onbekende dienst"


def version_of(department: Department) -> str:
    """The token a change must name: the moment of the department's last change, as ISO text."""
    return department.updated_at.isoformat()


# ---------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    service: str
    service_name: str
    name: str
    phone: str
    hours: str
    is_active: bool
    updated_at: datetime

    @property
    def version(self) -> str:
        return self.updated_at.isoformat()


async def list_departments(
    session: AsyncSession, service: str | None = None, *, department_id: int | None = None
) -> list[DepartmentRow]:
    """The departments by service code and name (one query); ``service`` (a code) narrows to one service,
    ``department_id`` to one department."""
    query = select(
        Department.id,
        Service.code,
        Service.name,
        Department.name,
        Department.phone,
        Department.hours,
        Department.is_active,
        Department.updated_at,
    ).join(Service, Service.id == Department.service_id)
    if service:
        query = query.where(Service.code == service.strip().upper())
    if department_id is not None:
        query = query.where(Department.id == department_id)
    rows = (await session.execute(query.order_by(Service.code, Department.name, Department.id))).all()
    return [DepartmentRow(*row) for row in rows]


async def _known_service(session: AsyncSession, code: str | None) -> None:
    """A filter naming a service that does not exist is refused (422 ``service``) rather than answered empty."""
    if (
        code
        and code.strip()
        and await session.scalar(select(Service.id).where(Service.code == code.strip().upper())) is None
    ):
        raise InvalidInput.single("service", f"{UNKNOWN_SERVICE_FILTER} '{code.strip()}'")


# ---------------------------------------------------------------------------------------------- writing


async def add_department(
    session: AsyncSession, audit: AuditLog, service_code: str, name: str, phone: str, hours: str
) -> Department:
    """A new, active department under an active service; 422 naming the fields, nothing written, when the details
    break the rule, the service is unknown or the service already has a department of that name."""
    cleaned, errors = check_department(name, phone, hours)
    service = await session.scalar(
        select(Service).where(Service.code == service_code.strip().upper(), Service.is_active)
    )
    if service is None:
        errors.insert(0, FieldError("service", SERVICE_MESSAGE))
    elif not errors and await _name_taken(session, service.id, cleaned.name):
        errors.append(FieldError("name", f"{service.code} heeft al een afdeling '{cleaned.name}'"))
    if errors:
        raise InvalidInput(errors)
    assert service is not None
    department = Department(
        service_id=service.id, name=cleaned.name, phone=cleaned.phone, hours=cleaned.hours, is_active=True
    )
    session.add(department)
    await session.flush()
    audit.record(
        Action.CREATE, "department", department.id, purpose=Purpose.BEHEER, detail=f"{service.code} {cleaned.name}"
    )
    return department


async def _name_taken(session: AsyncSession, service_id: int, name: str, *, other_than: int | None = None) -> bool:
    query = select(Department.id).where(Department.service_id == service_id, Department.name == name)
    if other_than is not None:
        query = query.where(Department.id != other_than)
    return await session.scalar(query) is not None


async def _locked(session: AsyncSession, department_id: int, version: str) -> Department:
    department = await session.get(Department, department_id, with_for_update=True)
    if department is None:
        raise NotFound("Deze afdeling bestaat niet")
    if version.strip() != version_of(department):
        raise Conflict(STALE_MESSAGE)
    return department


async def change_department(
    session: AsyncSession,
    audit: AuditLog,
    department_id: int,
    version: str,
    *,
    name: str | None = None,
    phone: str | None = None,
    hours: str | None = None,
    active: bool | None = None,
) -> Department:
    """Change what is given of name, phone, hours and whether the department is in use, when ``version`` is the
    department's current one (else 409, nothing written); 422 naming the fields on a broken rule. Audited with what
    changed; a change that changes nothing writes nothing."""
    department = await _locked(session, department_id, version)
    errors: list[FieldError] = []
    if name is None and phone is None and hours is None:  # only (de)activating: the details stay as they are
        cleaned = DepartmentInput(department.name, department.phone, department.hours)
    else:
        cleaned, errors = check_department(
            department.name if name is None else name,
            department.phone if phone is None else phone,
            department.hours if hours is None else hours,
        )
    if not errors and await _name_taken(session, department.service_id, cleaned.name, other_than=department.id):
        errors.append(FieldError("name", f"Deze dienst heeft al een afdeling '{cleaned.name}'"))
    if errors:
        raise InvalidInput(errors)
    changed = _changes(department, cleaned, active)
    if not changed:
        return department
    department.name, department.phone, department.hours = cleaned.name, cleaned.phone, cleaned.hours
    if active is not None:
        department.is_active = active
    await session.flush()
    audit.record(Action.UPDATE, "department", department.id, purpose=Purpose.BEHEER, detail="; ".join(changed))
    return department


def _changes(department: Department, cleaned: DepartmentInput, active: bool | None) -> list[str]:
    changed = [
        f"{label}: {old!r} -> {new!r}"
        for label, old, new in (
            ("naam", department.name, cleaned.name),
            ("telefoon", department.phone, cleaned.phone),
            ("openingstijden", department.hours, cleaned.hours),
        )
        if old != new
    ]
    if active is not None and active != department.is_active:
        changed.append("geactiveerd" if active else "gedeactiveerd")
    return changed


# ---------------------------------------------------------------------------------------------- the API


class DepartmentOut(msgspec.Struct):
    """A department under a service; ``updated_at`` is the version a PATCH must name."""

    id: int
    service: str
    name: str
    phone: str
    hours: str
    active: bool
    updated_at: str

    @classmethod
    def of(cls, row: DepartmentRow) -> DepartmentOut:
        return cls(row.id, row.service, row.name, row.phone, row.hours, row.is_active, row.version)


class TopicOut(msgspec.Struct):
    """A topic (onderwerp) of a service: the code a contact names."""

    code: str
    name: str
    service: str
    active: bool


class DepartmentCreate(BaseModel):
    service: str = required_text(10)
    name: str = required_text(DEPARTMENT_NAME_MAX)
    phone: str = limited(PHONE_MAX, "")
    hours: str = limited(HOURS_MAX, "")


class DepartmentUpdate(BaseModel):
    updated_at: str = Field(
        ..., description="The department's `updated_at` as last read: a change based on an older one answers 409"
    )
    name: str | None = limited(DEPARTMENT_NAME_MAX, None)
    phone: str | None = limited(PHONE_MAX, None)
    hours: str | None = limited(HOURS_MAX, None)
    active: bool | None = Field(None, description="false: deactivate (never deleted), true: use again")


ServiceFilter = Annotated[
    str | None, QueryParameter(description="A service code (SZW, OCW, …): only its entries", max_length=10)
]


async def _row(session: AsyncSession, department_id: int) -> DepartmentRow:
    return (await list_departments(session, department_id=department_id))[0]


@get(
    "/api/v1/departments",
    name="api.departments.list",
    tags=TAGS,
    summary="Departments per service, with phone and hours (active and deactivated)",
)
async def api_list_departments(db_session: DbSession, service: ServiceFilter = None) -> list[DepartmentOut]:
    await _known_service(db_session, service)
    return [DepartmentOut.of(row) for row in await list_departments(db_session, service)]


@post(
    "/api/v1/departments",
    name="api.departments.create",
    tags=TAGS,
    summary="Add a department under a service (admin)",
    guards=[requires_admin],
    status_code=201,
)
async def api_create_department(db_session: DbSession, audit: Audit, data: JSONBody[DepartmentCreate]) -> DepartmentOut:
    department = await add_department(db_session, audit, data.service, data.name, data.phone, data.hours)
    return DepartmentOut.of(await _row(db_session, department.id))


@patch(
    "/api/v1/departments/{department_id:int}",
    name="api.departments.update",
    tags=TAGS,
    summary="Change a department's name, phone or hours, or (de)activate it (admin); 409 on a stale updated_at",
    guards=[requires_admin],
    responses=CONFLICT,
)
async def api_update_department(
    db_session: DbSession, audit: Audit, department_id: FromPath[int], data: JSONBody[DepartmentUpdate]
) -> DepartmentOut:
    department = await change_department(
        db_session,
        audit,
        department_id,
        data.updated_at,
        name=data.name,
        phone=data.phone,
        hours=data.hours,
        active=data.active,
    )
    return DepartmentOut.of(await _row(db_session, department.id))


@get(
    "/api/v1/topics",
    name="api.topics.list",
    tags=TAGS,
    summary="Topics (onderwerpen) per service (active and deactivated)",
)
async def api_list_topics(db_session: DbSession, service: ServiceFilter = None) -> list[TopicOut]:
    await _known_service(db_session, service)
    topics = await topic_choices(db_session, active_only=False)
    code = (service or "").strip().upper()
    return [TopicOut(t.code, t.name, t.service, t.is_active) for t in topics if not code or t.service == code]


# ---------------------------------------------------------------------------------------------- the pages


class DepartmentForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    service: str = ""
    name: str = ""
    phone: str = ""
    hours: str = ""


class DepartmentEditForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = ""
    phone: str = ""
    hours: str = ""
    updated_at: str = ""


class DepartmentStatusForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    active: str = ""
    """"1" to reactivate, anything else to deactivate."""
    updated_at: str = ""


def _by_service(rows: list[DepartmentRow]) -> list[tuple[str, str, list[DepartmentRow]]]:
    groups: dict[str, tuple[str, str, list[DepartmentRow]]] = {}
    for row in rows:
        groups.setdefault(row.service, (row.service, row.service_name, []))[2].append(row)
    return list(groups.values())


async def _page(
    db_session: DbSession,
    form: DepartmentForm | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    services = (
        await db_session.execute(select(Service.code, Service.name).where(Service.is_active).order_by(Service.code))
    ).all()
    context = {
        "groups": _by_service(await list_departments(db_session)),
        "services": [(row.code, f"{row.code} – {row.name}") for row in services],
        "form": form or DepartmentForm(),
        "errors": errors or {},
    }
    return Template("directory/departments.html", context=context, status_code=status_code)


async def _edit_page(
    db_session: DbSession,
    department: DepartmentRow,
    form: DepartmentEditForm | None = None,
    errors: dict[str, str] | None = None,
    stale: bool = False,
    status_code: int = 200,
) -> Template:
    context = {
        "department": department,
        "form": form
        or DepartmentEditForm(
            name=department.name, phone=department.phone, hours=department.hours, updated_at=department.version
        ),
        "errors": errors or {},
        "stale": stale,
    }
    return Template("directory/department_edit.html", context=context, status_code=status_code)


async def _find_row(db_session: DbSession, department_id: int) -> DepartmentRow | None:
    rows = await list_departments(db_session, department_id=department_id)
    return rows[0] if rows else None


@get(PATH, name="departments.admin", guards=[requires_admin], include_in_schema=False)
async def departments_page(db_session: DbSession) -> Template:
    return await _page(db_session)


@page_form(PATH, "departments.add", guard=requires_admin)
async def add_department_page(
    request: Request[Any, Any, Any], db_session: DbSession, audit: Audit, data: Annotated[DepartmentForm, FormBody]
) -> Template | Redirect:
    try:
        department = await add_department(db_session, audit, data.service, data.name, data.phone, data.hours)
    except InvalidInput as exc:
        return await _page(db_session, data, exc.by_field(), status_code=422)
    flash(request, f"Afdeling '{department.name}' toegevoegd.", category="success")
    return Redirect(PATH, status_code=303)


@get(PATH + "/{department_id:int}", name="departments.edit", guards=[requires_admin], include_in_schema=False)
async def edit_department_page(
    request: Request[Any, Any, Any], db_session: DbSession, department_id: FromPath[int]
) -> Template | Redirect:
    row = await _find_row(db_session, department_id)
    if row is None:
        flash(request, "Afdeling niet gevonden.", category="error")
        return Redirect(PATH, status_code=303)
    return await _edit_page(db_session, row)


@page_form(PATH + "/{department_id:int}", "departments.change", guard=requires_admin)
async def change_department_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    department_id: FromPath[int],
    data: Annotated[DepartmentEditForm, FormBody],
) -> Template | Redirect:
    row = await _find_row(db_session, department_id)
    if row is None:
        flash(request, "Afdeling niet gevonden.", category="error")
        return Redirect(PATH, status_code=303)
    try:
        department = await change_department(
            db_session, audit, department_id, data.updated_at, name=data.name, phone=data.phone, hours=data.hours
        )
    except InvalidInput as exc:
        return await _edit_page(db_session, row, data, exc.by_field(), status_code=422)
    except Conflict:
        return await _edit_page(db_session, row, data, stale=True, status_code=409)
    flash(request, f"Afdeling '{department.name}' opgeslagen.", category="success")
    return Redirect(PATH, status_code=303)


@page_form(PATH + "/{department_id:int}/status", "departments.status", guard=requires_admin)
async def set_department_status_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    department_id: FromPath[int],
    data: Annotated[DepartmentStatusForm, FormBody],
) -> Redirect:
    active = data.active.strip() == "1"
    try:
        department = await change_department(db_session, audit, department_id, data.updated_at, active=active)
    except NotFound:
        flash(request, "Afdeling niet gevonden.", category="error")
        return Redirect(PATH, status_code=303)
    except Conflict:
        flash(request, STALE_MESSAGE, category="error")
        return Redirect(PATH, status_code=303)
    word = "weer in gebruik" if active else "gedeactiveerd: nieuwe contacten kunnen er niet meer naar doorverbinden"
    flash(request, f"Afdeling '{department.name}' {word}.", category="success")
    return Redirect(PATH, status_code=303)


PAGE_HANDLERS: list[Any] = [
    departments_page,
    add_department_page,
    edit_department_page,
    change_department_page,
    set_department_status_page,
]
API_HANDLERS: list[Any] = [api_list_departments, api_create_department, api_update_department, api_list_topics]
