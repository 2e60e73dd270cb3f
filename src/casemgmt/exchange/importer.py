"""Import dossiers from JSON Lines (issue 6): all-or-nothing per file, with every invalid line reported.

How a file is read:

- lines are taken as a stream (a file or an HTTP body) and checked in batches of ``BATCH_SIZE``: first each line on
  its own (``schema.parse_line``: JSON, types, enumerations, moments with an offset, the 11-proof, the consistency
  of statuses), then against the database with a fixed number of queries per batch: references that already exist
  (or appear twice in the file), unknown services, employees and pilots, survey respondent ids already used, and
  more than 24 hours of time per employee per day (over the file and what is already registered);
- while no line has failed, each checked batch is written at once with multi-row inserts (one statement per table
  per batch); after the first invalid line nothing more is written but checking goes on, so the report is complete;
  at the end ``DossierImportRejected`` is raised when any line failed, and the caller's transaction rolls back (the
  CLI's transaction block, or the API's 422 response): nothing of the file is written;
- blank lines are skipped; line numbers count every physical line from 1;
- text no database can store is a line error naming the field ("regel 3: contacts[0].summary: … NUL-teken …"): a
  NUL character (written ``\\u0000`` in JSON; a raw NUL byte makes the whole line an error) or a lone UTF-16
  surrogate (``\\ud800``); PostgreSQL refuses the first, both databases the second. Only a line whose text holds
  such an escape is decoded a second time, to name the field.

What the import fills in that the line contract does not carry (documented choices):

- **clients** are matched by BSN or KvK number: an existing client is reused as it is (its name and address are not
  overwritten) and only representatives it does not have yet (same name, organisation and start date) are added,
  each linked to the person already known by the same name, organisation and phone, else to a new one; a new client
  gets a new random pseudonym, its phone number normalised to E.164 where it reads as a valid number (else kept as
  written) and its address in parts (``client.address`` is an object ``{street, house_number, addition, postcode,
  city}``; the one text of files written before December 2026 is still read, split as the migration splits stored
  addresses);
- **employees** are matched by e-mail (case-insensitive). Unknown e-mails are errors, unless ``create_users``: then
  each becomes an *inactive* account without password, with the roles and services implied by where it appears —
  casemanager → ``casemanager``; accountmanager of service X, receiver or sender of a handoff for X, answerer of an
  escalation to X → ``accountmanager`` in X; employee of a contact of service X → ``kcc_agent`` in KCC when X is KCC,
  else ``accountmanager`` in X; asker of an escalation → ``kcc_agent`` in KCC. Someone who appears only as owner or
  maker of a commitment or with time entries gets ``kcc_agent`` in KCC. Roles implied by later lines are added;
- the dossier gets a ``casemanager`` assignment since its opening; a pilot enrolment is ``manual`` with the reason
  "Geïmporteerd", assigned at the dossier's opening (the caseload cap and service checks of live enrolment do not
  apply to history);
- a commitment's service is its owner's first service; ``closed_by`` is the owner; a handoff's decision is by its
  receiver (cancelled: by its sender); an escalation's assignee is who answered it, else the dossier's current
  accountmanager of that service; its status is ``answered`` exactly when it has an answer, and ``within_norm`` is
  answered at or before ``due_at``;
- a contact's ``topic`` is found by code (a deactivated topic too: a file carries history) and each of its
  ``transfer_attempts`` by service code and department name; its ``representative`` is the person linked to the
  line's client under the same name, organisation and phone (``client.representatives`` must list it); a dossier's
  ``external_refs`` are stored as its references of other systems. Lines without these keys (older files) import
  as contacts without topic, attempts or representative and dossiers without references;
- a time entry is priced with the employee's role on the dossier (``pilots.rules.role_on_dossier``) and registered
  by the employee; survey responses share one ``import_batch`` id and are entered by the importing user.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog
from casemgmt.auth.models import User, UserRole, user_services
from casemgmt.auth.roles import Role
from casemgmt.clients.models import Client, ClientRepresentative, Representative
from casemgmt.clients.rules import (
    address_columns,
    new_pseudonym,
    normalise_name,
    normalise_phone,
    phone_digits,
    search_keys,
)
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.db import refresh_planner_statistics
from casemgmt.directory.models import Department, Service, Topic
from casemgmt.dossiers.involvement import insert_assignments
from casemgmt.dossiers.models import Dossier
from casemgmt.errors import DomainError, InvalidInput
from casemgmt.escalations.models import Escalation
from casemgmt.exchange.schema import LineError, ParsedLine, parse_line, path_of
from casemgmt.handoffs.models import Handoff
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
from casemgmt.pilots.rules import MANUAL, day_total_error, role_on_dossier
from casemgmt.references.models import ExternalReference
from casemgmt.references.rules import clean_external_refs
from casemgmt.surveys.importer import response_values
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from casemgmt.web.input_guard import unstorable_fields

BATCH_SIZE = 200
KCC = "KCC"
IMPORT_REASON = "Geïmporteerd"

Progress = Callable[[int], None]

RECORD_LABELS = {
    "commitments": "toezeggingen",
    "contacts": "klantcontacten",
    "enrolments": "pilotindelingen",
    "escalations": "escalaties",
    "handoffs": "overdrachten",
    "representatives": "vertegenwoordigers",
    "surveys": "enquêteantwoorden",
    "time_entries": "tijdregistraties",
    "transfer_attempts": "doorverbindpogingen",
    "external_refs": "kenmerken",
}


@dataclass
class ImportReport:
    lines: int = 0
    """Non-blank lines read."""
    dossiers: int = 0
    clients_created: int = 0
    clients_reused: int = 0
    users_created: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[LineError] = field(default_factory=list)
    batch: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def invalid_lines(self) -> int:
        return len({error.line for error in self.errors})

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.dossiers,
            "clients_created": self.clients_created,
            "clients_reused": self.clients_reused,
            "users_created": self.users_created,
            "records": dict(sorted(self.records.items())),
            "errors": [error.as_dict() for error in self.errors],
        }

    def summary(self) -> str:
        records = ", ".join(
            f"{count} {RECORD_LABELS.get(name, name)}" for name, count in sorted(self.records.items()) if count
        )
        users = f"; {len(self.users_created)} inactieve gebruiker(s) aangemaakt" if self.users_created else ""
        return (
            f"{self.dossiers} dossier(s) geïmporteerd ({self.clients_created} nieuwe en "
            f"{self.clients_reused} bestaande klant(en){'; ' + records if records else ''}){users}."
        )


class DossierImportRejected(DomainError):
    """A line was invalid: nothing may be written (the caller rolls back). Carries the full report."""

    status_code = 422

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            f"Niets geïmporteerd: {report.invalid_lines} ongeldige regel(s). Verbeter het bestand en importeer opnieuw."
        )
        self.report = report


@dataclass
class _Employee:
    id: int | None
    roles: set[str]
    services: list[str]
    """Service codes, in order of joining (the first one is an employee's "own" service)."""
    created: bool = False


def _client_key(parsed: ParsedLine) -> tuple[str, str]:
    """Who the line's client is: by BSN or KvK number; an unidentified client (no number) by its name and how to
    reach it, so the lines of one file that name the same caller share one new client (never an existing one: without
    a number there is nothing to match it by)."""
    if parsed.bsn:
        return ("bsn", parsed.bsn)
    if parsed.kvk:
        return ("kvk", parsed.kvk)
    c = parsed.data.client
    return ("unidentified", "\x1f".join((c.name, c.phone, c.email)))


@dataclass
class _Checked:
    """A valid line with everything it refers to resolved (ids filled in at write time for new users/clients)."""

    parsed: ParsedLine
    client_key: tuple[str, str]


# ------------------------------------------------------------------------------------------------ reading


async def lines_of(source: Iterable[bytes | str] | AsyncIterable[bytes | str]) -> AsyncIterator[bytes | str]:
    """Lines from a sync or async iterable, as they come."""
    if isinstance(source, AsyncIterable):
        async for line in source:
            yield line
    else:
        for line in source:
            yield line


async def split_lines(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """Split a byte stream (an HTTP body) on ``\\n`` only; the last line may lack its newline."""
    rest = b""
    async for chunk in chunks:
        if not chunk:
            continue
        rest += chunk
        *complete, rest = rest.split(b"\n")
        for line in complete:
            yield line
    if rest:
        yield rest


def _decode(raw: bytes | str, number: int) -> str | LineError:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return LineError(number, None, "Deze regel is geen geldige UTF-8-tekst.")
    if number == 1:
        raw = raw.removeprefix("\ufeff")
    return raw.rstrip("\r\n")


NOT_STORABLE = "Dit teken kan niet worden opgeslagen; verwijder het uit het bestand."
_ESCAPED_UNSTORABLE = re.compile(r"\\u(0000|d[89a-f][0-9a-f]{2})", re.IGNORECASE)
"""A JSON escape of NUL or of a UTF-16 surrogate (paired surrogates are fine; the decoded text tells)."""


def _unstorable(text: str, number: int) -> list[LineError]:
    """The errors of a line holding text no database can store (see the module docstring); none for most lines,
    which are not decoded here."""
    if "\x00" in text:
        return [LineError(number, None, f"Deze regel bevat een NUL-teken. {NOT_STORABLE}")]
    if not _ESCAPED_UNSTORABLE.search(text):
        return []
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return []  # parse_line reports what is wrong with it
    try:
        paths = sorted(set(unstorable_fields(value)))
    except InvalidInput as exc:
        return [LineError(number, None, error.message) for error in exc.errors]
    message = f"Bevat een NUL-teken of een ongeldig Unicode-teken (losse surrogaat). {NOT_STORABLE}"
    return [LineError(number, None if path == "body" else path_of(_dotted(path)), message) for path in paths]


def _dotted(path: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in path.split(".")]


def _implied(parsed: ParsedLine) -> list[tuple[str, str, str | None]]:
    """(e-mail, role, service code) for every employee the line names, per the module docstring."""
    d = parsed.data
    implied: list[tuple[str, str, str | None]] = [(d.casemanager, Role.CASEMANAGER, None)]

    def by_service(email: str, service: str) -> tuple[str, str, str | None]:
        code = service.upper()
        return (email, Role.KCC_AGENT, KCC) if code == KCC else (email, Role.ACCOUNTMANAGER, code)

    implied += [by_service(a.accountmanager, a.service) for a in d.assignments]
    implied += [by_service(c.employee, c.service) for c in d.contacts]
    for h in d.handoffs:
        implied.append(by_service(h.from_employee, h.from_service))
        if h.to_employee is not None:
            implied.append(by_service(h.to_employee, h.to_service))
    for e in d.escalations:
        implied.append((e.asked_by, Role.KCC_AGENT, KCC))
        if e.answered_by is not None:
            implied.append(by_service(e.answered_by, e.service))
    fallback = [c.owner for c in d.commitments if c.owner is not None] + [c.made_by for c in d.commitments]
    fallback += [t.employee for t in d.time_entries]
    implied += [(email, "", None) for email in fallback]
    return implied


def _employee_paths(parsed: ParsedLine) -> list[tuple[str, str]]:
    """(path, e-mail) of every employee reference in the line."""
    d = parsed.data
    refs = [("casemanager", d.casemanager)]
    refs += [(f"assignments[{i}].accountmanager", a.accountmanager) for i, a in enumerate(d.assignments)]
    refs += [(f"contacts[{i}].employee", c.employee) for i, c in enumerate(d.contacts)]
    for i, c in enumerate(d.commitments):
        if c.owner is not None:
            refs.append((f"commitments[{i}].owner", c.owner))
        refs.append((f"commitments[{i}].made_by", c.made_by))
    for i, h in enumerate(d.handoffs):
        refs.append((f"handoffs[{i}].from_employee", h.from_employee))
        if h.to_employee is not None:
            refs.append((f"handoffs[{i}].to_employee", h.to_employee))
    for i, e in enumerate(d.escalations):
        refs.append((f"escalations[{i}].asked_by", e.asked_by))
        if e.answered_by is not None:
            refs.append((f"escalations[{i}].answered_by", e.answered_by))
    refs += [(f"time_entries[{i}].employee", t.employee) for i, t in enumerate(d.time_entries)]
    return refs


def _service_paths(parsed: ParsedLine) -> list[tuple[str, str]]:
    d = parsed.data
    refs = [(f"assignments[{i}].service", a.service) for i, a in enumerate(d.assignments)]
    refs += [(f"contacts[{i}].service", c.service) for i, c in enumerate(d.contacts)]
    for i, h in enumerate(d.handoffs):
        refs += [(f"handoffs[{i}].from_service", h.from_service), (f"handoffs[{i}].to_service", h.to_service)]
    refs += [(f"escalations[{i}].service", e.service) for i, e in enumerate(d.escalations)]
    refs += [
        (f"contacts[{i}].transfer_attempts[{j}].service", a.service)
        for i, c in enumerate(d.contacts)
        for j, a in enumerate(c.transfer_attempts)
    ]
    refs += [
        (f"commitments[{i}].owner_service", c.owner_service)
        for i, c in enumerate(d.commitments)
        if c.owner_service is not None
    ]
    return refs


def _key(email: str) -> str:
    return email.strip().lower()


def _user_name(email: str) -> str:
    local = email.split("@", 1)[0]
    words = [word for word in local.replace("_", ".").replace("-", ".").split(".") if word]
    return " ".join(word[:1].upper() + word[1:] for word in words)[:200] or email[:200]


# ------------------------------------------------------------------------------------------------ the import


class DossierImporter:
    """One import of one file in the caller's transaction; see the module docstring."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        create_users: bool = False,
        actor_id: int | None = None,
        audit: AuditLog | None = None,
        source: str = "",
        progress: Progress | None = None,
        now: datetime | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.session = session
        self.create_users = create_users
        self.actor_id = actor_id
        self.audit = audit
        self.source = source
        self.progress = progress
        self.now = now or datetime.now(UTC)
        self.batch_size = batch_size
        self.report = ImportReport()
        self.services: dict[str, int] = {}
        self.topics: dict[str, int] = {}
        """Topic code → id (deactivated topics too: a file carries history)."""
        self.departments: dict[tuple[int, str], int] = {}
        """(service id, department name) → id (deactivated ones too)."""
        self.employees: dict[str, _Employee] = {}
        self.pilots: dict[str, int] = {}
        self.refs_seen: dict[str, int] = {}
        self.respondents_seen: dict[str, int] = {}
        self.clients: dict[tuple[str, str], int] = {}
        """(kind of number, number) → client id, for clients found or created during this import."""
        self.acting_for: dict[tuple[int, str, str, str], int] = {}
        """(client id, name, organisation, phone) → the representative (person) linked to the client, per batch."""
        self.day_minutes: dict[tuple[str, date], int] = defaultdict(int)
        """(e-mail, date) → minutes of time entries in the file so far."""

    @property
    def writing(self) -> bool:
        return not self.report.errors

    async def run(self, lines: Iterable[bytes | str] | AsyncIterable[bytes | str]) -> ImportReport:
        await self._load_maps()
        pending: list[ParsedLine] = []
        number = 0
        async for raw in lines_of(lines):
            number += 1
            text = _decode(raw, number)
            if isinstance(text, LineError):
                self.report.lines += 1
                self.report.errors.append(text)
                continue
            if not text.strip():
                continue
            self.report.lines += 1
            if unstorable := _unstorable(text, number):
                self.report.errors.extend(unstorable)
                continue
            parsed = parse_line(text, number, self.now)
            if isinstance(parsed, list):
                self.report.errors.extend(parsed)
                continue
            pending.append(parsed)
            if len(pending) >= self.batch_size:
                await self._batch(pending)
                pending = []
                if self.progress:
                    self.progress(number)
        if pending:
            await self._batch(pending)
        if self.progress:
            self.progress(number)
        self.report.errors.sort(key=lambda error: error.line)
        if self.report.errors:
            raise DossierImportRejected(self.report)
        if self.report.lines == 0:
            self.report.errors.append(LineError(1, None, "Het bestand bevat geen dossiers."))
            raise DossierImportRejected(self.report)
        await refresh_planner_statistics(self.session)
        if self.audit is not None:
            self.audit.record(
                Action.IMPORT,
                "dossiers",
                self.report.batch,
                detail=f"Dossierimport{' uit ' + self.source if self.source else ''}: {self.report.summary()}",
            )
        return self.report

    async def _load_maps(self) -> None:
        s = self.session
        self.services = {code.upper(): sid for sid, code in (await s.execute(select(Service.id, Service.code))).all()}
        self.pilots = {slug: pid for pid, slug in (await s.execute(select(Pilot.id, Pilot.slug))).all()}
        self.topics = {code: tid for tid, code in (await s.execute(select(Topic.id, Topic.code))).all()}
        self.departments = {
            (service_id, name): did
            for did, service_id, name in (
                await s.execute(select(Department.id, Department.service_id, Department.name))
            ).all()
        }
        roles: dict[int, set[str]] = defaultdict(set)
        for user_id, role in await s.execute(select(UserRole.user_id, UserRole.role)):
            roles[user_id].add(role)
        codes = {sid: code for code, sid in self.services.items()}
        services: dict[int, list[str]] = defaultdict(list)
        for user_id, service_id in await s.execute(
            select(user_services.c.user_id, user_services.c.service_id).order_by(
                user_services.c.user_id, user_services.c.service_id
            )
        ):
            services[user_id].append(codes[service_id])
        for user_id, email in await s.execute(select(User.id, User.email)):
            self.employees[_key(email)] = _Employee(user_id, roles[user_id], services[user_id])

    # -------------------------------------------------------------------------------------------- checking

    async def _batch(self, batch: list[ParsedLine]) -> None:
        s = self.session
        refs = [p.data.ref for p in batch]
        existing_refs = set((await s.scalars(select(Dossier.ref).where(Dossier.ref.in_(refs)))).all())
        respondent_ids = [row.respondent_id for p in batch for row in p.surveys]
        existing_respondents = (
            set(
                (
                    await s.scalars(
                        select(SurveyResponse.respondent_id).where(SurveyResponse.respondent_id.in_(respondent_ids))
                    )
                ).all()
            )
            if respondent_ids
            else set()
        )
        await self._known_clients(batch)
        registered = await self._registered_minutes(batch)

        checked: list[_Checked] = []
        for parsed in batch:
            errors = self._check(parsed, existing_refs, existing_respondents, registered)
            if errors:
                self.report.errors.extend(errors)
                continue
            checked.append(_Checked(parsed, _client_key(parsed)))
        if self.writing and checked:
            await self._write(checked)

    def _check(
        self,
        parsed: ParsedLine,
        existing_refs: set[str],
        existing_respondents: set[str],
        registered: dict[tuple[int, date], int],
    ) -> list[LineError]:
        d, line = parsed.data, parsed.line
        errors: list[LineError] = []

        def error(path: str, message: str) -> None:
            errors.append(LineError(line, path, message))

        if d.ref in existing_refs:
            error("ref", f"Dossier {d.ref} bestaat al; een bestaande referentie wordt niet overschreven.")
        elif d.ref in self.refs_seen:
            error("ref", f"Dossier {d.ref} staat al op regel {self.refs_seen[d.ref]}.")
        else:
            self.refs_seen[d.ref] = line
        for path, code in _service_paths(parsed):
            if code.upper() not in self.services:
                error(path, f"Onbekende dienst '{code}'; bekende diensten: {', '.join(sorted(self.services))}.")
        unknown: dict[str, list[str]] = {}
        for path, email in _employee_paths(parsed):
            if _key(email) not in self.employees:
                unknown.setdefault(_key(email), []).append(path)
        if not self.create_users:
            for email, paths in unknown.items():
                elsewhere = f" (ook in {len(paths) - 1} andere veld(en) van deze regel)" if len(paths) > 1 else ""
                error(
                    paths[0],
                    f"Onbekende medewerker '{email}'{elsewhere}; maak het account eerst aan of gebruik --create-users.",
                )
        for i, c in enumerate(d.contacts):
            if c.topic is not None and c.topic not in self.topics:
                error(
                    f"contacts[{i}].topic",
                    f"Onbekend onderwerp '{c.topic}'; laad de onderwerpen eerst (casemgmt topics load) of voeg het "
                    "toe onder Beheer > Onderwerpen.",
                )
            for j, a in enumerate(c.transfer_attempts):
                service_id = self.services.get(a.service.upper())
                if a.department is not None and service_id is not None:
                    if (service_id, a.department) not in self.departments:
                        error(
                            f"contacts[{i}].transfer_attempts[{j}].department",
                            f"Dienst {a.service.upper()} heeft geen afdeling '{a.department}'; laad de afdelingen "
                            "eerst (casemgmt departments load) of voeg haar toe onder Beheer > Afdelingen.",
                        )
        if d.pilot is not None and d.pilot not in self.pilots:
            error("pilot", f"Onbekende pilot '{d.pilot}'; laad de pilot eerst (casemgmt pilots load).")
        for i, row in enumerate(parsed.surveys):
            path = f"surveys[{i}].respondent_id"
            if row.respondent_id in existing_respondents:
                error(path, f"Respondentnummer '{row.respondent_id}' staat al in de database.")
            elif row.respondent_id in self.respondents_seen:
                first = self.respondents_seen[row.respondent_id]
                error(path, f"Respondentnummer '{row.respondent_id}' komt al voor op regel {first}.")
        if errors:
            return errors
        # time per employee per day: what is registered already plus the file so far
        adding: dict[tuple[str, date], int] = defaultdict(int)
        for i, t in enumerate(d.time_entries):
            key = (_key(t.employee), t.date)
            employee = self.employees.get(key[0])
            already = self.day_minutes[key] + adding[key]
            if employee is not None and employee.id is not None:
                already += registered.get((employee.id, t.date), 0)
            problem = day_total_error(already=already, adding=t.minutes, entry_date=t.date)
            if problem is not None:
                error(f"time_entries[{i}].minutes", problem.message)
            adding[key] += t.minutes
        if errors:
            return errors
        for key, minutes in adding.items():
            self.day_minutes[key] += minutes
        for row in parsed.surveys:
            self.respondents_seen[row.respondent_id] = line
        for email in unknown:
            self.employees[email] = _Employee(None, set(), [], created=True)
        if self.create_users:
            self._imply_roles(parsed)
        return errors

    def _imply_roles(self, parsed: ParsedLine) -> None:
        for email, role, service in _implied(parsed):
            employee = self.employees[_key(email)]
            if not employee.created:
                continue
            if role:
                employee.roles.add(role)
            if service and service not in employee.services:
                employee.services.append(service)
        for email, role, _service in _implied(parsed):
            employee = self.employees[_key(email)]
            if employee.created and not role and not employee.roles:
                employee.roles.add(Role.KCC_AGENT)
                if KCC not in employee.services:
                    employee.services.append(KCC)

    async def _known_clients(self, batch: list[ParsedLine]) -> None:
        bsns = [p.bsn for p in batch if p.bsn and ("bsn", p.bsn) not in self.clients]
        kvks = [p.kvk for p in batch if p.kvk and ("kvk", p.kvk) not in self.clients]
        if bsns:
            for client_id, bsn in await self.session.execute(select(Client.id, Client.bsn).where(Client.bsn.in_(bsns))):
                self.clients[("bsn", bsn)] = client_id
        if kvks:
            for client_id, kvk in await self.session.execute(select(Client.id, Client.kvk).where(Client.kvk.in_(kvks))):
                self.clients[("kvk", kvk)] = client_id

    async def _registered_minutes(self, batch: list[ParsedLine]) -> dict[tuple[int, date], int]:
        pairs = {
            (employee.id, t.date)
            for p in batch
            for t in p.data.time_entries
            if (employee := self.employees.get(_key(t.employee))) is not None and employee.id is not None
        }
        if not pairs:
            return {}
        ids = sorted({pair[0] for pair in pairs})
        dates = sorted({pair[1] for pair in pairs})
        rows = await self.session.execute(
            select(TimeEntry.employee_id, TimeEntry.entry_date, func.sum(TimeEntry.minutes))
            .where(TimeEntry.employee_id.in_(ids), TimeEntry.entry_date.in_(dates))
            .group_by(TimeEntry.employee_id, TimeEntry.entry_date)
        )
        return {(user_id, day_): int(total) for user_id, day_, total in rows if (user_id, day_) in pairs}

    # -------------------------------------------------------------------------------------------- writing

    async def _write(self, batch: list[_Checked]) -> None:
        await self._write_users()
        await self._write_clients(batch)
        dossier_ids = await self._write_dossiers(batch)
        self.acting_for = await self._acting_for(batch)
        await self._write_children(batch, dossier_ids)
        self.report.dossiers += len(batch)

    async def _write_users(self) -> None:
        s = self.session
        new = [email for email, e in self.employees.items() if e.created and e.id is None]
        if new:
            result = await s.execute(
                insert(User).returning(User.id, User.email),
                [
                    {
                        "email": email,
                        "name": _user_name(email),
                        "phone": "",
                        "password_hash": None,
                        "is_active": False,
                        "max_caseload": None,
                    }
                    for email in new
                ],
            )
            for user_id, email in result.all():
                self.employees[email].id = user_id
            self.report.users_created.extend(new)
        # roles and services of created users (new ones, and roles implied by later lines)
        have_roles: dict[int, set[str]] = defaultdict(set)
        have_services: dict[int, set[int]] = defaultdict(set)
        created = {e.id: e for e in self.employees.values() if e.created and e.id is not None}
        if not created:
            return
        for user_id, role in await s.execute(
            select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(created))
        ):
            have_roles[user_id].add(role)
        for user_id, service_id in await s.execute(
            select(user_services.c.user_id, user_services.c.service_id).where(user_services.c.user_id.in_(created))
        ):
            have_services[user_id].add(service_id)
        roles = [
            {"user_id": user_id, "role": role}
            for user_id, e in created.items()
            for role in sorted(e.roles)
            if role not in have_roles[user_id]
        ]
        services = [
            {"user_id": user_id, "service_id": self.services[code]}
            for user_id, e in created.items()
            for code in e.services
            if self.services[code] not in have_services[user_id]
        ]
        if roles:
            await s.execute(insert(UserRole), roles)
        if services:
            await s.execute(insert(user_services), services)

    async def _write_clients(self, batch: list[_Checked]) -> None:
        s = self.session
        new: dict[tuple[str, str], ParsedLine] = {}
        for item in batch:
            if item.client_key in self.clients:
                self.report.clients_reused += 1
            elif item.client_key not in new:
                new[item.client_key] = item.parsed
            else:
                self.report.clients_reused += 1
        if new:
            rows, keys = [], {}
            for client_key, parsed in new.items():
                c = parsed.data.client
                keys[pseudonym := new_pseudonym()] = client_key
                rows.append(
                    {
                        "kind": c.kind,
                        "bsn": parsed.bsn,
                        "kvk": parsed.kvk,
                        "name": c.name,
                        **search_keys(c.name),
                        "phone": normalise_phone(c.phone) or c.phone,
                        "email": c.email,
                        **address_columns(c.address_parts()),
                        "pseudonym": pseudonym,
                        "created_by_id": self.actor_id,
                    }
                )
            result = await s.execute(insert(Client).returning(Client.id, Client.pseudonym), rows)
            for client_id, pseudonym in result.all():
                self.clients[keys[pseudonym]] = client_id
            self.report.clients_created += len(new)
        # representatives the client does not have yet (same name, organisation and start); a person already known
        # by name, organisation and phone is linked rather than created again
        client_ids = sorted({self.clients[item.client_key] for item in batch})
        have = {
            (client_id, name, organisation, valid_from)
            for client_id, name, organisation, valid_from in await s.execute(
                select(
                    ClientRepresentative.client_id,
                    Representative.name,
                    Representative.organisation,
                    ClientRepresentative.valid_from,
                )
                .join(Representative, Representative.id == ClientRepresentative.representative_id)
                .where(ClientRepresentative.client_id.in_(client_ids))
            )
        }
        wanted = []
        for item in batch:
            client_id = self.clients[item.client_key]
            for r in item.parsed.data.client.representatives:
                key = (client_id, r.name, r.organisation, r.valid_from)
                if key in have:
                    continue
                have.add(key)
                wanted.append((client_id, r))
        if not wanted:
            return
        people: dict[tuple[str, str, str], int] = {}
        names = sorted({r.name for _, r in wanted})
        for start in range(0, len(names), 500):
            for person_id, name, organisation, phone in await s.execute(
                select(Representative.id, Representative.name, Representative.organisation, Representative.phone)
                .where(Representative.name.in_(names[start : start + 500]))
                .order_by(Representative.id.desc())  # the oldest wins when the same person is stored twice
            ):
                people[(name, organisation, phone)] = person_id
        new_people: dict[tuple[str, str, str], dict[str, Any]] = {}
        for _, r in wanted:
            person = (r.name, r.organisation, r.phone)
            if person not in people and person not in new_people:
                new_people[person] = {
                    "name": r.name,
                    "name_normalised": normalise_name(r.name),
                    "organisation": r.organisation,
                    "phone": r.phone,
                    "phone_digits": phone_digits(r.phone),
                    "email": r.email,
                    "created_by_id": self.actor_id,
                }
        if new_people:
            inserted = await s.execute(
                insert(Representative).returning(
                    Representative.id, Representative.name, Representative.organisation, Representative.phone
                ),
                list(new_people.values()),
            )
            for person_id, name, organisation, phone in inserted.all():
                people[(name, organisation, phone)] = person_id
        links = [
            {
                "client_id": client_id,
                "representative_id": people[(r.name, r.organisation, r.phone)],
                "relation": r.relation,
                "valid_from": r.valid_from,
                "valid_until": r.valid_until,
                "created_by_id": self.actor_id,
            }
            for client_id, r in wanted
        ]
        await s.execute(insert(ClientRepresentative), links)
        self.report.records["representatives"] += len(links)

    async def _acting_for(self, batch: list[_Checked]) -> dict[tuple[int, str, str, str], int]:
        """The persons linked to the batch's clients that its contacts name (one query; the oldest person wins when
        the same one is stored twice)."""
        if not any(c.representative for item in batch for c in item.parsed.data.contacts):
            return {}
        client_ids = sorted({self.clients[item.client_key] for item in batch})
        found: dict[tuple[int, str, str, str], int] = {}
        for client_id, person_id, name, organisation, phone in await self.session.execute(
            select(
                ClientRepresentative.client_id,
                Representative.id,
                Representative.name,
                Representative.organisation,
                Representative.phone,
            )
            .join(Representative, Representative.id == ClientRepresentative.representative_id)
            .where(ClientRepresentative.client_id.in_(client_ids))
            .order_by(Representative.id.desc())
        ):
            found[(client_id, name, organisation, phone)] = person_id
        return found

    def _id(self, email: str) -> int:
        employee_id = self.employees[_key(email)].id
        assert employee_id is not None
        return employee_id

    async def _write_dossiers(self, batch: list[_Checked]) -> dict[str, int]:
        rows = [
            {
                "ref": item.parsed.data.ref,
                "client_id": self.clients[item.client_key],
                "subject": item.parsed.data.subject,
                "status": item.parsed.data.status,
                "outcome": item.parsed.data.outcome,
                "opened_at": item.parsed.data.opened_at,
                "closed_at": item.parsed.data.closed_at,
                "casemanager_id": self._id(item.parsed.data.casemanager),
                "version": 1,
            }
            for item in batch
        ]
        result = await self.session.execute(insert(Dossier).returning(Dossier.id, Dossier.ref), rows)
        return {ref: dossier_id for dossier_id, ref in result.all()}

    async def _write_children(self, batch: list[_Checked], dossier_ids: dict[str, int]) -> None:
        tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        surveys: list[tuple[dict[str, Any], tuple[str, ...]]] = []
        attempts: list[list[dict[str, Any]]] = []
        """Per row of ``tables["contacts"]``, its transfer attempts (without the contact's id, known once inserted)."""
        for item in batch:
            d = item.parsed.data
            dossier_id = dossier_ids[d.ref]
            client_id = self.clients[item.client_key]
            casemanager_id = self._id(d.casemanager)
            tables["assignments"].append(
                {
                    "dossier_id": dossier_id,
                    "role": Role.CASEMANAGER.value,
                    "service_id": None,
                    "user_id": casemanager_id,
                    "since": d.opened_at,
                    "until": None,
                    "assigned_by_id": self.actor_id,
                    "reason": IMPORT_REASON,
                }
            )
            accountmanagers = set()
            current: dict[str, int] = {}
            for a in d.assignments:
                user_id = self._id(a.accountmanager)
                accountmanagers.add(user_id)
                if a.until is None:
                    current[a.service.upper()] = user_id
                tables["assignments"].append(
                    {
                        "dossier_id": dossier_id,
                        "role": Role.ACCOUNTMANAGER.value,
                        "service_id": self.services[a.service.upper()],
                        "user_id": user_id,
                        "since": a.since,
                        "until": a.until,
                        "assigned_by_id": self.actor_id,
                        "reason": a.reason,
                    }
                )
            if d.pilot is not None:
                tables["enrolments"].append(
                    {
                        "dossier_id": dossier_id,
                        "pilot_id": self.pilots[d.pilot],
                        "cohort": d.cohort,
                        "method": MANUAL,
                        "reason": IMPORT_REASON,
                        "assigned_by_id": self.actor_id,
                        "assigned_at": d.opened_at,
                    }
                )
            for c in d.contacts:
                rep = c.representative
                tables["contacts"].append(
                    {
                        "client_id": client_id,
                        "dossier_id": dossier_id,
                        "channel": c.channel,
                        "direction": c.direction,
                        "service_id": self.services[c.service.upper()],
                        "employee_id": self._id(c.employee),
                        "occurred_at": c.occurred_at,
                        "outcome": c.outcome,
                        "transfers": c.transfers,
                        "summary": c.summary,
                        "subject": "",
                        "topic_id": self.topics[c.topic] if c.topic is not None else None,
                        "representative_id": (
                            self.acting_for[(client_id, rep.name, rep.organisation, rep.phone)] if rep else None
                        ),
                    }
                )
                attempts.append(
                    [
                        {
                            "position": position,
                            "service_id": (service_id := self.services[a.service.upper()]),
                            "department_id": (
                                self.departments[(service_id, a.department)] if a.department is not None else None
                            ),
                            "connected": a.connected,
                        }
                        for position, a in enumerate(c.transfer_attempts, start=1)
                    ]
                )
            refs, _problems = clean_external_refs(d.external_refs, record_type="dossier")
            tables["external_refs"] += [{"record_type": "dossier", "record_id": dossier_id, "ref": ref} for ref in refs]
            for commitment in d.commitments:
                owner = self.employees[_key(commitment.owner)] if commitment.owner is not None else None
                team = self.services[commitment.owner_service.upper()] if commitment.owner_service else None
                maker = self._id(commitment.made_by)
                tables["commitments"].append(
                    {
                        "client_id": client_id,
                        "dossier_id": dossier_id,
                        "kind": commitment.kind,
                        "description": commitment.description,
                        "owner_id": owner.id if owner else None,
                        "owner_service_id": team,
                        "service_id": team or (self.services[owner.services[0]] if owner and owner.services else None),
                        "made_by_id": maker,
                        "made_at": commitment.made_at,
                        "due_at": commitment.due_at,
                        "first_due_at": commitment.first_due_at or commitment.due_at,
                        "status": commitment.status,
                        "closed_at": commitment.closed_at,
                        "closed_by_id": (owner.id if owner else maker) if commitment.closed_at is not None else None,
                        "kept_on_time": commitment.kept_on_time,
                        "note": commitment.note,
                    }
                )
            for h in d.handoffs:
                from_id = self._id(h.from_employee)
                to_id = self._id(h.to_employee) if h.to_employee is not None else None
                decided_by = None
                if h.status in ("accepted", "declined"):
                    decided_by = to_id
                elif h.status == "cancelled":
                    decided_by = from_id
                tables["handoffs"].append(
                    {
                        "dossier_id": dossier_id,
                        "from_employee_id": from_id,
                        "from_service_id": self.services[h.from_service.upper()],
                        "to_service_id": self.services[h.to_service.upper()],
                        "to_employee_id": to_id,
                        "reason": h.reason,
                        "context": h.context,
                        "requested_at": h.requested_at,
                        "status": h.status,
                        "decided_at": h.decided_at,
                        "decided_by_id": decided_by,
                        "decision_reason": h.decision_reason,
                    }
                )
            for e in d.escalations:
                answered_by = self._id(e.answered_by) if e.answered_by is not None else None
                tables["escalations"].append(
                    {
                        "service_id": self.services[e.service.upper()],
                        "question": e.question,
                        "client_id": client_id,
                        "dossier_id": dossier_id,
                        "asked_by_id": self._id(e.asked_by),
                        "asked_at": e.asked_at,
                        "due_at": e.due_at,
                        "assignee_id": answered_by if answered_by is not None else current.get(e.service.upper()),
                        "status": "answered" if e.answered_at is not None else "open",
                        "answer": e.answer,
                        "answered_by_id": answered_by,
                        "answered_at": e.answered_at,
                        "within_norm": (e.answered_at <= e.due_at) if e.answered_at is not None else None,
                        "reusable": e.reusable,
                    }
                )
            for t in d.time_entries:
                employee = self.employees[_key(t.employee)]
                assert employee.id is not None
                tables["time_entries"].append(
                    {
                        "dossier_id": dossier_id,
                        "employee_id": employee.id,
                        "role": role_on_dossier(
                            was_casemanager=employee.id == casemanager_id,
                            was_accountmanager=employee.id in accountmanagers,
                            roles=employee.roles or {Role.KCC_AGENT.value},
                        ),
                        "entry_date": t.date,
                        "minutes": t.minutes,
                        "activity": t.activity,
                        "registered_by_id": employee.id,
                    }
                )
            for row in item.parsed.surveys:
                surveys.append(
                    (
                        {
                            **response_values(row, dossier_id),
                            "imported_at": self.now,
                            "import_batch": self.report.batch,
                            "entered_by_id": self.actor_id,
                        },
                        row.reasons,
                    )
                )
        s = self.session
        await insert_assignments(s, tables.get("assignments", []))
        contacts = tables.get("contacts")
        if contacts:
            inserted = await s.execute(insert(Contact).returning(Contact.id, sort_by_parameter_order=True), contacts)
            for contact_id, tried in zip(inserted.scalars().all(), attempts, strict=True):
                tables["transfer_attempts"] += [{**row, "contact_id": contact_id} for row in tried]
            self.report.records["contacts"] += len(contacts)
        for name, model in (
            ("enrolments", PilotEnrolment),
            ("transfer_attempts", ContactTransfer),
            ("external_refs", ExternalReference),
            ("commitments", Commitment),
            ("handoffs", Handoff),
            ("escalations", Escalation),
            ("time_entries", TimeEntry),
        ):
            rows = tables.get(name)
            if rows:
                await s.execute(insert(model), rows)
                self.report.records[name] += len(rows)
        if surveys:
            result = await s.execute(
                insert(SurveyResponse).returning(SurveyResponse.id, SurveyResponse.respondent_id),
                [values for values, _reasons in surveys],
            )
            ids = {respondent_id: response_id for response_id, respondent_id in result.all()}
            reasons = [
                {"response_id": ids[values["respondent_id"]], "code": code}
                for values, codes in surveys
                for code in codes
            ]
            if reasons:
                await s.execute(insert(survey_reasons), reasons)
            self.report.records["surveys"] += len(surveys)


async def import_dossiers(
    session: AsyncSession,
    lines: Iterable[bytes | str] | AsyncIterable[bytes | str],
    **options: Any,
) -> ImportReport:
    """Import JSON Lines (see ``DossierImporter``; ``options`` are its keyword arguments). Raises
    ``DossierImportRejected`` on any invalid line; the caller must then roll back."""
    return await DossierImporter(session, **options).run(lines)
