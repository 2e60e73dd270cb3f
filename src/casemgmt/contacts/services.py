"""The contact service: logging a klantcontact (with or without a dossier, with or without a client) and linking it
to a dossier later; the contact's references of other systems (``external_references``).

Since issue 13 a contact also carries its topic (required inbound), each transfer attempt (``contact_transfers``)
and, for outcome ``callback_promised``, the promise made: the commitment is made in the same transaction by the
``PromiseMaker`` the provider gives (commitments sit above contacts), after the contact is written, so its
``contact_id`` is set; every check (the promise's owner included) runs before anything is written.

A contact without a dossier may be logged by every employee (not the evaluator); on a dossier it needs at least
``Access.CONTACT`` (KCC agents, the current assignees, admins). Everything is checked before anything is written;
every change writes an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditedService, AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User, UserRole
from casemgmt.auth.roles import EMPLOYEE_ROLES
from casemgmt.clients.models import Client, ClientRepresentative, Representative
from casemgmt.clients.rules import MERGED_CLIENT
from casemgmt.clients.services import acts_for, current_representatives, today_in_amsterdam
from casemgmt.contacts.models import Contact, ContactTransfer, ExternalReference
from casemgmt.contacts.rules import (
    ContactInput,
    PromiseInput,
    TransferAttempt,
    as_utc,
    check_anonymous,
    check_contact,
    check_promise,
    check_topic,
    check_transfers,
    clean_external_refs,
)
from casemgmt.directory.catalogue import DepartmentChoice, TopicChoice, department_choices, topic_choices
from casemgmt.directory.lookup import active_services
from casemgmt.directory.models import Department, Service, Topic
from casemgmt.dossiers import involvement
from casemgmt.dossiers.access import NO_CONTACT, NOT_INVOLVED, Access, access_from_assignments
from casemgmt.dossiers.involvement import visible_dossiers_clause
from casemgmt.dossiers.models import Dossier
from casemgmt.dossiers.rules import CLOSED
from casemgmt.dossiers.services import DossierService, DossierView
from casemgmt.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from casemgmt.knowledge.usage import GivenArticle, check_articles, record_articles
from casemgmt.notifications import services as notifications
from casemgmt.notifications.rules import Kind as NotificationKind

NOT_AN_EMPLOYEE = "Alleen medewerkers die klanten helpen leggen contacten vast."
NOT_A_REPRESENTATIVE = "Kies een vertegenwoordiger die nu voor deze klant optreedt"


@dataclass(frozen=True)
class TransferView:
    """A transfer attempt as shown and sent: the service's code, the department's name (or None), connected."""

    service: str
    department: str | None
    connected: bool


@dataclass(frozen=True)
class LoggedContact:
    contact: Contact
    service_code: str
    employee_name: str
    external_refs: tuple[str, ...] = ()
    representative: Representative | None = None
    topic: str | None = None
    transfer_attempts: tuple[TransferView, ...] = ()
    commitment_id: int | None = None
    articles: tuple[GivenArticle, ...] = ()
    """The knowledge articles the caller was answered with, each with the version given."""


class PromiseMaker(Protocol):
    """Makes the commitment of a ``callback_promised`` contact (given by the provider: commitments sit above)."""

    async def check(self, promise: PromiseInput) -> list[FieldError]:
        """Problems with the promise's owner, field names without the ``commitment.`` prefix; nothing written."""
        ...

    async def make(self, contact: Contact, promise: PromiseInput, now: datetime) -> int:
        """Make the commitment for ``contact`` (flushed), return its id."""
        ...


@dataclass(frozen=True)
class FormChoices:
    """What the contact form offers: the active topics, departments and the employees a promise may go to."""

    topics: list[TopicChoice]
    departments: list[DepartmentChoice]
    owners: list[tuple[int | str, str]]
    """Teams first (``team:SZW``, "Team SZW (…)"), then the active employees."""


@dataclass(frozen=True)
class UnlinkedContact:
    id: int
    occurred_at: datetime
    channel: str
    service: str
    summary: str


class ContactService(AuditedService):
    def __init__(
        self, session: AsyncSession, actor: CurrentUser, audit: AuditLog, promises: PromiseMaker | None = None
    ) -> None:
        super().__init__(session, actor, audit)
        self.dossiers = DossierService(session, actor, audit)
        self.promises = promises

    async def form_choices(self) -> FormChoices:
        """The topics, departments and possible promise owners (active employees) for the contact form."""
        owners = (
            await self.session.execute(
                select(User.id, User.name)
                .where(
                    User.is_active,
                    select(UserRole.user_id)
                    .where(UserRole.user_id == User.id, UserRole.role.in_([r.value for r in EMPLOYEE_ROLES]))
                    .exists(),
                )
                .order_by(User.name, User.id)
                .limit(1000)
            )
        ).all()
        teams = await active_services(self.session)
        return FormChoices(
            await topic_choices(self.session),
            await department_choices(self.session),
            [
                *((f"team:{code}", f"Team {code} ({name})") for code, name in teams),
                *((row.id, row.name) for row in owners),
            ],
        )

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
        topic: str | None = None,
        transfer_attempts: list[TransferAttempt] | None = None,
        commitment: PromiseInput | None = None,
        articles: list[int] | None = None,
    ) -> LoggedContact:
        """Log one contact. ``anonymous`` logs it without a client (``client_id`` must then be empty, and a dossier
        or representative is refused). ``representative_id``: made by or with this representative, who must act for
        the client today. ``extra_errors`` carries problems found while reading a form (unparseable numbers).

        ``transfer_attempts`` (when given) are stored in order and make ``transfers`` their number; ``commitment``
        is the promise of outcome ``callback_promised`` (required there, refused elsewhere). ``articles``: the
        knowledge articles used (published ones; their current version is recorded)."""
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
        if transfer_attempts is not None:
            transfers = len(transfer_attempts)
        data = ContactInput(channel, direction, outcome, transfers, summary, subject, occurred_at)
        errors += [e for e in check_contact(data, now) if e.field not in {x.field for x in errors}]
        errors += check_transfers(outcome, transfer_attempts)
        errors += check_promise(outcome, commitment, now, anonymous=anonymous)
        if commitment is not None and outcome == "callback_promised" and not anonymous:
            if self.promises is None:
                errors.append(FieldError("commitment", "Terugbelafspraken kunnen hier niet worden vastgelegd"))
            else:
                owner_errors = await self.promises.check(commitment)
                errors += [FieldError(f"commitment.{e.field}", e.message) for e in owner_errors]
        given, article_errors = await check_articles(self.session, articles)
        errors += article_errors
        topic_row, topic_errors = await self._topic(direction, topic)
        errors += topic_errors
        resolved, transfer_errors = await self._resolve_transfers(transfer_attempts or [])
        errors += [e for e in transfer_errors if e.field not in {x.field for x in errors}]
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
            topic_id=topic_row.id if topic_row else None,
        )
        self.session.add(contact)
        await self.session.flush()
        self.session.add_all(ExternalReference(record_type="contact", record_id=contact.id, ref=ref) for ref in refs)
        self.session.add_all(
            ContactTransfer(
                contact_id=contact.id,
                position=position,
                service_id=service.id,
                department_id=department.id if department else None,
                connected=connected,
            )
            for position, (service, department, connected) in enumerate(resolved, start=1)
        )
        await self.session.flush()
        await record_articles(self.session, contact.id, given)
        commitment_id = None
        if commitment is not None and self.promises is not None:
            try:
                commitment_id = await self.promises.make(contact, commitment, now)
            except InvalidInput as exc:  # checked above; should the maker still refuse, name the promise's field
                raise InvalidInput([FieldError(f"commitment.{e.field}", e.message) for e in exc.errors]) from None
        self.audit.record(
            Action.CREATE,
            "contact",
            contact.id,
            client_pseudonym=client.pseudonym if client else None,
            detail=(f"dossier {view.dossier.ref}" if view else ("anoniem" if client is None else "zonder dossier"))
            + "".join(f"; kennisartikel {a.id} versie {a.version}" for a in given),
        )
        if view is not None:
            await self._notify_dossier_people(contact, view.dossier.id, view.dossier.ref, now)
        person = await self.session.get(Representative, representative_id) if representative_id else None
        return LoggedContact(
            contact,
            service_row.code,
            self.actor.name,
            tuple(refs),
            person,
            topic_row.code if topic_row else None,
            tuple(
                TransferView(service.code, department.name if department else None, connected)
                for service, department, connected in resolved
            ),
            commitment_id,
            tuple(given),
        )

    async def _notify_dossier_people(self, contact: Contact, dossier_id: int, ref: str, now: datetime) -> None:
        """Tell the dossier's casemanager and current assignees of a contact on it by someone else."""
        await notifications.notify(
            self.session,
            NotificationKind.DOSSIER_CONTACT,
            notifications.About("contact", contact.id, dossier_id, ref),
            users=await involvement.current_people(self.session, dossier_id),
            actor_id=self.actor.id,
            now=now,
        )

    async def _topic(self, direction: str | None, code: str | None) -> tuple[Topic | None, list[FieldError]]:
        errors = check_topic(direction, code)
        code = (code or "").strip().lower()
        if errors or not code:
            return None, errors
        topic = await self.session.scalar(select(Topic).where(Topic.code == code, Topic.is_active))
        if topic is None:
            return None, [FieldError("topic", f"Onbekend onderwerp '{code[:40]}'; kies een onderwerp uit de lijst")]
        return topic, []

    async def _resolve_transfers(
        self, attempts: list[TransferAttempt]
    ) -> tuple[list[tuple[Service, Department | None, bool]], list[FieldError]]:
        """The services and departments the attempts name, in one query each; unknown ones are field errors."""
        if not attempts:
            return [], []
        codes = {(a.service or "").strip().upper() for a in attempts}
        services = {
            s.code: s for s in (await self.session.scalars(select(Service).where(Service.code.in_(codes)))).all()
        }
        names = {(a.department or "").strip().lower() for a in attempts if (a.department or "").strip()}
        departments: dict[tuple[int, str], Department] = {}
        if names:
            rows = await self.session.scalars(
                select(Department).where(func.lower(Department.name).in_(names), Department.is_active)
            )
            departments = {(d.service_id, d.name.lower()): d for d in rows.all()}
        resolved: list[tuple[Service, Department | None, bool]] = []
        errors: list[FieldError] = []
        for number, attempt in enumerate(attempts):
            service = services.get((attempt.service or "").strip().upper())
            if service is None or not service.is_active:
                if (attempt.service or "").strip():
                    errors.append(FieldError(f"transfers[{number}].service", f"Onbekende dienst '{attempt.service}'"))
                continue
            department = None
            name = (attempt.department or "").strip()
            if name:
                department = departments.get((service.id, name.lower()))
                if department is None:
                    errors.append(
                        FieldError(
                            f"transfers[{number}].department",
                            f"Onbekende afdeling '{name[:60]}' bij {service.code}; kies een afdeling uit de lijst",
                        )
                    )
                    continue
            resolved.append((service, department, bool(attempt.connected)))
        return resolved, errors

    async def transfer_attempts(self, contact_id: int) -> list[TransferView]:
        """The contact's transfer attempts, in the order told."""
        rows = await self.session.execute(
            select(Service.code, Department.name, ContactTransfer.connected)
            .join(Service, Service.id == ContactTransfer.service_id)
            .outerjoin(Department, Department.id == ContactTransfer.department_id)
            .where(ContactTransfer.contact_id == contact_id)
            .order_by(ContactTransfer.position)
        )
        return [TransferView(*row) for row in rows.all()]

    async def topic_name(self, contact: Contact) -> str | None:
        if contact.topic_id is None:
            return None
        return await self.session.scalar(select(Topic.name).where(Topic.id == contact.topic_id))

    async def topic_of(self, contact: Contact) -> str | None:
        if contact.topic_id is None:
            return None
        return await self.session.scalar(select(Topic.code).where(Topic.id == contact.topic_id))

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
        await self._notify_dossier_people(contact, view.dossier.id, view.dossier.ref, datetime.now(UTC))
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
