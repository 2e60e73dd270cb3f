"""Dossier pages ("Mijn dossiers", opening a dossier, the dossier with its timeline) and the dossier API.

Handlers only translate HTTP to the services: access, rules and audit live in ``services.py``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, Response, get, patch, post, put
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee, requires_role
from casemgmt.auth.roles import Role
from casemgmt.commitments.services import CommitmentService
from casemgmt.contacts.forms import ContactForm, blank_contact_form, parse_contact_form
from casemgmt.contacts.services import ContactService
from casemgmt.db import DbSession
from casemgmt.dossiers import rules
from casemgmt.dossiers.access import Access
from casemgmt.dossiers.presentation import FMT
from casemgmt.dossiers.promises import parse_due, promises_context
from casemgmt.dossiers.schemas import AccountmanagerAssignment, DossierCreate, DossierUpdate
from casemgmt.dossiers.services import AccountmanagerRequest, DossierService
from casemgmt.dossiers.timeline import Cursor
from casemgmt.errors import Conflict, DomainError, FieldError, InvalidInput
from casemgmt.handoffs.services import HandoffService
from casemgmt.signals.services import dossier_figures
from casemgmt.web.pages import page_or_fragment, wants_fragment

TAGS = ["dossiers"]
requires_caseworker = requires_role(Role.CASEMANAGER, Role.ACCOUNTMANAGER, Role.ADMIN)
requires_dossier_opener = requires_role(Role.CASEMANAGER, Role.ADMIN)
ADMIN_PAGE_SIZE = 50


def _service(db_session: DbSession, actor: Actor, audit: Audit) -> DossierService:
    return DossierService(db_session, actor, audit)


# ====================================================================== API


@post("/api/v1/dossiers", tags=TAGS, summary="Open a dossier", guards=[requires_dossier_opener], status_code=201)
async def api_create_dossier(data: DossierCreate, db_session: DbSession, actor: Actor, audit: Audit) -> dict[str, Any]:
    view = await _service(db_session, actor, audit).create(
        client_id=data.client_id,
        subject=data.subject,
        casemanager_id=data.casemanager_id,
        assignments=[AccountmanagerRequest(a.service, a.accountmanager_id) for a in data.assignments],
    )
    return view.as_json()


@get("/api/v1/dossiers", tags=TAGS, summary="Dossiers the token's user may read", guards=[requires_employee])
async def api_list_dossiers(
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    status: str | None = None,
    casemanager_id: int | None = None,
    service: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    views = await _service(db_session, actor, audit).list_dossiers(
        status=status, casemanager_id=casemanager_id, service=service, limit=limit, offset=offset
    )
    return [view.as_json() for view in views]


@get("/api/v1/dossiers/{dossier_id:int}", tags=TAGS, summary="One dossier", guards=[requires_employee])
async def api_get_dossier(dossier_id: int, db_session: DbSession, actor: Actor, audit: Audit) -> dict[str, Any]:
    view = await _service(db_session, actor, audit).get(dossier_id)
    figures = (await dossier_figures(db_session, [dossier_id], datetime.now(UTC)))[dossier_id]
    return {
        **view.as_json(),
        "handoff_count": figures.handoff_count,
        "services_visited": figures.services_visited,
        "ping_pong": figures.ping_pong,
        "signals": figures.signals,
    }


@patch(
    "/api/v1/dossiers/{dossier_id:int}",
    tags=TAGS,
    summary="Change subject, status (closing with an outcome) or casemanager; 409 on a stale version",
    guards=[requires_employee],
)
async def api_update_dossier(
    dossier_id: int, data: DossierUpdate, db_session: DbSession, actor: Actor, audit: Audit
) -> dict[str, Any]:
    view = await _service(db_session, actor, audit).update(
        dossier_id,
        version=data.version,
        subject=data.subject,
        status=data.status,
        outcome=data.outcome,
        casemanager_id=data.casemanager_id,
        reason=data.reason,
    )
    return view.as_json()


@put(
    "/api/v1/dossiers/{dossier_id:int}/assignments/{service:str}",
    tags=TAGS,
    summary="Make someone the service's accountmanager on the dossier (the previous one's assignment ends)",
    guards=[requires_employee],
)
async def api_assign_accountmanager(
    dossier_id: int,
    service: str,
    data: AccountmanagerAssignment,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
) -> dict[str, Any]:
    view = await _service(db_session, actor, audit).assign_accountmanager(
        dossier_id, service, accountmanager_id=data.accountmanager_id, reason=data.reason
    )
    return view.as_json()


@get(
    "/api/v1/dossiers/{dossier_id:int}/timeline",
    tags=TAGS,
    summary="The dossier's timeline, newest first; pass an entry's cursor as `before` for older entries",
    guards=[requires_employee],
)
async def api_timeline(
    dossier_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    before: str | None = None,
    limit: int | None = None,
) -> Response[list[dict[str, Any]]]:
    page = await _service(db_session, actor, audit).timeline(dossier_id, before, limit)
    headers = {"X-Next-Before": page.next_cursor.encode()} if page.next_cursor else {}
    return Response([entry.as_json() for entry in page.entries], headers=headers)


API_HANDLERS: list[Any] = [
    api_create_dossier,
    api_list_dossiers,
    api_get_dossier,
    api_update_dossier,
    api_assign_accountmanager,
    api_timeline,
]


# ====================================================================== pages


@dataclass
class FormState:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""


def _form_state(values: dict[str, Any], exc: DomainError) -> FormState:
    if isinstance(exc, InvalidInput):
        return FormState(values, exc.by_field(), exc.message)
    return FormState(values, {}, exc.message)


@get("/dossiers", name="dossiers.index", include_in_schema=False, guards=[requires_caseworker])
async def my_dossiers(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    status: str | None = None,
    casemanager_id: str | None = None,
    service: str | None = None,
    pagina: str | None = None,
) -> Template:
    """Mijn dossiers: a casemanager's caseload, an accountmanager's dossiers per service, everything for admins."""
    dossiers = _service(db_session, actor, audit)
    status = status if status in rules.STATUSES else None
    context: dict[str, Any] = {"fmt": FMT, "status": status, "statuses": rules.STATUSES}
    if actor.has(Role.CASEMANAGER):
        context["caseload_counts"] = await dossiers.caseload_counts(actor.id)
        caseload = await dossiers.rows(casemanager_id=actor.id, status=status, limit=500)
        context["caseload"] = caseload if status else [row for row in caseload if row.status != rules.CLOSED]
    if actor.has(Role.ACCOUNTMANAGER):
        per_service: dict[str, list[Any]] = {}
        for row in await dossiers.rows(accountmanager_id=actor.id, limit=500):
            per_service.setdefault(row.service or "", []).append(row)
        context["per_service"] = per_service
    if actor.has(Role.ADMIN):
        page_number = max(_number(pagina or "") or 1, 1)
        service_code = service.strip().upper() if service and service.strip() else None
        cm_filter = _number(casemanager_id or "")
        context.update(
            admin_rows=await dossiers.rows(
                status=status,
                casemanager_id=cm_filter,
                service=service_code,
                limit=ADMIN_PAGE_SIZE + 1,
                offset=(page_number - 1) * ADMIN_PAGE_SIZE,
            ),
            page_size=ADMIN_PAGE_SIZE,
            page_number=page_number,
            casemanagers=await dossiers.casemanager_choices(),
            services=await dossiers.services(),
            filters={"status": status or "", "casemanager_id": cm_filter or "", "service": service_code or ""},
        )
    return Template("dossiers/index.html", context=context)


class NewDossierForm(BaseModel):
    """The "Dossier openen" form: per service a field ``am_<CODE>`` with the chosen accountmanager."""

    model_config = ConfigDict(extra="allow")

    client_id: str = ""
    subject: str = ""
    casemanager_id: str = ""


async def _new_dossier_page(
    dossiers: DossierService,
    contacts: ContactService,
    actor: Actor,
    client_id: int | None,
    form: FormState,
    status_code: int = 200,
) -> Template:
    client = await contacts.client(client_id) if client_id else None
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
async def new_dossier(db_session: DbSession, actor: Actor, audit: Audit, client_id: int | None = None) -> Template:
    values = {"client_id": client_id or "", "casemanager_id": actor.id if actor.has(Role.CASEMANAGER) else ""}
    return await _new_dossier_page(
        _service(db_session, actor, audit),
        ContactService(db_session, actor, audit),
        actor,
        client_id,
        FormState(values),
    )


@post("/dossiers", name="dossiers.create", include_in_schema=False, guards=[requires_dossier_opener])
async def create_dossier(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[NewDossierForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    dossiers = _service(db_session, actor, audit)
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
        state = _form_state(values, exc)
        # "assignments[2].accountmanager_id" → the select of that service, "am_SZW"
        for index, request_ in enumerate(requests):
            for suffix in ("service", "accountmanager_id"):
                message = state.errors.pop(f"assignments[{index}].{suffix}", None)
                if message:
                    state.errors[f"am_{request_.service}"] = message
        contacts = ContactService(db_session, actor, audit)
        return await _new_dossier_page(dossiers, contacts, actor, client_id, state, exc.status_code)
    flash(request, f"Dossier {view.dossier.ref} is geopend.", category="success")
    return Redirect(f"/dossiers/{view.dossier.id}", status_code=303)


async def _dossier_context(
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    dossier_id: int,
    forms: dict[str, FormState] | None = None,
) -> dict[str, Any]:
    """Everything the dossier page shows; a constant number of queries whatever the size of the timeline."""
    dossiers = _service(db_session, actor, audit)
    contacts = ContactService(db_session, actor, audit)
    view = await dossiers.get(dossier_id)
    page = await dossiers.timeline_of(view)
    context: dict[str, Any] = {
        "fmt": FMT,
        "view": view,
        "dossier": view.dossier,
        "page": page,
        "representatives": await dossiers.representatives(view.dossier.client_id),
        "can_write": view.access >= Access.WRITE and view.dossier.status != rules.CLOSED,
        "can_contact": view.access >= Access.CONTACT,
        "read_only": view.access == Access.READ,
        "forms": forms or {},
    }
    if view.access >= Access.WRITE:
        context["next_statuses"] = rules.allowed_next_statuses(view.dossier.status)
        context["outcomes"] = rules.OUTCOMES
        context["casemanagers"] = await dossiers.casemanager_choices()
        accountmanagers = await dossiers.accountmanager_choices()
        current = {a.service: a for a in view.current_accountmanagers}
        context["service_rows"] = [
            (code, name, current.get(code), accountmanagers.get(code, []))
            for code, name in await dossiers.services()
            if code in accountmanagers or code in current
        ]
    participants = [a.user_id for a in view.current_accountmanagers] + [view.dossier.casemanager_id]
    context.update(await promises_context(db_session, actor, audit, view.dossier.id, participants))
    if view.access >= Access.CONTACT:
        context["unlinked"] = await contacts.unlinked(view.dossier.client_id)
        context["contact_services"] = await dossiers.services()
        context.setdefault("contact_form", blank_contact_form(actor, dossier_id=view.dossier.id))
    return context


async def _dossier_page(
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    dossier_id: int,
    forms: dict[str, FormState] | None = None,
    status_code: int = 200,
) -> Template:
    context = await _dossier_context(db_session, actor, audit, dossier_id, forms)
    contact_state = (forms or {}).get("contact")
    if contact_state is not None:
        context["contact_form"] = ContactForm(**contact_state.values)
    return Template("dossiers/detail.html", context=context, status_code=status_code)


@get("/dossiers/{dossier_id:int}", name="dossiers.detail", include_in_schema=False, guards=[requires_employee])
async def dossier_page(dossier_id: int, db_session: DbSession, actor: Actor, audit: Audit) -> Template:
    return await _dossier_page(db_session, actor, audit, dossier_id)


@get(
    "/dossiers/{dossier_id:int}/tijdlijn",
    name="dossiers.timeline",
    include_in_schema=False,
    guards=[requires_employee],
)
async def timeline_fragment(
    request: Request[Any, Any, Any],
    dossier_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    before: str | None = None,
) -> Template:
    """ "Meer laden": the next entries (htmx fragment), or a page of older entries without JavaScript."""
    dossiers = _service(db_session, actor, audit)
    view = await dossiers.require(dossier_id, Access.READ)
    page = await dossiers.timeline_of(view, Cursor.parse(before) if before else None)
    context = {"fmt": FMT, "view": view, "dossier": view.dossier, "page": page}
    return page_or_fragment(request, "dossiers/timeline.html", "dossiers/_timeline_more.html", context)


class StatusForm(BaseModel):
    version: str = ""
    status: str = ""
    outcome: str = ""
    subject: str | None = None


class CasemanagerForm(BaseModel):
    version: str = ""
    casemanager_id: str = ""
    reason: str = ""


class AccountmanagerForm(BaseModel):
    service: str = ""
    accountmanager_id: str = ""
    reason: str = ""


class LinkForm(BaseModel):
    contact_id: str = ""


def _number(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


async def _after_change(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    dossier_id: int,
    form_name: str,
    values: dict[str, Any],
    change: Callable[[], Awaitable[Any]],
    success: str,
) -> Template | Redirect:
    """Run ``change``; on success flash and go back to the dossier (303), on bad input show the page again."""
    try:
        await change()
    except (InvalidInput, Conflict) as exc:
        await db_session.rollback()
        state = _form_state(values, exc)
        return await _dossier_page(db_session, actor, audit, dossier_id, {form_name: state}, exc.status_code)
    flash(request, success, category="success")
    return Redirect(f"/dossiers/{dossier_id}", status_code=303)


@post("/dossiers/{dossier_id:int}/status", include_in_schema=False, guards=[requires_employee])
async def change_status(
    request: Request[Any, Any, Any],
    dossier_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[StatusForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    def change() -> Awaitable[Any]:
        return _service(db_session, actor, audit).update(
            dossier_id,
            version=_number(data.version),
            subject=data.subject,
            status=data.status or None,
            outcome=data.outcome or None,
        )

    return await _after_change(
        request, db_session, actor, audit, dossier_id, "status", data.model_dump(), change, "De status is gewijzigd."
    )


@post("/dossiers/{dossier_id:int}/casemanager", include_in_schema=False, guards=[requires_employee])
async def change_casemanager(
    request: Request[Any, Any, Any],
    dossier_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[CasemanagerForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    casemanager_id = _number(data.casemanager_id)

    async def change() -> Any:
        dossiers = _service(db_session, actor, audit)
        if casemanager_id is None:
            await dossiers.require(dossier_id, Access.WRITE)
            raise InvalidInput.single("casemanager_id", "Kies de nieuwe casemanager")
        return await dossiers.update(
            dossier_id, version=_number(data.version), casemanager_id=casemanager_id, reason=data.reason
        )

    return await _after_change(
        request,
        db_session,
        actor,
        audit,
        dossier_id,
        "casemanager",
        data.model_dump(),
        change,
        "De casemanager is gewijzigd.",
    )


@post("/dossiers/{dossier_id:int}/accountmanager", include_in_schema=False, guards=[requires_employee])
async def change_accountmanager(
    request: Request[Any, Any, Any],
    dossier_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[AccountmanagerForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    def change() -> Awaitable[Any]:
        return _service(db_session, actor, audit).assign_accountmanager(
            dossier_id, data.service, accountmanager_id=_number(data.accountmanager_id), reason=data.reason
        )

    return await _after_change(
        request,
        db_session,
        actor,
        audit,
        dossier_id,
        f"accountmanager:{data.service.upper()}",
        data.model_dump(),
        change,
        f"De accountmanager voor {data.service.upper()} is gewijzigd.",
    )


@post("/dossiers/{dossier_id:int}/koppelen", include_in_schema=False, guards=[requires_employee])
async def link_contact(
    request: Request[Any, Any, Any],
    dossier_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[LinkForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    contacts = ContactService(db_session, actor, audit)
    contact_id = _number(data.contact_id)

    async def change() -> Any:
        await contacts.dossier_for_contact(dossier_id)  # 403/404 before any message about the form
        if contact_id is None:
            raise InvalidInput.single("contact_id", "Kies het contact dat u wilt koppelen")
        return await contacts.link(contact_id, dossier_id)

    return await _after_change(
        request,
        db_session,
        actor,
        audit,
        dossier_id,
        "link",
        data.model_dump(),
        change,
        "Het contact is aan dit dossier gekoppeld.",
    )


@post("/dossiers/{dossier_id:int}/contacten", include_in_schema=False, guards=[requires_employee])
async def log_contact_on_dossier(
    request: Request[Any, Any, Any],
    dossier_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[ContactForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    """The inline contact form: htmx gets a fresh form plus the new entry for the top of the timeline."""
    contacts = ContactService(db_session, actor, audit)
    view = await contacts.dossier_for_contact(dossier_id)
    parsed = parse_contact_form(data)
    values = {**parsed.values, "client_id": view.dossier.client_id, "dossier_id": view.dossier.id}
    try:
        logged = await contacts.log(**values, extra_errors=parsed.errors)
    except InvalidInput as exc:  # raised before anything was added to the session: nothing to undo
        kept = data.model_copy(update={"client_id": str(view.dossier.client_id), "dossier_id": str(dossier_id)})
        if wants_fragment(request):
            context = {
                "fmt": FMT,
                "dossier": view.dossier,
                "contact_form": kept,
                "contact_services": await _service(db_session, actor, audit).services(),
                "errors": exc.by_field(),
                "message": exc.message,
            }
            return Template("dossiers/_contact_form.html", context=context, status_code=422)
        state = FormState(kept.model_dump(), exc.by_field(), exc.message)
        return await _dossier_page(db_session, actor, audit, dossier_id, {"contact": state}, 422)
    if not wants_fragment(request):
        flash(request, "Het contact is vastgelegd.", category="success")
        return Redirect(f"/dossiers/{dossier_id}", status_code=303)
    context = {
        "fmt": FMT,
        "dossier": view.dossier,
        "contact_form": blank_contact_form(actor, dossier_id=dossier_id),
        "contact_services": await _service(db_session, actor, audit).services(),
        "errors": {},
        "saved": True,
        "entry": logged.entry,
    }
    return Template("dossiers/_contact_logged.html", context=context, headers={"Vary": "HX-Request"})


@post("/dossiers/{dossier_id:int}/toezeggingen", include_in_schema=False, guards=[requires_employee])
async def make_commitment(
    request: Request[Any, Any, Any],
    dossier_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    """Record a commitment to the dossier's client (toezegging) from the dossier page."""
    view = await _service(db_session, actor, audit).require(dossier_id, Access.CONTACT)

    async def change() -> Any:
        owner = _number(data.get("owner_id", ""))
        if owner is None:
            raise InvalidInput.single("owner_id", "Kies wie de toezegging nakomt")
        return await CommitmentService(db_session, actor, audit).make(
            client_id=view.dossier.client_id,
            dossier_id=dossier_id,
            kind=data.get("kind", ""),
            description=data.get("description", ""),
            owner_id=owner,
            due_at=parse_due(data.get("due_at", "")),
        )

    return await _after_change(
        request, db_session, actor, audit, dossier_id, "commitment", dict(data), change, "Toezegging vastgelegd."
    )


@post("/dossiers/{dossier_id:int}/overdrachten", include_in_schema=False, guards=[requires_employee])
async def request_handoff(
    request: Request[Any, Any, Any],
    dossier_id: int,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    """Hand the question over to another service, with the context the receiver needs."""

    def change() -> Awaitable[Any]:
        return HandoffService(db_session, actor, audit).request(
            dossier_id=dossier_id,
            to_service=data.get("to_service", ""),
            to_employee_id=_number(data.get("to_employee_id", "")),
            reason=data.get("reason", ""),
            context=data.get("context", ""),
            from_service=data.get("from_service") or None,
        )

    return await _after_change(
        request, db_session, actor, audit, dossier_id, "handoff", dict(data), change, "Overdracht aangevraagd."
    )


PAGE_HANDLERS: list[Any] = [
    my_dossiers,
    new_dossier,
    create_dossier,
    dossier_page,
    timeline_fragment,
    change_status,
    change_casemanager,
    change_accountmanager,
    link_contact,
    log_contact_on_dossier,
    make_commitment,
    request_handoff,
]
