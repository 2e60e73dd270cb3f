"""Werkvoorraad (the start page of casemanagers and accountmanagers), its panels, the badge, and the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee
from casemgmt.casefile.schemas import WorklistOut
from casemgmt.casefile.worklist import BADGE, PANELS, worklist_for
from casemgmt.commitments.rules import KIND_LABELS
from casemgmt.db import DbSession
from casemgmt.handoffs.rules import STATUS_LABELS as HANDOFF_STATUS_LABELS
from casemgmt.signals.rules import SIGNAL_LABELS
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


@get("/werkvoorraad", name="worklist", guards=[requires_employee], include_in_schema=False)
async def worklist_page(request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, audit: Audit) -> Template:
    now = datetime.now(UTC)
    worklist = await worklist_for(db_session, actor, audit, now)
    return Template("worklists/worklist.html", context=_context(worklist, now))


@get("/werkvoorraad/{panel:str}", name="worklist.panel", guards=[requires_employee], include_in_schema=False)
async def worklist_panel(
    request: Request[Any, Any, Any], panel: FromPath[str], db_session: DbSession, actor: Actor, audit: Audit
) -> Template:
    """One panel, refreshed in place (htmx), or the navigation badge (``teller``): only that panel is read."""
    if panel != BADGE and panel not in PANELS:
        raise NotFoundException()
    now = datetime.now(UTC)
    worklist = await worklist_for(db_session, actor, audit, now, panels=(panel,))
    if panel == BADGE:
        return Template("worklists/_badge.html", context=_context(worklist, now))
    return page_or_fragment(request, "worklists/worklist.html", f"worklists/_{panel}.html", _context(worklist, now))


@get("/api/v1/worklist", tags=["werkvoorraad"], guards=[requires_employee], summary="The token user's worklist")
async def api_worklist(db_session: DbSession, actor: Actor, audit: Audit) -> WorklistOut:
    now = datetime.now(UTC)
    return WorklistOut.of(await worklist_for(db_session, actor, audit, now), now)


PAGE_HANDLERS: list[Any] = [worklist_page, worklist_panel]
API_HANDLERS: list[Any] = [api_worklist]
