"""The contact service: logging a klantcontact (with or without a dossier, with or without a client) and linking it
to a dossier later; the contact's references of other systems (``external_references``).

A contact without a dossier may be logged by every employee (not the evaluator); on a dossier it needs at least
``Access.CONTACT`` (KCC agents, the current assignees, admins). Everything is checked before anything is written;
every change writes an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditedService, AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import EMPLOYEE_ROLES
from casemgmt.clients.models import Client, ClientRepresentative, Representative
from casemgmt.clients.rules import MERGED_CLIENT
from casemgmt.clients.services import acts_for, current_representatives, today_in_amsterdam
from casemgmt.contacts.models import Contact, ExternalReference
from casemgmt.contacts.rules import ContactInput, as_utc, check_anonymous, check_contact, clean_external_refs
from casemgmt.directory.models import Service
from casemgmt.dossiers.access import NO_CONTACT, NOT_INVOLVED, Access, access_from_assignments
from casemgmt.dossiers.involvement import visible_dossiers_clause
from casemgmt.dossiers.models import Dossier
from casemgmt.dossiers.rules import CLOSED
from casemgmt.dossiers.services import DossierService, DossierView
from casemgmt.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound

NOT_AN_EMPLOYEE = "Alleen medewerkers die klanten helpen leggen contacten vast."
NOT_A_REPRESENTATIVE = "Kies een vertegenwoordiger die nu voor deze klant optreedt"


@dataclass(frozen=True)
class LoggedContact:
    contact: Contact
    service_code: str
    employee_name: str
    external_refs: tuple[str, ...] = ()
    representative: Representative | None = None


@dataclass(frozen=True)
class UnlinkedContact:
    id: int
    occurred_at: datetime
    channel: str
    service: str
    summary: str


class ContactService(AuditedService):
    def __init__(self, session: AsyncSession, actor: CurrentUser, audit: AuditLog) -> None:
        super().__init__(session, actor, audit)
        self.dossiers = DossierService(session, actor, audit)

    def _require_employee(self) -> None:
        if not self.actor.roles & EMPLOYEE_ROLES:
            raise Forbidden(NOT_AN_EMPLOYEE)

    async def client(self, client_id: int) -> Client:
        """The client a contact is logged for (404 when unknown), read for the form: an audit event."""
        self._require_employee()
        client = await self._existing(Client, client_id, "Klant niet gevonden")
        self.audit.record(
            Action.READ, "client", client.id, client_pseudonym=client.pseudonym, detail="contactformulier"
        )
        return client

    async def representatives_for_contact(self, client_id: int) -> list[ClientRepresentative]:
        """The client's current representatives, for "Contact met/door vertegenwoordiger" (the form's client read
        is audited by ``client``)."""
        return await current_representatives(self.session, client_id, today_in_amsterdam())

    async def dossier_for_contact(self, dossier_id: int) -> DossierView:
        """A dossier the actor may log contacts on (403 otherwise)."""
        self._require_employee()
        view = await self.dossiers.load(dossier_id)
        if view.access < Access.CONTACT:
            raise Forbidden(NOT_INVOLVED if view.access is Access.NONE else NO_CONTACT)
        return view

    async def open_dossiers_for_contact(self, client_id: int) -> list[tuple[int, str, str]]:
        """The client's dossiers (not closed) on which the actor may log a contact: (id, ref, subject)."""
        rows = (
            await self.session.execute(
                select(Dossier.id, Dossier.ref, Dossier.subject, Dossier.casemanager_id)
                .where(Dossier.client_id == client_id, Dossier.status != CLOSED, visible_dossiers_clause(self.actor))
                .order_by(Dossier.opened_at.desc())
            )
        ).all()
        if not rows:
            return []
        assignments = await self.dossiers.assignments_of([row.id for row in rows])
        return [
            (row.id, row.ref, row.subject)
            for row in rows
            if access_from_assignments(
                self.actor, [(a.user_id, a.until) for a in assignments.get(row.id, [])], row.casemanager_id
            )
            >= Access.CONTACT
        ]

    async def log(
        self,
        *,
        client_id: int | None,
        dossier_id: int | None,
        channel: str | None,
        direction: str | None,
        service: str | None,
        outcome: str | None,
        transfers: int | None,
        summary: str | None,
        occurred_at: datetime | None = None,
        subject: str | None = None,
        external_refs: list[str] | None = None,
        anonymous: bool = False,
        extra_errors: list[FieldError] | None = None,
        representative_id: int | None = None,
    ) -> LoggedContact:
        """Log one contact. ``anonymous`` logs it without a client (``client_id`` must then be empty, and a dossier
        or representative is refused). ``representative_id``: made by or with this representative, who must act for
        the client today. ``extra_errors`` carries problems found while reading a form (unparseable numbers)."""
        self._require_employee()
        now = datetime.now(UTC)
        errors = list(extra_errors or [])
        view: DossierView | None = None
        client: Client | None = None
        if anonymous:
            if client_id:
                errors.append(FieldError("client_id", "Een anoniem contact hoort bij geen klant"))
            errors += check_anonymous(dossier_id=dossier_id, representative_id=representative_id)
        else:
            if dossier_id:
                try:
                    view = await self.dossier_for_contact(dossier_id)
                except NotFound:
                    errors.append(FieldError("dossier_id", "Onbekend dossier"))
            client = await self.session.get(Client, client_id) if client_id else None
            if client is None:
                errors.append(FieldError("client_id", "Kies een bestaande klant" if client_id else "Kies een klant"))
            elif client.merged_into_id is not None:
                errors.append(FieldError("client_id", MERGED_CLIENT))
            elif view is not None and view.dossier.client_id != client.id:
                errors.append(FieldError("dossier_id", "Dit dossier hoort bij een andere klant"))
            if representative_id is not None and (
                client is None or not await acts_for(self.session, representative_id, client.id, today_in_amsterdam())
            ):
                errors.append(FieldError("representative_id", NOT_A_REPRESENTATIVE))
        refs, ref_errors = clean_external_refs(external_refs)
        errors += ref_errors
        data = ContactInput(channel, direction, outcome, transfers, summary, subject, occurred_at)
        errors += [e for e in check_contact(data, now) if e.field not in {x.field for x in errors}]
        code = (service or "").strip().upper()
        service_row = None
        if not code:
            errors.append(FieldError("service", "Kies de dienst die het contact had"))
        else:
            service_row = await self.session.scalar(select(Service).where(Service.code == code, Service.is_active))
            if service_row is None:
                errors.append(FieldError("service", f"Onbekende dienst '{service}'"))
        if errors:
            raise InvalidInput(errors)
        assert service_row is not None and (client is not None or anonymous)
        contact = Contact(
            client_id=client.id if client else None,
            dossier_id=view.dossier.id if view else None,
            channel=channel,
            direction=direction,
            service_id=service_row.id,
            employee_id=self.actor.id,
            occurred_at=as_utc(occurred_at) if occurred_at else now,
            outcome=outcome,
            transfers=transfers,
            summary=(summary or "").strip(),
            subject=(subject or "").strip(),
            representative_id=representative_id,
        )
        self.session.add(contact)
        await self.session.flush()
        self.session.add_all(ExternalReference(record_type="contact", record_id=contact.id, ref=ref) for ref in refs)
        await self.session.flush()
        self.audit.record(
            Action.CREATE,
            "contact",
            contact.id,
            client_pseudonym=client.pseudonym if client else None,
            detail=f"dossier {view.dossier.ref}" if view else ("anoniem" if client is None else "zonder dossier"),
        )
        person = await self.session.get(Representative, representative_id) if representative_id else None
        return LoggedContact(contact, service_row.code, self.actor.name, tuple(refs), person)

    async def link(self, contact_id: int, dossier_id: int | None) -> LoggedContact:
        """Link a contact logged without a dossier to a dossier of the same client."""
        self._require_employee()
        row = (
            await self.session.execute(
                select(Contact, Service.code, Client.pseudonym)
                .join(Service, Service.id == Contact.service_id)
                .outerjoin(Client, Client.id == Contact.client_id)
                .where(Contact.id == contact_id)
            )
        ).one_or_none()
        if row is None:
            raise NotFound("Contact niet gevonden")
        contact, code, pseudonym = row
        if contact.client_id is None:
            raise InvalidInput.single("dossier_id", "Een anoniem contact hoort bij geen klant en dus bij geen dossier")
        if not dossier_id:
            raise InvalidInput.single("dossier_id", "Kies het dossier waaraan het contact gekoppeld wordt")
        try:
            view = await self.dossier_for_contact(dossier_id)
        except NotFound:
            raise InvalidInput.single("dossier_id", "Onbekend dossier") from None
        if view.dossier.client_id != contact.client_id:
            raise InvalidInput.single("dossier_id", "Dit dossier hoort bij een andere klant dan het contact")
        if contact.dossier_id == view.dossier.id:  # already so: nothing changes
            self.audit.record(Action.READ, "contact", contact.id, client_pseudonym=pseudonym)
            return LoggedContact(contact, code, "")
        if contact.dossier_id is not None:
            raise Conflict("Dit contact is al aan een ander dossier gekoppeld")
        contact.dossier_id = view.dossier.id
        await self.session.flush()
        self.audit.record(
            Action.LINK, "contact", contact.id, client_pseudonym=pseudonym, detail=f"dossier {view.dossier.ref}"
        )
        return LoggedContact(contact, code, "")

    async def unlinked(self, client_id: int, limit: int = 50) -> list[UnlinkedContact]:
        """The client's contacts not (yet) linked to a dossier, newest first."""
        rows = (
            await self.session.execute(
                select(Contact.id, Contact.occurred_at, Contact.channel, Service.code, Contact.summary)
                .join(Service, Service.id == Contact.service_id)
                .where(Contact.client_id == client_id, Contact.dossier_id.is_(None))
                .order_by(Contact.occurred_at.desc(), Contact.id.desc())
                .limit(limit)
            )
        ).all()
        return [UnlinkedContact(*row) for row in rows]

    async def external_refs(self, contact_id: int) -> list[str]:
        """The contact's references of other systems, in the order they were given."""
        return list(
            (
                await self.session.scalars(
                    select(ExternalReference.ref)
                    .where(ExternalReference.record_type == "contact", ExternalReference.record_id == contact_id)
                    .order_by(ExternalReference.id)
                )
            ).all()
        )
