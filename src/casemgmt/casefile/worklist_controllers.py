"""Werkvoorraad (the start page of casemanagers and accountmanagers), its panels, the badge, and the API."""

from __future__ import annotations

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
from casemgmt.casefile.worklist import BADGE, PANELS, WorklistFilter, worklist_for
from casemgmt.casefile.worklist_knowledge import knowledge_panel, shows_panel
from casemgmt.commitments.rules import KIND_LABELS
from casemgmt.db import DbSession
from casemgmt.directory.models import Service
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
LIST_DEFAULTS = {"due": "", "service": "", "sort": "due_at", "na": ""}


async def _view(db_session: DbSession, due: str | None, service: str | None, sort: str | None, na: str | None) -> Any:
    """The filter of the URL, checked: an unknown value is the default (never an error page)."""
    codes = set((await db_session.scalars(select(Service.code))).all())
    code = (service or "").strip().upper()
    cursor = (na or "").strip()
    return WorklistFilter(
        due=listing.chosen(due, listing.DUE_LABELS, ""),
        service=code if code in codes else "",
        sort=listing.chosen(sort, COMMITMENT_SORTS, "due_at"),
        cursor=cursor if len(cursor) <= 100 else "",
    )


def _filter_context(view: WorklistFilter, services: list[tuple[str, str]]) -> dict[str, Any]:
    filters = {"due": view.due, "service": view.service, "sort": view.sort}
    return {
        "filters": filters,
        "defaults": LIST_DEFAULTS,
        "query_string": listing.query_string,
        "panel_query": listing.query_string(filters, LIST_DEFAULTS),
        "due_labels": listing.DUE_LABELS,
        "sort_labels": COMMITMENT_SORTS,
        "services": services,
        "cursor_now": view.cursor,
    }


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
) -> Template:
    """The worklist; Mijn toezeggingen and Escalaties filtered by due moment and service, sorted, paged and counted
    in SQL; the filter is in the URL (bookmarkable, htmx pushes it)."""
    now = datetime.now(UTC)
    view = await _view(db_session, due, service, sort, na)
    worklist = await worklist_for(db_session, actor, audit, now, view=view)
    services = [
        (row.code, row.name)
        for row in (
            await db_session.execute(select(Service.code, Service.name).where(Service.is_active).order_by(Service.code))
        ).all()
    ]
    knowledge = {"knowledge": await knowledge_panel(db_session, actor, now)} if shows_panel(actor) else {}
    return Template(
        "worklists/worklist.html", context={**_context(worklist, now), **_filter_context(view, services), **knowledge}
    )


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
) -> Template:
    """One panel, refreshed in place (htmx) with the page's filter, or the navigation badge (``teller``): only
    that panel is read."""
    if panel != BADGE and panel not in PANELS:
        raise NotFoundException()
    now = datetime.now(UTC)
    if panel == BADGE:
        worklist = await worklist_for(db_session, actor, audit, now, panels=(panel,))
        return Template("worklists/_badge.html", context=_context(worklist, now))
    view = await _view(db_session, due, service, sort, na)
    worklist = await worklist_for(db_session, actor, audit, now, panels=(panel,), view=view)
    context = {**_context(worklist, now), **_filter_context(view, [])}
    return page_or_fragment(request, "worklists/worklist.html", f"worklists/_{panel}.html", context)


@get("/api/v1/worklist", tags=["werkvoorraad"], guards=[requires_employee], summary="The token user's worklist")
async def api_worklist(db_session: DbSession, actor: Actor, audit: Audit) -> WorklistOut:
    now = datetime.now(UTC)
    return WorklistOut.of(await worklist_for(db_session, actor, audit, now), now)


PAGE_HANDLERS: list[Any] = [worklist_page, worklist_knowledge, worklist_panel]
API_HANDLERS: list[Any] = [api_worklist]
