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
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog
from casemgmt.auth.models import User
from casemgmt.clients.models import Client, Representative
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.directory.models import Service
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.errors import FieldError, InvalidInput
from casemgmt.escalations.models import Escalation
from casemgmt.exchange.schema import day, dump_line, moment
from casemgmt.handoffs.models import Handoff
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
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
                    Client.address,
                ).where(Client.id.in_(client_ids))
            )
        }
        representatives: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in await s.execute(
            select(Representative)
            .where(Representative.client_id.in_(client_ids))
            .order_by(Representative.client_id, Representative.id)
        ):
            rep = r[0]
            representatives[rep.client_id].append(
                {
                    "name": rep.name,
                    "organisation": rep.organisation,
                    "phone": rep.phone,
                    "email": rep.email,
                    "relation": rep.relation,
                    "valid_from": day(rep.valid_from),
                    "valid_until": day(rep.valid_until),
                }
            )

        assignments: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for a in await s.execute(
            select(
                DossierAssignment.dossier_id,
                DossierAssignment.service_id,
                DossierAssignment.user_id,
                DossierAssignment.since,
                DossierAssignment.until,
                DossierAssignment.reason,
            )
            .where(DossierAssignment.dossier_id.in_(ids), DossierAssignment.role == "accountmanager")
            .order_by(DossierAssignment.dossier_id, DossierAssignment.since, DossierAssignment.id)
        ):
            assignments[a.dossier_id].append(
                {
                    "service": service(a.service_id),
                    "accountmanager": email(a.user_id),
                    "since": moment(a.since),
                    "until": moment(a.until),
                    "reason": a.reason,
                }
            )

        contacts: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for c in await s.execute(
            select(
                Contact.dossier_id,
                Contact.occurred_at,
                Contact.channel,
                Contact.direction,
                Contact.service_id,
                Contact.employee_id,
                Contact.outcome,
                Contact.transfers,
                Contact.summary,
            )
            .where(Contact.dossier_id.in_(ids))
            .order_by(Contact.dossier_id, Contact.occurred_at, Contact.id)
        ):
            contacts[c.dossier_id].append(
                {
                    "occurred_at": moment(c.occurred_at),
                    "channel": c.channel,
                    "direction": c.direction,
                    "service": service(c.service_id),
                    "employee": email(c.employee_id),
                    "outcome": c.outcome,
                    "transfers": c.transfers,
                    "summary": c.summary,
                }
            )

        commitments: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for c in await s.execute(
            select(
                Commitment.dossier_id,
                Commitment.kind,
                Commitment.description,
                Commitment.owner_id,
                Commitment.made_by_id,
                Commitment.made_at,
                Commitment.due_at,
                Commitment.status,
                Commitment.closed_at,
                Commitment.kept_on_time,
                Commitment.note,
            )
            .where(Commitment.dossier_id.in_(ids))
            .order_by(Commitment.dossier_id, Commitment.made_at, Commitment.id)
        ):
            commitments[c.dossier_id].append(
                {
                    "kind": c.kind,
                    "description": c.description,
                    "owner": email(c.owner_id),
                    "made_by": email(c.made_by_id),
                    "made_at": moment(c.made_at),
                    "due_at": moment(c.due_at),
                    "status": c.status,
                    "closed_at": moment(c.closed_at),
                    "kept_on_time": c.kept_on_time,
                    "note": c.note,
                }
            )

        handoffs: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for h in await s.execute(
            select(
                Handoff.dossier_id,
                Handoff.from_service_id,
                Handoff.from_employee_id,
                Handoff.to_service_id,
                Handoff.to_employee_id,
                Handoff.reason,
                Handoff.context,
                Handoff.requested_at,
                Handoff.status,
                Handoff.decided_at,
                Handoff.decision_reason,
            )
            .where(Handoff.dossier_id.in_(ids))
            .order_by(Handoff.dossier_id, Handoff.requested_at, Handoff.id)
        ):
            handoffs[h.dossier_id].append(
                {
                    "from_service": service(h.from_service_id),
                    "from_employee": email(h.from_employee_id),
                    "to_service": service(h.to_service_id),
                    "to_employee": email(h.to_employee_id) if h.to_employee_id is not None else None,
                    "reason": h.reason,
                    "context": h.context,
                    "requested_at": moment(h.requested_at),
                    "status": h.status,
                    "decided_at": moment(h.decided_at),
                    "decision_reason": h.decision_reason,
                }
            )

        escalations: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for e in await s.execute(
            select(
                Escalation.dossier_id,
                Escalation.service_id,
                Escalation.question,
                Escalation.asked_by_id,
                Escalation.asked_at,
                Escalation.due_at,
                Escalation.answer,
                Escalation.answered_by_id,
                Escalation.answered_at,
                Escalation.reusable,
            )
            .where(Escalation.dossier_id.in_(ids))
            .order_by(Escalation.dossier_id, Escalation.asked_at, Escalation.id)
        ):
            escalations[e.dossier_id].append(
                {
                    "service": service(e.service_id),
                    "question": e.question,
                    "asked_by": email(e.asked_by_id),
                    "asked_at": moment(e.asked_at),
                    "due_at": moment(e.due_at),
                    "answer": e.answer,
                    "answered_by": email(e.answered_by_id) if e.answered_by_id is not None else None,
                    "answered_at": moment(e.answered_at),
                    "reusable": e.reusable,
                }
            )

        time_entries: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for t in await s.execute(
            select(
                TimeEntry.dossier_id, TimeEntry.employee_id, TimeEntry.entry_date, TimeEntry.minutes, TimeEntry.activity
            )
            .where(TimeEntry.dossier_id.in_(ids))
            .order_by(TimeEntry.dossier_id, TimeEntry.entry_date, TimeEntry.id)
        ):
            time_entries[t.dossier_id].append(
                {
                    "employee": email(t.employee_id),
                    "date": day(t.entry_date),
                    "minutes": t.minutes,
                    "activity": t.activity,
                }
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
        for r in await s.execute(
            select(SurveyResponse)
            .where(SurveyResponse.dossier_id.in_(ids))
            .order_by(SurveyResponse.dossier_id, SurveyResponse.contact_date, SurveyResponse.respondent_id)
        ):
            response = r[0]
            assert response.dossier_id is not None
            surveys[response.dossier_id].append(
                {
                    "respondent_id": response.respondent_id,
                    "contact_date": day(response.contact_date),
                    "remembered_contact": "ja" if response.remembered_contact else "nee",
                    "grade": response.grade,
                    "reasons": sorted(reasons.get(response.id, []), key=lambda code: _REASON_ORDER.get(code, 99)),
                    "helped_at_once": response.helped_at_once,
                    "transfer_count": response.transfer_count,
                    "respondent_type": response.respondent_type,
                    "gender": response.gender,
                    "age_band": response.age_band,
                    "education": response.education,
                    "dossier_ref": refs[response.dossier_id],
                    "comment": response.comment,
                }
            )

        lines = []
        for d in dossiers:
            client = clients[d.client_id]
            client_part: dict[str, Any] = {"kind": client.kind}
            if client.kind == "person":
                client_part["bsn"] = client.bsn
            else:
                client_part["kvk"] = client.kvk
            client_part.update(
                name=client.name,
                phone=client.phone,
                email=client.email,
                address=client.address,
                representatives=representatives.get(d.client_id, []),
            )
            pilot, cohort = enrolments.get(d.id, (None, None))
            lines.append(
                {
                    "ref": d.ref,
                    "subject": d.subject,
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


def record_export(audit: AuditLog, filters: ExportFilter, via: str) -> None:
    """One audit event per export: who exported which dossiers (personal data leaves the system)."""
    audit.record(Action.EXPORT, "dossiers", "", detail=f"Dossierexport ({via}): {filters.describe()}")
