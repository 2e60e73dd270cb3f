"""The dossier page (casefile): the dossier with its timeline and promises panel, "Meer laden", the forms on the
page (status, casemanager, accountmanagers, linking and logging contacts, commitments, handoffs) and the read API
of one dossier with its figures and its timeline.

The forms call the concept that owns the change (dossiers, contacts, commitments, handoffs). Each form's handler
gets the page as ``page`` (``DossierPage``, declared with ``dossier_form``): on bad input it shows the page again with
the messages at the form, after a change it goes back to the dossier.

The page renders only the form that is open (after a change or a refusal); the others are loaded when opened from
``GET /dossiers/{id}/formulier/{action}`` (``action_form_page``: the panel's content for htmx, the form as a page of
its own without JavaScript), so the page asks no choices (employees, services, topics) for forms nobody opens. The
settled promises likewise load when their fold is opened (``GET /dossiers/{id}/afgehandeld``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.dependencies import Audit
from casemgmt.audit.services import Action, AuditLog
from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee
from casemgmt.auth.identity import CurrentUser
from casemgmt.casefile.pilot_facts import PilotFactsDependency, PilotFactsOf, no_pilot_facts
from casemgmt.casefile.promises import owner_choices, parse_due, promises_context
from casemgmt.casefile.schemas import DossierDetailOut, TimelineEntryOut, timeline_entry_out
from casemgmt.casefile.signals import dossier_figures
from casemgmt.casefile.timeline import MAX_LIMIT, Cursor, clamp_limit, contact_entry, dossier_timeline
from casemgmt.commitments.dependencies import Commitments
from casemgmt.commitments.rules import KIND_LABELS
from casemgmt.commitments.schemas import CommitmentCreate
from casemgmt.contacts.dependencies import Contacts
from casemgmt.contacts.forms import ContactForm, blank_contact_form, parse_contact_form
from casemgmt.contacts.presentation import FMT
from casemgmt.contacts.services import ContactService
from casemgmt.db import DbSession
from casemgmt.directory.models import Service
from casemgmt.dossiers import rules
from casemgmt.dossiers.access import NO_CONTACT, NOT_INVOLVED, READ_ONLY, Access
from casemgmt.dossiers.controllers import TAGS, FormState, form_state
from casemgmt.dossiers.dependencies import Dossiers
from casemgmt.dossiers.services import DossierService, DossierView
from casemgmt.errors import Conflict, Forbidden, InvalidInput, NotFound
from casemgmt.handoffs.dependencies import Handoffs
from casemgmt.handoffs.schemas import HandoffCreate
from casemgmt.handoffs.services import HandoffService
from casemgmt.web.forms import FormBody, FormData, whole_number
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.parameters import bounded


@get(
    "/api/v1/dossiers/{dossier_id:int}",
    tags=TAGS,
    summary="One dossier",
    guards=[requires_employee],
)
async def api_get_dossier(dossier_id: FromPath[int], dossiers: Dossiers, db_session: DbSession) -> DossierDetailOut:
    view = await dossiers.get(dossier_id)
    figures = (await dossier_figures(db_session, [dossier_id], datetime.now(UTC)))[dossier_id]
    return DossierDetailOut.of_figures(view, figures)


@get(
    "/api/v1/dossiers/{dossier_id:int}/timeline",
    tags=TAGS,
    summary="The dossier's timeline, newest first; pass an entry's cursor as `before` for older entries",
    guards=[requires_employee],
)
async def api_timeline(
    dossier_id: FromPath[int],
    dossiers: Dossiers,
    before: FromQuery[str | None] = None,
    limit: Annotated[int | None, QueryParameter(schema_extra=bounded(1, MAX_LIMIT))] = None,
) -> Response[list[TimelineEntryOut]]:
    cursor = Cursor.parse(before) if before else None
    size = clamp_limit(limit)
    page = await dossier_timeline(dossiers, await dossiers.require_access(dossier_id, Access.READ), cursor, size)
    headers = {"X-Next-Before": page.next_cursor.encode()} if page.next_cursor else {}
    return Response([timeline_entry_out(entry) for entry in page.entries], headers=headers)


FIRST_PAGE = 6
"""Timeline entries on the dossier page itself; "Meer laden" brings the older ones (the story fits two screens)."""

ACTIONS: dict[str, str] = {
    "contact": "Contact vastleggen",
    "commitment": "Toezegging",
    "handoff": "Overdragen",
    "time": "Tijd",
    "status": "Status",
    "assign": "Toewijzen",
    "external_refs": "Kenmerken",
    "link": "Contact koppelen",
}
"""The actions on the dossier page, each a button that opens its form in place (``<details>``), in this order."""

LAZY_ACTIONS: dict[str, Access] = {
    "contact": Access.CONTACT,
    "commitment": Access.CONTACT,
    "handoff": Access.WRITE,
    "status": Access.WRITE,
    "assign": Access.WRITE,
    "external_refs": Access.WRITE,
    "link": Access.CONTACT,
}
"""The actions whose form loads when opened (``GET /dossiers/{id}/formulier/{action}``), with the access their
form's POST asks; "Tijd" loads the time-entry form of the pilots (``/tijdregistratie/nieuw``) instead."""

REFUSALS = {
    "handoff": "Alleen wie nu bij dit dossier betrokken is, kan het overdragen.",
    "contact": NO_CONTACT,
    "link": NO_CONTACT,
}
"""How a form's POST refuses who reads the dossier but may not use the form, where that is not ``READ_ONLY``: as
``HandoffService.request`` and ``ContactService.dossier_for_contact`` word it (who is not involved at all gets
``NOT_INVOLVED`` from every form)."""


def action_of(form_name: str) -> str:
    """The action whose panel holds the form ``form_name`` (the accountmanager forms sit under "Toewijzen")."""
    if form_name == "casemanager" or form_name.startswith("accountmanager:"):
        return "assign"
    return form_name


@dataclass
class DossierPage:
    """The dossier page as the forms on it see it: shown (again, with a form's messages) or returned to after a
    change. Handlers get it as ``page`` (``provide_dossier_page``).

    An htmx form answers with the page's content (``dossiers/_dossier.html``): header, actions, promises and
    timeline all fresh, the action that was used open with its success message or its messages next to the fields.
    A plain form post goes back to the dossier (303) after a change and shows the page again after a refusal."""

    request: Request[Any, Any, Any]
    dossier_id: int
    dossiers: DossierService
    db_session: AsyncSession
    actor: CurrentUser
    audit: AuditLog
    pilot_facts: PilotFactsOf = no_pilot_facts

    async def context(
        self, forms: dict[str, FormState] | None = None, open_action: str | None = None
    ) -> dict[str, Any]:
        """Everything the dossier page shows; a constant number of queries whatever the size of the timeline. Of the
        forms only the open one's choices are asked (``open_action``, else the action of the refused form)."""
        dossiers, actor = self.dossiers, self.actor
        view = await dossiers.get(self.dossier_id)
        page = await dossier_timeline(dossiers, view.reader_access, limit=FIRST_PAGE)
        facts = await self.pilot_facts(self.db_session, actor, self.audit, view.dossier.id)
        context = _form_basics(view, forms)
        context.update(
            {
                "page": page,
                "pilot": facts,
                "representatives": await dossiers.representatives(view.dossier.client_id),
                "open_action": open_action or next((action_of(name) for name in forms or {}), None),
                # the actions' <details> share a name per rendering: one open at a time, and the fresh content htmx
                # swaps in (inserted before the old is removed) is not closed by the browser for clashing with the old
                "action_group": f"dossier-actie-{secrets.token_hex(4)}",
                "lazy_actions": LAZY_ACTIONS,
            }
        )
        context.update(await promises_context(self.db_session, actor, self.audit, view.dossier.id))
        context["has_open_promises"] = (
            any(v.commitment.status == "open" for v in context["commitments"])
            or any(h.handoff.status == "requested" for h in context["handoffs"])
            or any(v.escalation.status == "open" for v in context["escalations"])
        )
        context["actions"] = [
            (name, label)
            for name, label in ACTIONS.items()
            if _may_use(name, context, may_register_time=facts.may_register_time)
        ]
        # a refusal of a form the reader has no action for (a post from an old page): shown above the actions
        usable = {name for name, _ in context["actions"]}
        context["orphan_forms"] = [state for name, state in (forms or {}).items() if action_of(name) not in usable]
        if context["open_action"] in usable and context["open_action"] in LAZY_ACTIONS:
            await self.form_context(context, context["open_action"])
        return context

    async def form_context(self, context: dict[str, Any], action: str) -> None:
        """Add what the form of ``action`` shows beyond the page (its choices) to ``context``: asked only for a
        form that is shown, on the page (open) or on its own."""
        dossiers, actor, view = self.dossiers, self.actor, context["view"]
        if action == "status":
            context["next_statuses"] = rules.allowed_next_statuses(view.dossier.status)
            context["outcomes"] = rules.OUTCOMES
        elif action == "assign":
            context["casemanagers"] = await dossiers.casemanager_choices()
            accountmanagers = await dossiers.accountmanager_choices()
            current = {a.service: a for a in view.current_accountmanagers}
            context["service_rows"] = [
                (code, name, current.get(code), accountmanagers.get(code, []))
                for code, name in await dossiers.services()
                if code in accountmanagers or code in current
            ]
        elif action == "handoff":
            handoffs = HandoffService(self.db_session, actor, self.audit)
            context["handoff_from_choices"] = await handoff_from_choices(handoffs, view.dossier.id)
            context["contact_services"] = await dossiers.services()
        elif action == "commitment":
            participants = [a.user_id for a in view.current_accountmanagers] + [view.dossier.casemanager_id]
            context["owner_choices"] = await owner_choices(self.db_session, actor, participants)
            context["kind_labels"] = KIND_LABELS
        elif action == "link":
            contacts = ContactService(self.db_session, actor, self.audit)
            context["unlinked"] = await contacts.unlinked(view.dossier.client_id)
        elif action == "contact":
            contacts = ContactService(self.db_session, actor, self.audit)
            context["contact_services"] = await dossiers.services()
            context["contact_choices"] = await contacts.form_choices()
            context.setdefault("contact_form", blank_contact_form(actor, dossier_id=view.dossier.id))

    async def render_form(self, action: str) -> Template:
        """One action's form on its own: for htmx the content of its panel, without JavaScript a page with just
        that form. Refused as its POST would be (403 for who may not use it, 404 for an unknown dossier); 404 for
        an action the page does not have, 409 with "someone else changed it, load again" for one the dossier's status
        no longer offers (closed since the page was shown)."""
        minimum = LAZY_ACTIONS.get(action)
        if minimum is None:
            raise NotFound(f"Dit dossier heeft geen formulier “{action[:40]}”.")
        view = await self.dossiers.load(self.dossier_id)
        if view.access < minimum:  # worded as the POST's answer: its service's refusal, or the dossier's
            if view.access is Access.NONE:
                raise Forbidden(NOT_INVOLVED)
            raise Forbidden(REFUSALS.get(action, READ_ONLY))
        # the form shows the dossier and its client's people (representatives, unlinked contacts): a read, as the page
        self.audit.record(Action.READ, "dossier", view.dossier.id, client_pseudonym=view.client_pseudonym)
        context = _form_basics(view, None)
        context.update(
            {
                "action": action,
                "action_label": ACTIONS[action],
                "representatives": await self.dossiers.representatives(view.dossier.client_id)
                if action == "contact"
                else [],
                "has_open_promises": False,  # only a refused close lists them; a form loaded on its own is fresh
            }
        )
        if not _may_use(action, context, may_register_time=False):  # closed since the page was shown
            context["refusal"] = FormState(message="Dit dossier is gesloten.", status_code=409)
            return page_or_fragment(
                self.request, "dossiers/action.html", "dossiers/_action_panel.html", context, status_code=409
            )
        await self.form_context(context, action)
        return page_or_fragment(self.request, "dossiers/action.html", "dossiers/_action_panel.html", context)

    async def render_settled(self) -> Template:
        """The dossier's settled promises, loaded when the promises panel's "Afgehandeld" is opened: for htmx the
        lists, without JavaScript a page with just those. A read of the dossier, as the page."""
        view = await self.dossiers.get(self.dossier_id)
        context = _form_basics(view, None)
        context.update(await promises_context(self.db_session, self.actor, self.audit, view.dossier.id))
        return page_or_fragment(self.request, "dossiers/settled.html", "dossiers/_settled.html", context)

    async def render(
        self, forms: dict[str, FormState] | None = None, status_code: int = 200, done: tuple[str, str] | None = None
    ) -> Template:
        """The page, or for htmx its content only; ``done`` is (action, success message) after a change."""
        context = await self.context(forms, done[0] if done is not None else None)
        contact_state = (forms or {}).get("contact")
        if contact_state is not None:
            context["contact_form"] = ContactForm(**contact_state.values)
        if done is not None:
            context["done"] = done[1]
        template = "dossiers/_dossier.html" if wants_fragment(self.request) else "dossiers/detail.html"
        return Template(template, context=context, status_code=status_code, headers={"Vary": "HX-Request"})

    def back(self, success: str) -> Redirect:
        """Flash ``success`` and go back to the dossier (303)."""
        flash(self.request, success, category="success")
        return Redirect(f"/dossiers/{self.dossier_id}", status_code=303)

    async def after_change(
        self, form_name: str, values: dict[str, Any], change: Callable[[], Awaitable[Any]], success: str
    ) -> Template | Redirect:
        """Run ``change``; on success go back to the dossier (htmx: the fresh content with ``success`` at the
        action), on a refusal (bad input 422, stale version 409, not allowed 403) show the page again with the
        message at the form."""
        try:
            await change()
        except (InvalidInput, Conflict, Forbidden) as exc:
            await self.db_session.rollback()
            return await self.render({form_name: form_state(values, exc)}, exc.status_code)
        if wants_fragment(self.request):
            return await self.render(done=(action_of(form_name), success))
        return self.back(success)


async def handoff_from_choices(handoffs: HandoffService, dossier_id: int) -> list[tuple[str, str]]:
    """The services to hand over on behalf of, when the form has to ask (``[]`` when it follows from the dossier):
    the dossier's services with an accountmanager, or every service when it has none."""
    if await handoffs.derived_from_service(dossier_id) is not None:
        return []
    ids = await handoffs.dossier_service_ids(dossier_id)
    query = select(Service.code, Service.name).order_by(Service.code)
    if ids:
        query = query.where(Service.id.in_(ids))
    return [(code, name) for code, name in (await handoffs.session.execute(query)).all()]


def _form_basics(view: DossierView, forms: dict[str, FormState] | None) -> dict[str, Any]:
    """What the dossier page and a form loaded on its own both show: the dossier, the reader's access, the refused
    forms' states."""
    is_open = view.dossier.status != rules.CLOSED
    return {
        "fmt": FMT,
        "view": view,
        "dossier": view.dossier,
        "can_write": view.access >= Access.WRITE and is_open,
        "can_contact": view.access >= Access.CONTACT,
        "read_only": view.access == Access.READ,
        "forms": forms or {},
    }


def _may_use(action: str, context: dict[str, Any], *, may_register_time: bool) -> bool:
    """Only the actions the reader may use are on the page (and nothing they may not use is requested)."""
    dossier_open = context["dossier"].status != rules.CLOSED
    if action in ("contact", "link"):
        return bool(context["can_contact"])
    if action == "commitment":
        return bool(context["can_contact"]) and dossier_open
    if action == "time":
        return may_register_time
    return bool(context["can_write"])


async def provide_dossier_page(
    request: Request[Any, Any, Any],
    dossier_id: FromPath[int],
    dossiers: Dossiers,
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    pilot_facts: PilotFactsDependency,
) -> DossierPage:
    return DossierPage(request, dossier_id, dossiers, db_session, actor, audit, pilot_facts)


Page = NamedDependency[DossierPage]
"""The dossier page of the route's ``dossier_id`` (``page``)."""


def _with_page() -> dict[str, Provide]:
    return {"page": Provide(provide_dossier_page)}


def dossier_form(path: str) -> post:
    """A form on the dossier page (``POST /dossiers/{dossier_id}/…``), for employees; the handler gets ``page``."""
    return post(path, include_in_schema=False, guards=[requires_employee], dependencies=_with_page())


@get(
    "/dossiers/{dossier_id:int}",
    name="dossiers.detail",
    include_in_schema=False,
    guards=[requires_employee],
    dependencies=_with_page(),
)
async def dossier_page(page: Page) -> Template:
    return await page.render()


@get(
    "/dossiers/{dossier_id:int}/formulier/{action:str}",
    name="dossiers.action_form",
    include_in_schema=False,
    guards=[requires_employee],
    dependencies=_with_page(),
)
async def action_form_page(page: Page, action: FromPath[str]) -> Template:
    """A folded action's form, loaded when it is opened (htmx: the panel's content), or without JavaScript a page
    with just that form; refused as the form's POST would be."""
    return await page.render_form(action)


@get(
    "/dossiers/{dossier_id:int}/afgehandeld",
    name="dossiers.settled",
    include_in_schema=False,
    guards=[requires_employee],
    dependencies=_with_page(),
)
async def settled_promises_page(page: Page) -> Template:
    """The settled commitments, handoffs and escalations of the dossier (htmx: the folded list's content)."""
    return await page.render_settled()


@get(
    "/dossiers/{dossier_id:int}/tijdlijn",
    name="dossiers.timeline",
    include_in_schema=False,
    guards=[requires_employee],
)
async def timeline_fragment(
    request: Request[Any, Any, Any],
    dossier_id: FromPath[int],
    dossiers: Dossiers,
    before: FromQuery[str | None] = None,
) -> Template:
    """ "Meer laden": the next entries (htmx fragment), or a page of older entries without JavaScript."""
    view = await dossiers.require(dossier_id, Access.READ)
    page = await dossier_timeline(dossiers, view.reader_access, Cursor.parse(before) if before else None)
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


class ExternalRefsForm(BaseModel):
    version: str = ""
    external_refs: str = ""


def split_refs(text: str) -> list[str]:
    """References as typed in one box: one per line or separated by commas; blank ones left out."""
    return [ref for ref in re.split(r"[,\n]", text or "") if ref.strip()]


@dossier_form("/dossiers/{dossier_id:int}/status")
async def change_status(page: Page, data: Annotated[StatusForm, FormBody]) -> Template | Redirect:
    def change() -> Awaitable[Any]:
        return page.dossiers.update(
            page.dossier_id,
            version=whole_number(data.version),
            subject=data.subject,
            status=data.status or None,
            outcome=data.outcome or None,
        )

    return await page.after_change("status", data.model_dump(), change, "De status is gewijzigd.")


@dossier_form("/dossiers/{dossier_id:int}/kenmerken")
async def change_external_refs(page: Page, data: Annotated[ExternalRefsForm, FormBody]) -> Template | Redirect:
    """Kenmerken van andere systemen: the box replaces the dossier's references (version checked)."""

    def change() -> Awaitable[Any]:
        return page.dossiers.update(
            page.dossier_id, version=whole_number(data.version), external_refs=split_refs(data.external_refs)
        )

    return await page.after_change("external_refs", data.model_dump(), change, "De kenmerken zijn gewijzigd.")


@dossier_form("/dossiers/{dossier_id:int}/casemanager")
async def change_casemanager(page: Page, data: Annotated[CasemanagerForm, FormBody]) -> Template | Redirect:
    casemanager_id = whole_number(data.casemanager_id)

    async def change() -> Any:
        if casemanager_id is None:
            await page.dossiers.require(page.dossier_id, Access.WRITE)
            raise InvalidInput.single("casemanager_id", "Kies de nieuwe casemanager")
        return await page.dossiers.update(
            page.dossier_id, version=whole_number(data.version), casemanager_id=casemanager_id, reason=data.reason
        )

    return await page.after_change("casemanager", data.model_dump(), change, "De casemanager is gewijzigd.")


@dossier_form("/dossiers/{dossier_id:int}/accountmanager")
async def change_accountmanager(page: Page, data: Annotated[AccountmanagerForm, FormBody]) -> Template | Redirect:
    service = data.service.upper()

    def change() -> Awaitable[Any]:
        return page.dossiers.assign_accountmanager(
            page.dossier_id, data.service, accountmanager_id=whole_number(data.accountmanager_id), reason=data.reason
        )

    success = f"De accountmanager voor {service} is gewijzigd."
    return await page.after_change(f"accountmanager:{service}", data.model_dump(), change, success)


@dossier_form("/dossiers/{dossier_id:int}/koppelen")
async def link_contact(page: Page, contacts: Contacts, data: Annotated[LinkForm, FormBody]) -> Template | Redirect:
    contact_id = whole_number(data.contact_id)

    async def change() -> Any:
        await contacts.dossier_for_contact(page.dossier_id)  # 403/404 before any message about the form
        if contact_id is None:
            raise InvalidInput.single("contact_id", "Kies het contact dat u wilt koppelen")
        return await contacts.link(contact_id, page.dossier_id)

    return await page.after_change("link", data.model_dump(), change, "Het contact is aan dit dossier gekoppeld.")


@dossier_form("/dossiers/{dossier_id:int}/contacten")
async def log_contact_on_dossier(
    page: Page, contacts: Contacts, data: Annotated[ContactForm, FormBody]
) -> Template | Redirect:
    """The inline contact form: htmx gets a fresh form plus the new entry for the top of the timeline."""
    request, dossier_id = page.request, page.dossier_id
    view = await contacts.dossier_for_contact(dossier_id)
    parsed = parse_contact_form(data)
    values = {**parsed.values, "client_id": view.dossier.client_id, "dossier_id": view.dossier.id, "anonymous": False}
    try:
        logged = await contacts.log(**values, extra_errors=parsed.errors)
    except InvalidInput as exc:  # raised before anything was added to the session: nothing to undo
        kept = data.model_copy(update={"client_id": str(view.dossier.client_id), "dossier_id": str(dossier_id)})
        if wants_fragment(request):
            context = {
                "fmt": FMT,
                "dossier": view.dossier,
                "contact_form": kept,
                "contact_services": await page.dossiers.services(),
                "contact_representatives": await page.dossiers.representatives(view.dossier.client_id),
                "contact_choices": await contacts.form_choices(),
                "errors": exc.by_field(),
                "message": exc.message,
            }
            return Template("dossiers/_contact_form.html", context=context, status_code=422)
        return await page.render({"contact": FormState(kept.model_dump(), exc.by_field(), exc.message)}, 422)
    if not wants_fragment(request):
        return page.back("Het contact is vastgelegd.")
    context = {
        "fmt": FMT,
        "dossier": view.dossier,
        "contact_form": blank_contact_form(page.actor, dossier_id=dossier_id),
        "contact_services": await page.dossiers.services(),
        "contact_representatives": await page.dossiers.representatives(view.dossier.client_id),
        "contact_choices": await contacts.form_choices(),
        "errors": {},
        "saved": True,
        "entry": contact_entry(
            logged.contact,
            logged.service_code,
            logged.employee_name,
            logged.external_refs,
            (logged.representative.name, logged.representative.organisation) if logged.representative else None,
            logged.transfer_attempts,
            await contacts.topic_name(logged.contact),
            logged.articles,
        ),
    }
    return Template("dossiers/_contact_logged.html", context=context, headers={"Vary": "HX-Request"})


@dossier_form("/dossiers/{dossier_id:int}/toezeggingen")
async def make_commitment(page: Page, commitments: Commitments, data: FormData) -> Template | Redirect:
    """Record a commitment to the dossier's client (toezegging) from the dossier page."""
    view = await page.dossiers.require(page.dossier_id, Access.CONTACT)

    async def change() -> Any:
        owner = whole_number(data.get("owner_id", ""))
        if owner is None:
            raise InvalidInput.single("owner_id", "Kies wie de toezegging nakomt")
        return await commitments.make(
            CommitmentCreate(
                client_id=view.dossier.client_id,
                dossier_id=page.dossier_id,
                kind=data.get("kind", ""),
                description=data.get("description", ""),
                owner_id=owner,
                due_at=parse_due(data.get("due_at", "")),
            )
        )

    return await page.after_change("commitment", dict(data), change, "Toezegging vastgelegd.")


@dossier_form("/dossiers/{dossier_id:int}/overdrachten")
async def request_handoff(page: Page, handoffs: Handoffs, data: FormData) -> Template | Redirect:
    """Hand the question over to another service, with the context the receiver needs."""

    def change() -> Awaitable[Any]:
        return handoffs.request(
            HandoffCreate(
                dossier_id=page.dossier_id,
                to_service=data.get("to_service", ""),
                to_employee_id=whole_number(data.get("to_employee_id", "")),
                reason=data.get("reason", ""),
                context=data.get("context", ""),
                from_service=data.get("from_service") or None,
            )
        )

    return await page.after_change("handoff", dict(data), change, "Overdracht aangevraagd.")


FORM_PATHS = [
    "/dossiers/{dossier_id:int}/status",
    "/dossiers/{dossier_id:int}/kenmerken",
    "/dossiers/{dossier_id:int}/casemanager",
    "/dossiers/{dossier_id:int}/accountmanager",
    "/dossiers/{dossier_id:int}/koppelen",
    "/dossiers/{dossier_id:int}/contacten",
    "/dossiers/{dossier_id:int}/toezeggingen",
    "/dossiers/{dossier_id:int}/overdrachten",
]
"""The forms on the dossier page (each answers POST)."""


@get(FORM_PATHS, name="dossiers.form_back", include_in_schema=False, guards=[requires_employee])
async def back_to_dossier(dossier_id: FromPath[int]) -> Redirect:
    """A form's address opened as a page (Back or reload after a plain post that was refused, a bookmark): the
    dossier itself (303) instead of "405 Niet toegestaan". The dossier page decides what the reader may see."""
    return Redirect(f"/dossiers/{dossier_id}", status_code=303)


API_HANDLERS: list[Any] = [api_get_dossier, api_timeline]
PAGE_HANDLERS: list[Any] = [
    dossier_page,
    action_form_page,
    settled_promises_page,
    timeline_fragment,
    change_status,
    change_external_refs,
    change_casemanager,
    change_accountmanager,
    link_contact,
    log_contact_on_dossier,
    make_commitment,
    request_handoff,
    back_to_dossier,
]
