"""Dossier pages ("Mijn dossiers", opening a dossier, the dossier with its timeline) and the dossier API.

Handlers only translate HTTP to the services: access, rules and audit live in ``services.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from litestar import Request, get, patch, post, put
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict

from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee, requires_role
from casemgmt.auth.roles import Role
from casemgmt.clients.dependencies import Clients
from casemgmt.clients.services import ClientService
from casemgmt.db import DbSession
from casemgmt.dossiers import rules
from casemgmt.dossiers.dependencies import Dossiers
from casemgmt.dossiers.presentation import FMT
from casemgmt.dossiers.schemas import AccountmanagerAssignment, DossierCreate, DossierOut, DossierUpdate
from casemgmt.dossiers.services import AccountmanagerRequest, DossierFilter, DossierService
from casemgmt.errors import Conflict, DomainError, FieldError, InvalidInput
from casemgmt.web import listing
from casemgmt.web.forms import FormBody, whole_number
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.pages import page_or_fragment
from casemgmt.web.parameters import MAX_ID, QueryId, choice
from casemgmt.web.routes import page_form

TAGS = ["dossiers"]
requires_caseworker = requires_role(Role.CASEMANAGER, Role.ACCOUNTMANAGER, Role.ADMIN)
requires_dossier_opener = requires_role(Role.CASEMANAGER, Role.ADMIN)

# ====================================================================== API


@post(
    "/api/v1/dossiers",
    tags=TAGS,
    summary="Open a dossier",
    guards=[requires_dossier_opener],
    status_code=201,
    responses=CONFLICT,
)
async def api_create_dossier(data: JSONBody[DossierCreate], dossiers: Dossiers) -> DossierOut:
    view = await dossiers.create(
        client_id=data.client_id,
        subject=data.subject,
        casemanager_id=data.casemanager_id,
        assignments=[AccountmanagerRequest(a.service, a.accountmanager_id) for a in data.assignments],
        external_refs=data.external_refs,
    )
    return DossierOut.of(view)


@get("/api/v1/dossiers", tags=TAGS, summary="Dossiers the token's user may read", guards=[requires_employee])
async def api_list_dossiers(
    dossiers: Dossiers,
    status: Annotated[str | None, choice(("", *rules.STATUSES))] = None,
    casemanager_id: QueryId = None,
    service: FromQuery[str | None] = None,
    limit: Annotated[int, QueryParameter(schema_extra={"minimum": 1, "maximum": 500})] = 100,
    offset: Annotated[int, QueryParameter(le=MAX_ID, schema_extra={"minimum": 0, "maximum": MAX_ID})] = 0,
) -> list[DossierOut]:
    views = await dossiers.list_dossiers(
        DossierFilter(status=status, casemanager_id=casemanager_id, service=service, limit=limit, offset=offset)
    )
    return [DossierOut.of(view) for view in views]


def dossier_change(route: type[patch | put], path: str, summary: str) -> HTTPRouteHandler:
    """A change to a stored dossier by an employee: 409 on a stale version or a clashing write."""
    return route(path, tags=TAGS, summary=summary, guards=[requires_employee], responses=CONFLICT)


@dossier_change(
    patch,
    "/api/v1/dossiers/{dossier_id:int}",
    "Change subject, status (closing with an outcome) or casemanager; 409 on a stale version",
)
async def api_update_dossier(
    dossier_id: FromPath[int],
    data: JSONBody[DossierUpdate],
    dossiers: Dossiers,
) -> DossierOut:
    return DossierOut.of(await dossiers.update(dossier_id, **data.model_dump()))


@dossier_change(
    put,
    "/api/v1/dossiers/{dossier_id:int}/assignments/{service:str}",
    "Make someone the service's accountmanager on the dossier (the previous one's assignment ends)",
)
async def api_assign_accountmanager(
    dossier_id: FromPath[int],
    service: FromPath[str],
    data: JSONBody[AccountmanagerAssignment],
    dossiers: Dossiers,
) -> DossierOut:
    return DossierOut.of(await dossiers.assign_accountmanager(dossier_id, service, **data.model_dump()))


API_HANDLERS: list[Any] = [
    api_create_dossier,
    api_list_dossiers,
    api_update_dossier,
    api_assign_accountmanager,
]


# ====================================================================== pages


@dataclass
class FormState:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    status_code: int = 422
    """How the form was refused: 422 bad input, 409 someone else was quicker, 403 not allowed."""


def form_state(values: dict[str, Any], exc: DomainError) -> FormState:
    if isinstance(exc, InvalidInput):
        return FormState(values, exc.by_field(), exc.message, exc.status_code)
    return FormState(values, {}, exc.message, exc.status_code)


DOSSIER_SORTS = {
    "-opened_at": "Nieuwste eerst",
    "opened_at": "Oudste eerst",
    "ref": "Dossiernummer",
    "client": "Klant (A–Z)",
    "status": "Status",
}
LIST_DEFAULTS = {"status": "", "casemanager_id": "", "service": "", "sort": "-opened_at"}


@get("/dossiers", name="dossiers.index", include_in_schema=False, guards=[requires_caseworker])
async def my_dossiers(
    request: Request[Any, Any, Any],
    dossiers: Dossiers,
    actor: Actor,
    status: FromQuery[str | None] = None,
    casemanager_id: FromQuery[str | None] = None,
    service: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    pagina: FromQuery[str | None] = None,
) -> Template:
    """Mijn dossiers: a casemanager's caseload, an accountmanager's dossiers per service, everything for admins;
    filtered by status and service (admins: casemanager too), sorted and paged in SQL, with counts; the filter is
    in the URL (bookmarkable). A value the list does not know shows the default.

    Every client shown is recorded in the audit log, all lists of the page in one INSERT."""
    async with dossiers.audit.batch():
        context = await _my_dossiers_context(dossiers, actor, status, casemanager_id, service, sort, pagina)
    return page_or_fragment(request, "dossiers/index.html", "dossiers/_lists.html", context)


async def _paged_rows(
    dossiers: DossierService, wanted: DossierFilter, number: int, accountmanager_id: int | None = None
) -> tuple[list[Any], listing.Paging]:
    """One page of the list (the last one when ``number`` lies beyond it) and its paging, counted in SQL."""
    total = await dossiers.count_rows(wanted, accountmanager_id=accountmanager_id)
    paging = listing.Paging(number, total).within()
    page = replace(wanted, limit=paging.size, offset=paging.offset)
    return await dossiers.rows(page, accountmanager_id=accountmanager_id), paging


async def _my_dossiers_context(
    dossiers: DossierService,
    actor: Actor,
    status: str | None,
    casemanager_id: str | None,
    service: str | None,
    sort: str | None,
    pagina: str | None,
) -> dict[str, Any]:
    chosen_status = listing.chosen(status, dict.fromkeys(rules.STATUSES), "")
    services = await dossiers.services()
    wanted_service = (service or "").strip().upper()
    service_code = wanted_service if wanted_service in {code for code, _ in services} else ""
    cm_filter = whole_number(casemanager_id or "") if actor.has(Role.ADMIN) else None
    filters = {
        "status": chosen_status,
        "casemanager_id": str(cm_filter or ""),
        "service": service_code,
        "sort": listing.chosen(sort, DOSSIER_SORTS, "-opened_at"),
    }
    number = listing.page_number(pagina)
    base = DossierFilter(status=chosen_status or None, service=service_code or None, sort=filters["sort"])
    context: dict[str, Any] = {
        "fmt": FMT,
        "status": chosen_status or None,
        "statuses": rules.STATUSES,
        "filters": filters,
        "defaults": LIST_DEFAULTS,
        "query_string": listing.query_string,
        "sort_labels": DOSSIER_SORTS,
        "services": services,
    }
    if actor.has(Role.CASEMANAGER):
        context["caseload_counts"] = await dossiers.caseload_counts(actor.id)
        mine = replace(base, casemanager_id=actor.id, not_closed=not chosen_status)
        context["caseload"], context["caseload_paging"] = await _paged_rows(dossiers, mine, number)
    if actor.has(Role.ACCOUNTMANAGER):
        rows, paging = await _paged_rows(dossiers, base, number, accountmanager_id=actor.id)
        per_service: dict[str, list[Any]] = {}
        for row in rows:
            per_service.setdefault(row.service or "", []).append(row)
        context["per_service"], context["per_service_paging"] = per_service, paging
    if actor.has(Role.ADMIN):
        everything = replace(base, casemanager_id=cm_filter)
        rows, paging = await _paged_rows(dossiers, everything, number)
        context.update(
            admin_rows=rows,
            admin_paging=paging,
            page_size=paging.size,
            page_number=paging.number,
            casemanagers=await dossiers.casemanager_choices(),
        )
    return context


class NewDossierForm(BaseModel):
    """The "Dossier openen" form: per service a field ``am_<CODE>`` with the chosen accountmanager."""

    model_config = ConfigDict(extra="allow")

    client_id: str = ""
    subject: str = ""
    casemanager_id: str = ""


async def _new_dossier_page(
    dossiers: DossierService,
    clients: ClientService,
    actor: Actor,
    client_id: int | None,
    form: FormState,
    status_code: int = 200,
) -> Template:
    client = await clients.get(client_id) if client_id else None
    accountmanagers = await dossiers.accountmanager_choices()
    context = {
        "fmt": FMT,
        "client": client,
        "form": form,
        "casemanagers": await dossiers.casemanager_choices(),
        "accountmanagers": accountmanagers,
        "services": [(code, name) for code, name in await dossiers.services() if code in accountmanagers],
    }
    return Template("dossiers/new.html", context=context, status_code=status_code)


@get("/dossiers/nieuw", name="dossiers.new", include_in_schema=False, guards=[requires_dossier_opener])
async def new_dossier(dossiers: Dossiers, clients: Clients, actor: Actor, client_id: QueryId = None) -> Template:
    values = {"client_id": client_id or "", "casemanager_id": actor.id if actor.has(Role.CASEMANAGER) else ""}
    return await _new_dossier_page(
        dossiers,
        clients,
        actor,
        client_id,
        FormState(values),
    )


@page_form("/dossiers", "dossiers.create", requires_dossier_opener)
async def create_dossier(
    request: Request[Any, Any, Any],
    dossiers: Dossiers,
    clients: Clients,
    actor: Actor,
    db_session: DbSession,
    data: Annotated[NewDossierForm, FormBody],
) -> Template | Redirect:
    extra = {key: str(value) for key, value in (data.model_extra or {}).items()}
    chosen = [(key[3:].upper(), value) for key, value in extra.items() if key.startswith("am_") and value.strip()]
    errors: list[FieldError] = []
    requests: list[AccountmanagerRequest] = []
    for code, value in chosen:
        if value.strip().isdigit():
            requests.append(AccountmanagerRequest(code, int(value)))
        else:
            errors.append(FieldError(f"am_{code}", "Kies een accountmanager uit de lijst"))
    client_id = int(data.client_id) if data.client_id.strip().isdigit() else None
    casemanager_id = int(data.casemanager_id) if data.casemanager_id.strip().isdigit() else None
    values = {"client_id": data.client_id, "subject": data.subject, "casemanager_id": data.casemanager_id, **extra}
    try:
        if errors:
            raise InvalidInput(errors)
        view = await dossiers.create(
            client_id=client_id, subject=data.subject, casemanager_id=casemanager_id, assignments=requests
        )
    except (InvalidInput, Conflict) as exc:
        await db_session.rollback()
        state = form_state(values, exc)
        # "assignments[2].accountmanager_id" → the select of that service, "am_SZW"
        for index, request_ in enumerate(requests):
            for suffix in ("service", "accountmanager_id"):
                message = state.errors.pop(f"assignments[{index}].{suffix}", None)
                if message:
                    state.errors[f"am_{request_.service}"] = message
        return await _new_dossier_page(dossiers, clients, actor, client_id, state, exc.status_code)
    flash(request, f"Dossier {view.dossier.ref} is geopend.", category="success")
    return Redirect(f"/dossiers/{view.dossier.id}", status_code=303)


PAGE_HANDLERS: list[Any] = [
    my_dossiers,
    new_dossier,
    create_dossier,
]
