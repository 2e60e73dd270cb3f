"""Export dossiers as JSON Lines (issue 6): one dossier per line with everything that belongs to it.

Dossiers are read in keyset batches (``id > last ORDER BY id LIMIT 50``); for each batch one query per kind of
child record (representatives, assignments, contacts, commitments, handoffs, escalations, time entries, survey
responses and their reasons) fetches the children of all its dossiers at once. Employees, services and pilots are
read once into small maps (id → e-mail / code / slug). Memory therefore stays bounded by one batch, whatever the
number of dossiers, and the number of queries grows with the number of batches only.

Order, so that export → import → export gives the same bytes: lines by dossier id (the importer inserts in file
order, so ids follow the file); children by their moment and then id (contacts by ``occurred_at``, commitments by
``made_at``, handoffs by ``requested_at``, escalations by ``asked_at``, assignments by ``since``, time entries by
date, surveys by ``contact_date`` and respondent id, representatives by id, reasons in questionnaire order).
Moments are written in UTC with their offset (``+00:00``).

Filters: ``pilot`` (slug; the dossiers enrolled in it) and ``date_from``/``date_to`` on ``opened_at``, both dates
inclusive and read in Europe/Amsterdam.

Only the accountmanager assignments are lines in ``assignments``; the casemanager is ``casemanager`` (the current
one). Fields the contract does not carry are not exported (see the importer for how it fills them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog
from casemgmt.auth.models import User
from casemgmt.clients.models import Client, ClientRepresentative, Representative
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.directory.models import Department, Service, Topic
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.errors import FieldError, InvalidInput
from casemgmt.escalations.models import Escalation
from casemgmt.exchange.schema import day, dump_line, moment
from casemgmt.handoffs.models import Handoff
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
from casemgmt.references.store import refs_of
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from casemgmt.surveys.questionnaire import REASONS

BATCH_SIZE = 50
_REASON_ORDER = {code: index for index, code in enumerate(REASONS)}


@dataclass(frozen=True)
class ExportFilter:
    """Which dossiers to export: all, or those of one pilot, and/or opened between two dates (inclusive)."""

    pilot: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> str:
        parts = []
        if self.pilot:
            parts.append(f"pilot {self.pilot}")
        if self.date_from:
            parts.append(f"geopend vanaf {self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"geopend tot en met {self.date_to.isoformat()}")
        return ", ".join(parts) or "alle dossiers"


def _start_of_day(day_: date) -> datetime:
    return datetime.combine(day_, time(0, 0), tzinfo=AMSTERDAM).astimezone(UTC)


class DossierExport:
    """Streams the dossier lines for a filter. ``prepare()`` checks the filter (unknown pilot → InvalidInput)."""

    def __init__(self, session: AsyncSession, filters: ExportFilter | None = None, batch_size: int = BATCH_SIZE):
        self.session = session
        self.filters = filters or ExportFilter()
        self.batch_size = batch_size
        self.emails: dict[int, str] = {}
        self.services: dict[int, str] = {}
        self.pilots: dict[int, str] = {}
        self.topics: dict[int, str] = {}
        self.departments: dict[int, str] = {}
        self.pilot_id: int | None = None

    async def prepare(self) -> None:
        f = self.filters
        errors: list[FieldError] = []
        if f.date_from and f.date_to and f.date_from > f.date_to:
            errors.append(FieldError("from", "De begindatum ligt na de einddatum."))
        self.pilots = dict((await self.session.execute(select(Pilot.id, Pilot.slug))).tuples().all())
        if f.pilot is not None:
            by_slug = {slug: pilot_id for pilot_id, slug in self.pilots.items()}
            if f.pilot not in by_slug:
                errors.append(FieldError("pilot", f"Onbekende pilot '{f.pilot}'."))
            else:
                self.pilot_id = by_slug[f.pilot]
        if errors:
            raise InvalidInput(errors)
        self.emails = dict((await self.session.execute(select(User.id, User.email))).tuples().all())
        self.services = dict((await self.session.execute(select(Service.id, Service.code))).tuples().all())
        self.topics = dict((await self.session.execute(select(Topic.id, Topic.code))).tuples().all())
        self.departments = dict((await self.session.execute(select(Department.id, Department.name))).tuples().all())

    async def count(self) -> int:
        """How many dossiers the filter selects (for a progress bar)."""
        query = select(func.count()).select_from(Dossier)
        query = self._filtered(query)
        return int(await self.session.scalar(query) or 0)

    def _filtered(self, query: Select[Any]) -> Select[Any]:
        f = self.filters
        conditions: list[ColumnElement[bool]] = []
        if self.pilot_id is not None:
            query = query.join(PilotEnrolment, PilotEnrolment.dossier_id == Dossier.id)
            conditions.append(PilotEnrolment.pilot_id == self.pilot_id)
        if f.date_from is not None:
            conditions.append(Dossier.opened_at >= _start_of_day(f.date_from))
        if f.date_to is not None:
            conditions.append(Dossier.opened_at < _start_of_day(f.date_to + timedelta(days=1)))
        return query.where(and_(*conditions)) if conditions else query

    async def client_pseudonyms(self) -> list[str]:
        """The pseudonyms of the clients whose dossiers the filter selects, each once (one query)."""
        query = select(Client.pseudonym).select_from(Dossier).join(Client, Client.id == Dossier.client_id)
        return list((await self.session.scalars(self._filtered(query).distinct())).all())

    async def lines(self) -> AsyncIterator[str]:
        """Every selected dossier as one JSON line (without newline), in dossier id order."""
        if not self.services:
            await self.prepare()
        last_id = 0
        while True:
            query = (
                select(
                    Dossier.id,
                    Dossier.ref,
                    Dossier.subject,
                    Dossier.status,
                    Dossier.outcome,
                    Dossier.opened_at,
                    Dossier.closed_at,
                    Dossier.casemanager_id,
                    Dossier.client_id,
                )
                .where(Dossier.id > last_id)
                .order_by(Dossier.id)
                .limit(self.batch_size)
            )
            dossiers = (await self.session.execute(self._filtered(query))).all()
            if not dossiers:
                return
            for line in await self._batch(dossiers):
                yield dump_line(line)
            last_id = dossiers[-1].id

    async def _children(
        self,
        model: Any,
        dossier_ids: list[int],
        order: tuple[Any, ...],
        fields: dict[str, tuple[Any, Callable[[Any], Any]]],
        *where: Any,
    ) -> dict[int, list[dict[str, Any]]]:
        """Per dossier, its rows of ``model`` in ``order``, each as the line's JSON object: key → (column, how to
        write its value)."""
        columns = [column for column, _ in fields.values()]
        converters = [(key, convert) for key, (_, convert) in fields.items()]
        query = (
            select(model.dossier_id, *columns)
            .where(model.dossier_id.in_(dossier_ids), *where)
            .order_by(model.dossier_id, *order)
        )
        children: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for dossier_id, *values in await self.session.execute(query):
            children[dossier_id].append({key: convert(v) for (key, convert), v in zip(converters, values, strict=True)})
        return children

    async def _batch(self, dossiers: Sequence[Any]) -> list[dict[str, Any]]:
        ids = [d.id for d in dossiers]
        client_ids = sorted({d.client_id for d in dossiers})
        s = self.session
        email, service = self.emails.get, self.services.get

        enrolments = {
            row.dossier_id: (self.pilots.get(row.pilot_id), row.cohort)
            for row in await s.execute(
                select(PilotEnrolment.dossier_id, PilotEnrolment.pilot_id, PilotEnrolment.cohort).where(
                    PilotEnrolment.dossier_id.in_(ids)
                )
            )
        }
        clients = {
            row.id: row
            for row in await s.execute(
                select(
                    Client.id,
                    Client.kind,
                    Client.bsn,
                    Client.kvk,
                    Client.name,
                    Client.phone,
                    Client.email,
                    Client.street,
                    Client.house_number,
                    Client.house_number_addition,
                    Client.postcode,
                    Client.city,
                ).where(Client.id.in_(client_ids))
            )
        }
        representatives: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for link, rep in await s.execute(
            select(ClientRepresentative, Representative)
            .join(Representative, Representative.id == ClientRepresentative.representative_id)
            .where(ClientRepresentative.client_id.in_(client_ids))
            .order_by(ClientRepresentative.client_id, ClientRepresentative.id)
        ):
            representatives[link.client_id].append(
                {
                    "name": rep.name,
                    "organisation": rep.organisation,
                    "phone": rep.phone,
                    "email": rep.email,
                    "relation": link.relation,
                    "valid_from": day(link.valid_from),
                    "valid_until": day(link.valid_until),
                }
            )

        def optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
            return lambda value: convert(value) if value is not None else None

        assignments = await self._children(
            DossierAssignment,
            ids,
            (DossierAssignment.since, DossierAssignment.id),
            {
                "service": (DossierAssignment.service_id, service),
                "accountmanager": (DossierAssignment.user_id, email),
                "since": (DossierAssignment.since, moment),
                "until": (DossierAssignment.until, moment),
                "reason": (DossierAssignment.reason, _same),
            },
            DossierAssignment.role == "accountmanager",
        )
        contacts = await self._children(
            Contact,
            ids,
            (Contact.occurred_at, Contact.id),
            {
                "occurred_at": (Contact.occurred_at, moment),
                "channel": (Contact.channel, _same),
                "direction": (Contact.direction, _same),
                "service": (Contact.service_id, service),
                "employee": (Contact.employee_id, email),
                "outcome": (Contact.outcome, _same),
                "transfers": (Contact.transfers, _same),
                "summary": (Contact.summary, _same),
                "topic": (Contact.topic_id, optional(self.topics.get)),
                "transfer_attempts": (Contact.id, _same),  # the contact's id here; its attempts below
                "representative": (Contact.representative_id, _same),  # the person's id here; below
            },
        )
        await self._contact_details([c for rows in contacts.values() for c in rows])
        commitments = await self._children(
            Commitment,
            ids,
            (Commitment.made_at, Commitment.id),
            {
                "kind": (Commitment.kind, _same),
                "description": (Commitment.description, _same),
                "owner": (Commitment.owner_id, email),
                "made_by": (Commitment.made_by_id, email),
                "made_at": (Commitment.made_at, moment),
                "due_at": (Commitment.due_at, moment),
                "status": (Commitment.status, _same),
                "closed_at": (Commitment.closed_at, moment),
                "kept_on_time": (Commitment.kept_on_time, _same),
                "note": (Commitment.note, _same),
                "owner_service": (Commitment.owner_service_id, service),
                "first_due_at": (Commitment.first_due_at, moment),
            },
        )
        handoffs = await self._children(
            Handoff,
            ids,
            (Handoff.requested_at, Handoff.id),
            {
                "from_service": (Handoff.from_service_id, service),
                "from_employee": (Handoff.from_employee_id, email),
                "to_service": (Handoff.to_service_id, service),
                "to_employee": (Handoff.to_employee_id, optional(email)),
                "reason": (Handoff.reason, _same),
                "context": (Handoff.context, _same),
                "requested_at": (Handoff.requested_at, moment),
                "status": (Handoff.status, _same),
                "decided_at": (Handoff.decided_at, moment),
                "decision_reason": (Handoff.decision_reason, _same),
            },
        )
        escalations = await self._children(
            Escalation,
            ids,
            (Escalation.asked_at, Escalation.id),
            {
                "service": (Escalation.service_id, service),
                "question": (Escalation.question, _same),
                "asked_by": (Escalation.asked_by_id, email),
                "asked_at": (Escalation.asked_at, moment),
                "due_at": (Escalation.due_at, moment),
                "answer": (Escalation.answer, _same),
                "answered_by": (Escalation.answered_by_id, optional(email)),
                "answered_at": (Escalation.answered_at, moment),
                "reusable": (Escalation.reusable, _same),
            },
        )
        time_entries = await self._children(
            TimeEntry,
            ids,
            (TimeEntry.entry_date, TimeEntry.id),
            {
                "employee": (TimeEntry.employee_id, email),
                "date": (TimeEntry.entry_date, day),
                "minutes": (TimeEntry.minutes, _same),
                "activity": (TimeEntry.activity, _same),
            },
        )

        reasons: dict[int, list[str]] = defaultdict(list)
        survey_ids = select(SurveyResponse.id).where(SurveyResponse.dossier_id.in_(ids))
        for response_id, code in await s.execute(
            select(survey_reasons.c.response_id, survey_reasons.c.code).where(
                survey_reasons.c.response_id.in_(survey_ids)
            )
        ):
            reasons[response_id].append(code)
        refs = {d.id: d.ref for d in dossiers}
        surveys: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for response in await s.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.dossier_id.in_(ids))
            .order_by(SurveyResponse.dossier_id, SurveyResponse.contact_date, SurveyResponse.respondent_id)
        ):
            assert response.dossier_id is not None
            surveys[response.dossier_id].append(
                {
                    "respondent_id": response.respondent_id,
                    "contact_date": day(response.contact_date),
                    "remembered_contact": "ja" if response.remembered_contact else "nee",
                    "grade": response.grade,
                    "reasons": sorted(reasons.get(response.id, []), key=lambda code: _REASON_ORDER.get(code, 99)),
                    **response.coded_answers(),
                    "dossier_ref": refs[response.dossier_id],
                    "comment": response.comment,
                }
            )

        external_refs = await refs_of(s, "dossier", ids)
        lines = []
        for d in dossiers:
            client = clients[d.client_id]
            client_part: dict[str, Any] = {"kind": client.kind}
            if client.kind == "person":
                client_part["bsn"] = client.bsn
            elif client.kind == "organisation":
                client_part["kvk"] = client.kvk  # an unidentified client has neither number
            client_part.update(
                name=client.name,
                phone=client.phone,
                email=client.email,
                address={
                    "street": client.street,
                    "house_number": client.house_number,
                    "addition": client.house_number_addition,
                    "postcode": client.postcode,
                    "city": client.city,
                },
                representatives=representatives.get(d.client_id, []),
            )
            pilot, cohort = enrolments.get(d.id, (None, None))
            lines.append(
                {
                    "ref": d.ref,
                    "subject": d.subject,
                    "external_refs": external_refs.get(d.id, []),
                    "status": d.status,
                    "outcome": d.outcome,
                    "opened_at": moment(d.opened_at),
                    "closed_at": moment(d.closed_at),
                    "client": client_part,
                    "casemanager": email(d.casemanager_id),
                    "assignments": assignments.get(d.id, []),
                    "pilot": pilot,
                    "cohort": cohort,
                    "contacts": contacts.get(d.id, []),
                    "commitments": commitments.get(d.id, []),
                    "handoffs": handoffs.get(d.id, []),
                    "escalations": escalations.get(d.id, []),
                    "time_entries": time_entries.get(d.id, []),
                    "surveys": surveys.get(d.id, []),
                }
            )
        return lines

    async def _contact_details(self, contacts: list[dict[str, Any]]) -> None:
        """Replace each contact's id by its transfer attempts and its representative's id by the person (two queries
        for the batch)."""
        contact_ids = [c["transfer_attempts"] for c in contacts]
        attempts: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if contact_ids:
            rows = await self.session.execute(
                select(
                    ContactTransfer.contact_id,
                    ContactTransfer.service_id,
                    ContactTransfer.department_id,
                    ContactTransfer.connected,
                )
                .where(ContactTransfer.contact_id.in_(contact_ids))
                .order_by(ContactTransfer.contact_id, ContactTransfer.position)
            )
            for contact_id, service_id, department_id, connected in rows:
                attempts[contact_id].append(
                    {
                        "service": self.services.get(service_id),
                        "department": self.departments.get(department_id) if department_id is not None else None,
                        "connected": connected,
                    }
                )
        person_ids = sorted({c["representative"] for c in contacts if c["representative"] is not None})
        people: dict[int, dict[str, Any]] = {}
        if person_ids:
            for person_id, name, organisation, phone in await self.session.execute(
                select(Representative.id, Representative.name, Representative.organisation, Representative.phone).where(
                    Representative.id.in_(person_ids)
                )
            ):
                people[person_id] = {"name": name, "organisation": organisation, "phone": phone}
        for contact in contacts:
            contact["transfer_attempts"] = attempts.get(contact["transfer_attempts"], [])
            person = contact["representative"]
            contact["representative"] = people.get(person) if person is not None else None


def _same(value: Any) -> Any:
    return value


async def record_export(audit: AuditLog, export: DossierExport, via: str) -> int:
    """Who exported which dossiers (personal data leaves the system): one event per client in the export, all in one
    INSERT (one without a client when the filter selects none), so "who saw client X?" finds the export too.

    Returns the number of clients recorded."""
    pseudonyms = await export.client_pseudonyms()
    return await audit.record_reads(
        "dossiers",
        pseudonyms,
        action=Action.EXPORT,
        detail=f"Dossierexport ({via}): {export.filters.describe()}; klanten={len(pseudonyms)}",
        keep_empty=True,
    )
