"""Commitments: making, keeping, missing, cancelling and reassigning promises to a client.

Who may act on a commitment: its owner, whoever made it, the dossier's current casemanager and accountmanagers,
KCC agents (the KCC directs callbacks, seed 3.2.2) and admins. Every read and change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, false, or_, select, true
from sqlalchemy.orm import aliased

from casemgmt.audit.services import Action, AuditedService
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User
from casemgmt.auth.roles import EMPLOYEE_ROLES, Role
from casemgmt.clients.models import Client
from casemgmt.commitments import rules
from casemgmt.commitments.models import Commitment, CommitmentOwnerChange
from casemgmt.commitments.schemas import CommitmentCreate
from casemgmt.contacts.models import Contact
from casemgmt.contacts.rules import PromiseInput, as_utc
from casemgmt.directory.lookup import service_by_code
from casemgmt.directory.models import Service
from casemgmt.dossiers import involvement
from casemgmt.dossiers.access import Access
from casemgmt.dossiers.involvement import access_for
from casemgmt.dossiers.models import Dossier
from casemgmt.errors import FieldError, Forbidden, InvalidInput, NotFound, too_long

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_OWNER = aliased(User)

STATES = ("open", "overdue", "fulfilled", "missed", "cancelled")


@dataclass(frozen=True)
class CommitmentView:
    commitment: Commitment
    owner_name: str
    owner_phone: str
    service_code: str | None
    client_name: str
    client_pseudonym: str
    dossier_ref: str | None

    def state(self, now: datetime) -> str:
        return rules.state_of(self.commitment.status, self.commitment.due_at, now)

    def due_today(self, now: datetime) -> bool:
        return rules.is_due_today(self.commitment.status, self.commitment.due_at, now)


def _is_employee(user: CurrentUser) -> bool:
    return bool(user.roles & EMPLOYEE_ROLES)


class CommitmentService(AuditedService):
    # -- making ------------------------------------------------------------------------------------------------

    async def make(self, entered: CommitmentCreate, *, now: datetime | None = None) -> Commitment:
        """Record a commitment as entered (API body, or built from the dossier page's form)."""
        if not _is_employee(self.actor):
            raise Forbidden("Evaluatoren leggen geen toezeggingen vast.")
        now = now or datetime.now(UTC)
        errors: list[FieldError] = []
        try:
            rules.validate_kind(entered.kind)
        except InvalidInput as exc:
            errors.extend(exc.errors)
        text = entered.description.strip()
        if not text:
            errors.append(FieldError("description", "Noteer wat de klant is toegezegd, in de woorden van het gesprek"))
        else:
            errors += too_long("description", "De toezegging", text, rules.MAX_DESCRIPTION)
        client = await self.session.get(Client, entered.client_id)
        if client is None:
            errors.append(FieldError("client_id", "Onbekende klant"))
        owner = await self.session.get(User, entered.owner_id)
        if owner is None or not owner.is_active or not set(owner.roles) & {r.value for r in EMPLOYEE_ROLES}:
            errors.append(FieldError("owner_id", "Kies een actieve medewerker als eigenaar"))
        if errors:
            raise InvalidInput(errors)
        assert client is not None and owner is not None
        dossier_id, contact_id = entered.dossier_id, entered.contact_id
        if dossier_id is not None:
            dossier = await self.session.get(Dossier, dossier_id)
            if dossier is None or dossier.client_id != client.id:
                raise InvalidInput.single("dossier_id", "Dit dossier hoort niet bij deze klant")
            if await access_for(self.session, self.actor, dossier) < Access.CONTACT:
                raise Forbidden("U bent niet betrokken bij dit dossier.")
        if contact_id is not None:
            contact = await self.session.get(Contact, contact_id)
            if contact is None or contact.client_id != client.id:
                raise InvalidInput.single("contact_id", "Dit klantcontact hoort niet bij deze klant")
        target = await self._service(entered.service, owner)
        due = rules.resolve_due(entered.kind, entered.due_at, now, target.callback_term_days if target else 2)
        commitment = Commitment(
            client_id=client.id,
            dossier_id=dossier_id,
            contact_id=contact_id,
            kind=entered.kind,
            description=text,
            owner_id=owner.id,
            service_id=target.id if target else None,
            made_by_id=self.actor.id,
            made_at=now,
            due_at=due,
            status="open",
        )
        self.session.add(commitment)
        await self.session.flush()
        self.audit.record(Action.CREATE, "commitment", commitment.id, client_pseudonym=client.pseudonym)
        return commitment

    async def _service(self, code: str | None, owner: User) -> Service | None:
        """The service the promise is made for: given explicitly, else the owner's (first) service."""
        if code:
            return await service_by_code(self.session, code)
        return owner.services[0] if owner.services else None

    # -- changing ----------------------------------------------------------------------------------------------

    async def _load_for_change(self, commitment_id: int) -> tuple[Commitment, Client]:
        commitment = await self._existing(Commitment, commitment_id, "Toezegging niet gevonden", for_update=True)
        client = await self.session.get(Client, commitment.client_id)
        assert client is not None
        if not await self.may_change(commitment):
            raise Forbidden("U kunt deze toezegging niet wijzigen: u bent geen eigenaar en niet betrokken.")
        return commitment, client

    async def may_change(self, commitment: Commitment) -> bool:
        if self.actor.roles & {Role.ADMIN, Role.KCC_AGENT}:
            return True
        if self.actor.id in (commitment.owner_id, commitment.made_by_id):
            return True
        if commitment.dossier_id is None or not _is_employee(self.actor):
            return False
        return await involvement.is_current_assignee(self.session, commitment.dossier_id, self.actor.id)

    def _store(self, commitment: Commitment, state: rules.CommitmentState) -> None:
        commitment.status = state.status.value
        commitment.closed_at = state.closed_at
        commitment.kept_on_time = state.kept_on_time
        commitment.note = state.note
        commitment.fulfilling_contact_id = state.fulfilling_contact_id
        commitment.closed_by_id = self.actor.id

    async def _transition(
        self, commitment_id: int, action: rules.Action, detail: str, now: datetime | None
    ) -> Commitment:
        now = now or datetime.now(UTC)
        commitment, client = await self._load_for_change(commitment_id)
        state = rules.CommitmentState(
            status=rules.CommitmentStatus(commitment.status),
            due_at=commitment.due_at,
            closed_at=commitment.closed_at,
            kept_on_time=commitment.kept_on_time,
            note=commitment.note,
            fulfilling_contact_id=commitment.fulfilling_contact_id,
        )
        self._store(commitment, rules.apply(state, action, now))
        await self.session.flush()
        self.audit.record(Action.UPDATE, "commitment", commitment.id, client_pseudonym=client.pseudonym, detail=detail)
        return commitment

    async def fulfil(
        self, commitment_id: int, *, note: str = "", contact_id: int | None = None, now: datetime | None = None
    ) -> Commitment:
        if contact_id is not None:
            # unknown commitment (404) and no right to change it (403) come before a wrong contact (422)
            commitment, _client = await self._load_for_change(commitment_id)
            contact_client = await self.session.scalar(select(Contact.client_id).where(Contact.id == contact_id))
            if contact_client is None or contact_client != commitment.client_id:
                raise InvalidInput.single("contact_id", "Dit klantcontact hoort niet bij deze klant")
        return await self._transition(commitment_id, rules.Fulfil(contact_id=contact_id, note=note), "fulfil", now)

    async def miss(self, commitment_id: int, *, note: str, now: datetime | None = None) -> Commitment:
        return await self._transition(commitment_id, rules.Miss(note=note), "miss", now)

    async def cancel(self, commitment_id: int, *, reason: str, now: datetime | None = None) -> Commitment:
        return await self._transition(commitment_id, rules.Cancel(reason=reason), "cancel", now)

    async def reassign(
        self, commitment_id: int, *, owner_id: int, reason: str, now: datetime | None = None
    ) -> Commitment:
        now = now or datetime.now(UTC)
        commitment, client = await self._load_for_change(commitment_id)
        text = rules.validate_reassignment(commitment.status, commitment.owner_id, owner_id, reason)
        owner = await self.session.get(User, owner_id)
        if owner is None or not owner.is_active or not set(owner.roles) & {r.value for r in EMPLOYEE_ROLES}:
            raise InvalidInput.single("owner_id", "Kies een actieve medewerker als eigenaar")
        self.session.add(
            CommitmentOwnerChange(
                commitment_id=commitment.id,
                from_owner_id=commitment.owner_id,
                to_owner_id=owner.id,
                changed_by_id=self.actor.id,
                changed_at=now,
                reason=text,
            )
        )
        commitment.owner_id = owner.id
        await self.session.flush()
        self.audit.record(
            Action.UPDATE, "commitment", commitment.id, client_pseudonym=client.pseudonym, detail="reassign"
        )
        return commitment

    # -- reading -----------------------------------------------------------------------------------------------

    def _visible(self) -> object:
        if self.actor.roles & {Role.ADMIN, Role.KCC_AGENT}:
            return true()
        if not _is_employee(self.actor):
            return false()
        # Correlated on the commitment itself: the query also (outer-)joins Dossier, which a subquery selecting
        # from Dossier would be auto-correlated to, leaving it without a FROM clause.
        return or_(
            Commitment.owner_id == self.actor.id,
            Commitment.made_by_id == self.actor.id,
            and_(
                Commitment.dossier_id.is_not(None),
                involvement.involvement_clause(self.actor.id, current_only=False, dossier_id=Commitment.dossier_id),
            ),
        )

    def _query(self) -> Select[Any]:
        owner = _OWNER
        return (
            select(Commitment, owner.name, owner.phone, Service.code, Client.name, Client.pseudonym, Dossier.ref)
            .join(owner, owner.id == Commitment.owner_id)
            .join(Client, Client.id == Commitment.client_id)
            .outerjoin(Service, Service.id == Commitment.service_id)
            .outerjoin(Dossier, Dossier.id == Commitment.dossier_id)
            .where(self._visible())  # type: ignore[arg-type]
        )

    async def list(
        self,
        *,
        owner_id: int | None = None,
        dossier_id: int | None = None,
        client_id: int | None = None,
        service: str | None = None,
        kind: str | None = None,
        state: str | None = None,
        now: datetime | None = None,
        limit: int = 500,
        audit_purpose: str | None = None,
    ) -> list[CommitmentView]:
        if not _is_employee(self.actor):
            raise Forbidden("Evaluatoren zien geen toezeggingen (persoonsgegevens).")
        now = now or datetime.now(UTC)
        if state is not None and state not in STATES:
            raise InvalidInput.single("state", f"Kies uit {', '.join(STATES)}")
        if kind is not None:
            rules.validate_kind(kind)
        query = self._query()
        if owner_id is not None:
            query = query.where(Commitment.owner_id == owner_id)
        if dossier_id is not None:
            query = query.where(Commitment.dossier_id == dossier_id)
        if client_id is not None:
            query = query.where(Commitment.client_id == client_id)
        if service:
            query = query.where(Service.code == service.upper())
        if kind:
            query = query.where(Commitment.kind == kind)
        if state == "overdue":
            query = query.where(Commitment.status == "open", Commitment.due_at < now)
        elif state:
            query = query.where(Commitment.status == state)
        query = query.order_by(Commitment.due_at, Commitment.id).limit(limit)
        views = [CommitmentView(*row) for row in (await self.session.execute(query)).all()]  # type: ignore[arg-type]
        await self.audit.record_reads("commitment_list", (v.client_pseudonym for v in views), purpose=audit_purpose)
        return views

    async def get(self, commitment_id: int) -> CommitmentView:
        row = (await self.session.execute(self._query().where(Commitment.id == commitment_id))).first()
        if row is None:
            if await self.session.get(Commitment, commitment_id) is not None:
                raise Forbidden("U bent niet betrokken bij deze toezegging.")
            raise NotFound("Toezegging niet gevonden")
        view = CommitmentView(*row)  # type: ignore[arg-type]
        self.audit.record(Action.READ, "commitment", commitment_id, client_pseudonym=view.client_pseudonym)
        return view


class ContactPromises:
    """The promise of a ``callback_promised`` contact made into a callback commitment (``contacts.PromiseMaker``):
    owned by the employee chosen (default: whoever logs the contact), due by the given moment or the owner's
    service's callback term, with the contact's client, dossier and ``contact_id``."""

    def __init__(self, commitments: CommitmentService) -> None:
        self.commitments = commitments

    async def check(self, promise: PromiseInput) -> list[FieldError]:
        if promise.owner_id is None:
            return []
        owner = await self.commitments.session.get(User, promise.owner_id)
        if owner is None or not owner.is_active or not set(owner.roles) & {r.value for r in EMPLOYEE_ROLES}:
            return [FieldError("owner_id", "Kies een actieve medewerker als eigenaar")]
        return []

    async def make(self, contact: Contact, promise: PromiseInput, now: datetime) -> int:
        assert contact.client_id is not None
        entered = CommitmentCreate.model_construct(
            client_id=contact.client_id,
            dossier_id=contact.dossier_id,
            contact_id=contact.id,
            kind=rules.CommitmentKind.CALLBACK.value,
            description=promise.description or "",
            owner_id=promise.owner_id or self.commitments.actor.id,
            due_at=as_utc(promise.due_at) if promise.due_at else None,
            service=None,
        )
        commitment = await self.commitments.make(entered, now=now)
        return commitment.id
