"""Dossier pages ("Mijn dossiers", opening a dossier, the dossier with its timeline) and the dossier API.

Handlers only translate HTTP to the services: access, rules and audit live in ``services.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from casemgmt.web.forms import FormBody, whole_number
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.parameters import MAX_ID, QueryId, choice
from casemgmt.web.routes import page_form

TAGS = ["dossiers"]
requires_caseworker = requires_role(Role.CASEMANAGER, Role.ACCOUNTMANAGER, Role.ADMIN)
requires_dossier_opener = requires_role(Role.CASEMANAGER, Role.ADMIN)
ADMIN_PAGE_SIZE = 50

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


@get("/dossiers", name="dossiers.index", include_in_schema=False, guards=[requires_caseworker])
async def my_dossiers(
    request: Request[Any, Any, Any],
    dossiers: Dossiers,
    actor: Actor,
    status: FromQuery[str | None] = None,
    casemanager_id: FromQuery[str | None] = None,
    service: FromQuery[str | None] = None,
    pagina: FromQuery[str | None] = None,
) -> Template:
    """Mijn dossiers: a casemanager's caseload, an accountmanager's dossiers per service, everything for admins.

    Every client shown is recorded in the audit log, all lists of the page in one INSERT."""
    async with dossiers.audit.batch():
        context = await _my_dossiers_context(dossiers, actor, status, casemanager_id, service, pagina)
    return Template("dossiers/index.html", context=context)


async def _my_dossiers_context(
    dossiers: DossierService,
    actor: Actor,
    status: str | None,
    casemanager_id: str | None,
    service: str | None,
    pagina: str | None,
) -> dict[str, Any]:
    status = status if status in rules.STATUSES else None
    context: dict[str, Any] = {"fmt": FMT, "status": status, "statuses": rules.STATUSES}
    if actor.has(Role.CASEMANAGER):
        context["caseload_counts"] = await dossiers.caseload_counts(actor.id)
        context["caseload"] = await dossiers.rows(
            DossierFilter(casemanager_id=actor.id, status=status, limit=500, not_closed=status is None)
        )
    if actor.has(Role.ACCOUNTMANAGER):
        per_service: dict[str, list[Any]] = {}
        for row in await dossiers.rows(DossierFilter(limit=500), accountmanager_id=actor.id):
            per_service.setdefault(row.service or "", []).append(row)
        context["per_service"] = per_service
    if actor.has(Role.ADMIN):
        page_number = max(whole_number(pagina or "") or 1, 1)
        service_code = service.strip().upper() if service and service.strip() else None
        cm_filter = whole_number(casemanager_id or "")
        context.update(
            admin_rows=await dossiers.rows(
                DossierFilter(
                    status=status,
                    casemanager_id=cm_filter,
                    service=service_code,
                    limit=ADMIN_PAGE_SIZE + 1,  # one more: is there a next page?
                    offset=(page_number - 1) * ADMIN_PAGE_SIZE,
                ),
                shown=ADMIN_PAGE_SIZE,
            ),
            page_size=ADMIN_PAGE_SIZE,
            page_number=page_number,
            casemanagers=await dossiers.casemanager_choices(),
            services=await dossiers.services(),
            filters={"status": status or "", "casemanager_id": cm_filter or "", "service": service_code or ""},
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
