"""Escalations: the KCC asks a service, the service's accountmanager answers within the norm, answers are reused.

Routing: to the service's accountmanager on the dossier when there is one, otherwise to the service's queue, from
which any accountmanager of the service may answer. The asker and the dossier's casemanager see the answer.

Reusable answers: an accountmanager of the service (or an admin) writes one from an answered escalation, in general
terms, confirming it holds no personal data (``rules.validate_reusable``); writing it again rewords it. Each one is
also a concept article in the kennisbank (``knowledge.services.adopt_reusable_answer``), where its owner reviews
and publishes it; the kennisbank is where answers are kept up to date from now on. Only these
texts are searched and shown on ``/antwoorden``; the escalation's question, answer and client are not. Every read of
an escalation (one, or a list) is audited with its client's pseudonym.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, false, func, or_, select, true
from sqlalchemy.orm import aliased

from casemgmt.audit.services import Action, AuditedService
from casemgmt.auth.models import User
from casemgmt.auth.roles import Role
from casemgmt.clients.models import Client
from casemgmt.clients.rules import MERGED_CLIENT
from casemgmt.commitments.models import Commitment
from casemgmt.directory.calendar import add_business_days
from casemgmt.directory.lookup import service_by_code
from casemgmt.directory.models import Service
from casemgmt.dossiers import involvement
from casemgmt.dossiers.access import Access
from casemgmt.dossiers.involvement import access_for
from casemgmt.dossiers.models import Dossier
from casemgmt.errors import FieldError, Forbidden, InvalidInput, NotFound
from casemgmt.escalations import rules
from casemgmt.escalations.models import Escalation, ReusableAnswer
from casemgmt.knowledge.services import adopt_reusable_answer
from casemgmt.notifications import services as notifications
from casemgmt.notifications.rules import Kind as NotificationKind

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_ASKER, _ASSIGNEE, _ANSWERER = aliased(User), aliased(User), aliased(User)

_About = TypeVar("_About", Dossier, Commitment)
_ABOUT_ERRORS: dict[type[Dossier | Commitment], tuple[str, str, str]] = {
    Dossier: ("dossier_id", "Onbekend dossier", "Dit dossier hoort bij een andere klant"),
    Commitment: ("commitment_id", "Onbekende toezegging", "Deze toezegging hoort bij een andere klant"),
}
"""What a question may be about: (field, "unknown", "belongs to another client")."""

ASKER_ROLES = frozenset({Role.KCC_AGENT, Role.CASEMANAGER, Role.ACCOUNTMANAGER, Role.ADMIN})
STATES = ("open", "overdue", "answered")
LIST_SORTS = ("due_at", "-due_at", "asked_at", "-asked_at")
"""The orders of the Escalaties list: first to answer (default, open first), last to answer, oldest, newest."""


@dataclass(frozen=True)
class EscalationView:
    escalation: Escalation
    service_code: str
    service_name: str
    asked_by_name: str
    assignee_name: str | None
    answered_by_name: str | None
    client_name: str | None
    client_pseudonym: str | None
    dossier_ref: str | None

    def state(self, now: datetime) -> str:
        return rules.state_of(self.escalation.status, self.escalation.due_at, now)


@dataclass(frozen=True)
class EscalationListing:
    """One page of escalations, how many match the whole filter, and per state how many match without the state
    filter (``open`` includes ``overdue``)."""

    views: list[EscalationView]
    total: int
    counts: dict[str, int]


class EscalationService(AuditedService):
    # -- asking ------------------------------------------------------------------------------------------------

    async def ask(
        self,
        *,
        service: str,
        question: str,
        client_id: int | None = None,
        dossier_id: int | None = None,
        commitment_id: int | None = None,
        now: datetime | None = None,
    ) -> Escalation:
        if not self.actor.roles & ASKER_ROLES:
            raise Forbidden("U mag geen escalaties aanmaken.")
        now = now or datetime.now(UTC)
        errors: list[FieldError] = []
        text = target = None
        try:
            text = rules.validate_question(question)
        except InvalidInput as exc:
            errors.extend(exc.errors)
        if not service.strip():
            errors.append(FieldError("service", "Kies de dienst die de vraag moet beantwoorden"))
        else:
            try:
                target = await service_by_code(self.session, service)
            except InvalidInput as exc:
                errors.extend(exc.errors)
        if errors:
            raise InvalidInput(errors)
        assert text is not None and target is not None
        client = await self._client(client_id, dossier_id, commitment_id)
        assignee_id = None
        if dossier_id is not None:
            current = await involvement.accountmanager_of(self.session, dossier_id, target.id)
            assignee_id = current.user_id if current is not None else None
        escalation = Escalation(
            service_id=target.id,
            question=text,
            client_id=client.id if client else None,
            dossier_id=dossier_id,
            commitment_id=commitment_id,
            asked_by_id=self.actor.id,
            asked_at=now,
            due_at=add_business_days(now, target.escalation_norm_days),
            assignee_id=assignee_id,
        )
        self.session.add(escalation)
        await self.session.flush()
        self.audit.record(
            Action.CREATE, "escalation", escalation.id, client_pseudonym=client.pseudonym if client else None
        )
        await notifications.notify(
            self.session,
            NotificationKind.ESCALATION_ASSIGNED,
            await self._notification_about(escalation),
            users=[assignee_id],
            services=[] if assignee_id is not None else [target.id],
            service_roles=[Role.ACCOUNTMANAGER.value],
            actor_id=self.actor.id,
            now=now,
        )
        return escalation

    async def _notification_about(self, escalation: Escalation) -> notifications.About:
        ref = None
        if escalation.dossier_id is not None:
            ref = await self.session.scalar(select(Dossier.ref).where(Dossier.id == escalation.dossier_id))
        return notifications.About("escalation", escalation.id, escalation.dossier_id, ref, escalation.due_at)

    async def _client(self, client_id: int | None, dossier_id: int | None, commitment_id: int | None) -> Client | None:
        if dossier_id is not None:
            dossier = await self._about(Dossier, dossier_id, client_id)
            if await access_for(self.session, self.actor, dossier) < Access.READ:
                raise Forbidden("U bent niet betrokken bij dit dossier.")
            client_id = dossier.client_id
        if commitment_id is not None:
            commitment = await self._about(Commitment, commitment_id, client_id)
            client_id = commitment.client_id
        if client_id is None:
            return None
        client = await self.session.get(Client, client_id)
        if client is None:
            raise InvalidInput.single("client_id", "Onbekende klant")
        if client.merged_into_id is not None:
            raise InvalidInput.single("client_id", MERGED_CLIENT)
        return client

    async def _about(self, model: type[_About], ident: int, client_id: int | None) -> _About:
        """The dossier or commitment the question is about; 422 when it is unknown or belongs to another client than
        ``client_id`` (if given)."""
        field, unknown, other_client = _ABOUT_ERRORS[model]
        record = await self.session.get(model, ident)
        if record is None:
            raise InvalidInput.single(field, unknown)
        if client_id is not None and client_id != record.client_id:
            raise InvalidInput.single(field, other_client)
        return record

    # -- answering ---------------------------------------------------------------------------------------------

    async def _to_answer(self, escalation_id: int, refused: str) -> Escalation:
        """The escalation, locked for the change, if the actor answers for its service (403 "Alleen accountmanagers
        van <dienst> <refused>." otherwise; 404 when there is none)."""
        escalation = await self._existing(Escalation, escalation_id, "Escalatie niet gevonden", for_update=True)
        service = await self.session.get(Service, escalation.service_id)
        assert service is not None
        if not self.may_answer(service.code):
            raise Forbidden(f"Alleen accountmanagers van {service.code} {refused}.")
        return escalation

    async def answer(
        self, escalation_id: int, *, answer: str, reusable: bool, now: datetime | None = None
    ) -> Escalation:
        now = now or datetime.now(UTC)
        escalation = await self._to_answer(escalation_id, "beantwoorden deze escalatie")
        text = rules.validate_answer(escalation.status, answer)
        escalation.answer = text
        escalation.reusable = reusable
        escalation.status = "answered"
        escalation.answered_by_id = self.actor.id
        escalation.answered_at = now
        escalation.within_norm = rules.within_norm(now, escalation.due_at)
        await self.session.flush()
        pseudonym = await self._pseudonym(escalation.client_id)
        self.audit.record(Action.UPDATE, "escalation", escalation.id, client_pseudonym=pseudonym, detail="answer")
        about = await self._notification_about(escalation)
        await notifications.notify(
            self.session,
            NotificationKind.ESCALATION_ANSWERED,
            notifications.About(about.object_type, about.object_id, about.dossier_id, about.dossier_ref),
            users=[escalation.asked_by_id],
            actor_id=self.actor.id,
            now=now,
        )
        return escalation

    def may_answer(self, service_code: str) -> bool:
        return Role.ADMIN in self.actor.roles or (
            Role.ACCOUNTMANAGER in self.actor.roles and service_code in self.actor.service_codes
        )

    # -- reusable answers ----------------------------------------------------------------------------------------

    async def write_reusable(
        self, escalation_id: int, *, title: str, answer: str, no_personal_data: bool, now: datetime | None = None
    ) -> ReusableAnswer:
        """Publish (or reword) the reusable answer of an answered escalation; 403 for who may not answer it, 409
        while it is open, 422 for a text that is empty, too long, unconfirmed or names the client."""
        now = now or datetime.now(UTC)
        escalation = await self._to_answer(escalation_id, "schrijven herbruikbare antwoorden")
        client = await self.session.get(Client, escalation.client_id) if escalation.client_id is not None else None
        ref = await self.session.scalar(select(Dossier.ref).where(Dossier.id == escalation.dossier_id))
        known = rules.KnownOfClient(
            name=client.name if client else "",
            bsn=(client.bsn or "") if client else "",
            kvk=(client.kvk or "") if client else "",
            phone=client.phone if client else "",
            email=client.email if client else "",
            dossier_ref=ref or "",
        )
        text = rules.validate_reusable(escalation.status, title, answer, no_personal_data, known)
        reusable = await self.session.scalar(
            select(ReusableAnswer).where(ReusableAnswer.escalation_id == escalation.id).with_for_update()
        )
        action = Action.UPDATE if reusable is not None else Action.CREATE
        if reusable is None:
            reusable = ReusableAnswer(escalation_id=escalation.id, service_id=escalation.service_id)
            self.session.add(reusable)
        reusable.title, reusable.answer = text.title, text.answer
        reusable.written_by_id, reusable.written_at = self.actor.id, now
        escalation.reusable = True
        await self.session.flush()
        await adopt_reusable_answer(
            self.session,
            self.audit,
            reusable_answer_id=reusable.id,
            escalation_id=escalation.id,
            service_id=escalation.service_id,
            title=text.title,
            answer=text.answer,
            by=self.actor.id,
            now=now,
        )
        self.audit.record(
            action,
            "reusable_answer",
            reusable.id,
            client_pseudonym=client.pseudonym if client else None,
            detail=f"escalatie {escalation.id}; geen persoonsgegevens bevestigd",
        )
        return reusable

    async def reusable_of(self, escalation_id: int) -> ReusableAnswer | None:
        """The reusable answer written from this escalation, if any (the caller has read the escalation)."""
        return await self.session.scalar(select(ReusableAnswer).where(ReusableAnswer.escalation_id == escalation_id))

    async def _pseudonym(self, client_id: int | None) -> str | None:
        if client_id is None:
            return None
        return await self.session.scalar(select(Client.pseudonym).where(Client.id == client_id))

    # -- reading -----------------------------------------------------------------------------------------------

    def _visible(self) -> object:
        """Who sees which escalation: KCC and admins all; accountmanagers their services'; the asker and the
        dossier's casemanager their own."""
        if self.actor.roles & {Role.ADMIN, Role.KCC_AGENT}:
            return true()
        conditions = [Escalation.asked_by_id == self.actor.id]
        if Role.ACCOUNTMANAGER in self.actor.roles and self.actor.service_codes:
            conditions.append(Service.code.in_(self.actor.service_codes))
        if Role.CASEMANAGER in self.actor.roles:
            conditions.append(
                Escalation.dossier_id.in_(select(Dossier.id).where(Dossier.casemanager_id == self.actor.id))
            )
        if Role.EVALUATOR in self.actor.roles and len(self.actor.roles) == 1:
            return false()
        return or_(*conditions)

    def _query(self) -> Select[Any]:
        asker, assignee, answerer = _ASKER, _ASSIGNEE, _ANSWERER
        return (
            select(
                Escalation,
                Service.code,
                Service.name,
                asker.name,
                assignee.name,
                answerer.name,
                Client.name,
                Client.pseudonym,
                Dossier.ref,
            )
            .join(Service, Service.id == Escalation.service_id)
            .join(asker, asker.id == Escalation.asked_by_id)
            .outerjoin(assignee, assignee.id == Escalation.assignee_id)
            .outerjoin(answerer, answerer.id == Escalation.answered_by_id)
            .outerjoin(Client, Client.id == Escalation.client_id)
            .outerjoin(Dossier, Dossier.id == Escalation.dossier_id)
            .where(self._visible())  # type: ignore[arg-type]
        )

    async def list(
        self,
        *,
        service: str | None = None,
        services: Sequence[str] | None = None,
        state: str | None = None,
        dossier_id: int | None = None,
        now: datetime | None = None,
        limit: int = 200,
    ) -> list[EscalationView]:
        if Role.EVALUATOR in self.actor.roles and len(self.actor.roles) == 1:
            raise Forbidden("Evaluatoren zien geen escalaties (persoonsgegevens).")
        now = now or datetime.now(UTC)
        if state is not None and state not in STATES:
            raise InvalidInput.single("state", f"Kies uit {', '.join(STATES)}")
        query = self._query()
        if service:
            query = query.where(Service.code == service.upper())
        if services is not None:
            query = query.where(Service.code.in_(services))
        if dossier_id is not None:
            query = query.where(Escalation.dossier_id == dossier_id)
        if state == "answered":
            query = query.where(Escalation.status == "answered").order_by(Escalation.answered_at.desc())
        else:
            if state == "open":
                query = query.where(Escalation.status == "open")
            elif state == "overdue":
                query = query.where(Escalation.status == "open", Escalation.due_at < now)
            query = query.order_by(Escalation.status.desc(), Escalation.due_at)
        rows = (await self.session.execute(query.limit(limit))).all()
        views = [EscalationView(*row) for row in rows]  # type: ignore[arg-type]
        await self.audit.record_reads("escalation_list", (v.client_pseudonym for v in views if v.client_pseudonym))
        return views

    async def listing(
        self,
        *,
        service: str | None,
        state: str | None,
        due_before: datetime | None,
        services: Sequence[str] | None = None,
        sort: str,
        offset: int,
        limit: int,
        now: datetime,
    ) -> EscalationListing:
        """One page of the Escalaties list (filtered, sorted and paged in SQL) with the count per state of the
        filtered list (one aggregate query); only the clients shown are audited."""
        if Role.EVALUATOR in self.actor.roles and len(self.actor.roles) == 1:
            raise Forbidden("Evaluatoren zien geen escalaties (persoonsgegevens).")
        if sort not in LIST_SORTS:
            raise InvalidInput.single("sort", f"Kies uit {', '.join(LIST_SORTS)}")
        query = self._query()
        if service:
            query = query.where(Service.code == service.upper())
        if services is not None:
            query = query.where(Service.code.in_(services))
        if due_before is not None:
            query = query.where(Escalation.status == "open", Escalation.due_at < due_before)
        counted = query.with_only_columns(
            func.count().filter(Escalation.status == "open", Escalation.due_at >= now),
            func.count().filter(Escalation.status == "open", Escalation.due_at < now),
            func.count().filter(Escalation.status == "answered"),
        ).order_by(None)
        on_time, overdue, answered = (await self.session.execute(counted)).one()
        counts = {"open": on_time + overdue, "overdue": overdue, "answered": answered}
        if state == "open":
            query = query.where(Escalation.status == "open")
        elif state == "overdue":
            query = query.where(Escalation.status == "open", Escalation.due_at < now)
        elif state == "answered":
            query = query.where(Escalation.status == "answered")
        column = Escalation.asked_at if sort.lstrip("-") == "asked_at" else Escalation.due_at
        order = column.desc() if sort.startswith("-") else column.asc()
        ident = Escalation.id.desc() if sort.startswith("-") else Escalation.id.asc()
        if sort == "due_at":  # the default: open ones first, soonest (so overdue) first
            query = query.order_by(Escalation.status.desc(), order, ident)
        else:
            query = query.order_by(order, ident)
        rows = (await self.session.execute(query.offset(offset).limit(limit))).all()
        views = [EscalationView(*row) for row in rows]  # type: ignore[arg-type]
        await self.audit.record_reads("escalation_list", (v.client_pseudonym for v in views if v.client_pseudonym))
        total = counts.get(state or "", on_time + overdue + answered)
        return EscalationListing(views, total, counts)

    async def get(self, escalation_id: int) -> EscalationView:
        row = (await self.session.execute(self._query().where(Escalation.id == escalation_id))).first()
        if row is None:
            exists = await self.session.scalar(select(func.count()).where(Escalation.id == escalation_id))
            if exists:
                raise Forbidden("U bent niet betrokken bij deze escalatie.")
            raise NotFound("Escalatie niet gevonden")
        view = EscalationView(*row)  # type: ignore[arg-type]
        self.audit.record(Action.READ, "escalation", escalation_id, client_pseudonym=view.client_pseudonym)
        return view

    async def reusable_answers(
        self, *, service: str | None = None, q: str = "", limit: int = 50
    ) -> builtins.list[tuple[ReusableAnswer, str]]:
        """The reusable answers (the seed's "eenduidige beantwoording") with their service's code, newest first:
        texts in general terms, without personal data, so reading them is not audited."""
        if Role.EVALUATOR in self.actor.roles and len(self.actor.roles) == 1:
            raise Forbidden("Evaluatoren hebben geen toegang tot de antwoorden.")
        query = select(ReusableAnswer, Service.code).join(Service, Service.id == ReusableAnswer.service_id)
        if service:
            query = query.where(Service.code == service.upper())
        for word in rules.validate_query(q):
            pattern = f"%{word}%"
            query = query.where(
                or_(func.lower(ReusableAnswer.title).like(pattern), func.lower(ReusableAnswer.answer).like(pattern))
            )
        query = query.order_by(ReusableAnswer.written_at.desc(), ReusableAnswer.id.desc()).limit(limit)
        return [(answer, code) for answer, code in (await self.session.execute(query)).tuples().all()]


__all__ = ["EscalationService", "EscalationView"]
