"""The dossier line contract of issue 6 (JSON Lines, one dossier per line) as pydantic models, and the rules a line
must satisfy on its own (without the database).

A line is validated with ``parse_line(text, now)``: strict JSON typing (``"3"`` is not a number, ``"true"`` not a
boolean), every moment an ISO 8601 string *with* an offset (``AwareDatetime``; a moment without one is an error),
dates as ``jjjj-mm-dd``, the enumerations of the domain rules, unknown keys refused. Then the cross-field rules of
each record: a closed dossier has an outcome and a closing moment (and only then), commitment statuses agree with
``kept_on_time`` (true exactly when fulfilled at or before the due moment), handoff decisions agree with their
status, an escalation's answer comes with who answered and when, no moment lies in the future, the BSN passes the
11-proof (``clients/rules.py``), an unidentified client (``kind`` ``unidentified``, issue 12) has neither BSN nor
KvK number but a phone number or e-mail address, at most one current accountmanager per service. Survey entries are
checked with the survey contract of issue 5 (``surveys/csv_format.survey_row_from_json``).

Every problem is a ``LineError(line, path, message)``: ``path`` names the field the way one would address it in the
JSON (``contacts[3].occurred_at``: the fourth contact, arrays counted from 0 as in JSON tools such as jq), or is
None for the line as a whole (malformed JSON); ``message`` is Dutch. What needs the database (unknown service,
employee or pilot, an existing reference, a respondent id already used) is checked by ``importer.py``.

Writing goes the other way through the same key order: ``export.py`` builds the dicts, ``dump_line`` turns one into
compact JSON (UTF-8, not ASCII-escaped) so that export → import → export gives byte-identical lines.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

import msgspec
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from casemgmt.clients.rules import (
    BSN_MESSAGE,
    KVK_MESSAGE,
    MAX_ADDITION,
    MAX_ADDRESS,
    MAX_CITY,
    MAX_HOUSE_NUMBER,
    POSTCODE_MESSAGE,
    UNIDENTIFIED,
    Address,
    normalise_bsn,
    normalise_kvk,
    normalise_postcode,
    parse_address_text,
)
from casemgmt.commitments.rules import MAX_DESCRIPTION, MAX_NOTE, CommitmentKind, CommitmentStatus
from casemgmt.contacts.rules import CHANNELS, DIRECTIONS, SUMMARY_MAX, TRANSFERS_MAX, TransferAttempt, check_transfers
from casemgmt.contacts.rules import OUTCOMES as CONTACT_OUTCOMES
from casemgmt.directory.calendar import local_date
from casemgmt.dossiers.rules import CLOSED, OUTCOMES, REASON_MAX, STATUSES, SUBJECT_MAX
from casemgmt.handoffs.rules import MAX_CONTEXT_LENGTH, MAX_REASON_LENGTH, MIN_CONTEXT_LENGTH, HandoffStatus
from casemgmt.pilots.rules import ACTIVITIES, COHORTS, MINUTES_PER_DAY
from casemgmt.references.rules import clean_external_refs
from casemgmt.surveys.csv_format import ParsedRow, survey_row_from_json

REF_PATTERN = r"^D-\d{4}-\d{5}$"
TEXT_MAX = 4000

Email = Annotated[str, Field(min_length=3, max_length=254)]
Moment = AwareDatetime
Text = Annotated[str, Field(max_length=TEXT_MAX)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
ServiceCode = Annotated[str, Field(min_length=1, max_length=10)]

ClientKind = Literal["person", "organisation", "unidentified"]
DossierStatus = Literal[STATUSES]  # type: ignore[valid-type]
DossierOutcome = Literal[OUTCOMES]  # type: ignore[valid-type]
Channel = Literal[CHANNELS]  # type: ignore[valid-type]
Direction = Literal[DIRECTIONS]  # type: ignore[valid-type]
ContactOutcome = Literal[CONTACT_OUTCOMES]  # type: ignore[valid-type]
if TYPE_CHECKING:  # the values come from the rules at run time; to the type checker they are strings
    CommitmentKindName: TypeAlias = str
    CommitmentStatusName: TypeAlias = str
    HandoffStatusName: TypeAlias = str
    CohortName: TypeAlias = str
    Activity: TypeAlias = str
else:
    CommitmentKindName = Literal[tuple(kind.value for kind in CommitmentKind)]
    CommitmentStatusName = Literal[tuple(status.value for status in CommitmentStatus)]
    HandoffStatusName = Literal[tuple(status.value for status in HandoffStatus)]
    CohortName = Literal[tuple(COHORTS)]
    Activity = Literal[tuple(ACTIVITIES)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RepresentativeLine(_Part):
    name: Name
    organisation: Annotated[str, Field(max_length=200)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    email: Annotated[str, Field(max_length=254)] = ""
    relation: Annotated[str, Field(max_length=200)] = ""
    valid_from: date
    valid_until: date | None = None


class AddressLine(_Part):
    """The client's address in parts, as the API gives it (``postcode`` normalised, ``2511AB``)."""

    street: Annotated[str, Field(max_length=MAX_ADDRESS)] = ""
    house_number: Annotated[int, Field(ge=1, le=MAX_HOUSE_NUMBER)] | None = None
    addition: Annotated[str, Field(max_length=MAX_ADDITION)] = ""
    postcode: Annotated[str, Field(max_length=6)] = ""
    city: Annotated[str, Field(max_length=MAX_CITY)] = ""


class ClientLine(_Part):
    kind: ClientKind
    bsn: str | None = None
    kvk: str | None = None
    name: Name
    phone: Annotated[str, Field(max_length=40)] = ""
    email: Annotated[str, Field(max_length=254)] = ""
    address: AddressLine | Annotated[str, Field(max_length=MAX_ADDRESS)] = AddressLine()
    """The address in parts; a file written before December 2026 has it as one text, read as the migration of
    the stored addresses reads it (``clients.rules.parse_address_text``)."""
    representatives: list[RepresentativeLine] = []

    def address_parts(self) -> Address:
        if isinstance(self.address, str):
            return parse_address_text(self.address)
        a = self.address
        return Address(a.street, a.house_number, a.addition, a.postcode, a.city)


class AssignmentLine(_Part):
    service: ServiceCode
    accountmanager: Email
    since: Moment
    until: Moment | None = None
    reason: Annotated[str, Field(max_length=REASON_MAX)] = ""


class TransferAttemptLine(_Part):
    """One attempt to transfer the caller: to a service (code) and, optionally, one of its departments (by name)."""

    service: ServiceCode
    department: Name | None = None
    connected: bool


class ContactRepresentativeLine(_Part):
    """Who acted for the client in the contact: one of the line's ``client.representatives``, named by the same name,
    organisation and phone (the person's identity in the file)."""

    name: Name
    organisation: Annotated[str, Field(max_length=200)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""


class ContactLine(_Part):
    occurred_at: Moment
    channel: Channel
    direction: Direction
    service: ServiceCode
    employee: Email
    outcome: ContactOutcome
    transfers: Annotated[int, Field(ge=0, le=TRANSFERS_MAX)]
    summary: Annotated[str, Field(min_length=1, max_length=SUMMARY_MAX)]
    topic: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    """The topic's code (issue 13); absent or null in older files and for contacts without one."""
    transfer_attempts: Annotated[list[TransferAttemptLine], Field(max_length=TRANSFERS_MAX)] = []
    """Each attempt to transfer the caller, in order; when given, ``transfers`` is their number."""
    representative: ContactRepresentativeLine | None = None


class CommitmentLine(_Part):
    kind: CommitmentKindName
    description: Annotated[str, Field(min_length=1, max_length=MAX_DESCRIPTION)]
    owner: Email | None = None
    """The person who keeps it; or ``owner_service`` for a team's promise (exactly one of the two)."""
    made_by: Email
    made_at: Moment
    due_at: Moment
    status: CommitmentStatusName
    closed_at: Moment | None = None
    kept_on_time: bool | None = None
    note: Annotated[str, Field(max_length=MAX_NOTE)] = ""
    owner_service: ServiceCode | None = None
    first_due_at: Moment | None = None
    """The due moment first promised, when it was rescheduled (absent: ``due_at``)."""

    @model_validator(mode="after")
    def _one_owner(self) -> CommitmentLine:
        if (self.owner is None) == (self.owner_service is None):
            raise ValueError("geef óf owner (een medewerker) óf owner_service (een team)")
        return self


class HandoffLine(_Part):
    from_service: ServiceCode
    from_employee: Email
    to_service: ServiceCode
    to_employee: Email | None = None
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON_LENGTH)]
    context: Annotated[str, Field(max_length=MAX_CONTEXT_LENGTH)]
    requested_at: Moment
    status: HandoffStatusName
    decided_at: Moment | None = None
    decision_reason: Annotated[str, Field(max_length=MAX_REASON_LENGTH)] = ""


class EscalationLine(_Part):
    service: ServiceCode
    question: Annotated[str, Field(min_length=1, max_length=TEXT_MAX)]
    asked_by: Email
    asked_at: Moment
    due_at: Moment
    answer: Text = ""
    answered_by: Email | None = None
    answered_at: Moment | None = None
    reusable: bool = False


class TimeEntryLine(_Part):
    employee: Email
    date: date
    minutes: Annotated[int, Field(ge=1, le=MINUTES_PER_DAY)]
    activity: Activity


class DossierLine(_Part):
    ref: Annotated[str, Field(pattern=REF_PATTERN)]
    subject: Annotated[str, Field(min_length=1, max_length=SUBJECT_MAX)]
    external_refs: list[Annotated[str, Field(max_length=200)]] = []
    """References of other systems (``references.rules``); absent in older files."""
    status: DossierStatus
    outcome: DossierOutcome | None = None
    opened_at: Moment
    closed_at: Moment | None = None
    client: ClientLine
    casemanager: Email
    assignments: list[AssignmentLine] = []
    pilot: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    cohort: CohortName | None = None
    contacts: list[ContactLine] = []
    commitments: list[CommitmentLine] = []
    handoffs: list[HandoffLine] = []
    escalations: list[EscalationLine] = []
    time_entries: list[TimeEntryLine] = []
    surveys: list[dict[str, Any]] = []


# ------------------------------------------------------------------------------------------------ errors


@dataclass(frozen=True, slots=True)
class LineError:
    """``line``: 1-based line of the file; ``path``: the field (None for the whole line); ``message``: Dutch."""

    line: int
    path: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "path": self.path, "message": self.message}

    def __str__(self) -> str:
        return f"regel {self.line}: {self.path}: {self.message}" if self.path else f"regel {self.line}: {self.message}"


def path_of(loc: Sequence[str | int]) -> str | None:
    """``("contacts", 3, "occurred_at")`` → ``"contacts[3].occurred_at"``; an empty location → None."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or None


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


_EXPECTED_TYPE = {
    "string_type": "tekst",
    "int_type": "een geheel getal",
    "int_parsing": "een geheel getal",
    "int_from_float": "een geheel getal",
    "bool_type": "true of false",
    "bool_parsing": "true of false",
    "list_type": "een lijst",
    "dict_type": "een object",
    "model_type": "een object",
    "model_attributes_type": "een object",
}
_EXAMPLE_MOMENT = "bijvoorbeeld 2026-03-02T09:15:00+00:00"

_MESSAGES: dict[str, str] = {
    "missing": "Ontbreekt; dit veld is verplicht.",
    "extra_forbidden": "Onbekend veld.",
    **{kind: f"Verwacht {expected}, niet {{value}}." for kind, expected in _EXPECTED_TYPE.items()},
    "timezone_aware": f"Het moment {{value}} heeft geen tijdzone; geef de afwijking van UTC op, {_EXAMPLE_MOMENT}.",
    **dict.fromkeys(
        ("datetime_type", "datetime_parsing", "datetime_from_date_parsing", "datetime_object_invalid"),
        f"Ongeldig moment {{value}}; gebruik ISO 8601 met tijdzone, {_EXAMPLE_MOMENT}.",
    ),
    **dict.fromkeys(
        ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"),
        "Ongeldige datum {value}; gebruik jjjj-mm-dd.",
    ),
    "string_too_short": "Mag niet leeg zijn.",
    "string_too_long": "Is te lang (hoogstens {max_length} tekens).",
    "string_pattern_mismatch": "{value} heeft niet de vorm D-jjjj-nnnnn.",
    "greater_than_equal": "Moet minstens {ge} zijn (nu {value}).",
    "less_than_equal": "Mag hoogstens {le} zijn (nu {value}).",
}
"""Per pydantic error type its Dutch message; ``{value}`` is the value shown, the other fields come from the
error's context (None where it has none)."""


def dutch_message(error: dict[str, Any]) -> str:
    """A pydantic error in Dutch, for people fixing an export by hand."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "json_invalid":
        return f"Geen geldige JSON ({ctx.get('error', error.get('msg'))})."
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", " of ")
        return f"Onbekende waarde {_shown(error.get('input'))}; kies uit: {expected}."
    if kind in _MESSAGES:
        return _MESSAGES[kind].format_map(defaultdict(lambda: None, ctx, value=_shown(error.get("input"))))
    return str(error.get("msg", "Ongeldig."))


# ------------------------------------------------------------------------------------------------ rules


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """A line that passed the contract and the rules: the model and its surveys as parsed by the survey contract."""

    line: int
    data: DossierLine
    surveys: list[ParsedRow]
    bsn: str | None
    kvk: str | None


class _Problems:
    def __init__(self, line: int) -> None:
        self.line = line
        self.errors: list[LineError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(LineError(self.line, path, message))

    def not_future(self, path: str, moment: datetime | None, now: datetime) -> None:
        if moment is not None and moment > now:
            self.add(path, f"Het moment {moment.isoformat()} ligt in de toekomst.")

    def not_before(self, path: str, moment: datetime | None, earlier: datetime, what: str) -> None:
        if moment is not None and moment < earlier:
            self.add(path, f"Ligt vóór {what}.")


def _blank(text: str) -> bool:
    return not text.strip()


@dataclass(frozen=True)
class _Number:
    field: str
    label: str
    normalise: Callable[[str | None], str | None]
    invalid: str


_BSN = _Number("bsn", "BSN", normalise_bsn, BSN_MESSAGE)
_KVK = _Number("kvk", "KvK-nummer", normalise_kvk, KVK_MESSAGE)
_CLIENT_NUMBERS: dict[str, tuple[str, _Number, _Number]] = {
    "person": ("persoon", _BSN, _KVK),
    "organisation": ("organisatie", _KVK, _BSN),
}
"""Per kind of client: what it is called, the number it has (given exactly as valid), the number it must not have."""


def line_rule_errors(data: DossierLine, line: int, now: datetime) -> tuple[list[LineError], list[ParsedRow]]:
    """The rules of a well-typed line (see the module docstring); also returns its parsed surveys."""
    p = _Problems(line)
    if _blank(data.subject):
        p.add("subject", "Mag niet leeg zijn.")
    for problem in clean_external_refs(data.external_refs, record_type="dossier")[1]:
        p.add("external_refs", problem.message + ".")
    # dossier status, outcome, closing moment
    p.not_future("opened_at", data.opened_at, now)
    if data.status == CLOSED:
        if data.outcome is None:
            p.add("outcome", "Een gesloten dossier heeft een uitkomst: resolved, referred of withdrawn.")
        if data.closed_at is None:
            p.add("closed_at", "Een gesloten dossier heeft een moment van sluiten.")
    else:
        if data.outcome is not None:
            p.add("outcome", "Een uitkomst hoort alleen bij een gesloten dossier.")
        if data.closed_at is not None:
            p.add("closed_at", "Alleen een gesloten dossier heeft een moment van sluiten.")
    if data.closed_at is not None:
        p.not_future("closed_at", data.closed_at, now)
        p.not_before("closed_at", data.closed_at, data.opened_at, "de opening van het dossier")
    # client
    client = data.client
    if _blank(client.name):
        p.add("client.name", "Mag niet leeg zijn.")
    if client.kind == UNIDENTIFIED:
        for number_field in (_BSN, _KVK):
            if getattr(client, number_field.field) is not None:
                p.add(
                    f"client.{number_field.field}", f"Een niet-geïdentificeerde klant heeft geen {number_field.label}."
                )
        if _blank(client.phone) and _blank(client.email):
            p.add("client.phone", "Een niet-geïdentificeerde klant heeft een telefoonnummer of e-mailadres.")
    else:
        who, own, other = _CLIENT_NUMBERS[client.kind]
        if getattr(client, other.field) is not None:
            p.add(f"client.{other.field}", f"Een {who} heeft geen {other.label}; geef een {own.label}.")
        number = getattr(client, own.field)
        if number is None:
            p.add(f"client.{own.field}", f"Ontbreekt; een {who} heeft een {own.label}.")
        elif own.normalise(number) != number:
            p.add(f"client.{own.field}", f"{own.invalid}: {number!r}.")
    if isinstance(client.address, AddressLine) and client.address.postcode:
        if normalise_postcode(client.address.postcode) != client.address.postcode:
            p.add("client.address.postcode", f"{POSTCODE_MESSAGE}: {client.address.postcode!r}.")
    for i, rep in enumerate(client.representatives):
        if _blank(rep.name):
            p.add(f"client.representatives[{i}].name", "Mag niet leeg zijn.")
        if rep.valid_until is not None and rep.valid_until < rep.valid_from:
            p.add(f"client.representatives[{i}].valid_until", "Geldig tot ligt vóór geldig vanaf.")
    # pilot and cohort come together
    if (data.pilot is None) != (data.cohort is None):
        p.add(
            "cohort" if data.cohort is None else "pilot", "Pilot en cohort horen samen: geef beide of geen van beide."
        )
    # assignments
    active: dict[str, int] = {}
    for i, a in enumerate(data.assignments):
        if a.until is not None:
            p.not_before(f"assignments[{i}].until", a.until, a.since, "het begin van de toewijzing")
        else:
            code = a.service.upper()
            if code in active:
                p.add(
                    f"assignments[{i}].until",
                    f"Dienst {code} heeft al een huidige accountmanager (assignments[{active[code]}]); "
                    "per dienst is er hoogstens één.",
                )
            else:
                active[code] = i
        p.not_future(f"assignments[{i}].since", a.since, now)
        p.not_future(f"assignments[{i}].until", a.until, now)
    # contacts
    for i, c in enumerate(data.contacts):
        p.not_future(f"contacts[{i}].occurred_at", c.occurred_at, now)
        if _blank(c.summary):
            p.add(f"contacts[{i}].summary", "Vul een samenvatting van het gesprek in.")
        if c.outcome == "transferred" and c.transfers == 0:
            p.add(f"contacts[{i}].transfers", "Een doorverbonden contact is minstens één keer doorverbonden.")
        if c.transfer_attempts and c.transfers != len(c.transfer_attempts):
            p.add(
                f"contacts[{i}].transfers",
                f"Met transfer_attempts is transfers hun aantal ({len(c.transfer_attempts)}), niet {c.transfers}.",
            )
        attempts = [TransferAttempt(a.service, a.department, a.connected) for a in c.transfer_attempts]
        for problem in check_transfers(c.outcome, attempts if c.transfer_attempts else None):
            p.add(f"contacts[{i}].{problem.field.replace('transfers', 'transfer_attempts', 1)}", problem.message + ".")
        if c.representative is not None:
            r = c.representative
            if not any(
                (rep.name, rep.organisation, rep.phone) == (r.name, r.organisation, r.phone)
                for rep in client.representatives
            ):
                p.add(
                    f"contacts[{i}].representative",
                    f"'{r.name}' staat niet bij de vertegenwoordigers van de klant (client.representatives) met "
                    "dezelfde naam, organisatie en telefoon.",
                )
    # commitments
    for i, commitment in enumerate(data.commitments):
        _commitment_rules(p, f"commitments[{i}]", commitment, now)
    # handoffs
    for i, h in enumerate(data.handoffs):
        _handoff_rules(p, f"handoffs[{i}]", h, now)
    # escalations
    for i, e in enumerate(data.escalations):
        where = f"escalations[{i}]"
        p.not_future(f"{where}.asked_at", e.asked_at, now)
        p.not_before(f"{where}.due_at", e.due_at, e.asked_at, "het moment van de vraag")
        if _blank(e.question):
            p.add(f"{where}.question", "Beschrijf de vraag.")
        answered = [e.answered_at is not None, e.answered_by is not None, not _blank(e.answer)]
        if any(answered) and not all(answered):
            p.add(
                f"{where}.answer" if answered[0] else f"{where}.answered_at",
                "Een beantwoorde escalatie heeft een antwoord, wie het gaf (answered_by) en wanneer (answered_at).",
            )
        if e.answered_at is not None:
            p.not_future(f"{where}.answered_at", e.answered_at, now)
            p.not_before(f"{where}.answered_at", e.answered_at, e.asked_at, "het moment van de vraag")
    # time entries
    opened_on, today = local_date(data.opened_at), local_date(now)
    for i, t in enumerate(data.time_entries):
        if t.date > today:
            p.add(f"time_entries[{i}].date", f"De datum {t.date.isoformat()} ligt in de toekomst.")
        elif t.date < opened_on:
            p.add(
                f"time_entries[{i}].date",
                f"De datum {t.date.isoformat()} ligt vóór de opening van het dossier ({opened_on.isoformat()}).",
            )
    # surveys: the survey contract of issue 5
    surveys: list[ParsedRow] = []
    for i, obj in enumerate(data.surveys):
        result = survey_row_from_json(obj)
        if isinstance(result, list):
            for error in result:
                p.add(f"surveys[{i}].{error.field}" if error.field else f"surveys[{i}]", error.message)
            continue
        if result.dossier_ref is not None and result.dossier_ref != data.ref:
            p.add(f"surveys[{i}].dossier_ref", f"Hoort bij dossier {data.ref}, niet bij {result.dossier_ref}.")
        surveys.append(result)
    return p.errors, surveys


def _commitment_rules(p: _Problems, where: str, c: CommitmentLine, now: datetime) -> None:
    p.not_future(f"{where}.made_at", c.made_at, now)
    p.not_before(f"{where}.due_at", c.due_at, c.made_at, "het moment van de toezegging")
    if _blank(c.description):
        p.add(f"{where}.description", "Beschrijf wat de klant is toegezegd.")
    if c.status == CommitmentStatus.OPEN:
        if c.closed_at is not None:
            p.add(f"{where}.closed_at", "Een open toezegging is nog niet afgesloten.")
        if c.kept_on_time is not None:
            p.add(f"{where}.kept_on_time", "Bij een open toezegging is kept_on_time null.")
        return
    if c.closed_at is None:
        p.add(f"{where}.closed_at", f"Een toezegging met status {c.status} heeft een moment van afsluiten.")
        return
    p.not_future(f"{where}.closed_at", c.closed_at, now)
    p.not_before(f"{where}.closed_at", c.closed_at, c.made_at, "het moment van de toezegging")
    if c.status == CommitmentStatus.FULFILLED:
        expected: bool | None = c.closed_at <= c.due_at
    elif c.status == CommitmentStatus.MISSED:
        expected = False
    else:
        expected = None
    if c.kept_on_time is not expected:
        p.add(
            f"{where}.kept_on_time",
            f"Moet {json.dumps(expected)} zijn: op tijd nagekomen is precies 'fulfilled' op of vóór due_at.",
        )
    if c.status in (CommitmentStatus.MISSED, CommitmentStatus.CANCELLED) and _blank(c.note):
        p.add(f"{where}.note", "Geef de reden (niet nagekomen of ingetrokken).")


def _handoff_rules(p: _Problems, where: str, h: HandoffLine, now: datetime) -> None:
    p.not_future(f"{where}.requested_at", h.requested_at, now)
    if h.from_service.upper() == h.to_service.upper():
        p.add(f"{where}.to_service", "De ontvangende dienst is dezelfde als de overdragende dienst.")
    if _blank(h.reason):
        p.add(f"{where}.reason", "Geef de reden van de overdracht.")
    if len(h.context.strip()) < MIN_CONTEXT_LENGTH:
        p.add(f"{where}.context", f"De context moet minstens {MIN_CONTEXT_LENGTH} tekens hebben.")
    if h.status == HandoffStatus.REQUESTED:
        if h.decided_at is not None:
            p.add(f"{where}.decided_at", "Een aangevraagde overdracht is nog niet beslist.")
    elif h.decided_at is None:
        p.add(f"{where}.decided_at", f"Een overdracht met status {h.status} heeft een moment van beslissen.")
    else:
        p.not_future(f"{where}.decided_at", h.decided_at, now)
        p.not_before(f"{where}.decided_at", h.decided_at, h.requested_at, "de aanvraag")
    if h.status == HandoffStatus.DECLINED and _blank(h.decision_reason):
        p.add(f"{where}.decision_reason", "Een geweigerde overdracht heeft een reden.")
    if h.status == HandoffStatus.ACCEPTED and h.to_employee is None:
        p.add(f"{where}.to_employee", "Een geaccepteerde overdracht noemt de medewerker die haar overnam.")


def parse_line(text: str, line: int, now: datetime) -> ParsedLine | list[LineError]:
    """Validate one line of the file (without its line ending): the parsed line, or every problem found."""
    try:
        data = DossierLine.model_validate_json(text, strict=True)
    except ValidationError as exc:
        return [
            LineError(line, path_of(error["loc"]), dutch_message(dict(error)))
            for error in exc.errors(include_url=False)
        ]
    errors, surveys = line_rule_errors(data, line, now)
    if errors:
        return errors
    return ParsedLine(line, data, surveys, data.client.bsn, data.client.kvk)


# ------------------------------------------------------------------------------------------------ writing


def moment(value: datetime | None) -> str | None:
    """A stored moment as ISO 8601 in UTC with its offset (``2026-03-02T09:15:00+00:00``)."""
    if value is None:
        return None
    if value.tzinfo is None:  # stored UTC read back without zone (never expected): still UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def dump_line(line: dict[str, Any]) -> str:
    """One dossier as a JSON line (without the newline): compact, keys in contract order, UTF-8 text kept as is."""
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


class LineErrorOut(msgspec.Struct):
    """What is wrong where in an import: ``line`` (1-based), ``path`` (the field; ``null`` for the whole line)."""

    line: int
    path: str | None
    message: str


class DossierImportReportOut(msgspec.Struct):
    """What an import wrote (422: nothing, ``imported`` 0, with every error); ``records`` counts per kind."""

    imported: int
    clients_created: int
    clients_reused: int
    users_created: list[str]
    records: dict[str, int]
    errors: list[LineErrorOut]
