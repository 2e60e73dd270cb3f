"""Handoffs: requesting, accepting, declining and cancelling a move of a dossier to another service or employee.

The receiver, on accepting, becomes that service's accountmanager on the dossier (the assignment history keeps the
previous one). A declined handoff goes back to the sender's worklist with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from casemgmt.audit.services import Action, AuditedService
from casemgmt.auth.models import User
from casemgmt.auth.roles import Role
from casemgmt.clients.models import Client
from casemgmt.directory.lookup import service_by_code
from casemgmt.directory.models import Service
from casemgmt.dossiers import involvement
from casemgmt.dossiers.access import Access
from casemgmt.dossiers.involvement import access_for
from casemgmt.dossiers.models import Dossier
from casemgmt.errors import Forbidden, InvalidInput
from casemgmt.handoffs import rules
from casemgmt.handoffs.models import Handoff
from casemgmt.handoffs.schemas import HandoffCreate
from casemgmt.notifications import services as notifications
from casemgmt.notifications.rules import Kind as NotificationKind

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_FROM_SERVICE, _TO_SERVICE = aliased(Service), aliased(Service)
_SENDER, _RECEIVER = aliased(User), aliased(User)


@dataclass(frozen=True)
class HandoffView:
    handoff: Handoff
    dossier_ref: str
    client_name: str
    from_service: str
    to_service: str
    from_employee_name: str
    to_employee_name: str | None


class HandoffService(AuditedService):
    async def _dossier(self, dossier_id: int) -> tuple[Dossier, Client]:
        dossier = await self._existing(Dossier, dossier_id, "Dossier niet gevonden")
        client = await self.session.get(Client, dossier.client_id)
        assert client is not None
        return dossier, client

    async def holding_service_id(self, dossier_id: int) -> int | None:
        """The service that holds the question now: the receiver of the latest requested or accepted handoff."""
        return await self.session.scalar(
            select(Handoff.to_service_id)
            .where(Handoff.dossier_id == dossier_id, Handoff.status.in_(rules.COUNTED_STATUSES))
            .order_by(Handoff.requested_at.desc(), Handoff.id.desc())
            .limit(1)
        )

    async def derived_from_service(self, dossier_id: int) -> int | None:
        """The service the actor hands over on behalf of, when it follows from the dossier: the one service the
        actor is accountmanager for, else the service holding the question, else the actor's own (first) service, else
        the dossier's only service with an accountmanager (a casemanager's first handoff); ``None`` when the actor
        has to choose (the form then offers the dossier's services)."""
        mine = await involvement.services_served_by(self.session, dossier_id, self.actor.id)
        if len(mine) == 1:
            return mine[0]
        holding = await self.holding_service_id(dossier_id)
        if holding is not None:
            return holding
        if self.actor.service_codes:
            return (await service_by_code(self.session, self.actor.service_codes[0], "from_service")).id
        dossier_services = await self.dossier_service_ids(dossier_id)
        if len(dossier_services) == 1:
            return dossier_services[0]
        return None

    async def dossier_service_ids(self, dossier_id: int) -> list[int]:
        """The services with an active accountmanager on the dossier (the choices for "namens welke dienst")."""
        rows = (await self.session.scalars(involvement.current_accountmanagers([dossier_id]))).all()
        return sorted({row.service_id for row in rows if row.service_id is not None})

    async def _from_service_id(self, dossier_id: int, explicit: str | None) -> int:
        if explicit:
            return (await service_by_code(self.session, explicit, "from_service")).id
        derived = await self.derived_from_service(dossier_id)
        if derived is None:
            raise InvalidInput.single("from_service", "Kies namens welke dienst u de vraag overdraagt")
        return derived

    async def request(self, entered: HandoffCreate, *, now: datetime | None = None) -> Handoff:
        """Request a handoff as entered (API body, or built from the dossier page's form)."""
        now = now or datetime.now(UTC)
        dossier, client = await self._dossier(entered.dossier_id)
        if await access_for(self.session, self.actor, dossier) < Access.WRITE:
            raise Forbidden("Alleen wie nu bij dit dossier betrokken is, kan het overdragen.")
        if dossier.status == "closed":
            raise InvalidInput.single("dossier_id", "Een gesloten dossier kan niet worden overgedragen")
        to_service = entered.to_service
        target = await service_by_code(self.session, to_service, "to_service") if to_service.strip() else None
        from_id = await self._from_service_id(dossier.id, entered.from_service)
        holding = await self.holding_service_id(dossier.id) or from_id
        valid = rules.validate_request(
            to_service=target.id if target else None,
            holding_service=holding,
            reason=entered.reason,
            context=entered.context,
        )
        assert target is not None
        to_employee_id = entered.to_employee_id
        if to_employee_id is not None:
            receiver = await self.session.get(User, to_employee_id)
            if receiver is None or not receiver.is_active or target.code not in receiver.service_codes:
                raise InvalidInput.single("to_employee_id", f"Kies een actieve medewerker van {target.code}")
        else:
            current = await involvement.accountmanager_of(self.session, dossier.id, target.id)
            to_employee_id = current.user_id if current else None
        handoff = Handoff(
            dossier_id=dossier.id,
            from_employee_id=self.actor.id,
            from_service_id=from_id,
            to_service_id=target.id,
            to_employee_id=to_employee_id,
            reason=valid.reason,
            context=valid.context,
            requested_at=now,
            status=rules.HandoffStatus.REQUESTED.value,
        )
        self.session.add(handoff)
        await self.session.flush()
        self.audit.record(Action.CREATE, "handoff", handoff.id, client_pseudonym=client.pseudonym)
        await notifications.notify(
            self.session,
            NotificationKind.HANDOFF_REQUESTED,
            notifications.About("handoff", handoff.id, dossier.id, dossier.ref),
            users=[to_employee_id],
            services=[] if to_employee_id is not None else [target.id],
            service_roles=[Role.ACCOUNTMANAGER.value],
            actor_id=self.actor.id,
            now=now,
        )
        return handoff

    async def _notify_requester(
        self, kind: NotificationKind, handoff: Handoff, dossier: Dossier, now: datetime
    ) -> None:
        await notifications.notify(
            self.session,
            kind,
            notifications.About("handoff", handoff.id, dossier.id, dossier.ref),
            users=[handoff.from_employee_id],
            actor_id=self.actor.id,
            now=now,
        )

    async def _load(self, handoff_id: int) -> tuple[Handoff, Dossier, Client, Service]:
        handoff = await self._existing(Handoff, handoff_id, "Overdracht niet gevonden", for_update=True)
        dossier, client = await self._dossier(handoff.dossier_id)
        service = await self.session.get(Service, handoff.to_service_id)
        assert service is not None
        return handoff, dossier, client, service

    def is_receiver(self, handoff: Handoff, to_service_code: str) -> bool:
        if handoff.to_employee_id is not None:
            return handoff.to_employee_id == self.actor.id
        return Role.ACCOUNTMANAGER in self.actor.roles and to_service_code in self.actor.service_codes

    def _may_decide(self, handoff: Handoff, to_service_code: str) -> None:
        if Role.ADMIN in self.actor.roles or self.is_receiver(handoff, to_service_code):
            return
        raise Forbidden("Deze overdracht is niet aan u of uw dienst gericht.")

    def _state(self, handoff: Handoff) -> rules.HandoffState:
        return rules.HandoffState(
            status=rules.HandoffStatus(handoff.status),
            decided_at=handoff.decided_at,
            decision_reason=handoff.decision_reason,
        )

    def _store(self, handoff: Handoff, state: rules.HandoffState) -> None:
        handoff.status = state.status.value
        handoff.decided_at = state.decided_at
        handoff.decision_reason = state.decision_reason
        handoff.decided_by_id = self.actor.id

    async def accept(self, handoff_id: int, *, now: datetime | None = None) -> Handoff:
        now = now or datetime.now(UTC)
        handoff, dossier, client, service = await self._load(handoff_id)
        self._may_decide(handoff, service.code)
        self._store(handoff, rules.apply(self._state(handoff), rules.Accept(), now))
        receiver_id = handoff.to_employee_id or self.actor.id
        receiver = await self.session.get(User, receiver_id)
        if receiver is not None and service.code in receiver.service_codes:
            await involvement.Assignments(self.session, self.actor, self.audit).replace_accountmanager(
                dossier,
                service_id=service.id,
                service_code=service.code,
                user_id=receiver_id,
                user_name=receiver.name,
                now=now,
                reason=f"Overdracht: {handoff.reason}",
                end_reason=f"Overdracht {handoff.id} geaccepteerd",
                client_pseudonym=client.pseudonym,
            )
            handoff.to_employee_id = receiver_id
        await self.session.flush()
        self.audit.record(Action.UPDATE, "handoff", handoff.id, client_pseudonym=client.pseudonym, detail="accept")
        await self._notify_requester(NotificationKind.HANDOFF_ACCEPTED, handoff, dossier, now)
        return handoff

    async def decline(self, handoff_id: int, *, reason: str, now: datetime | None = None) -> Handoff:
        now = now or datetime.now(UTC)
        handoff, dossier, client, service = await self._load(handoff_id)
        self._may_decide(handoff, service.code)
        self._store(handoff, rules.apply(self._state(handoff), rules.Decline(reason=reason), now))
        await self.session.flush()
        self.audit.record(Action.UPDATE, "handoff", handoff.id, client_pseudonym=client.pseudonym, detail="decline")
        await self._notify_requester(NotificationKind.HANDOFF_DECLINED, handoff, dossier, now)
        return handoff

    async def cancel(self, handoff_id: int, *, now: datetime | None = None) -> Handoff:
        now = now or datetime.now(UTC)
        handoff, _dossier, client, _service = await self._load(handoff_id)
        if handoff.from_employee_id != self.actor.id and Role.ADMIN not in self.actor.roles:
            raise Forbidden("Alleen wie de overdracht aanvroeg, kan haar intrekken.")
        self._store(handoff, rules.apply(self._state(handoff), rules.Cancel(), now))
        await self.session.flush()
        self.audit.record(Action.UPDATE, "handoff", handoff.id, client_pseudonym=client.pseudonym, detail="cancel")
        return handoff

    # -- reading -----------------------------------------------------------------------------------------------

    def query(self) -> Select[Any]:
        from_service, to_service, sender, receiver = _FROM_SERVICE, _TO_SERVICE, _SENDER, _RECEIVER
        return (
            select(Handoff, Dossier.ref, Client.name, from_service.code, to_service.code, sender.name, receiver.name)
            .join(Dossier, Dossier.id == Handoff.dossier_id)
            .join(Client, Client.id == Dossier.client_id)
            .join(from_service, from_service.id == Handoff.from_service_id)
            .join(to_service, to_service.id == Handoff.to_service_id)
            .join(sender, sender.id == Handoff.from_employee_id)
            .outerjoin(receiver, receiver.id == Handoff.to_employee_id)
        )

    async def waiting_for_me(self) -> list[HandoffView]:
        """Requested handoffs addressed to me, or to a service of mine without a named receiver."""
        query = self._waiting_query().order_by(Handoff.requested_at)
        return [HandoffView(*row) for row in (await self.session.execute(query)).all()]  # type: ignore[arg-type]

    def _waiting_query(self) -> Select[Any]:
        conditions = [Handoff.to_employee_id == self.actor.id]
        if Role.ACCOUNTMANAGER in self.actor.roles and self.actor.service_codes:
            service_ids = select(Service.id).where(Service.code.in_(self.actor.service_codes))
            conditions.append(Handoff.to_employee_id.is_(None) & Handoff.to_service_id.in_(service_ids))
        return self.query().where(Handoff.status == "requested", or_(*conditions))

    async def waiting_page(
        self, *, service: str | None = None, newest_first: bool = False, offset: int = 0, limit: int = 10
    ) -> tuple[list[HandoffView], int]:
        """One page of the handoffs waiting for me (``waiting_for_me``), those from or to ``service`` when given,
        longest waiting first (or newest first), and how many there are in all: one COUNT and one page query."""
        query = self._waiting_query()
        if service:
            query = query.where(or_(_FROM_SERVICE.code == service, _TO_SERVICE.code == service))
        total = int(await self.session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0)
        order = (Handoff.requested_at.desc(), Handoff.id.desc()) if newest_first else (Handoff.requested_at, Handoff.id)
        rows = (await self.session.execute(query.order_by(*order).offset(offset).limit(limit))).all()
        return [HandoffView(*row) for row in rows], total  # type: ignore[arg-type]

    async def declined_for_me(self, since: datetime) -> list[HandoffView]:
        """My handoffs that were declined recently: they are back on my worklist with the reason."""
        query = (
            self.query()
            .where(Handoff.from_employee_id == self.actor.id, Handoff.status == "declined", Handoff.decided_at >= since)
            .order_by(Handoff.decided_at.desc())
        )
        return [HandoffView(*row) for row in (await self.session.execute(query)).all()]  # type: ignore[arg-type]

    async def for_dossier(self, dossier_id: int) -> list[HandoffView]:
        query = self.query().where(Handoff.dossier_id == dossier_id).order_by(Handoff.requested_at)
        return [HandoffView(*row) for row in (await self.session.execute(query)).all()]  # type: ignore[arg-type]
