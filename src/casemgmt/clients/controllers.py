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
    RepresentativeForm,
    client_json,
    representative_json,
    routing_json,
)
from casemgmt.clients.services import ClientService
from casemgmt.db import DbSession
from casemgmt.errors import InvalidInput
from casemgmt.web.pages import page_or_fragment, wants_fragment

requires_creator = requires_role(Role.KCC_AGENT, Role.CASEMANAGER, Role.ADMIN)

DOSSIER_STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In behandeling",
    "waiting": "Wacht op klant of derde",
    "closed": "Gesloten",
}
DUPLICATE_MESSAGE = {
    "person": "Er bestaat al een klant met dit BSN. U ziet nu die klant; er is geen nieuwe klant aangemaakt.",
    "organisation": "Er bestaat al een klant met dit KvK-nummer. U ziet nu die klant; er is geen nieuwe klant "
    "aangemaakt.",
}

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


def _service(db_session: DbSession, actor: Actor, audit: Audit) -> ClientService:
    return ClientService(db_session, actor, audit)


def _may_open_dossier(actor: Actor) -> bool:
    return actor.has(Role.CASEMANAGER, Role.ADMIN)


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


@get("/api/v1/clients", guards=[requires_employee], tags=["klanten"], summary="Find clients by BSN, name or dossier")
async def api_search_clients(
    db_session: DbSession, actor: Actor, audit: Audit, bsn: str | None = None, q: str | None = None
) -> list[dict[str, Any]]:
    service = _service(db_session, actor, audit)
    if bsn is not None:
        result = await service.search_bsn(bsn)
    elif q is not None and q.strip():
        result = await service.search(q)
    else:
        raise InvalidInput.single("q", "Geef een zoekterm (q) of een BSN (bsn) op")
    return [client_json(client) for client in result.clients]


@get("/api/v1/clients/{client_id:int}", guards=[requires_employee], tags=["klanten"], summary="One client")
async def api_get_client(client_id: int, db_session: DbSession, actor: Actor, audit: Audit) -> dict[str, Any]:
    return client_json(await _service(db_session, actor, audit).get(client_id))


@get(
    "/api/v1/clients/{client_id:int}/routing",
    guards=[requires_employee],
    tags=["klanten"],
    summary="Who helps this client: open dossiers, casemanager, accountmanagers, representatives",
)
async def api_client_routing(client_id: int, db_session: DbSession, actor: Actor, audit: Audit) -> dict[str, Any]:
    return routing_json(await _service(db_session, actor, audit).routing(client_id))


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


def _search_context(q: str, result: Any, service: ClientService) -> dict[str, Any]:
    return {"q": q, "result": result, "may_create": service.may_create, "mask_bsn": rules.mask_bsn}


@get("/klanten", name="clients.search", guards=[requires_employee], include_in_schema=False)
async def search_page(
    request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, audit: Audit, q: str = ""
) -> Template:
    """Klant zoeken; with ``?q=`` (the form without JavaScript) the results come with the page."""
    service = _service(db_session, actor, audit)
    result = await service.search(q) if q.strip() else None
    return Template("clients/search.html", context=_search_context(q, result, service))


@get("/klanten/zoeken", name="clients.results", guards=[requires_employee], include_in_schema=False)
async def search_results(
    request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, audit: Audit, q: str = ""
) -> Template:
    """The results as you type (htmx fragment); a plain request gets the whole search page."""
    service = _service(db_session, actor, audit)
    result = await service.search(q) if q.strip() else None
    return page_or_fragment(
        request, "clients/search.html", "clients/_results.html", _search_context(q, result, service)
    )


def _routing_context(
    service: ClientService,
    actor: Actor,
    view: Any,
    *,
    heading_level: int,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    return {
        "view": view,
        "client": view.client,
        "representatives": view.representatives,
        "heading_level": heading_level,
        "may_create": service.may_create,
        "may_open_dossier": _may_open_dossier(actor),
        "status_labels": DOSSIER_STATUS_LABELS,
        "kinds": rules.KINDS,
        "mask_bsn": rules.mask_bsn,
        "form": form or {},
        "errors": errors or {},
        "notice": notice,
    }


@get("/klanten/{client_id:int}", name="clients.routing_page", guards=[requires_employee], include_in_schema=False)
async def routing_page(
    request: Request[Any, Any, Any], client_id: int, db_session: DbSession, actor: Actor, audit: Audit
) -> Template:
    """Wie helpt deze klant? as a page of its own."""
    service = _service(db_session, actor, audit)
    view = await service.routing(client_id)
    return Template("clients/routing.html", context=_routing_context(service, actor, view, heading_level=1))


@get(
    "/klanten/{client_id:int}/routering",
    name="clients.routing_fragment",
    guards=[requires_employee],
    include_in_schema=False,
)
async def routing_fragment(
    request: Request[Any, Any, Any], client_id: int, db_session: DbSession, actor: Actor, audit: Audit
) -> Template:
    """Wie helpt deze klant? opened in place from the search results (htmx), or as a page."""
    service = _service(db_session, actor, audit)
    view = await service.routing(client_id)
    level = 2 if wants_fragment(request) else 1
    context = _routing_context(service, actor, view, heading_level=level)
    return page_or_fragment(request, "clients/routing.html", "clients/_routing.html", context)


@post(
    "/klanten/{client_id:int}/vertegenwoordigers",
    name="clients.add_representative",
    guards=[requires_creator],
    include_in_schema=False,
)
async def add_representative(
    request: Request[Any, Any, Any],
    client_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[RepresentativeForm, FormBody],
) -> Template | Redirect:
    """Add a representative: htmx gets the refreshed section (422 with messages and the typed text on errors)."""
    service = _service(db_session, actor, audit)
    try:
        representative = await service.add_representative(client_id, **data.model_dump())
    except InvalidInput as exc:
        form, errors = data.model_dump(), exc.by_field()
        if wants_fragment(request):
            client, current = await service.representatives(client_id)
            context = _representatives_context(service, client, current, form=form, errors=errors)
            return Template("clients/_representatives_body.html", context=context, status_code=422)
        view = await service.routing(client_id)
        context = _routing_context(service, actor, view, heading_level=1, form=form, errors=errors)
        return Template("clients/routing.html", context=context, status_code=422)
    notice = f"Vertegenwoordiger {representative.name} is toegevoegd."
    if wants_fragment(request):
        client, current = await service.representatives(client_id)
        context = _representatives_context(service, client, current, notice=notice)
        return Template("clients/_representatives_body.html", context=context, headers={"Vary": "HX-Request"})
    flash(request, notice, category="info")
    return Redirect(f"/klanten/{client_id}", status_code=303)


def _representatives_context(
    service: ClientService,
    client: Any,
    representatives: list[Any],
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    return {
        "client": client,
        "representatives": representatives,
        "heading_level": 2,
        "may_create": service.may_create,
        "form": form or {},
        "errors": errors or {},
        "notice": notice,
    }


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
    search_page,
    search_results,
    new_client_page,
    create_client,
    routing_page,
    routing_fragment,
    add_representative,
]
API_HANDLERS: list[Any] = [
    api_create_client,
    api_search_clients,
    api_get_client,
    api_client_routing,
    api_add_representative,
]

__all__ = ["API_HANDLERS", "PAGE_HANDLERS"]
