"""Pilot API (``/api/v1/pilots``, enrolments, ``/api/v1/time-entries``) and the quick time-entry form.

The quick time-entry form (``/tijdregistratie/nieuw?dossier_id=…``) is a fragment for htmx, so the dossier page and
the worklist can load it in place (``hx-get`` … ``hx-trigger="load"``); without JavaScript it is a page of its own.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from casemgmt.auth.guards import requires_employee
from casemgmt.db import DbSession
from casemgmt.errors import InvalidInput, NotFound
from casemgmt.pilots.dependencies import Pilots, TimeEntries
from casemgmt.pilots.rules import ACTIVITIES, format_minutes
from casemgmt.pilots.schemas import CohortChangeIn, EnrolmentIn, EnrolmentOut, PilotOut, TimeEntryIn, TimeEntryOut
from casemgmt.pilots.services import TimeEntryService, today
from casemgmt.web.formatting import parse_day
from casemgmt.web.forms import FormData
from casemgmt.web.openapi import CONFLICT, FORBIDDEN, responses
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.routes import page_form

TAGS = ["pilots"]


# ====================================================================== API


@get("/api/v1/pilots", tags=TAGS, summary="The pilots (every role, evaluators included)")
async def api_pilots(pilots: Pilots) -> list[PilotOut]:
    return [PilotOut.of(p) for p in await pilots.list_pilots()]


@post(
    "/api/v1/pilots/{slug:str}/enrolments",
    tags=TAGS,
    summary="Enrol a dossier in the pilot (drawn by lot, or a chosen cohort with a reason)",
    status_code=201,
    responses=responses(FORBIDDEN, CONFLICT),
)
async def api_enrol(slug: FromPath[str], data: JSONBody[EnrolmentIn], pilots: Pilots) -> EnrolmentOut:
    view = await pilots.enrol(slug, data.dossier_id, data.cohort, data.reason)
    return EnrolmentOut.of(view)


@patch(
    "/api/v1/pilots/{slug:str}/enrolments/{dossier_id:int}",
    tags=TAGS,
    summary="Change a dossier's cohort (with a reason; after the first contact only an admin)",
    responses=responses(FORBIDDEN, CONFLICT),
)
async def api_change_cohort(
    slug: FromPath[str],
    dossier_id: FromPath[int],
    data: JSONBody[CohortChangeIn],
    pilots: Pilots,
) -> EnrolmentOut:
    view = await pilots.change_cohort(slug, dossier_id, data.cohort, data.reason)
    return EnrolmentOut.of(view)


@post(
    "/api/v1/time-entries",
    tags=TAGS,
    summary="Register time spent on a dossier",
    status_code=201,
    responses=FORBIDDEN,
)
async def api_time_entry(data: JSONBody[TimeEntryIn], time_entries: TimeEntries) -> TimeEntryOut:
    return TimeEntryOut.of(await time_entries.register(**data.model_dump()))


API_HANDLERS: list[Any] = [api_pilots, api_enrol, api_change_cohort, api_time_entry]


# ====================================================================== quick time entry


def _blank_form() -> dict[str, str]:
    return {"minutes": "", "activity": "contact", "date": today().isoformat()}


async def _time_form(
    request: Request[Any, Any, Any],
    service: TimeEntryService,
    dossier_id: int,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    saved: str = "",
    status_code: int = 200,
) -> Template:
    dossier = await service.dossier_for_entry(dossier_id)
    context = {
        "dossier": dossier,
        "form": form,
        "errors": errors or {},
        "saved": saved,
        "activities": ACTIVITIES,
        "today": today().isoformat(),
        "dossier_total": format_minutes(await service.dossier_minutes(dossier.id)),
        "my_total_today": format_minutes(await service.minutes_today(service.actor.id)),
    }
    return page_or_fragment(
        request, "pilots/time_entry.html", "pilots/_time_entry_form.html", context, status_code=status_code
    )


@get("/tijdregistratie/nieuw", name="time_entries.new", guards=[requires_employee], include_in_schema=False)
async def new_time_entry(
    request: Request[Any, Any, Any], time_entries: TimeEntries, dossier_id: FromQuery[int]
) -> Template:
    return await _time_form(request, time_entries, dossier_id, _blank_form())


def _parse_time_form(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"activity": data.get("activity") or None, "minutes": None, "entry_date": None}
    minutes = (data.get("minutes") or "").strip()
    if not minutes:
        errors["minutes"] = "Vul het aantal minuten in."
    elif not minutes.isdigit():
        errors["minutes"] = "Vul een geheel aantal minuten in, bijvoorbeeld 45."
    else:
        values["minutes"] = int(minutes)
    day = (data.get("date") or "").strip()
    if day:
        entry_date = parse_day(day)  # the picker's jjjj-mm-dd, or dd-mm-jjjj typed where there is no picker
        if entry_date is None:
            errors["date"] = "Vul een geldige datum in (dd-mm-jjjj)."
        else:
            values["entry_date"] = entry_date
    return values, errors


@page_form("/tijdregistratie", "time_entries.create")
async def create_time_entry(
    request: Request[Any, Any, Any], time_entries: TimeEntries, db_session: DbSession, data: FormData
) -> Template | Redirect:
    raw_dossier = (data.get("dossier_id") or "").strip()
    if not raw_dossier.isdigit():
        raise NotFound("Dossier niet gevonden.")
    dossier_id = int(raw_dossier)
    service = time_entries
    form = {key: data.get(key, "") for key in ("minutes", "activity", "date")}
    values, errors = _parse_time_form(data)
    try:
        if errors:
            raise InvalidInput([])
        entry = await service.register(dossier_id=dossier_id, **values)
    except InvalidInput as exc:
        await db_session.rollback()
        errors = {**{e.field: e.message for e in exc.errors}, **errors}
        return await _time_form(request, service, dossier_id, form, errors, status_code=422)
    saved = f"{format_minutes(entry.minutes)} {ACTIVITIES[entry.activity].lower()} geregistreerd op {entry.entry_date}."
    if not wants_fragment(request):
        flash(request, saved, category="success")
        return Redirect(f"/tijdregistratie/nieuw?dossier_id={dossier_id}", status_code=303)
    response = await _time_form(request, service, dossier_id, _blank_form(), saved=saved)
    response.headers["HX-Trigger"] = "time-registered"
    return response


PAGE_HANDLERS: list[Any] = [new_time_entry, create_time_entry]
