"""Client pages (Klant zoeken, Wie helpt deze klant?, Nieuwe klant, vertegenwoordigers) and the ``/api/v1/clients`` API
(create, read, correct with ``PATCH`` and the corrections' history ``/changes``, inzage, representatives).

Handlers only translate HTTP to ``ClientService`` calls and back: access, validation and the audit log live in the
service. Pages are for every employee except the evaluator; creating clients and representatives is for KCC
agents, casemanagers and admins. A client is shown in full or limited as need to know says (``clients/access.py``);
``POST /api/v1/clients/{id}/inzage`` opens the full record with a stated reason (docs/PRIVACY.md);
``POST /api/v1/clients/{id}/identify`` gives an unidentified client its BSN, or merges it on confirmation.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from casemgmt.auth.guards import requires_employee, requires_role
from casemgmt.auth.roles import Role
from casemgmt.clients import rules
from casemgmt.clients.dependencies import Clients
from casemgmt.clients.schemas import (
    ClientChangeOut,
    ClientCreate,
    ClientForm,
    ClientOut,
    ClientPatch,
    DisclosureRequest,
    ExistingClientOut,
    IdentifyRequest,
    RepresentativeCreate,
    RepresentativeOut,
    RepresentativePersonOut,
    RepresentativeSearchOut,
)
from casemgmt.errors import InvalidInput
from casemgmt.web.forms import FormBody
from casemgmt.web.openapi import CONFLICT, ErrorOut, responses
from casemgmt.web.pages import page_or_fragment
from casemgmt.web.parameters import QueryId
from casemgmt.web.routes import page_form

requires_creator = requires_role(Role.KCC_AGENT, Role.CASEMANAGER, Role.ADMIN)

DUPLICATE_MESSAGE = {
    "person": "Er bestaat al een klant met dit BSN. U ziet nu die klant; er is geen nieuwe klant aangemaakt.",
    "organisation": "Er bestaat al een klant met dit KvK-nummer. U ziet nu die klant; er is geen nieuwe klant "
    "aangemaakt.",
}


# API ---------------------------------------------------------------------------------------------------------------


@post(
    "/api/v1/clients",
    guards=[requires_creator],
    tags=["klanten"],
    summary="Create a client (or find it)",
    responses=responses(
        {200: ResponseSpec(ExistingClientOut, description="This BSN/KvK is known: that client; nothing created")},
        CONFLICT,
    ),
)
async def api_create_client(data: JSONBody[ClientCreate], clients: Clients) -> Response[ClientOut]:
    """201 with the new client; 200 with ``"existing": true`` when the BSN/KvK is already known (nothing created)."""
    result = await clients.create(data)
    if result.created:
        return Response(ClientOut.of(result.client), status_code=201)
    return Response(ExistingClientOut.of(result.client, result.access), status_code=200)


@get(
    "/api/v1/clients/{client_id:int}",
    guards=[requires_employee],
    tags=["klanten"],
    summary="One client (full or limited, by need to know)",
    description="`access` says what is shown: `full` for the KCC, admins, employees on one of the client's dossiers, "
    "the client's registrar and whoever stated a reason today (`POST …/inzage`); `limited` otherwise, with the "
    "identifiers and contact details `null`.",
)
async def api_get_client(client_id: FromPath[int], clients: Clients) -> ClientOut:
    view = await clients.get(client_id)
    return ClientOut.of(view.client, view.access)


@patch(
    "/api/v1/clients/{client_id:int}",
    guards=[requires_creator],
    tags=["klanten"],
    summary="Correct a client's details; 409 on a stale version",
    description='Send the `version` read and only the fields to change (`null` or `""` empties an optional one; '
    "in `address` a part not sent keeps its value). Phone numbers are validated and stored in E.164 (region NL), "
    "the postcode normalised (`2511AB`). KCC agents, casemanagers and admins with the full view of the client "
    "(need to know); others 403. 409 when the client changed since `version` was read, 422 naming each wrong "
    "field; nothing is written then. Each change adds a history row (`GET …/changes`) and an audit event naming the "
    "changed fields.",
    responses=CONFLICT,
)
async def api_correct_client(client_id: FromPath[int], data: JSONBody[ClientPatch], clients: Clients) -> ClientOut:
    view = await clients.correct(client_id, data.version, data.sent())
    return ClientOut.of(view.client, view.access)


@get(
    "/api/v1/clients/{client_id:int}/changes",
    guards=[requires_employee],
    tags=["klanten"],
    summary="The corrections of a client's details, newest first, with the changed fields before and after",
    description="Full view only (need to know); the limited view answers 403.",
)
async def api_client_changes(client_id: FromPath[int], clients: Clients) -> list[ClientChangeOut]:
    return [ClientChangeOut.of(change, name) for change, name in await clients.changes(client_id)]


@post(
    "/api/v1/clients/{client_id:int}/inzage",
    guards=[requires_employee],
    tags=["klanten"],
    summary="Open a client's full record with a stated reason (doelbinding)",
    description="The reason (`reden`, 10–500 characters) is recorded in the audit log (action `reasoned_read`) and "
    "grants the full record of this client, here and in the routing view and searches, for the rest of the day "
    "(Europe/Amsterdam). Without a usable reason: 422 naming `reden`, nothing recorded.",
    status_code=200,
)
async def api_disclose_client(
    client_id: FromPath[int], data: JSONBody[DisclosureRequest], clients: Clients
) -> ClientOut:
    view = await clients.disclose(client_id, data.reden)
    return ClientOut.of(view.client, view.access)


class ExistingClientRef(msgspec.Struct):
    """The client that already has the BSN."""

    id: int
    name: str
    pseudonym: str


class ExistingClientExtra(msgspec.Struct):
    existing_client: ExistingClientRef


class ExistingClientConflictOut(ErrorOut):
    """409 on identifying: another client already has this BSN (``extra.existing_client``); nothing written. Send
    ``merge: true`` to merge the two."""

    extra: ExistingClientExtra | None = None


@post(
    "/api/v1/clients/{client_id:int}/identify",
    guards=[requires_creator],
    tags=["klanten"],
    summary="Identify an unidentified client by BSN (or merge it into the client with that BSN)",
    description="An unidentified client (`kind` `unidentified`) becomes a person with this BSN (200, the client). "
    "422 naming `bsn` when it fails the 11-proof or the client is not unidentified (or already merged). When "
    "another client has the BSN: 409 naming it in `extra.existing_client`, nothing written; with `merge: true` every "
    "record of the unidentified client (contacts, dossiers, commitments, escalations, representatives) moves to that "
    "client in one transaction, the unidentified client is kept with `merged_into_id` set, and the answer is the "
    "existing client. One `merge` audit event on each client. KCC agents, casemanagers and admins, for a client "
    "whose full record they see.",
    status_code=200,
    responses=responses(
        {
            409: ResponseSpec(
                ExistingClientConflictOut,
                description="Another client has this BSN (named in `extra.existing_client`): nothing written; or a "
                "colleague registered it at this very moment",
                generate_examples=False,
            )
        }
    ),
)
async def api_identify_client(client_id: FromPath[int], data: JSONBody[IdentifyRequest], clients: Clients) -> ClientOut:
    result = await clients.identify(client_id, data.bsn, merge=data.merge)
    return ClientOut.of(result.client, result.access)


@post(
    "/api/v1/clients/{client_id:int}/representatives",
    guards=[requires_creator],
    tags=["klanten"],
    summary="Register a representative of a client",
)
async def api_add_representative(
    client_id: FromPath[int], data: JSONBody[RepresentativeCreate], clients: Clients
) -> RepresentativeOut:
    return RepresentativeOut.of(await clients.add_representative(client_id, data))


@get(
    "/api/v1/representatives",
    guards=[requires_employee],
    tags=["klanten"],
    summary="Find representatives by name or phone number, with the clients they act for today",
    description="`q`: the start of the name (or of one of its words; at least 2 characters, case-insensitive) or a "
    "phone number in any format (at least 3 digits; `+31 70 …`, `0031 70 …` and `070-…` are the same). At most 20 "
    "representatives; a client the reader has only the limited view of (need to know) shows `name` and `pseudonym` "
    'only. `kind` `""`: too short, nothing looked up. Audited with the kind of query and the number of hits.',
)
async def api_search_representatives(
    clients: Clients, q: Annotated[str, QueryParameter(max_length=rules.MAX_QUERY)] = ""
) -> RepresentativeSearchOut:
    return RepresentativeSearchOut.of(await clients.search_representatives(q))


@get(
    "/api/v1/representatives/{representative_id:int}",
    guards=[requires_employee],
    tags=["klanten"],
    summary="One representative with every client they act or acted for (current first)",
)
async def api_get_representative(representative_id: FromPath[int], clients: Clients) -> RepresentativePersonOut:
    return RepresentativePersonOut.of(await clients.representative(representative_id))


# pages -------------------------------------------------------------------------------------------------------------


def _new_client_context(form: dict[str, str], errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {"form": form, "errors": errors or {}, "kinds": rules.KIND_LABELS, "channels": rules.PREFERRED_CHANNELS}


@get("/klanten/nieuw", name="clients.new", guards=[requires_creator], include_in_schema=False)
async def new_client_page(request: Request[Any, Any, Any], soort: FromQuery[str] = "") -> Template:
    """Nieuwe klant; ``?soort=unidentified`` (from Contact vastleggen: a caller without BSN) preselects that kind."""
    kind = soort if soort in rules.KIND_LABELS else "person"
    return Template("clients/new.html", context=_new_client_context(ClientForm(kind=kind).model_dump()))


@page_form("/klanten", "clients.create", requires_creator)
async def create_client(
    request: Request[Any, Any, Any],
    clients: Clients,
    data: Annotated[ClientForm, FormBody],
) -> Template | Redirect:
    """Create a client; a known BSN/KvK leads to that client's page instead, with a message saying so."""
    try:
        result = await clients.create(data)
    except InvalidInput as exc:
        context = _new_client_context(data.model_dump(), exc.by_field())
        return page_or_fragment(request, "clients/new.html", "clients/_new_form.html", context, status_code=422)
    if result.created:
        flash(request, f"Klant {result.client.name} is vastgelegd.", category="info")
    else:
        flash(request, DUPLICATE_MESSAGE[result.client.kind], category="info")
    return Redirect(f"/klanten/{result.client.id}", status_code=303)


@get(
    "/vertegenwoordigers/{representative_id:int}",
    name="representatives.detail",
    guards=[requires_employee],
    include_in_schema=False,
)
async def representative_page(representative_id: FromPath[int], clients: Clients) -> Template:
    """A representative: the person and the clients they act or acted for, with relation and validity."""
    found = await clients.representative(representative_id)
    return Template("clients/representative.html", context={"found": found})


@get(
    "/vertegenwoordigers/zoeken",
    name="representatives.search",
    guards=[requires_employee],
    include_in_schema=False,
)
async def representative_search(
    request: Request[Any, Any, Any], clients: Clients, q: FromQuery[str] = "", klant: QueryId = None
) -> Template:
    """ "Bestaande vertegenwoordiger zoeken" as you type (htmx fragment of the add form): each hit as a choice;
    ``klant``: the client being added to (its current representatives are marked)."""
    result = await clients.search_representatives(q) if q.strip() else None
    context = {"result": result, "q": q, "client_id": klant}
    return page_or_fragment(request, "clients/representative_search.html", "clients/_representative_hits.html", context)


PAGE_HANDLERS: list[Any] = [
    new_client_page,
    create_client,
    representative_page,
    representative_search,
]
API_HANDLERS: list[Any] = [
    api_create_client,
    api_get_client,
    api_correct_client,
    api_client_changes,
    api_disclose_client,
    api_identify_client,
    api_add_representative,
    api_search_representatives,
    api_get_representative,
]

__all__ = ["API_HANDLERS", "PAGE_HANDLERS"]
