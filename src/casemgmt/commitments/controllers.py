"""Commitment API (``/api/v1/commitments``), the inline commitment actions, and Terugbelnotities."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
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
from casemgmt.errors import DomainError, InvalidInput
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.pages import page_or_fragment, safe_back

FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


# -- API --------------------------------------------------------------------------------------------------------


@post(
    "/api/v1/commitments",
    tags=["toezeggingen"],
    guards=[requires_employee],
    summary="Record a commitment to a client",
    status_code=201,
)
async def api_make(data: JSONBody[CommitmentCreate], commitments: Commitments) -> CommitmentOut:
    return CommitmentOut.of(await commitments.make(**data.model_dump()))


@post(
    "/api/v1/commitments/{commitment_id:int}/fulfil",
    tags=["toezeggingen"],
    guards=[requires_employee],
    status_code=200,
    responses=CONFLICT,
)
async def api_fulfil(
    commitment_id: FromPath[int], data: JSONBody[CommitmentFulfil], commitments: Commitments
) -> CommitmentOut:
    service = commitments
    return CommitmentOut.of(await service.fulfil(commitment_id, note=data.note, contact_id=data.contact_id))


@post(
    "/api/v1/commitments/{commitment_id:int}/miss",
    tags=["toezeggingen"],
    guards=[requires_employee],
    status_code=200,
    responses=CONFLICT,
)
async def api_miss(
    commitment_id: FromPath[int], data: JSONBody[CommitmentMiss], commitments: Commitments
) -> CommitmentOut:
    return CommitmentOut.of(await commitments.miss(commitment_id, note=data.note))


@post(
    "/api/v1/commitments/{commitment_id:int}/cancel",
    tags=["toezeggingen"],
    guards=[requires_employee],
    status_code=200,
    responses=CONFLICT,
)
async def api_cancel(
    commitment_id: FromPath[int], data: JSONBody[CommitmentCancel], commitments: Commitments
) -> CommitmentOut:
    return CommitmentOut.of(await commitments.cancel(commitment_id, reason=data.reason))


@post(
    "/api/v1/commitments/{commitment_id:int}/reassign",
    tags=["toezeggingen"],
    guards=[requires_employee],
    status_code=200,
    responses=CONFLICT,
)
async def api_reassign(
    commitment_id: FromPath[int], data: JSONBody[CommitmentReassign], commitments: Commitments
) -> CommitmentOut:
    service = commitments
    return CommitmentOut.of(await service.reassign(commitment_id, owner_id=data.owner_id, reason=data.reason))


@get("/api/v1/commitments", tags=["toezeggingen"], guards=[requires_employee])
async def api_list(
    commitments: Commitments,
    owner_id: FromQuery[int | None] = None,
    dossier_id: FromQuery[int | None] = None,
    service: FromQuery[str | None] = None,
    kind: FromQuery[str | None] = None,
    state_filter: Annotated[str | None, QueryParameter(name="state")] = None,
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


@post(
    "/toezeggingen/{commitment_id:int}/{action:str}",
    name="commitments.action",
    guards=[requires_employee],
    include_in_schema=False,
)
async def commitment_action(
    request: Request[Any, Any, Any],
    commitment_id: FromPath[int],
    action: FromPath[str],
    commitments: Commitments,
    data: FormData,
) -> Template | Redirect:
    """Inline actions from the worklist, the dossier and Terugbelnotities. htmx gets the commitment's row back."""
    service = commitments
    kind = ACTIONS.get(action)
    if kind is None:
        raise InvalidInput.single("action", "Onbekende handeling")
    note = data.get("note", "")
    htmx = bool(request.headers.get("hx-request"))
    try:
        if kind == "fulfil":
            contact = data.get("contact_id", "")
            await service.fulfil(commitment_id, note=note, contact_id=int(contact) if contact.isdigit() else None)
        elif kind == "miss":
            await service.miss(commitment_id, note=note)
        elif kind == "cancel":
            await service.cancel(commitment_id, reason=data.get("reason", ""))
        else:
            owner = data.get("owner_id", "")
            if not owner.isdigit():
                raise InvalidInput.single("owner_id", "Kies een nieuwe eigenaar")
            await service.reassign(commitment_id, owner_id=int(owner), reason=data.get("reason", ""))
        error, status = None, 200
    except InvalidInput as exc:
        if not htmx:
            # the error page shows the field's message, not just "Controleer de invoer."
            raise InvalidInput(exc.errors, "; ".join(e.message for e in exc.errors)) from None
        error, status = "; ".join(e.message for e in exc.errors), 422
    except DomainError as exc:
        if exc.status_code in (403, 404) or not htmx:
            raise
        error, status = exc.message, exc.status_code
    if not htmx:
        return Redirect(safe_back(request, data.get("back")), status_code=303)
    view = await service.get(commitment_id)
    context = {"v": view, "now": datetime.now(UTC), "error": error, "kind_labels": rules.KIND_LABELS}
    headers = {} if error else {"HX-Trigger": "worklist-changed"}
    return Template("commitments/_row.html", context=context, status_code=status, headers=headers)


PAGE_HANDLERS: list[Any] = [callbacks_page, commitment_action]
API_HANDLERS: list[Any] = [api_make, api_fulfil, api_miss, api_cancel, api_reassign, api_list]
