"""The KCC's pages for finding the client and who helps them: Klant zoeken (page, results as you type, API) and
"Wie helpt deze klant?" (page, fragment, API) with, below it on the page, the klantbeeld (the client's timeline with
"Meer laden", the closed dossiers; API ``/timeline`` and ``/dossiers``, ``casefile/client_timeline.py``), with adding
a representative from that view, "Gegevens wijzigen" (``POST /klanten/{id}/gegevens``, in place with htmx), and
"Gegevens inzien"
(``POST /klanten/{id}/inzage``): an employee with the limited view states a reason and sees the full record for the
rest of the day (need to know, ``clients/access.py``); and "Identificeren met BSN"
(``POST /klanten/{id}/identificeren``) for an unidentified client, with the confirmation step before a merge."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
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
from casemgmt.clients.models import Client
from casemgmt.clients.schemas import (
    ClientDetailsForm,
    ClientHitOut,
    DisclosureForm,
    IdentifyForm,
    RepresentativeForm,
)
from casemgmt.commitments.rules import STATUS_LABELS as COMMITMENT_STATUS_LABELS
from casemgmt.contacts.presentation import FMT
from casemgmt.errors import Conflict, InvalidInput
from casemgmt.escalations.services import ASKER_ROLES
from casemgmt.web.forms import FormBody
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.parameters import DATE, choice
from casemgmt.web.routes import page_form

DOSSIER_STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In behandeling",
    "waiting": "Wacht op klant of derde",
    "closed": "Gesloten",
}


def _may_open_dossier(actor: Actor) -> bool:
    return actor.has(Role.CASEMANAGER, Role.ADMIN)


def _birth_date(raw: str | None) -> date | None:
    """The ``birth_date`` filter (``jjjj-mm-dd``); an unreadable date is a 422 naming it."""
    try:
        return rules.parse_date(raw)
    except ValueError:
        raise InvalidInput.single("birth_date", rules.DATE_MESSAGE) from None


@get(
    "/api/v1/clients",
    guards=[requires_employee],
    tags=["klanten"],
    summary="Find clients: one box, ranked (BSN, KvK, phone, postcode + house number, dossier reference, reference "
    "of another system, name)",
    description="`q`: a valid BSN or a KvK number (8 digits) finds exactly; a phone number in any format "
    "(`070-1234567`, `+31 70 123 4567`) by its normalised form; a postcode with house number and perhaps an addition "
    "(`2511 AB 12a`) by address; `D-…` the clients of the dossiers whose reference starts so; any other text the "
    "clients of the dossiers and contacts carrying it exactly as a reference of another system (`external_refs`), "
    "then those whose family name starts with it (diacritics and particles such as `de` ignored), then those with "
    "another word of the name starting so. At most 20, best first, each with `match_reason`; `birth_date` "
    "(`jjjj-mm-dd`) narrows any search.",
)
async def api_search_clients(
    finder: Finder,
    bsn: Annotated[
        str | None,
        # documented only: the finder checks the 11-proof and answers a Dutch message
        QueryParameter(description="Nine digits passing the 11-proof", schema_extra={"pattern": "^[0-9]{9}$"}),
    ] = None,
    q: Annotated[str | None, QueryParameter(max_length=rules.MAX_QUERY)] = None,
    birth_date: Annotated[
        str | None,
        QueryParameter(description="A date of birth, jjjj-mm-dd (empty: no filter)", schema_extra=DATE),
    ] = None,
) -> list[ClientHitOut]:
    born = _birth_date(birth_date)
    if bsn is not None:
        result = await finder.search_bsn(bsn, born)
    elif q is not None and q.strip():
        result = await finder.search(q, born)
    else:
        raise InvalidInput.single("q", "Geef een zoekterm (q) of een BSN (bsn) op")
    return [
        msgspec.structs.replace(ClientHitOut.of(view.client, view.access), match_reason=result.reason(view.id))
        for view in result.clients
    ]


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


def details_values(client: Client) -> dict[str, str]:
    """The "Gegevens wijzigen" form filled in with the client's details as people read them (phone in national
    format, postcode ``2511 AB``) and the version read."""
    return {
        "version": str(client.version),
        "name": client.name,
        "phone": rules.format_phone(client.phone),
        "email": client.email,
        "street": client.street,
        "house_number": str(client.house_number or ""),
        "addition": client.house_number_addition,
        "postcode": rules.format_postcode(client.postcode),
        "city": client.city,
        "birth_date": client.birth_date.isoformat() if client.birth_date else "",
        "preferred_channel": client.preferred_channel or "",
        "preferred_time": client.preferred_time,
    }


def _details_context(
    finder: ClientFinder,
    client: Client,
    last_change: Any,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    stale: str = "",
) -> dict[str, Any]:
    """The klantbeeld's details section: the client, who changed it last, and the "Gegevens wijzigen" form."""
    return {
        "client": client,
        "last_change": last_change,
        "may_correct": finder.may_create,
        "channels": rules.PREFERRED_CHANNELS,
        "mask_bsn": rules.mask_bsn,
        "details_form": form if form is not None else details_values(client),
        "details_errors": errors or {},
        "details_notice": notice,
        "details_stale": stale,
    }


def _routing_context(
    finder: ClientFinder,
    actor: Actor,
    view: Any,
    *,
    heading_level: int,
    details: dict[str, Any] | None = None,
    **section: Any,
) -> dict[str, Any]:
    """Wie helpt deze klant?: the representatives section (``section``: its form, errors, notice), the details
    section (``details``: its form, errors, notice, stale message) and the rest."""
    return {
        **_representatives_context(finder, view.client, view.representatives, heading_level=heading_level, **section),
        **_details_context(finder, view.client, view.last_change, **(details or {})),
        "view": view,
        "may_open_dossier": _may_open_dossier(actor),
        "may_escalate": bool(actor.roles & ASKER_ROLES),
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
    context["merged_into"] = await finder.merged_into(view.client)
    if view.full and context["merged_into"] is None:  # a merged client's records are with the other client
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
    context["merged_into"] = await finder.merged_into(view.client)
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


@page_form("/klanten/{client_id:int}/gegevens", "clients.correct", requires_creator)
async def correct_details(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    data: Annotated[ClientDetailsForm, FormBody],
) -> Template | Redirect:
    """Gegevens wijzigen on the klantbeeld: htmx gets the details section again (with the new version; 422 with the
    messages next to the fields and the text as typed; 409 with a reload link), a plain post the page (303)."""
    form = data.model_dump()
    try:
        version = int(data.version) if data.version.strip().isdigit() else None
        view = await finder.correct(client_id, version, data.sent(), address_prefix="")
    except (InvalidInput, Conflict) as exc:
        await finder.session.rollback()  # nothing of this request is written; the section is read again
        if isinstance(exc, InvalidInput):
            details: dict[str, Any] = {"form": form, "errors": exc.by_field()}
            status_code = 422
        else:
            details, status_code = {"form": form, "stale": exc.message}, 409
        return await _details_answer(request, finder, actor, client_id, details, status_code)
    notice = f"De gegevens van {view.client.name} zijn opgeslagen."
    if wants_fragment(request):
        return await _details_answer(request, finder, actor, client_id, {"notice": notice})
    flash(request, notice, category="info")
    return Redirect(f"/klanten/{client_id}", status_code=303)


async def _details_answer(
    request: Request[Any, Any, Any],
    finder: ClientFinder,
    actor: Actor,
    client_id: int,
    details: dict[str, Any],
    status_code: int = 200,
) -> Template:
    """The details section in place (htmx), or the whole klantbeeld with it."""
    view = await finder.routing(client_id)
    if wants_fragment(request):
        context = _details_context(finder, view.client, view.last_change, **details)
        return Template(
            "clients/_details.html", context=context, status_code=status_code, headers={"Vary": "HX-Request"}
        )
    context = _routing_context(finder, actor, view, heading_level=1, details=details)
    if view.full:
        context["page"], context["closed_dossiers"] = await client_record(finder, client_id)
    return Template("clients/routing.html", context=context, status_code=status_code)


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


@page_form("/klanten/{client_id:int}/identificeren", "clients.identify", requires_creator)
async def identify_client(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    data: Annotated[IdentifyForm, FormBody],
) -> Template | Redirect:
    """Identificeren met BSN: a BSN nobody has identifies the client at once; a BSN of another client first shows both
    records side by side with a confirm button (``merge=1``), and only that confirmation merges. A wrong BSN: the
    klantbeeld again with the message (422), nothing written."""
    confirmed = data.merge == "1"
    try:
        if not confirmed and (candidate := await finder.merge_candidate(client_id, data.bsn)) is not None:
            unidentified, existing = candidate
            context = {"client": unidentified, "existing": existing, "bsn": data.bsn, "mask_bsn": rules.mask_bsn}
            return Template("clients/merge_confirm.html", context=context)
        result = await finder.identify(client_id, data.bsn, merge=confirmed)
    except InvalidInput as exc:
        error = exc.by_field().get("bsn", exc.message)
        page, closed = await client_record(finder, client_id)  # the whole klantbeeld again, the form with its message
        extra = {"identify_bsn": data.bsn, "identify_error": error, "page": page, "closed_dossiers": closed}
        return await _routing_answer(request, finder, actor, client_id, 422, **extra)
    if result.merged is not None:
        flash(
            request,
            f"{result.merged.name} is samengevoegd met {result.client.name}: de contacten, dossiers en afspraken "
            "staan nu bij deze klant.",
            category="info",
        )
        return Redirect(f"/klanten/{result.client.id}", status_code=303)
    flash(request, f"{result.client.name} is geïdentificeerd met het BSN.", category="info")
    return Redirect(f"/klanten/{client_id}", status_code=303)


PAGE_HANDLERS: list[Any] = [
    search_page,
    search_results,
    routing_page,
    routing_fragment,
    timeline_fragment,
    add_representative,
    correct_details,
    disclose,
    identify_client,
]
API_HANDLERS: list[Any] = [api_search_clients, api_client_routing, api_client_timeline, api_client_dossiers]
