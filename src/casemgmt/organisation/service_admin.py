"""Beheer > Diensten (``/beheer/diensten``, admins only) and ``PATCH /api/v1/services/{code}``: a service's name,
public phone, e-mail, opening hours per weekday (up to two intervals a day, e.g. a Thursday evening), its callback
term and escalation norm in business days, and whether it is in use. The page also shows the service's
accountmanagers with their direct lines (users are edited in Beheer > Gebruikers).

The rules are ``directory.norms`` (details, norms) and ``directory.hours`` (intervals); bad input is a 422 naming
each field with a Dutch message and writes nothing. A change names the version it was based on (``updated_at``, the
form's hidden field and the API's body field): when the service changed since, nothing is written and the answer is
409 (the row is read ``FOR UPDATE`` on PostgreSQL). Saving only hours still moves ``updated_at``. Every change is
audited (object type ``service``, purpose ``beheer``) with what changed.

The norms are read from the service's row whenever a promise or escalation is made, so a changed norm moves the due
moment of every new escalation and callback (not of those already made).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get, patch
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.dependencies import Audit
from casemgmt.audit.services import Action, AuditLog, Purpose
from casemgmt.auth.guards import requires_admin
from casemgmt.db import DbSession
from casemgmt.directory import norms
from casemgmt.directory.hours import (
    DUTCH,
    MAX_INTERVALS_PER_DAY,
    WEEKDAYS,
    HoursInput,
    Interval,
    check_hours,
    describe,
)
from casemgmt.directory.models import Service
from casemgmt.directory.opening import hours_of, replace_hours
from casemgmt.errors import Conflict, FieldError, InvalidInput, NotFound
from casemgmt.organisation.reachability import ServiceOut, one_service, reachability
from casemgmt.web.forms import FormBody
from casemgmt.web.limits import limited
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.routes import page_form

PATH = "/beheer/diensten"
STALE_MESSAGE = "Deze dienst is intussen door iemand anders gewijzigd. Er is niets opgeslagen; laad opnieuw."


def version_of(service: Service) -> str:
    return service.updated_at.isoformat()


async def change_service(
    session: AsyncSession,
    audit: AuditLog,
    code: str,
    version: str,
    *,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    callback_term_days: object = None,
    escalation_norm_days: object = None,
    active: bool | None = None,
    hours: Sequence[HoursInput] | None = None,
) -> Service:
    """Change what is given, when ``version`` is the service's current one (else 409, nothing written); 422 naming
    every field that breaks a rule, nothing written. A change that changes nothing writes nothing."""
    service_id = await session.scalar(select(Service.id).where(Service.code == code.strip().upper()))
    if service_id is None:
        raise NotFound(f"Onbekende dienst '{code.strip()[:20]}'")
    service = await session.get(Service, service_id, with_for_update=True, populate_existing=True)
    assert service is not None
    if version.strip() != version_of(service):
        raise Conflict(STALE_MESSAGE)
    details, errors = norms.check_service_details(
        service.name if name is None else name,
        service.phone if phone is None else phone,
        service.email if email is None else email,
        service.callback_term_days if callback_term_days is None else callback_term_days,
        service.escalation_norm_days if escalation_norm_days is None else escalation_norm_days,
    )
    current = (await hours_of(session, [service.id]))[service.id]
    intervals = current
    if hours is not None:
        intervals, hour_errors = check_hours(hours)
        errors += hour_errors
    if errors:
        raise InvalidInput(errors)
    changed = [
        f"{label}: {old!r} -> {new!r}"
        for label, old, new in (
            ("naam", service.name, details.name),
            ("telefoon", service.phone, details.phone),
            ("e-mail", service.email, details.email),
            ("terugbeltermijn", service.callback_term_days, details.callback_term_days),
            ("escalatienorm", service.escalation_norm_days, details.escalation_norm_days),
        )
        if old != new
    ]
    if intervals != current:
        changed.append(f"openingstijden: {describe(current)!r} -> {describe(intervals)!r}")
        await replace_hours(session, service.id, intervals)
    if active is not None and active != service.is_active:
        changed.append("geactiveerd" if active else "gedeactiveerd")
        service.is_active = active
    if not changed:
        return service
    service.name, service.phone, service.email = details.name, details.phone, details.email
    service.callback_term_days, service.escalation_norm_days = details.callback_term_days, details.escalation_norm_days
    service.updated_at = datetime.now(UTC)
    await session.flush()
    audit.record(
        Action.UPDATE, "service", service.id, purpose=Purpose.BEHEER, detail=f"{service.code}: " + "; ".join(changed)
    )
    return service


# ---------------------------------------------------------------------------------------------- the API


class OpeningHoursIn(BaseModel):
    weekday: str = limited(20)
    opens: str = limited(5)
    closes: str = limited(5)


class ServiceUpdate(BaseModel):
    updated_at: str = Field(
        ..., description="The service's `updated_at` as last read: a change based on an older one answers 409"
    )
    name: str | None = limited(norms.NAME_MAX, None)
    phone: str | None = limited(norms.PHONE_MAX, None)
    email: str | None = limited(norms.EMAIL_MAX, None)
    callback_term_days: int | None = Field(None, description=f"Business days, 1 to {norms.NORM_MAX}")
    escalation_norm_days: int | None = Field(None, description=f"Business days, 1 to {norms.NORM_MAX}")
    active: bool | None = Field(None, description="false: deactivate (never deleted), true: use again")
    opening_hours: list[OpeningHoursIn] | None = Field(
        None,
        description="All of the service's intervals (replacing the ones it has): weekday `monday` … `sunday`, opens "
        f"and closes `HH:MM`, at most {MAX_INTERVALS_PER_DAY} a day, not overlapping; `[]` is closed every day",
        max_length=7 * MAX_INTERVALS_PER_DAY + 1,
    )


@patch(
    "/api/v1/services/{code:str}",
    name="api.services.update",
    tags=["diensten"],
    summary="Change a service's details, norms, opening hours or (de)activate it (admin); 409 on a stale updated_at",
    guards=[requires_admin],
    responses=CONFLICT,
)
async def api_update_service(
    db_session: DbSession, audit: Audit, code: FromPath[str], data: JSONBody[ServiceUpdate]
) -> ServiceOut:
    hours = (
        None
        if data.opening_hours is None
        else [HoursInput(h.weekday, h.opens, h.closes, f"opening_hours[{n}]") for n, h in enumerate(data.opening_hours)]
    )
    service = await change_service(
        db_session,
        audit,
        code,
        data.updated_at,
        name=data.name,
        phone=data.phone,
        email=data.email,
        callback_term_days=data.callback_term_days,
        escalation_norm_days=data.escalation_norm_days,
        active=data.active,
        hours=hours,
    )
    return ServiceOut.of(await one_service(db_session, service.code))


# ---------------------------------------------------------------------------------------------- the pages


class ServiceForm(BaseModel):
    """The edit form; the hours come as ``hours-<weekday>-<n>-opens`` / ``-closes`` (n = 1, 2), read from the
    extra fields."""

    model_config = ConfigDict(extra="allow")

    name: str = ""
    phone: str = ""
    email: str = ""
    callback_term_days: str = ""
    escalation_norm_days: str = ""
    active: str = ""
    updated_at: str = ""

    def hour(self, day: str, n: int, end: str) -> str:
        value = (self.model_extra or {}).get(f"hours-{day}-{n}-{end}", "")
        return value.strip() if isinstance(value, str) else ""

    def hours(self) -> list[HoursInput]:
        """The filled-in intervals (a row with both times empty is no interval)."""
        return [
            HoursInput(day, self.hour(day, n, "opens"), self.hour(day, n, "closes"), f"hours-{day}-{n}")
            for day in WEEKDAYS
            for n in range(1, MAX_INTERVALS_PER_DAY + 1)
            if self.hour(day, n, "opens") or self.hour(day, n, "closes")
        ]


def _form_of(entry: Any) -> ServiceForm:
    service = entry.service
    values: dict[str, str] = {}
    per_day: dict[int, list[Interval]] = {}
    for interval in entry.hours:
        per_day.setdefault(interval.weekday, []).append(interval)
    for day, spans in per_day.items():
        for n, interval in enumerate(spans, start=1):
            values[f"hours-{WEEKDAYS[day]}-{n}-opens"] = interval.opens.strftime("%H:%M")
            values[f"hours-{WEEKDAYS[day]}-{n}-closes"] = interval.closes.strftime("%H:%M")
    return ServiceForm(
        name=service.name,
        phone=service.phone,
        email=service.email,
        callback_term_days=str(service.callback_term_days),
        escalation_norm_days=str(service.escalation_norm_days),
        active="1" if service.is_active else "",
        updated_at=version_of(service),
        **values,
    )


async def _edit_page(
    db_session: DbSession,
    entry: Any,
    form: ServiceForm | None = None,
    errors: dict[str, str] | None = None,
    *,
    stale: bool = False,
    status_code: int = 200,
) -> Template:
    context = {
        "entry": entry,
        "form": form or _form_of(entry),
        "errors": errors or {},
        "stale": stale,
        "days": list(zip(WEEKDAYS, DUTCH, strict=True)),
        "slots": list(range(1, MAX_INTERVALS_PER_DAY + 1)),
    }
    return Template("directory/service_edit.html", context=context, status_code=status_code)


@get(PATH, name="admin.services", guards=[requires_admin], include_in_schema=False)
async def services_page(db_session: DbSession) -> Template:
    entries = await reachability(db_session, inactive=True)
    return Template("directory/services.html", context={"entries": entries})


@get(PATH + "/{code:str}", name="admin.service", guards=[requires_admin], include_in_schema=False)
async def service_page(
    request: Request[Any, Any, Any], db_session: DbSession, code: FromPath[str]
) -> Template | Redirect:
    try:
        entry = await one_service(db_session, code)
    except NotFound:
        flash(request, "Dienst niet gevonden.", category="error")
        return Redirect(PATH, status_code=303)
    return await _edit_page(db_session, entry)


def _page_errors(errors: list[FieldError]) -> dict[str, str]:
    """Field errors keyed by the form's input names (``hours-thursday-2.closes`` → ``hours-thursday-2-closes``)."""
    return {error.field.replace(".", "-"): error.message for error in errors}


@page_form(PATH + "/{code:str}", "admin.service.save", guard=requires_admin)
async def save_service_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    code: FromPath[str],
    data: Annotated[ServiceForm, FormBody],
) -> Template | Redirect:
    try:
        entry = await one_service(db_session, code)
    except NotFound:
        flash(request, "Dienst niet gevonden.", category="error")
        return Redirect(PATH, status_code=303)
    try:
        service = await change_service(
            db_session,
            audit,
            code,
            data.updated_at,
            name=data.name,
            phone=data.phone,
            email=data.email,
            callback_term_days=data.callback_term_days,
            escalation_norm_days=data.escalation_norm_days,
            active=data.active.strip() == "1",
            hours=data.hours(),
        )
    except InvalidInput as exc:
        return await _edit_page(db_session, entry, data, _page_errors(exc.errors), status_code=422)
    except Conflict:
        return await _edit_page(db_session, entry, data, stale=True, status_code=409)
    flash(request, f"Dienst {service.code} opgeslagen.", category="success")
    return Redirect(PATH, status_code=303)


PAGE_HANDLERS: list[Any] = [services_page, service_page, save_service_page]
API_HANDLERS: list[Any] = [api_update_service]
