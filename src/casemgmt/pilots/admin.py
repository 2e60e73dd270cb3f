"""Beheer > Pilots (``/beheer/pilots``, admins only): the pilot definitions loaded into the database, with their
status (gepland, loopt, afgelopen), the file each came from and when loading last changed it, and "Opnieuw laden",
which runs the loader of ``casemgmt pilots load`` (``definitions.load_pilots``) on the settings' ``pilots_dir``.

The definitions stay files: this page never edits a pilot. A file with an error loads nothing (its pilot stays as it
was) and is reported in Dutch with its name, line and field; the other files are loaded. Audited by the loader (one
event per pilot created or updated). ``POST /api/v1/pilots/reload`` does the same for API clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.guards import requires_admin
from casemgmt.db import DbSession
from casemgmt.pilots.definitions import LoadReport, load_pilots, pilot_files
from casemgmt.pilots.models import Pilot
from casemgmt.pilots.services import today
from casemgmt.web.routes import page_form

PATH = "/beheer/pilots"


def status_of(pilot: Pilot, on: date) -> str:
    """``gepland`` before its start, ``loopt`` from start to end, ``afgelopen`` after."""
    if on < pilot.start_date:
        return "gepland"
    return "loopt" if on <= pilot.end_date else "afgelopen"


@dataclass(frozen=True)
class PilotRow:
    pilot: Pilot
    status: str
    file_present: bool


def _present(folder: Path) -> set[str]:
    return {path.name for path in pilot_files(folder)} if folder.is_dir() else set()


async def pilot_rows(session: AsyncSession, folder: Path) -> list[PilotRow]:
    present = _present(folder)  # a handful of names in one folder: no worker thread needed
    pilots = (await session.scalars(select(Pilot).order_by(Pilot.start_date, Pilot.slug))).all()
    on = today()
    return [PilotRow(p, status_of(p, on), p.source_file in present) for p in pilots]


def _folder(request: Request[Any, Any, Any]) -> Path:
    return Path(request.app.state.settings.pilots_dir)


class LoadErrorOut(msgspec.Struct):
    file: str
    line: int | None
    field: str | None
    message: str


class ReloadOut(msgspec.Struct):
    """What loading the pilot files did, by slug; a file with errors loaded nothing and is in ``invalid_files``."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]
    invalid_files: list[str]
    errors: list[LoadErrorOut]

    @classmethod
    def of(cls, report: LoadReport) -> ReloadOut:
        return cls(
            report.created,
            report.updated,
            report.unchanged,
            report.invalid_files,
            [LoadErrorOut(e.file, e.line, e.field, e.message) for e in report.errors],
        )


@get(PATH, name="admin.pilots", guards=[requires_admin], include_in_schema=False)
async def pilots_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    folder = _folder(request)
    context = {"rows": await pilot_rows(db_session, folder), "folder": folder.name or str(folder)}
    return Template("pilots/admin.html", context=context)


@page_form(PATH + "/opnieuw-laden", "admin.pilots.reload", guard=requires_admin)
async def reload_page(request: Request[Any, Any, Any], db_session: DbSession, audit: Audit) -> Redirect:
    report = await load_pilots(db_session, _folder(request), audit)
    done = [
        f"{len(report.created)} nieuw",
        f"{len(report.updated)} bijgewerkt",
        f"{len(report.unchanged)} ongewijzigd",
    ]
    flash(request, "Pilotbestanden geladen: " + ", ".join(done) + ".", category="success")
    for error in report.errors:
        flash(request, f"Fout in {error}", category="error")
    if report.invalid_files:
        flash(
            request,
            f"Niet geladen (de pilot blijft zoals hij was): {', '.join(report.invalid_files)}.",
            category="error",
        )
    return Redirect(PATH, status_code=303)


@post(
    "/api/v1/pilots/reload",
    name="api.pilots.reload",
    tags=["pilots"],
    summary="Load the pilot files again, as `casemgmt pilots load` does (admin); a file with errors loads nothing",
    guards=[requires_admin],
    status_code=200,
)
async def api_reload(request: Request[Any, Any, Any], db_session: DbSession, audit: Audit) -> ReloadOut:
    return ReloadOut.of(await load_pilots(db_session, _folder(request), audit))


PAGE_HANDLERS: list[Any] = [pilots_page, reload_page]
API_HANDLERS: list[Any] = [api_reload]
