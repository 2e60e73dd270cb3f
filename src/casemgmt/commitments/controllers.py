"""Commitment API (``/api/v1/commitments``), the inline commitment actions, and Terugbelnotities."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Template

from casemgmt.audit.services import Purpose
from casemgmt.auth.guards import requires_employee, requires_role
from casemgmt.auth.roles import Role
from casemgmt.commitments import rules
from casemgmt.commitments.dependencies import Commitments
from casemgmt.commitments.schemas import (
    CommitmentCancel,
    CommitmentCreate,
    CommitmentFulfil,
    CommitmentMiss,
    CommitmentOut,
    CommitmentReassign,
)
from casemgmt.commitments.services import STATES
from casemgmt.errors import InvalidInput
from casemgmt.web.forms import FormData
from casemgmt.web.pages import page_or_fragment
from casemgmt.web.parameters import QueryId, choice
from casemgmt.web.routes import creation, state_change
from casemgmt.web.rows import Row, refusal_message, row_action

TAGS = ["toezeggingen"]


# -- API --------------------------------------------------------------------------------------------------------


@creation("/api/v1/commitments", TAGS, "Record a commitment to a client")
async def api_make(data: JSONBody[CommitmentCreate], commitments: Commitments) -> CommitmentOut:
    return CommitmentOut.of(await commitments.make(data))


@state_change("/api/v1/commitments/{commitment_id:int}/fulfil", TAGS)
async def api_fulfil(
    commitment_id: FromPath[int], data: JSONBody[CommitmentFulfil], commitments: Commitments
) -> CommitmentOut:
    return CommitmentOut.of(await commitments.fulfil(commitment_id, note=data.note, contact_id=data.contact_id))


@state_change("/api/v1/commitments/{commitment_id:int}/miss", TAGS)
async def api_miss(
    commitment_id: FromPath[int], data: JSONBody[CommitmentMiss], commitments: Commitments
) -> CommitmentOut:
    return CommitmentOut.of(await commitments.miss(commitment_id, note=data.note))


@state_change("/api/v1/commitments/{commitment_id:int}/cancel", TAGS)
async def api_cancel(
    commitment_id: FromPath[int], data: JSONBody[CommitmentCancel], commitments: Commitments
) -> CommitmentOut:
    return CommitmentOut.of(await commitments.cancel(commitment_id, reason=data.reason))


@state_change("/api/v1/commitments/{commitment_id:int}/reassign", TAGS)
async def api_reassign(
    commitment_id: FromPath[int], data: JSONBody[CommitmentReassign], commitments: Commitments
) -> CommitmentOut:
    return CommitmentOut.of(await commitments.reassign(commitment_id, owner_id=data.owner_id, reason=data.reason))


@get("/api/v1/commitments", tags=TAGS, guards=[requires_employee])
async def api_list(
    commitments: Commitments,
    owner_id: QueryId = None,
    dossier_id: QueryId = None,
    service: FromQuery[str | None] = None,
    kind: Annotated[str | None, choice(rules.KIND_LABELS)] = None,
    state_filter: Annotated[str | None, choice(STATES, name="state")] = None,
) -> list[CommitmentOut]:
    now = datetime.now(UTC)
    views = await commitments.list(
        owner_id=owner_id, dossier_id=dossier_id, service=service, kind=kind, state=state_filter, now=now
    )
    return [CommitmentOut.of(v.commitment, now) for v in views]


# -- pages ------------------------------------------------------------------------------------------------------


@get("/terugbelnotities", name="callbacks", guards=[requires_role(Role.KCC_AGENT, Role.ADMIN)], include_in_schema=False)
async def callbacks_page(
    request: Request[Any, Any, Any],
    commitments: Commitments,
    service: FromQuery[str | None] = None,
) -> Template:
    """Every open callback across all services, overdue first (KCC direction over callbacks, seed 3.2.2)."""
    now = datetime.now(UTC)
    views = await commitments.list(
        kind="callback", state="open", service=service or None, now=now, audit_purpose=Purpose.KLANTCONTACT
    )
    views.sort(key=lambda v: (not rules.is_overdue(v.commitment.status, v.commitment.due_at, now), v.commitment.due_at))
    context = {"views": views, "now": now, "service": service or "", "kind_labels": rules.KIND_LABELS}
    return page_or_fragment(request, "commitments/callbacks.html", "commitments/_callbacks.html", context)


ACTIONS = {"nagekomen": "fulfil", "niet-nagekomen": "miss", "intrekken": "cancel", "overdragen": "reassign"}


@row_action("/toezeggingen/{commitment_id:int}/{action:str}", name="commitments.action")
async def commitment_action(
    commitment_id: FromPath[int], commitments: Commitments, row: Row, data: FormData
) -> Template | Redirect:
    """Inline actions from the worklist, the dossier and Terugbelnotities. htmx gets the commitment's row back."""
    kind = ACTIONS.get(row.name)
    if kind is None:
        raise InvalidInput.single("action", "Onbekende handeling")
    note = data.get("note", "")

    async def act() -> object:
        if kind == "fulfil":
            contact = data.get("contact_id", "")
            return await commitments.fulfil(
                commitment_id, note=note, contact_id=int(contact) if contact.isdigit() else None
            )
        if kind == "miss":
            return await commitments.miss(commitment_id, note=note)
        if kind == "cancel":
            return await commitments.cancel(commitment_id, reason=data.get("reason", ""))
        owner = data.get("owner_id", "")
        if not owner.isdigit():
            raise InvalidInput.single("owner_id", "Kies een nieuwe eigenaar")
        return await commitments.reassign(commitment_id, owner_id=int(owner), reason=data.get("reason", ""))

    try:
        await row.run(act)
    except InvalidInput as exc:
        # a plain form post: the error page shows the field's message, not just "Controleer de invoer."
        raise InvalidInput(exc.errors, refusal_message(exc)) from None
    if not row.htmx:
        return row.back(data.get("back"))
    view = await commitments.get(commitment_id)
    return row.row("commitments/_row.html", {"v": view, "now": datetime.now(UTC), "kind_labels": rules.KIND_LABELS})


PAGE_HANDLERS: list[Any] = [callbacks_page, commitment_action]
API_HANDLERS: list[Any] = [api_make, api_fulfil, api_miss, api_cancel, api_reassign, api_list]
