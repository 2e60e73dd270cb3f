"""The KCC's pages for finding the client and who helps them: Klant zoeken (page, results as you type, API) and
"Wie helpt deze klant?" (page, fragment, API) with, below it on the page, the klantbeeld (the client's timeline with
"Meer laden", the closed dossiers; API ``/timeline`` and ``/dossiers``, ``casefile/client_timeline.py``), with adding
a representative from that view, and "Gegevens inzien"
(``POST /klanten/{id}/inzage``): an employee with the limited view states a reason and sees the full record for the
rest of the day (need to know, ``clients/access.py``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee
from casemgmt.auth.roles import Role
from casemgmt.casefile.client_timeline import (
    DOSSIER_STATUSES,
    check_status,
    client_dossiers,
    client_record,
    client_timeline,
    parse_cursor,
)
from casemgmt.casefile.dependencies import Finder
from casemgmt.casefile.finding import ClientFinder
from casemgmt.casefile.schemas import ClientDossierOut, ClientTimelineOut, RoutingOut
from casemgmt.casefile.timeline import clamp_limit
from casemgmt.clients import rules
from casemgmt.clients.access import MAX_REASON, MIN_REASON
from casemgmt.clients.controllers import requires_creator
from casemgmt.clients.schemas import (
    ClientOut,
    DisclosureForm,
    RepresentativeForm,
)
from casemgmt.commitments.rules import STATUS_LABELS as COMMITMENT_STATUS_LABELS
from casemgmt.contacts.presentation import FMT
from casemgmt.errors import InvalidInput
from casemgmt.web.forms import FormBody
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.parameters import choice
from casemgmt.web.routes import page_form

DOSSIER_STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In behandeling",
    "waiting": "Wacht op klant of derde",
    "closed": "Gesloten",
}


def _may_open_dossier(actor: Actor) -> bool:
    return actor.has(Role.CASEMANAGER, Role.ADMIN)


@get("/api/v1/clients", guards=[requires_employee], tags=["klanten"], summary="Find clients by BSN, name or dossier")
async def api_search_clients(
    finder: Finder,
    bsn: Annotated[
        str | None,
        # documented only: the finder checks the 11-proof and answers a Dutch message
        QueryParameter(description="Nine digits passing the 11-proof", schema_extra={"pattern": "^[0-9]{9}$"}),
    ] = None,
    q: Annotated[str | None, QueryParameter(max_length=rules.MAX_QUERY)] = None,
) -> list[ClientOut]:
    if bsn is not None:
        result = await finder.search_bsn(bsn)
    elif q is not None and q.strip():
        result = await finder.search(q)
    else:
        raise InvalidInput.single("q", "Geef een zoekterm (q) of een BSN (bsn) op")
    return [ClientOut.of(view.client, view.access) for view in result.clients]


@get(
    "/api/v1/clients/{client_id:int}/routing",
    guards=[requires_employee],
    tags=["klanten"],
    summary="Who helps this client: open dossiers, casemanager, accountmanagers, representatives",
    description="With `access` `limited` (need to know: not on one of the client's dossiers, no reason stated today) "
    "only the client's name, pseudonym, last digits and the number of open dossiers; state a reason with "
    "`POST /api/v1/clients/{client_id}/inzage` first.",
)
async def api_client_routing(client_id: FromPath[int], finder: Finder) -> RoutingOut:
    return RoutingOut.of(await finder.routing(client_id))


FULL_RECORD_ONLY = (
    "Need to know: only for who may see the client's full record (`access` `full` in the routing view); the "
    "limited view answers 403 with the Dutch reason that a reason must be stated first "
    "(`POST /api/v1/clients/{client_id}/inzage`). One audit event on the client per request."
)


@get(
    "/api/v1/clients/{client_id:int}/timeline",
    guards=[requires_employee],
    tags=["klanten"],
    summary="The client's timeline, newest first: contacts (with or without a dossier), dossiers opened and closed, "
    "commitments made and closed, escalations asked and answered; pass `next_cursor` as `cursor` for older items",
    description=FULL_RECORD_ONLY,
)
async def api_client_timeline(
    client_id: FromPath[int],
    finder: Finder,
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int | None] = None,
) -> ClientTimelineOut:
    before, size = parse_cursor(cursor), clamp_limit(limit)
    return ClientTimelineOut.of(await client_timeline(finder, client_id, before, size))


@get(
    "/api/v1/clients/{client_id:int}/dossiers",
    guards=[requires_employee],
    tags=["klanten"],
    summary="The client's dossiers, newest first, with the outcome of the closed ones",
    description=FULL_RECORD_ONLY,
)
async def api_client_dossiers(
    client_id: FromPath[int],
    finder: Finder,
    status: Annotated[str | None, choice(DOSSIER_STATUSES, description="open, closed or all (default)")] = None,
) -> list[ClientDossierOut]:
    dossiers = await client_dossiers(finder, client_id, check_status(status))
    return [ClientDossierOut.of(d) for d in dossiers]


def _search_context(q: str, result: Any, finder: ClientFinder) -> dict[str, Any]:
    return {"q": q, "result": result, "may_create": finder.may_create, "mask_bsn": rules.mask_bsn}


@get("/klanten", name="clients.search", guards=[requires_employee], include_in_schema=False)
async def search_page(request: Request[Any, Any, Any], finder: Finder, q: FromQuery[str] = "") -> Template:
    """Klant zoeken; with ``?q=`` (the form without JavaScript) the results come with the page."""
    result = await finder.search(q) if q.strip() else None
    return Template("clients/search.html", context=_search_context(q, result, finder))


@get("/klanten/zoeken", name="clients.results", guards=[requires_employee], include_in_schema=False)
async def search_results(request: Request[Any, Any, Any], finder: Finder, q: FromQuery[str] = "") -> Template:
    """The results as you type (htmx fragment); a plain request gets the whole search page."""
    result = await finder.search(q) if q.strip() else None
    return page_or_fragment(request, "clients/search.html", "clients/_results.html", _search_context(q, result, finder))


def _routing_context(
    finder: ClientFinder, actor: Actor, view: Any, *, heading_level: int, **section: Any
) -> dict[str, Any]:
    """Wie helpt deze klant?: the representatives section (``section``: its form, errors, notice) and the rest."""
    return {
        **_representatives_context(finder, view.client, view.representatives, heading_level=heading_level, **section),
        "view": view,
        "may_open_dossier": _may_open_dossier(actor),
        "status_labels": DOSSIER_STATUS_LABELS,
        "kinds": rules.KINDS,
        "mask_bsn": rules.mask_bsn,
        "reason_limits": (MIN_REASON, MAX_REASON),
        **_timeline_labels(),
    }


def _representatives_context(
    finder: ClientFinder,
    client: Any,
    representatives: list[Any],
    *,
    heading_level: int = 2,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    hits: Any = None,
) -> dict[str, Any]:
    return {
        "hits": hits,
        "client": client,
        "representatives": representatives,
        "heading_level": heading_level,
        "may_create": finder.may_create,
        "form": form or {},
        "errors": errors or {},
        "notice": notice,
    }


@get("/klanten/{client_id:int}", name="clients.routing_page", guards=[requires_employee], include_in_schema=False)
async def routing_page(
    request: Request[Any, Any, Any], client_id: FromPath[int], finder: Finder, actor: Actor
) -> Template:
    """Wie helpt deze klant? as a page of its own (the klantbeeld): below the routing view, for who sees the full
    record, the client's timeline and the closed dossiers with their outcome."""
    view = await finder.routing(client_id)
    context = _routing_context(finder, actor, view, heading_level=1)
    if view.full:
        context["page"], context["closed_dossiers"] = await client_record(finder, client_id)
    return Template("clients/routing.html", context=context)


@get(
    "/klanten/{client_id:int}/tijdlijn",
    name="clients.timeline",
    guards=[requires_employee],
    include_in_schema=False,
)
async def timeline_fragment(
    request: Request[Any, Any, Any], client_id: FromPath[int], finder: Finder, cursor: FromQuery[str | None] = None
) -> Template:
    """ "Meer laden" on the klantbeeld: the entries after ``cursor`` and the next link (htmx), or the whole page."""
    page = await client_timeline(finder, client_id, parse_cursor(cursor))
    context = {**_timeline_labels(), "page": page, "client_id": client_id}
    return page_or_fragment(request, "clients/timeline.html", "clients/_timeline_more.html", context)


def _timeline_labels() -> dict[str, Any]:
    return {"fmt": FMT, "commitment_status": COMMITMENT_STATUS_LABELS}


@get(
    "/klanten/{client_id:int}/routering",
    name="clients.routing_fragment",
    guards=[requires_employee],
    include_in_schema=False,
)
async def routing_fragment(
    request: Request[Any, Any, Any], client_id: FromPath[int], finder: Finder, actor: Actor
) -> Template:
    """Wie helpt deze klant? opened in place from the search results (htmx), or as a page."""
    return await _routing_answer(request, finder, actor, client_id)


async def _routing_answer(
    request: Request[Any, Any, Any],
    finder: ClientFinder,
    actor: Actor,
    client_id: int,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    """The routing view as a page, or in place for htmx (one heading level down), with ``extra`` in its context."""
    view = await finder.routing(client_id)
    context = _routing_context(finder, actor, view, heading_level=2 if wants_fragment(request) else 1) | extra
    return page_or_fragment(request, "clients/routing.html", "clients/_routing.html", context, status_code=status_code)


@page_form("/klanten/{client_id:int}/vertegenwoordigers", "clients.add_representative", requires_creator)
async def add_representative(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    data: Annotated[RepresentativeForm, FormBody],
) -> Template | Redirect:
    """Add a representative, an existing one (chosen in "Bestaande vertegenwoordiger zoeken") or a new one: htmx gets
    the refreshed section (422 with messages, the typed text and the search hits again on errors)."""
    try:
        representative = await finder.add_representative(client_id, data)
    except InvalidInput as exc:
        form, errors = data.model_dump(), exc.by_field()
        again: dict[str, Any] = {"errors": errors, "form": form}
        if data.existing == "1" and data.q.strip():
            again["hits"] = await finder.search_representatives(data.q)
        if wants_fragment(request):
            client, current = await finder.representatives(client_id)
            context = _representatives_context(finder, client, current, **again)
            return Template("clients/_representatives_body.html", context=context, status_code=422)
        view = await finder.routing(client_id)
        context = _routing_context(finder, actor, view, heading_level=1, **again)
        return Template("clients/routing.html", context=context, status_code=422)
    done = "gekoppeld" if data.representative_id.strip() else "toegevoegd"
    notice = f"Vertegenwoordiger {representative.name} is {done}."
    if wants_fragment(request):
        client, current = await finder.representatives(client_id)
        context = _representatives_context(finder, client, current, notice=notice)
        return Template("clients/_representatives_body.html", context=context, headers={"Vary": "HX-Request"})
    flash(request, notice, category="info")
    return Redirect(f"/klanten/{client_id}", status_code=303)


@page_form("/klanten/{client_id:int}/inzage", "clients.disclose")
async def disclose(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    data: Annotated[DisclosureForm, FormBody],
) -> Template | Redirect:
    """Gegevens inzien met reden: the reason is recorded and the full record shown; without one the limited view
    again with the message (422), nothing recorded."""
    try:
        await finder.disclose(client_id, data.reden)
    except InvalidInput as exc:
        error = exc.by_field().get("reden", exc.message)
        return await _routing_answer(request, finder, actor, client_id, 422, reason=data.reden, reason_error=error)
    if wants_fragment(request):
        return await _routing_answer(request, finder, actor, client_id)
    flash(request, "Uw reden is vastgelegd; u ziet vandaag de volledige gegevens van deze klant.", category="info")
    return Redirect(f"/klanten/{client_id}", status_code=303)


PAGE_HANDLERS: list[Any] = [
    search_page,
    search_results,
    routing_page,
    routing_fragment,
    timeline_fragment,
    add_representative,
    disclose,
]
API_HANDLERS: list[Any] = [api_search_clients, api_client_routing, api_client_timeline, api_client_dossiers]
