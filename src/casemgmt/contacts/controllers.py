"""The "Contact vastleggen" page and the contact API (log a contact, link it to a dossier later)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee
from casemgmt.clients.services import CREATOR_ROLES
from casemgmt.contacts.dependencies import Contacts
from casemgmt.contacts.forms import ContactForm, blank_contact_form, parse_contact_form
from casemgmt.contacts.presentation import FMT
from casemgmt.contacts.rules import PromiseInput, TransferAttempt
from casemgmt.contacts.schemas import ContactIn, ContactLink, ContactOut
from casemgmt.contacts.services import ContactService, LoggedContact
from casemgmt.db import DbSession
from casemgmt.dossiers.dependencies import Dossiers
from casemgmt.dossiers.services import DossierService
from casemgmt.errors import InvalidInput
from casemgmt.knowledge.usage import articles_of_contact
from casemgmt.web.forms import FormBody
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.parameters import QueryId
from casemgmt.web.routes import page_form

TAGS = ["klantcontacten"]

# ====================================================================== API


@post("/api/v1/contacts", tags=TAGS, summary="Log a contact", guards=[requires_employee], status_code=201)
async def api_log_contact(data: JSONBody[ContactIn], contacts: Contacts) -> ContactOut:
    anonymous = "client_id" in data.model_fields_set and data.client_id is None  # ``client_id: null``, not left out
    values = data.model_dump(exclude={"transfers", "commitment"})
    attempts = None
    if isinstance(data.transfers, list):
        attempts = [TransferAttempt(t.service, t.department, t.connected) for t in data.transfers]
    promise = None
    if data.commitment is not None:
        promise = PromiseInput(
            data.commitment.description,
            data.commitment.owner_id,
            data.commitment.due_at,
            owner_service=data.commitment.owner_service,
        )
    logged = await contacts.log(
        **values,
        transfers=data.transfers if isinstance(data.transfers, int) else None,
        transfer_attempts=attempts,
        commitment=promise,
        anonymous=anonymous,
    )
    return _out(logged)


def _out(logged: LoggedContact, external_refs: list[str] | None = None) -> ContactOut:
    return ContactOut.of(
        logged.contact,
        logged.service_code,
        list(logged.external_refs) if external_refs is None else external_refs,
        topic=logged.topic,
        transfer_attempts=logged.transfer_attempts,
        commitment_id=logged.commitment_id,
        articles=logged.articles,
    )


@patch(
    "/api/v1/contacts/{contact_id:int}",
    tags=TAGS,
    summary="Link a contact to a dossier of the same client",
    guards=[requires_employee],
    responses=CONFLICT,
)
async def api_link_contact(contact_id: FromPath[int], data: JSONBody[ContactLink], contacts: Contacts) -> ContactOut:
    logged = await contacts.link(contact_id, data.dossier_id)
    return ContactOut.of(
        logged.contact,
        logged.service_code,
        await contacts.external_refs(contact_id),
        topic=await contacts.topic_of(logged.contact),
        transfer_attempts=await contacts.transfer_attempts(contact_id),
        articles=await articles_of_contact(contacts.session, contact_id),
    )


API_HANDLERS: list[Any] = [api_log_contact, api_link_contact]


# ====================================================================== pages


async def _contact_page(
    contacts: ContactService,
    dossiers: DossierService,
    form: ContactForm,
    client_id: int | None,
    dossier_id: int | None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status_code: int = 200,
    anonymous: bool = False,
) -> Template:
    if anonymous:  # "Anonieme beller": no client, so no dossier either
        client_id = dossier_id = None
    dossier = await contacts.dossier_for_contact(dossier_id) if dossier_id else None
    if dossier is not None:
        client_id = dossier.dossier.client_id  # a contact on a dossier is always about the dossier's client
    client = await contacts.client(client_id) if client_id else None
    context: dict[str, Any] = {
        "fmt": FMT,
        "client": client,
        "anonymous": anonymous,
        "dossier": dossier.dossier if dossier else None,
        "dossier_choices": await contacts.open_dossiers_for_contact(client.id) if client and not dossier else [],
        "contact_form": form.model_copy(
            update={
                "client_id": str(client.id) if client else "",
                "dossier_id": str(dossier_id or form.dossier_id),
                "anonymous": "1" if anonymous else "",
            }
        ),
        "contact_services": await dossiers.services(),
        "contact_representatives": await contacts.representatives_for_contact(client.id) if client else [],
        "contact_choices": await contacts.form_choices(),
        "errors": errors or {},
        "message": message,
        "may_create_client": bool(contacts.actor.roles & CREATOR_ROLES),  # a caller without BSN: register them
    }
    return Template("contacts/new.html", context=context, status_code=status_code)


@get("/contacten/nieuw", name="contacts.new", include_in_schema=False, guards=[requires_employee])
async def new_contact(
    contacts: Contacts,
    dossiers: Dossiers,
    actor: Actor,
    client_id: QueryId = None,
    dossier_id: QueryId = None,
    anoniem: FromQuery[bool] = False,
) -> Template:
    form = blank_contact_form(actor, client_id, dossier_id)
    return await _contact_page(contacts, dossiers, form, client_id, dossier_id, anonymous=anoniem)


@page_form("/contacten", "contacts.create")
async def create_contact(
    request: Request[Any, Any, Any],
    contacts: Contacts,
    dossiers: Dossiers,
    db_session: DbSession,
    data: Annotated[ContactForm, FormBody],
) -> Template | Redirect:
    parsed = parse_contact_form(data)
    try:
        logged = await contacts.log(**parsed.values, extra_errors=parsed.errors)
    except InvalidInput as exc:
        await db_session.rollback()
        client_id = parsed.values["client_id"]
        dossier_id = parsed.values["dossier_id"]
        field_errors = exc.by_field()
        if "dossier_id" in field_errors:
            dossier_id = None  # the chosen dossier is the problem: offer the choice again
        return await _contact_page(
            contacts,
            dossiers,
            data,
            client_id,
            dossier_id,
            field_errors,
            exc.message,
            status_code=422,
            anonymous=parsed.values["anonymous"],
        )
    flash(request, "Het contact is vastgelegd.", category="success")
    contact = logged.contact
    if contact.dossier_id:
        return Redirect(f"/dossiers/{contact.dossier_id}", status_code=303)
    if contact.client_id is None:
        return Redirect("/klanten", status_code=303)  # an anonymous caller: on to the next one
    return Redirect(f"/klanten/{contact.client_id}", status_code=303)


PAGE_HANDLERS: list[Any] = [new_contact, create_contact]
