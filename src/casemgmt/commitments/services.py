"""Commitments: making, keeping, missing, cancelling, rescheduling, reassigning and picking up promises to a client.

A promise is owned by a person or by a team (a service): a team promise waits in the team's queue ("Voor mijn
dienst") until an employee of the service picks it up. Who may act on a commitment is ``rules.may_act``: its owner,
whoever made it, the dossier's current casemanager and accountmanagers, admins, and for a team promise the team's
members. KCC agents see every commitment (they direct callbacks, seed 3.2.2) but act only on the ones they made.
Every read and change is audited; owner and due changes keep their history.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, true
from sqlalchemy.orm import aliased

from casemgmt.audit.services import Action, AuditedService
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User, UserRole
from casemgmt.auth.roles import EMPLOYEE_ROLES, Role
from casemgmt.clients.models import Client
from casemgmt.clients.rules import MERGED_CLIENT
from casemgmt.commitments import rules
from casemgmt.commitments.models import Commitment, CommitmentDueChange, CommitmentOwnerChange
from casemgmt.commitments.schemas import CommitmentCreate
from casemgmt.contacts.models import Contact
from casemgmt.contacts.rules import PromiseInput, as_utc
from casemgmt.directory.calendar import from_amsterdam, local_date
from casemgmt.directory.lookup import active_services, service_by_code
from casemgmt.directory.models import Service
from casemgmt.dossiers import involvement
from casemgmt.dossiers.access import Access
from casemgmt.dossiers.involvement import access_for
from casemgmt.dossiers.models import Dossier
from casemgmt.errors import FieldError, Forbidden, InvalidInput, NotFound, too_long
from casemgmt.notifications import services as notifications
from casemgmt.notifications.rules import Kind as NotificationKind

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_OWNER = aliased(User)
_TEAM = aliased(Service)
_MEMBER_OF = aliased(Service)

STATES = ("open", "overdue", "fulfilled", "missed", "cancelled")
OPEN_STATES = ("open", "due_today", "overdue")
"""The states of the open list (Terugbelnotities): every open one, those due today, those past due."""
SORTS = ("due_at", "-due_at", "made_at")


@dataclass(frozen=True)
class CommitmentView:
    commitment: Commitment
    owner_name: str | None
    owner_phone: str | None
    service_code: str | None
    client_name: str
    client_pseudonym: str
    dossier_ref: str | None
    owner_service_code: str | None = None
    owner_service_name: str | None = None
    owner_service_phone: str | None = None

    @property
    def is_team(self) -> bool:
        """Owned by a team (a service), not yet picked up."""
        return self.commitment.owner_id is None

    def may_act_for(self, user: CurrentUser | None) -> bool:
        """Whether a page offers ``user`` the actions on this promise (the service decides again when they act):
        ``rules.may_act``, taking any casemanager or accountmanager as a possible assignee of its dossier."""
        if user is None:
            return False
        c = self.commitment
        maybe_assignee = c.dossier_id is not None and bool(user.roles & {Role.CASEMANAGER, Role.ACCOUNTMANAGER})
        actor = rules.Actor(user.id, is_admin=Role.ADMIN in user.roles, is_dossier_assignee=maybe_assignee)
        in_team = c.owner_service_id is not None and self.owner_service_code in user.service_codes
        return in_team or rules.may_act(actor, rules.Owners(c.made_by_id, c.owner_id, c.owner_service_id))

    @property
    def owner_label(self) -> str:
        """The owner as shown: the person's name, or "team SZW"."""
        return self.owner_name or f"team {self.owner_service_code}"

    def state(self, now: datetime) -> str:
        return rules.state_of(self.commitment.status, self.commitment.due_at, now)

    def due_today(self, now: datetime) -> bool:
        return rules.is_due_today(self.commitment.status, self.commitment.due_at, now)


def _is_employee(user: CurrentUser) -> bool:
    return bool(user.roles & EMPLOYEE_ROLES)


@dataclass(frozen=True)
class CommitmentPage:
    """One page of a keyset-paged list, and the cursor of the next page (None: this is the last)."""

    items: list[CommitmentView]
    next_cursor: str | None


def _encode_cursor(sort: str, c: Commitment) -> str:
    key = c.made_at if sort == "made_at" else c.due_at
    return f"{key.astimezone(UTC).strftime('%Y%m%dT%H%M%S%f')}~{c.id}"


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        moment, ident = cursor.split("~", 1)
        return datetime.strptime(moment, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC), int(ident)
    except ValueError:
        raise InvalidInput.single("cursor", "Ongeldige cursor; gebruik de next_cursor van de vorige pagina") from None


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
        elif client.merged_into_id is not None:
            errors.append(FieldError("client_id", MERGED_CLIENT))
        owner: User | None = None
        team: Service | None = None
        try:
            rules.validate_owner(entered.owner_id, entered.owner_service)
            if entered.owner_id is not None:
                owner = await self._active_employee(entered.owner_id)
            else:
                team = await service_by_code(self.session, entered.owner_service or "", field="owner_service")
        except InvalidInput as exc:
            errors.extend(exc.errors)
        if errors:
            raise InvalidInput(errors)
        assert client is not None and (owner is not None or team is not None)
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
        target = team or await self._service(entered.service, owner)
        due = rules.resolve_due(entered.kind, entered.due_at, now, target.callback_term_days if target else 2)
        commitment = Commitment(
            client_id=client.id,
            dossier_id=dossier_id,
            contact_id=contact_id,
            kind=entered.kind,
            description=text,
            owner_id=owner.id if owner else None,
            owner_service_id=team.id if team else None,
            service_id=target.id if target else None,
            made_by_id=self.actor.id,
            made_at=now,
            due_at=due,
            first_due_at=due,
            status="open",
        )
        self.session.add(commitment)
        await self.session.flush()
        self.audit.record(Action.CREATE, "commitment", commitment.id, client_pseudonym=client.pseudonym)
        await self._notify_owner(commitment, now)
        return commitment

    async def _notify_owner(self, commitment: Commitment, now: datetime) -> None:
        """Tell the (new) owner, a person or the team's employees, that the promise is theirs (not the actor)."""
        ref = None
        if commitment.dossier_id is not None:
            ref = await self.session.scalar(select(Dossier.ref).where(Dossier.id == commitment.dossier_id))
        about = notifications.About("commitment", commitment.id, commitment.dossier_id, ref, commitment.due_at)
        await notifications.notify(
            self.session,
            NotificationKind.COMMITMENT_ASSIGNED,
            about,
            users=[commitment.owner_id],
            services=[commitment.owner_service_id],
            actor_id=self.actor.id,
            now=now,
        )

    async def _service(self, code: str | None, owner: User | None) -> Service | None:
        """The service the promise is made for: given explicitly, else the owner's (first) service."""
        if code:
            return await service_by_code(self.session, code)
        return owner.services[0] if owner is not None and owner.services else None

    async def _active_employee(self, user_id: int) -> User:
        owner = await self.session.get(User, user_id)
        if owner is None or not owner.is_active or not set(owner.roles) & {r.value for r in EMPLOYEE_ROLES}:
            raise InvalidInput.single("owner_id", "Kies een actieve medewerker als eigenaar")
        return owner

    async def team_code(self, commitment: Commitment) -> str | None:
        """The code of the team that owns the commitment (None when a person owns it)."""
        if commitment.owner_service_id is None:
            return None
        team = await self.session.get(Service, commitment.owner_service_id)
        return team.code if team is not None else None

    async def my_service_ids(self) -> frozenset[int]:
        """The ids of the services (teams) the actor belongs to."""
        if not self.actor.service_codes:
            return frozenset()
        ids = await self.session.scalars(select(Service.id).where(Service.code.in_(self.actor.service_codes)))
        return frozenset(ids.all())

    # -- changing ----------------------------------------------------------------------------------------------

    async def _load_for_change(self, commitment_id: int) -> tuple[Commitment, Client]:
        commitment = await self._existing(Commitment, commitment_id, "Toezegging niet gevonden", for_update=True)
        client = await self.session.get(Client, commitment.client_id)
        assert client is not None
        if not await self.may_change(commitment):
            raise Forbidden("U kunt deze toezegging niet wijzigen: u bent geen eigenaar en niet betrokken.")
        return commitment, client

    async def may_change(self, commitment: Commitment) -> bool:
        """``rules.may_act`` for the actor on this commitment (the dossier's assignment read only when needed)."""
        if not _is_employee(self.actor):
            return False
        promise = rules.Owners(commitment.made_by_id, commitment.owner_id, commitment.owner_service_id)
        actor = rules.Actor(
            self.actor.id,
            is_admin=Role.ADMIN in self.actor.roles,
            service_ids=await self.my_service_ids() if commitment.owner_service_id is not None else frozenset(),
        )
        if rules.may_act(actor, promise):
            return True
        if commitment.dossier_id is None:
            return False
        assignee = await involvement.is_current_assignee(self.session, commitment.dossier_id, self.actor.id)
        return rules.may_act(rules.Actor(self.actor.id, is_dossier_assignee=assignee), promise)

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
            first_due_at=commitment.first_due_at,
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
        self,
        commitment_id: int,
        *,
        owner_id: int | None = None,
        owner_service: str | None = None,
        reason: str,
        now: datetime | None = None,
    ) -> Commitment:
        """Give the commitment another owner: a person (``owner_id``) or a team (``owner_service``)."""
        now = now or datetime.now(UTC)
        commitment, client = await self._load_for_change(commitment_id)
        rules.validate_owner(owner_id, owner_service)
        team = None
        if owner_service:
            team = await service_by_code(self.session, owner_service, field="owner_service")
        text = rules.validate_reassignment(
            commitment.status,
            commitment.owner_id,
            owner_id,
            reason,
            current_service_id=commitment.owner_service_id,
            new_service_id=team.id if team else None,
        )
        owner = await self._active_employee(owner_id) if owner_id is not None else None
        self._owner_change(commitment, owner.id if owner else None, team.id if team else None, text, now)
        commitment.owner_id = owner.id if owner else None
        commitment.owner_service_id = team.id if team else None
        if team is not None:
            commitment.service_id = team.id
        await self.session.flush()
        self.audit.record(
            Action.UPDATE, "commitment", commitment.id, client_pseudonym=client.pseudonym, detail="reassign"
        )
        await self._notify_owner(commitment, now)
        return commitment

    def _owner_change(
        self, commitment: Commitment, to_owner: int | None, to_team: int | None, reason: str, now: datetime
    ) -> None:
        self.session.add(
            CommitmentOwnerChange(
                commitment_id=commitment.id,
                from_owner_id=commitment.owner_id,
                from_service_id=commitment.owner_service_id,
                to_owner_id=to_owner,
                to_service_id=to_team,
                changed_by_id=self.actor.id,
                changed_at=now,
                reason=reason,
            )
        )

    async def pick_up(self, commitment_id: int, *, now: datetime | None = None) -> Commitment:
        """An employee of the owning team takes the team promise (Oppakken): they become its owner, the team stays
        recorded as the promise's service, and the change is in the owner history. Not of the team → 403; already
        picked up → 409."""
        now = now or datetime.now(UTC)
        if not _is_employee(self.actor):
            raise Forbidden("Alleen medewerkers pakken toezeggingen op.")
        commitment = await self._existing(Commitment, commitment_id, "Toezegging niet gevonden", for_update=True)
        team_id = rules.validate_pick_up(
            commitment.status,
            commitment.owner_id,
            commitment.owner_service_id or commitment.service_id,
            self.actor.id,
            await self.my_service_ids(),
        )
        client = await self.session.get(Client, commitment.client_id)
        assert client is not None
        self._owner_change(commitment, self.actor.id, None, "Opgepakt uit de wachtrij van het team", now)
        commitment.owner_id = self.actor.id
        commitment.owner_service_id = None
        commitment.service_id = team_id
        await self.session.flush()
        self.audit.record(
            Action.UPDATE, "commitment", commitment.id, client_pseudonym=client.pseudonym, detail="pick_up"
        )
        return commitment

    async def reschedule(
        self, commitment_id: int, *, due_at: datetime, reason: str, now: datetime | None = None
    ) -> Commitment:
        """Move the due moment (verzetten), with a reason; the history keeps every move and ``first_due_at`` the
        moment first promised."""
        now = now or datetime.now(UTC)
        commitment, client = await self._load_for_change(commitment_id)
        text = rules.validate_reschedule(commitment.status, commitment.due_at, due_at, reason, now)
        new_due = due_at.astimezone(UTC)
        self.session.add(
            CommitmentDueChange(
                commitment_id=commitment.id,
                from_due_at=commitment.due_at,
                to_due_at=new_due,
                changed_by_id=self.actor.id,
                changed_at=now,
                reason=text,
            )
        )
        commitment.due_at = new_due
        await self.session.flush()
        self.audit.record(
            Action.UPDATE, "commitment", commitment.id, client_pseudonym=client.pseudonym, detail="reschedule"
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
                Commitment.owner_service_id.is_not(None),
                Commitment.owner_service_id.in_(
                    select(_MEMBER_OF.id).where(_MEMBER_OF.code.in_(self.actor.service_codes or ("",)))
                ),
            ),
            and_(
                Commitment.dossier_id.is_not(None),
                involvement.involvement_clause(self.actor.id, current_only=False, dossier_id=Commitment.dossier_id),
            ),
        )

    def _query(self) -> Select[Any]:
        owner, team = _OWNER, _TEAM
        return (
            select(
                Commitment,
                owner.name,
                owner.phone,
                Service.code,
                Client.name,
                Client.pseudonym,
                Dossier.ref,
                team.code,
                team.name,
                team.phone,
            )
            .outerjoin(owner, owner.id == Commitment.owner_id)
            .outerjoin(team, team.id == Commitment.owner_service_id)
            .join(Client, Client.id == Commitment.client_id)
            .outerjoin(Service, Service.id == Commitment.service_id)
            .outerjoin(Dossier, Dossier.id == Commitment.dossier_id)
            .where(self._visible())  # type: ignore[arg-type]
        )

    def _filtered(
        self,
        *,
        owner_id: int | None,
        owner_service: str | None,
        dossier_id: int | None,
        client_id: int | None,
        service: str | None,
        kind: str | None,
        state: str | None,
        now: datetime,
    ) -> Select[Any]:
        if not _is_employee(self.actor):
            raise Forbidden("Evaluatoren zien geen toezeggingen (persoonsgegevens).")
        if state is not None and state not in (*STATES, *OPEN_STATES):
            raise InvalidInput.single("state", f"Kies uit {', '.join(dict.fromkeys((*OPEN_STATES, *STATES)))}")
        if kind is not None:
            rules.validate_kind(kind)
        query = self._query()
        if owner_id is not None:
            query = query.where(Commitment.owner_id == owner_id)
        if owner_service:
            query = query.where(_TEAM.code == owner_service.strip().upper())
        if dossier_id is not None:
            query = query.where(Commitment.dossier_id == dossier_id)
        if client_id is not None:
            query = query.where(Commitment.client_id == client_id)
        if service:
            query = query.where(Service.code == service.strip().upper())
        if kind:
            query = query.where(Commitment.kind == kind)
        if state == "overdue":
            query = query.where(Commitment.status == "open", Commitment.due_at < now)
        elif state == "due_today":
            tomorrow = from_amsterdam(datetime.combine(local_date(now) + timedelta(days=1), time.min))
            query = query.where(Commitment.status == "open", Commitment.due_at >= now, Commitment.due_at < tomorrow)
        elif state:
            query = query.where(Commitment.status == state)
        return query

    async def list(
        self,
        *,
        owner_id: int | None = None,
        owner_service: str | None = None,
        dossier_id: int | None = None,
        client_id: int | None = None,
        service: str | None = None,
        kind: str | None = None,
        state: str | None = None,
        now: datetime | None = None,
        limit: int = 500,
        audit_purpose: str | None = None,
    ) -> list[CommitmentView]:
        now = now or datetime.now(UTC)
        query = self._filtered(
            owner_id=owner_id,
            owner_service=owner_service,
            dossier_id=dossier_id,
            client_id=client_id,
            service=service,
            kind=kind,
            state=state,
            now=now,
        )
        query = query.order_by(Commitment.due_at, Commitment.id).limit(limit)
        views = [CommitmentView(*row) for row in (await self.session.execute(query)).all()]  # type: ignore[arg-type]
        await self.audit.record_reads("commitment_list", (v.client_pseudonym for v in views), purpose=audit_purpose)
        return views

    async def page(
        self,
        *,
        owner_id: int | None = None,
        owner_service: str | None = None,
        service: str | None = None,
        kind: str | None = None,
        state: str | None = None,
        dossier_id: int | None = None,
        sort: str = "due_at",
        cursor: str | None = None,
        limit: int = 50,
        now: datetime | None = None,
        audit_purpose: str | None = None,
        due_before: datetime | None = None,
    ) -> CommitmentPage:
        """One keyset page (``sort``: ``due_at`` soonest first, ``-due_at`` latest first, ``made_at`` oldest first;
        ties by id), with the cursor of the next page."""
        now = now or datetime.now(UTC)
        if sort not in SORTS:
            raise InvalidInput.single("sort", f"Kies uit {', '.join(SORTS)}")
        query = self._filtered(
            owner_id=owner_id,
            owner_service=owner_service,
            dossier_id=dossier_id,
            client_id=None,
            service=service,
            kind=kind,
            state=state,
            now=now,
        )
        if due_before is not None:  # the lists' "due" filter: open ones due before that moment
            query = query.where(Commitment.status == "open", Commitment.due_at < due_before)
        key = Commitment.made_at if sort == "made_at" else Commitment.due_at
        descending = sort.startswith("-")
        if cursor:
            moment, ident = _decode_cursor(cursor)
            if descending:
                query = query.where(or_(key < moment, and_(key == moment, Commitment.id < ident)))
            else:
                query = query.where(or_(key > moment, and_(key == moment, Commitment.id > ident)))
        order = (key.desc(), Commitment.id.desc()) if descending else (key, Commitment.id)
        rows = (await self.session.execute(query.order_by(*order).limit(limit + 1))).all()
        views = [CommitmentView(*row) for row in rows[:limit]]  # type: ignore[arg-type]
        await self.audit.record_reads("commitment_list", (v.client_pseudonym for v in views), purpose=audit_purpose)
        more = len(rows) > limit
        return CommitmentPage(views, _encode_cursor(sort, views[-1].commitment) if more and views else None)

    async def open_counts(
        self, *, owner_id: int | None = None, service: str | None = None, now: datetime | None = None
    ) -> dict[str, int]:
        """How many open commitments (of ``owner_id``, for ``service``) there are, how many of them are overdue and
        how many due later today: one aggregate query; shows nobody, so not audited."""
        now = now or datetime.now(UTC)
        query = self._filtered(
            owner_id=owner_id,
            owner_service=None,
            dossier_id=None,
            client_id=None,
            service=service,
            kind=None,
            state="open",
            now=now,
        )
        tomorrow = from_amsterdam(datetime.combine(local_date(now) + timedelta(days=1), time.min))
        counted = query.with_only_columns(
            func.count(),
            func.count().filter(Commitment.due_at < now),
            func.count().filter(Commitment.due_at >= now, Commitment.due_at < tomorrow),
        ).order_by(None)
        total, overdue, today = (await self.session.execute(counted)).one()
        return {"open": int(total), "overdue": int(overdue), "due_today": int(today)}

    async def owner_choices(self) -> tuple[builtins.list[tuple[str, str]], builtins.list[tuple[int, str]]]:
        """Who a promise may be handed to: the active services (code, name) and active employees (id, name)."""
        teams = await active_services(self.session)
        employees = select(UserRole.user_id).where(UserRole.role.in_([r.value for r in EMPLOYEE_ROLES]))
        people = (
            await self.session.execute(
                select(User.id, User.name)
                .where(User.is_active, User.id.in_(employees))
                .order_by(User.name, User.id)
                .limit(1000)
            )
        ).all()
        return [(code, name) for code, name in teams], [(ident, name) for ident, name in people]

    async def team_queue(self, *, now: datetime | None = None) -> builtins.list[CommitmentView]:
        """Open promises owned by the actor's teams (services), not yet picked up, soonest first ("Voor mijn
        dienst"); every client shown is recorded as read."""
        if not _is_employee(self.actor):
            raise Forbidden("Evaluatoren zien geen toezeggingen (persoonsgegevens).")
        if not self.actor.service_codes:
            return []
        query = (
            self._query()
            .where(Commitment.status == "open", _TEAM.code.in_(self.actor.service_codes))
            .order_by(Commitment.due_at, Commitment.id)
            .limit(500)
        )
        views = [CommitmentView(*row) for row in (await self.session.execute(query)).all()]  # type: ignore[arg-type]
        await self.audit.record_reads("commitment_list", (v.client_pseudonym for v in views))
        return views

    async def team_page(
        self,
        *,
        service: str | None = None,
        due_before: datetime | None = None,
        sort: str = "due_at",
        offset: int = 0,
        limit: int = 10,
    ) -> tuple[builtins.list[CommitmentView], int]:
        """One page of "Voor mijn dienst" (the open promises of the actor's teams, or of the one team ``service``
        among them), due before ``due_before`` when given, sorted as ``page``, and how many there are in all: one
        COUNT and one page query; every client shown is recorded as read."""
        if not _is_employee(self.actor):
            raise Forbidden("Evaluatoren zien geen toezeggingen (persoonsgegevens).")
        if sort not in SORTS:
            raise InvalidInput.single("sort", f"Kies uit {', '.join(SORTS)}")
        codes = [service] if service in self.actor.service_codes else list(self.actor.service_codes)
        if not codes:
            return [], 0
        query = self._query().where(Commitment.status == "open", _TEAM.code.in_(codes))
        if due_before is not None:
            query = query.where(Commitment.due_at < due_before)
        total = int(await self.session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0)
        key = Commitment.made_at if sort == "made_at" else Commitment.due_at
        order = (key.desc(), Commitment.id.desc()) if sort.startswith("-") else (key, Commitment.id)
        rows = (await self.session.execute(query.order_by(*order).offset(offset).limit(limit))).all()
        views = [CommitmentView(*row) for row in rows]  # type: ignore[arg-type]
        await self.audit.record_reads("commitment_list", (v.client_pseudonym for v in views))
        return views, total

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
    owned by the employee chosen (default: whoever logs the contact) or by a service's team (``owner_service``),
    due by the given moment or the owner's service's callback term, with the contact's client, dossier and
    ``contact_id``."""

    def __init__(self, commitments: CommitmentService) -> None:
        self.commitments = commitments

    async def check(self, promise: PromiseInput) -> list[FieldError]:
        if promise.owner_service is not None:
            if promise.owner_id is not None:
                return [FieldError("owner_service", "Kies een medewerker óf een team, niet allebei")]
            try:
                await service_by_code(self.commitments.session, promise.owner_service, field="owner_service")
            except InvalidInput as exc:
                return list(exc.errors)
            return []
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
            owner_id=None if promise.owner_service else (promise.owner_id or self.commitments.actor.id),
            owner_service=promise.owner_service,
            due_at=as_utc(promise.due_at) if promise.due_at else None,
            service=None,
        )
        commitment = await self.commitments.make(entered, now=now)
        return commitment.id
