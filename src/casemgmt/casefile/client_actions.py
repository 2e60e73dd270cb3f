"""The klantbeeld's actions in place (issue 15): "Contact vastleggen", "Escaleren" and "Nieuw dossier" open their form
in the action panel under the buttons instead of on a page of their own.

``GET /klanten/{id}/acties/{contact|escalatie|dossier}`` answers htmx with the panel (the form), and a plain request
with the whole klantbeeld with that form open in place, so every button works without JavaScript. The form posts to
``POST /klanten/{id}/acties/…``: htmx gets the panel again, with the message where the form was and (out of band)
the client's story (open promises and timeline) and the header's dossiers read again; 422 keeps the form open with
the messages next to the fields and the text as typed; a refusal (403: a KCC agent opening a dossier) is shown in
the panel in plain Dutch. A plain post ends in a redirect (303) to the klantbeeld with the message, so no POST URL
stays in the history. The actions need the client's full record (need to know, ``clients/access.py``); with the
limited view they answer 403 and the klantbeeld offers the pages of their own (``/contacten/nieuw`` …) instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy import select

from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee
from casemgmt.auth.roles import Role
from casemgmt.casefile.client_controllers import _routing_context
from casemgmt.casefile.client_timeline import client_record
from casemgmt.casefile.dependencies import Finder
from casemgmt.casefile.finding import ClientFinder, RoutingView
from casemgmt.contacts.dependencies import Contacts
from casemgmt.contacts.forms import ContactForm, blank_contact_form, parse_contact_form
from casemgmt.contacts.presentation import FMT
from casemgmt.contacts.services import ContactService
from casemgmt.directory.models import Service
from casemgmt.dossiers.dependencies import Dossiers
from casemgmt.dossiers.services import AccountmanagerRequest, DossierService
from casemgmt.errors import Conflict, FieldError, Forbidden, InvalidInput
from casemgmt.escalations.dependencies import Escalations
from casemgmt.escalations.services import ASKER_ROLES
from casemgmt.web.forms import FormBody, FormData
from casemgmt.web.pages import wants_fragment
from casemgmt.web.routes import page_form

ACTIONS = {"contact": "Contact vastleggen", "escalatie": "Escaleren", "dossier": "Nieuw dossier"}
"""The actions opened in place, by the last part of their path, with the label of their button."""

NO_ESCALATION = "U mag geen escalaties aanmaken: dat doen het KCC, casemanagers, accountmanagers en beheerders."
NO_DOSSIER = (
    "U mag geen dossier openen: dat doet een casemanager of een beheerder. Vraag een casemanager het dossier te "
    "openen, of leg het contact vast zodat de casemanager het terugziet."
)


@dataclass
class ActionPanel:
    """What the panel shows: the action's form (values as typed, errors by field, the message above it), a message
    after success (``notice``, with a link), or a refusal (``refusal``)."""

    action: str
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    notice: str = ""
    notice_link: tuple[str, str] | None = None
    refusal: str = ""
    form_open: bool = True


def _may_open_dossier(actor: Actor) -> bool:
    return actor.has(Role.CASEMANAGER, Role.ADMIN)


async def _full_view(finder: ClientFinder, client_id: int) -> RoutingView:
    """The client with the full record, or 403 (need to know) before any form is shown or anything is written."""
    view = await finder.routing(client_id)
    if not view.full or view.client.merged_into_id:
        raise Forbidden(
            "Deze actie kan alleen vanuit het volledige klantbeeld. Geef eerst een reden op (Gegevens inzien) of "
            "gebruik Contact vastleggen vanuit het menu."
        )
    return view


async def _form_context(
    panel: ActionPanel,
    view: RoutingView,
    actor: Actor,
    contacts: ContactService,
    dossiers: DossierService,
) -> dict[str, Any]:
    """The choices each form needs (read only for the action that is open)."""
    client = view.client
    context: dict[str, Any] = {"panel": panel, "client": client, "fmt": FMT, "actions": ACTIONS}
    if panel.action == "contact" and panel.form_open:
        context["contact_form"] = panel.values.get("form") or blank_contact_form(actor, client.id)
        context["dossier_choices"] = await contacts.open_dossiers_for_contact(client.id)
        context["contact_services"] = await dossiers.services()
        context["contact_representatives"] = await contacts.representatives_for_contact(client.id)
        context["contact_choices"] = await contacts.form_choices()
    elif panel.action == "escalatie" and panel.form_open:
        active = select(Service).where(Service.is_active).order_by(Service.code)
        context["services"] = list((await dossiers.session.scalars(active)).all())
        context["dossier_choices"] = [(d.id, d.ref, d.subject) for d in view.dossiers]
    elif panel.action == "dossier" and panel.form_open:
        accountmanagers = await dossiers.accountmanager_choices()
        context["casemanagers"] = await dossiers.casemanager_choices()
        context["accountmanagers"] = accountmanagers
        context["services"] = [(code, name) for code, name in await dossiers.services() if code in accountmanagers]
    return context


async def _answer(
    request: Request[Any, Any, Any],
    finder: ClientFinder,
    actor: Actor,
    contacts: ContactService,
    dossiers: DossierService,
    client_id: int,
    panel: ActionPanel,
    status_code: int = 200,
    refreshed: bool = False,
    view: RoutingView | None = None,
) -> Template:
    """The panel in place (htmx; with the story and the header's dossiers out of band after a change), or the whole
    klantbeeld with the panel open. ``view``: the client as read already by this request (not after a change)."""
    view = view or await finder.routing(client_id)
    context = await _form_context(panel, view, actor, contacts, dossiers)
    headers = {"Vary": "HX-Request"}
    if wants_fragment(request):
        if refreshed:
            context.update(_routing_context(finder, actor, view, heading_level=1))
            context["page"], context["closed_dossiers"] = await client_record(finder, client_id)
            context["refreshed"] = True
            context["panel"] = panel
        return Template("clients/_action_panel.html", context=context, status_code=status_code, headers=headers)
    page_context = _routing_context(finder, actor, view, heading_level=1)
    page_context.update(context)
    page_context["merged_into"] = await finder.merged_into(view.client)
    if view.full:
        page_context["page"], page_context["closed_dossiers"] = await client_record(finder, client_id)
    return Template("clients/routing.html", context=page_context, status_code=status_code, headers=headers)


def _blank(action: str, actor: Actor, view: RoutingView) -> ActionPanel:
    if action == "escalatie":
        only = str(view.dossiers[0].id) if len(view.dossiers) == 1 else ""
        return ActionPanel(action, {"service": "", "question": "", "dossier_id": only})
    if action == "dossier":
        return ActionPanel(action, {"subject": "", "casemanager_id": actor.id if actor.has(Role.CASEMANAGER) else ""})
    return ActionPanel(action)


def _refusal(action: str, actor: Actor) -> str:
    if action == "escalatie" and not actor.roles & ASKER_ROLES:
        return NO_ESCALATION
    if action == "dossier" and not _may_open_dossier(actor):
        return NO_DOSSIER
    return ""


async def _open_form(
    request: Request[Any, Any, Any],
    action: str,
    client_id: int,
    finder: ClientFinder,
    actor: Actor,
    contacts: ContactService,
    dossiers: DossierService,
) -> Template:
    view = await _full_view(finder, client_id)
    refusal = _refusal(action, actor)
    panel = ActionPanel(action, refusal=refusal, form_open=False) if refusal else _blank(action, actor, view)
    status_code = 403 if refusal else 200
    return await _answer(request, finder, actor, contacts, dossiers, client_id, panel, status_code, view=view)


def _form_route(action: str) -> get:
    return get(
        f"/klanten/{{client_id:int}}/acties/{action}",
        name=f"clients.action_form.{action}",
        guards=[requires_employee],
        include_in_schema=False,
    )


@_form_route("contact")
async def contact_form(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    contacts: Contacts,
    dossiers: Dossiers,
) -> Template:
    """Contact vastleggen, opened in place (htmx) or as the klantbeeld with the form open."""
    return await _open_form(request, "contact", client_id, finder, actor, contacts, dossiers)


@_form_route("escalatie")
async def escalation_form(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    contacts: Contacts,
    dossiers: Dossiers,
) -> Template:
    """Escaleren, opened in place (htmx) or as the klantbeeld with the form open."""
    return await _open_form(request, "escalatie", client_id, finder, actor, contacts, dossiers)


@_form_route("dossier")
async def dossier_form(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    contacts: Contacts,
    dossiers: Dossiers,
) -> Template:
    """Nieuw dossier, opened in place (htmx) or as the klantbeeld with the form open."""
    return await _open_form(request, "dossier", client_id, finder, actor, contacts, dossiers)


async def _done(
    request: Request[Any, Any, Any],
    finder: ClientFinder,
    actor: Actor,
    contacts: ContactService,
    dossiers: DossierService,
    client_id: int,
    panel: ActionPanel,
) -> Template | Redirect:
    """After a change: htmx gets the message in the panel and the story read again; a plain post the klantbeeld."""
    if wants_fragment(request):
        return await _answer(request, finder, actor, contacts, dossiers, client_id, panel, refreshed=True)
    flash(request, panel.notice, category="success")
    return Redirect(f"/klanten/{client_id}", status_code=303)


@page_form("/klanten/{client_id:int}/acties/contact", "clients.action.contact")
async def log_contact(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    contacts: Contacts,
    dossiers: Dossiers,
    data: Annotated[ContactForm, FormBody],
) -> Template | Redirect:
    """Contact vastleggen in place: always about this client (the form's client is the path's); a dossier of the
    client may be chosen."""
    view = await _full_view(finder, client_id)
    kept = data.model_copy(update={"client_id": str(client_id), "anonymous": ""})
    parsed = parse_contact_form(kept)
    values = {**parsed.values, "client_id": client_id, "anonymous": False}
    try:
        logged = await contacts.log(**values, extra_errors=parsed.errors)
    except InvalidInput as exc:
        await contacts.session.rollback()
        panel = ActionPanel("contact", {"form": kept}, exc.by_field(), exc.message)
        return await _answer(request, finder, actor, contacts, dossiers, client_id, panel, 422)
    ref = next((d.ref for d in view.dossiers if d.id == logged.contact.dossier_id), None)
    notice = f"Het contact is vastgelegd{f' bij dossier {ref}' if ref else ''} en staat bovenaan de tijdlijn."
    panel = ActionPanel("contact", notice=notice, form_open=False)
    return await _done(request, finder, actor, contacts, dossiers, client_id, panel)


@page_form("/klanten/{client_id:int}/acties/escalatie", "clients.action.escalate")
async def escalate(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    contacts: Contacts,
    dossiers: Dossiers,
    escalations: Escalations,
    data: FormData,
) -> Template | Redirect:
    """Escaleren in place: a question about this client (and perhaps one of the client's open dossiers) to a
    service's accountmanager."""
    view = await _full_view(finder, client_id)
    service, question = data.get("service") or "", data.get("question") or ""
    raw_dossier = (data.get("dossier_id") or "").strip()
    values = {"service": service, "question": question, "dossier_id": raw_dossier}
    if refusal := _refusal("escalatie", actor):
        return await _refused(request, finder, actor, contacts, dossiers, client_id, "escalatie", refusal)
    dossier_id = int(raw_dossier) if raw_dossier.isdigit() else None
    try:
        if raw_dossier and (dossier_id is None or all(d.id != dossier_id for d in view.dossiers)):
            raise InvalidInput.single("dossier_id", "Kies een lopend dossier van deze klant, of geen dossier")
        escalation = await escalations.ask(
            service=service, question=question, client_id=client_id, dossier_id=dossier_id
        )
    except InvalidInput as exc:
        await contacts.session.rollback()
        panel = ActionPanel("escalatie", values, exc.by_field(), exc.message)
        return await _answer(request, finder, actor, contacts, dossiers, client_id, panel, 422)
    panel = ActionPanel(
        "escalatie",
        notice=f"De vraag is voorgelegd aan de accountmanager van {service}; het antwoord komt binnen de norm.",
        notice_link=(f"/escalaties/{escalation.id}", "Bekijk de escalatie"),
        form_open=False,
    )
    return await _done(request, finder, actor, contacts, dossiers, client_id, panel)


async def _refused(
    request: Request[Any, Any, Any],
    finder: ClientFinder,
    actor: Actor,
    contacts: ContactService,
    dossiers: DossierService,
    client_id: int,
    action: str,
    message: str,
) -> Template:
    await contacts.session.rollback()
    panel = ActionPanel(action, refusal=message, form_open=False)
    return await _answer(request, finder, actor, contacts, dossiers, client_id, panel, 403)


@page_form("/klanten/{client_id:int}/acties/dossier", "clients.action.open_dossier")
async def open_dossier(
    request: Request[Any, Any, Any],
    client_id: FromPath[int],
    finder: Finder,
    actor: Actor,
    contacts: Contacts,
    dossiers: Dossiers,
    data: FormData,
) -> Template | Redirect:
    """Nieuw dossier in place: subject, casemanager and per involved service an accountmanager (``am_<CODE>``), as on
    the page "Dossier openen"; a KCC agent gets the refusal in the panel (403)."""
    await _full_view(finder, client_id)
    values = {key: str(value) for key, value in data.items() if key not in ("_csrf_token", "_submission_key")}
    if refusal := _refusal("dossier", actor):
        return await _refused(request, finder, actor, contacts, dossiers, client_id, "dossier", refusal)
    errors: list[FieldError] = []
    requests: list[AccountmanagerRequest] = []
    for key, value in values.items():
        if key.startswith("am_") and value.strip():
            if value.strip().isdigit():
                requests.append(AccountmanagerRequest(key[3:].upper(), int(value)))
            else:
                errors.append(FieldError(key, "Kies een accountmanager uit de lijst"))
    raw_casemanager = values.get("casemanager_id", "").strip()
    try:
        if errors:
            raise InvalidInput(errors)
        view = await dossiers.create(
            client_id=client_id,
            subject=values.get("subject", ""),
            casemanager_id=int(raw_casemanager) if raw_casemanager.isdigit() else None,
            assignments=requests,
        )
    except (InvalidInput, Conflict) as exc:
        await contacts.session.rollback()
        by_field = exc.by_field() if isinstance(exc, InvalidInput) else {}
        for index, request_ in enumerate(requests):  # "assignments[2].accountmanager_id" → that service's select
            for suffix in ("service", "accountmanager_id"):
                if message := by_field.pop(f"assignments[{index}].{suffix}", None):
                    by_field[f"am_{request_.service}"] = message
        panel = ActionPanel("dossier", values, by_field, exc.message)
        return await _answer(request, finder, actor, contacts, dossiers, client_id, panel, exc.status_code)
    dossier = view.dossier
    panel = ActionPanel(
        "dossier",
        notice=f"Dossier {dossier.ref} is geopend.",
        notice_link=(f"/dossiers/{dossier.id}", f"Naar dossier {dossier.ref}"),
        form_open=False,
    )
    return await _done(request, finder, actor, contacts, dossiers, client_id, panel)


PAGE_HANDLERS: list[Any] = [contact_form, escalation_form, dossier_form, log_contact, escalate, open_dossier]
