"""Handoff API (``/api/v1/handoffs``) and the inline handoff actions on the dossier and the worklist."""

from __future__ import annotations

from typing import Any

from litestar.params import FromPath, JSONBody
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.directory.models import Service
from casemgmt.errors import InvalidInput
from casemgmt.handoffs.dependencies import Handoffs
from casemgmt.handoffs.models import Handoff
from casemgmt.handoffs.rules import STATUS_LABELS
from casemgmt.handoffs.schemas import HandoffCreate, HandoffDecline, HandoffOut
from casemgmt.handoffs.services import HandoffView
from casemgmt.web.forms import FormData
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.routes import creation, state_change
from casemgmt.web.rows import Row, row_action

TAGS = ["overdrachten"]


async def handoff_out(session: AsyncSession, handoff: Handoff) -> HandoffOut:
    codes = dict((await session.execute(select(Service.id, Service.code))).tuples().all())
    return HandoffOut.of(handoff, codes)


@creation("/api/v1/handoffs", TAGS, "Request a handoff", responses=CONFLICT)
async def api_request(data: JSONBody[HandoffCreate], handoffs: Handoffs) -> HandoffOut:
    handoff = await handoffs.request(data)
    return await handoff_out(handoffs.session, handoff)


@state_change("/api/v1/handoffs/{handoff_id:int}/accept", TAGS)
async def api_accept(handoff_id: FromPath[int], handoffs: Handoffs) -> HandoffOut:
    return await handoff_out(handoffs.session, await handoffs.accept(handoff_id))


@state_change("/api/v1/handoffs/{handoff_id:int}/decline", TAGS)
async def api_decline(handoff_id: FromPath[int], data: JSONBody[HandoffDecline], handoffs: Handoffs) -> HandoffOut:
    handoff = await handoffs.decline(handoff_id, reason=data.reason)
    return await handoff_out(handoffs.session, handoff)


@state_change("/api/v1/handoffs/{handoff_id:int}/cancel", TAGS)
async def api_cancel(handoff_id: FromPath[int], handoffs: Handoffs) -> HandoffOut:
    return await handoff_out(handoffs.session, await handoffs.cancel(handoff_id))


# -- pages ------------------------------------------------------------------------------------------------------

ACTIONS = ("accepteren", "weigeren", "intrekken")


@row_action("/overdrachten/{handoff_id:int}/{action:str}", name="handoffs.action")
async def handoff_action(
    handoff_id: FromPath[int], handoffs: Handoffs, row: Row, data: FormData
) -> Template | Redirect:
    """Accept, decline or cancel from the worklist or the dossier. htmx gets the handoff's row back."""
    action = row.name
    if action not in ACTIONS:
        raise InvalidInput.single("action", "Onbekende handeling")

    async def act() -> object:
        if action == "accepteren":
            return await handoffs.accept(handoff_id)
        if action == "weigeren":
            return await handoffs.decline(handoff_id, reason=data.get("reason", ""))
        return await handoffs.cancel(handoff_id)

    await row.run(act)
    if not row.htmx:
        return row.back(data.get("back"))
    rows = (await handoffs.session.execute(handoffs.query().where(Handoff.id == handoff_id))).all()
    view = HandoffView(*rows[0])  # type: ignore[arg-type]
    context = {
        "h": view,
        "status_labels": STATUS_LABELS,
        "may_decide": handoffs.is_receiver(view.handoff, view.to_service),
    }
    return row.row("handoffs/_row.html", context)


PAGE_HANDLERS: list[Any] = [handoff_action]
API_HANDLERS: list[Any] = [api_request, api_accept, api_decline, api_cancel]
