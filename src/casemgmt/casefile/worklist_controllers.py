"""Werkvoorraad (the start page of casemanagers and accountmanagers), its panels, the badge, and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import select

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee
from casemgmt.casefile.schemas import WorklistOut
from casemgmt.casefile.worklist import BADGE, PAGED_PANELS, PANELS, Worklist, WorklistFilter, worklist_for
from casemgmt.casefile.worklist_knowledge import knowledge_panel, shows_panel
from casemgmt.commitments.rules import KIND_LABELS
from casemgmt.db import DbSession
from casemgmt.directory.models import Service
from casemgmt.dossiers import rules as dossier_rules
from casemgmt.handoffs.rules import STATUS_LABELS as HANDOFF_STATUS_LABELS
from casemgmt.signals.rules import SIGNAL_LABELS
from casemgmt.web import listing
from casemgmt.web.pages import page_or_fragment


def _context(worklist: Any, now: datetime) -> dict[str, Any]:
    return {
        "w": worklist,
        "now": now,
        "kind_labels": KIND_LABELS,
        "status_labels": HANDOFF_STATUS_LABELS,
        "signal_labels": SIGNAL_LABELS,
        "may_decide": True,
        "state_labels": {"open": "Open", "overdue": "Over de norm", "answered": "Beantwoord"},
    }


COMMITMENT_SORTS = {"due_at": "Eerst te doen", "-due_at": "Laatst te doen", "made_at": "Eerst gemaakt"}
HANDOFF_SORTS = {"requested_at": "Oudste eerst", "-requested_at": "Nieuwste eerst"}
DOSSIER_SORTS = {
    "-opened_at": "Nieuwste eerst",
    "opened_at": "Oudste eerst",
    "ref": "Dossiernummer",
    "client": "Klant (A–Z)",
    "status": "Status",
}
OPEN_DOSSIER_STATUSES = {code: label for code, label in dossier_rules.STATUS_LABELS.items() if code != "closed"}
PAGE_PARAMETERS = {panel: f"{panel}_pagina" for panel in PAGED_PANELS}
"""The page parameter of each offset-paged panel: ``dienst_pagina``, ``overdrachten_pagina``, ``dossiers_pagina``."""
LIST_DEFAULTS = {
    "due": "",
    "service": "",
    "sort": "due_at",
    "status": "",
    "dossier_sort": "-opened_at",
    "handoff_sort": "requested_at",
    "na": "",
    **dict.fromkeys(PAGE_PARAMETERS.values(), "1"),
}


@dataclass(frozen=True)
class ListQuery:
    """The Werkvoorraad's list parameters as the URL gives them (each may be missing or nonsense)."""

    due: str | None = None
    service: str | None = None
    sort: str | None = None
    na: str | None = None
    status: str | None = None
    dossier_sort: str | None = None
    handoff_sort: str | None = None
    pages: dict[str, str | None] = field(default_factory=dict)


async def _view(db_session: DbSession, asked: ListQuery) -> WorklistFilter:
    """The filter of the URL, checked: an unknown value is the default (never an error page)."""
    codes = set((await db_session.scalars(select(Service.code))).all())
    code = (asked.service or "").strip().upper()
    cursor = (asked.na or "").strip()
    return WorklistFilter(
        due=listing.chosen(asked.due, listing.DUE_LABELS, ""),
        service=code if code in codes else "",
        sort=listing.chosen(asked.sort, COMMITMENT_SORTS, "due_at"),
        cursor=cursor if len(cursor) <= 100 else "",
        status=listing.chosen(asked.status, OPEN_DOSSIER_STATUSES, ""),
        dossier_sort=listing.chosen(asked.dossier_sort, DOSSIER_SORTS, "-opened_at"),
        handoff_sort=listing.chosen(asked.handoff_sort, HANDOFF_SORTS, "requested_at"),
        pages={panel: listing.page_number(asked.pages.get(panel)) for panel in PAGED_PANELS},
    )


def _filter_context(view: WorklistFilter, services: list[tuple[str, str]], worklist: Worklist) -> dict[str, Any]:
    filters = {
        "due": view.due,
        "service": view.service,
        "sort": view.sort,
        "status": view.status,
        "dossier_sort": view.dossier_sort,
        "handoff_sort": view.handoff_sort,
    }
    shown_pages = {panel: (worklist.paging[panel].number if panel in worklist.paging else view.page(panel))
                   for panel in PAGED_PANELS}  # fmt: skip
    # what a link of the page carries: the filter, the cursor of Mijn toezeggingen and the page of every panel
    state = {**filters, "na": view.cursor, **{PAGE_PARAMETERS[p]: str(n) for p, n in shown_pages.items()}}
    return {
        "filters": filters,
        "list_state": state,
        "defaults": LIST_DEFAULTS,
        "query_string": listing.query_string,
        "panel_query": listing.query_string(filters, LIST_DEFAULTS),
        "page_parameters": PAGE_PARAMETERS,
        "due_labels": listing.DUE_LABELS,
        "sort_labels": COMMITMENT_SORTS,
        "handoff_sort_labels": HANDOFF_SORTS,
        "dossier_sort_labels": DOSSIER_SORTS,
        "dossier_status_labels": OPEN_DOSSIER_STATUSES,
        "services": services,
        "cursor_now": view.cursor,
    }


def _asked(
    due: str | None,
    service: str | None,
    sort: str | None,
    na: str | None,
    status: str | None,
    dossier_sort: str | None,
    handoff_sort: str | None,
    dienst_pagina: str | None,
    overdrachten_pagina: str | None,
    dossiers_pagina: str | None,
) -> ListQuery:
    pages = {"dienst": dienst_pagina, "overdrachten": overdrachten_pagina, "dossiers": dossiers_pagina}
    return ListQuery(due, service, sort, na, status, dossier_sort, handoff_sort, pages)


@get("/werkvoorraad", name="worklist", guards=[requires_employee], include_in_schema=False)
async def worklist_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    due: FromQuery[str | None] = None,
    service: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    na: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    dossier_sort: FromQuery[str | None] = None,
    handoff_sort: FromQuery[str | None] = None,
    dienst_pagina: FromQuery[str | None] = None,
    overdrachten_pagina: FromQuery[str | None] = None,
    dossiers_pagina: FromQuery[str | None] = None,
) -> Template:
    """The worklist; every panel filtered (due moment, service, dossier status), sorted, paged and counted in SQL;
    the filter and the page of each panel are in the URL (bookmarkable, htmx pushes it)."""
    now = datetime.now(UTC)
    asked = _asked(
        due, service, sort, na, status, dossier_sort, handoff_sort, dienst_pagina, overdrachten_pagina, dossiers_pagina
    )
    view = await _view(db_session, asked)
    worklist = await worklist_for(db_session, actor, audit, now, view=view)
    services = [
        (row.code, row.name)
        for row in (
            await db_session.execute(select(Service.code, Service.name).where(Service.is_active).order_by(Service.code))
        ).all()
    ]
    knowledge = {"knowledge": await knowledge_panel(db_session, actor, now)} if shows_panel(actor) else {}
    context = {**_context(worklist, now), **_filter_context(view, services, worklist), **knowledge}
    return Template("worklists/worklist.html", context=context)


@get("/werkvoorraad/kennisbank", name="worklist.knowledge", guards=[requires_employee], include_in_schema=False)
async def worklist_knowledge(request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
    """The panel "Kennisbank" (accountmanagers), refreshed in place; its own handler keeps it apart from the
    panels read by ``worklist_for``."""
    if not shows_panel(actor):
        raise NotFoundException()
    context = {"knowledge": await knowledge_panel(db_session, actor, datetime.now(UTC))}
    return page_or_fragment(request, "worklists/kennisbank.html", "worklists/_kennisbank.html", context)


@get("/werkvoorraad/{panel:str}", name="worklist.panel", guards=[requires_employee], include_in_schema=False)
async def worklist_panel(
    request: Request[Any, Any, Any],
    panel: FromPath[str],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    due: FromQuery[str | None] = None,
    service: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    na: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    dossier_sort: FromQuery[str | None] = None,
    handoff_sort: FromQuery[str | None] = None,
    dienst_pagina: FromQuery[str | None] = None,
    overdrachten_pagina: FromQuery[str | None] = None,
    dossiers_pagina: FromQuery[str | None] = None,
) -> Template:
    """One panel, refreshed in place (htmx) with the page's filter, or the navigation badge (``teller``): only
    that panel is read."""
    if panel != BADGE and panel not in PANELS:
        raise NotFoundException()
    now = datetime.now(UTC)
    if panel == BADGE:
        worklist = await worklist_for(db_session, actor, audit, now, panels=(panel,))
        return Template("worklists/_badge.html", context=_context(worklist, now))
    asked = _asked(
        due, service, sort, na, status, dossier_sort, handoff_sort, dienst_pagina, overdrachten_pagina, dossiers_pagina
    )
    view = await _view(db_session, asked)
    worklist = await worklist_for(db_session, actor, audit, now, panels=(panel,), view=view)
    context = {**_context(worklist, now), **_filter_context(view, [], worklist)}
    return page_or_fragment(request, "worklists/worklist.html", f"worklists/_{panel}.html", context)


@get("/api/v1/worklist", tags=["werkvoorraad"], guards=[requires_employee], summary="The token user's worklist")
async def api_worklist(db_session: DbSession, actor: Actor, audit: Audit) -> WorklistOut:
    now = datetime.now(UTC)
    return WorklistOut.of(await worklist_for(db_session, actor, audit, now), now)


PAGE_HANDLERS: list[Any] = [worklist_page, worklist_knowledge, worklist_panel]
API_HANDLERS: list[Any] = [api_worklist]
