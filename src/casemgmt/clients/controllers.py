"""Client pages (Klant zoeken, Wie helpt deze klant?, Nieuwe klant, vertegenwoordigers) and the ``/api/v1/clients`` API.

Handlers only translate HTTP to ``ClientService`` calls and back: access, validation and the audit log live in the
service. Pages are for every employee except the evaluator; creating clients and representatives is for KCC
agents, casemanagers and admins.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee, requires_role
from casemgmt.auth.roles import Role
from casemgmt.clients import rules
from casemgmt.clients.schemas import (
    ClientCreate,
    ClientForm,
    RepresentativeCreate,
    client_json,
    representative_json,
)
from casemgmt.clients.services import ClientService
from casemgmt.db import DbSession
from casemgmt.errors import InvalidInput
from casemgmt.web.pages import page_or_fragment

requires_creator = requires_role(Role.KCC_AGENT, Role.CASEMANAGER, Role.ADMIN)

DUPLICATE_MESSAGE = {
    "person": "Er bestaat al een klant met dit BSN. U ziet nu die klant; er is geen nieuwe klant aangemaakt.",
    "organisation": "Er bestaat al een klant met dit KvK-nummer. U ziet nu die klant; er is geen nieuwe klant "
    "aangemaakt.",
}

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


def _service(db_session: DbSession, actor: Actor, audit: Audit) -> ClientService:
    return ClientService(db_session, actor, audit)


# API ---------------------------------------------------------------------------------------------------------------


@post("/api/v1/clients", guards=[requires_creator], tags=["klanten"], summary="Create a client (or find it)")
async def api_create_client(
    data: ClientCreate, db_session: DbSession, actor: Actor, audit: Audit
) -> Response[dict[str, Any]]:
    """201 with the new client; 200 with ``"existing": true`` when the BSN/KvK is already known (nothing created)."""
    result = await _service(db_session, actor, audit).create(
        kind=data.kind,
        name=data.name,
        bsn=data.bsn,
        kvk=data.kvk,
        phone=data.phone,
        email=data.email,
        address=data.address,
    )
    if result.created:
        return Response(client_json(result.client), status_code=201)
    return Response({**client_json(result.client), "existing": True}, status_code=200)


@get("/api/v1/clients/{client_id:int}", guards=[requires_employee], tags=["klanten"], summary="One client")
async def api_get_client(client_id: int, db_session: DbSession, actor: Actor, audit: Audit) -> dict[str, Any]:
    return client_json(await _service(db_session, actor, audit).get(client_id))


@post(
    "/api/v1/clients/{client_id:int}/representatives",
    guards=[requires_creator],
    tags=["klanten"],
    summary="Register a representative of a client",
)
async def api_add_representative(
    client_id: int, data: RepresentativeCreate, db_session: DbSession, actor: Actor, audit: Audit
) -> Response[dict[str, Any]]:
    representative = await _service(db_session, actor, audit).add_representative(
        client_id,
        name=data.name,
        organisation=data.organisation,
        relation=data.relation,
        phone=data.phone,
        email=data.email,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
    )
    return Response(representative_json(representative), status_code=201)


# pages -------------------------------------------------------------------------------------------------------------


def _new_client_context(form: dict[str, str], errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {"form": form, "errors": errors or {}, "kinds": rules.KINDS}


@get("/klanten/nieuw", name="clients.new", guards=[requires_creator], include_in_schema=False)
async def new_client_page(request: Request[Any, Any, Any]) -> Template:
    return Template("clients/new.html", context=_new_client_context(ClientForm().model_dump()))


@post("/klanten", name="clients.create", guards=[requires_creator], include_in_schema=False)
async def create_client(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[ClientForm, FormBody],
) -> Template | Redirect:
    """Create a client; a known BSN/KvK leads to that client's page instead, with a message saying so."""
    service = _service(db_session, actor, audit)
    try:
        result = await service.create(**data.model_dump())
    except InvalidInput as exc:
        context = _new_client_context(data.model_dump(), exc.by_field())
        return page_or_fragment(request, "clients/new.html", "clients/_new_form.html", context, status_code=422)
    if result.created:
        flash(request, f"Klant {result.client.name} is vastgelegd.", category="info")
    else:
        flash(request, DUPLICATE_MESSAGE[result.client.kind], category="info")
    return Redirect(f"/klanten/{result.client.id}", status_code=303)


PAGE_HANDLERS: list[Any] = [
    new_client_page,
    create_client,
]
API_HANDLERS: list[Any] = [
    api_create_client,
    api_get_client,
    api_add_representative,
]

__all__ = ["API_HANDLERS", "PAGE_HANDLERS"]
