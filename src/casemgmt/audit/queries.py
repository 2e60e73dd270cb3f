"""Reading the audit log (logboek): filters, the Europe/Amsterdam period, keyset pagination, Dutch labels.

Only reads live here; :class:`casemgmt.audit.services.AuditLog` stays the one writer and nothing updates or deletes
an audit event. The filter rules are plain functions (:func:`parse_filter`, :func:`period_bounds`), so they are
tested without HTTP or a database; the page and the API share them, so both answer the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar, runtime_checkable
from urllib.parse import urlencode

import msgspec
from sqlalchemy import distinct, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.labels import OBJECT_TYPE_LABELS, action_label, detail_label, object_type_label
from casemgmt.audit.models import AuditEvent
from casemgmt.audit.services import Action
from casemgmt.auth.models import User
from casemgmt.auth.roles import ROLE_LABELS, Role
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.errors import FieldError, InvalidInput
from casemgmt.web.parameters import MAX_ID
from casemgmt.web.structs import copied

T = TypeVar("T")

PAGE_SIZE = 50
"""Events per page on the Logboek page."""
API_DEFAULT_LIMIT = 100
API_MAX_LIMIT = 500

FILTER_FIELDS = ("actor_id", "object_type", "object_id", "pseudonym", "bsn", "from", "to")
"""The filter parameters, as named in the page's query string and the API."""

MESSAGE_BAD_DATE = "Vul een geldige datum in (dd-mm-jjjj)"
MESSAGE_PERIOD_REVERSED = (
    "De einddatum ligt vóór de begindatum; kies een periode waarin ‘van’ niet na ‘tot en met’ ligt"
)
MESSAGE_BAD_ACTOR = "Kies een medewerker uit de lijst"
MESSAGE_BAD_AFTER = "Ongeldige vervolgpagina; begin opnieuw bij de nieuwste gebeurtenissen"
MESSAGE_BAD_BSN = "Een BSN heeft 9 cijfers"
MESSAGE_UNKNOWN_BSN = "Er is geen klant met dit BSN"
MESSAGE_BSN_AND_PSEUDONYM = "Vul een pseudoniem óf een BSN in, niet allebei"


@runtime_checkable
class ClientLookup(Protocol):
    """Finds the pseudonym of the client with a BSN (the client service), for the filter "who saw client X?"."""

    async def pseudonym_of_bsn(self, bsn: str) -> str | None: ...


@runtime_checkable
class ReferenceLookup(Protocol):
    """Finds how readers know the objects of events (``casefile/object_references.py``, given by dependency
    injection since the audit log sits below the concepts): ``{id: reference}`` of one object type."""

    async def references_of(self, object_type: str, ids: Collection[int]) -> dict[int, str]: ...


NAMED_BY_THEIR_DOSSIER = ("commitment", "escalation", "handoff", "contact", "timeline")
"""The object types named by the reference of their dossier (or their client): "Toezegging bij D-2026-00005"."""
LOOKED_UP_AS = {"timeline": "dossier"}
"""Object types whose id is that of another object: a timeline's is its dossier's."""


async def name_objects(page: AuditPage, references: ReferenceLookup) -> AuditPage:
    """The page's rows with each object named as people know it: a dossier by its reference, a commitment,
    escalation, handoff or contact by its dossier's reference (or client's pseudonym), a client by its pseudonym.
    One lookup per object type on the page, never one per row."""
    wanted: dict[str, set[int]] = {}
    for row in page.rows:
        if row.object_type in ("dossier", *NAMED_BY_THEIR_DOSSIER) and row.object_id.isdigit():
            kind = LOOKED_UP_AS.get(row.object_type, row.object_type)
            wanted.setdefault(kind, set()).add(int(row.object_id))
    refs = {kind: await references.references_of(kind, ids) for kind, ids in sorted(wanted.items())}
    rows = []
    for row in page.rows:
        ref = ""
        kind = LOOKED_UP_AS.get(row.object_type, row.object_type)
        if kind in refs and row.object_id.isdigit():
            found = refs[kind].get(int(row.object_id), "")
            ref = f"bij {found}" if found and row.object_type in NAMED_BY_THEIR_DOSSIER else found
        elif row.object_type == "client" and row.client_pseudonym:
            ref = row.client_pseudonym
        rows.append(msgspec.structs.replace(row, object_ref=ref) if ref else row)
    return replace(page, rows=rows)


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    pseudonym: str = ""
    date_from: date | None = None
    date_to: date | None = None
    after_id: int | None = None
    limit: int = PAGE_SIZE
    bsn: str = ""
    """Resolved to the client's pseudonym before the query (``resolve_bsn``); never written to the log."""

    def query_values(self) -> dict[str, str]:
        """The filter as query-string values (without paging), e.g. for the "Volgende" link."""
        values = {
            "actor_id": str(self.actor_id) if self.actor_id is not None else "",
            "object_type": self.object_type,
            "object_id": self.object_id,
            "pseudonym": self.pseudonym,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}

    def describe(self) -> str:
        """A short description for the audit event that records viewing the log."""
        shown = self.query_values()
        if self.after_id is not None:
            shown["after_id"] = str(self.after_id)
        return ", ".join(f"{key}={value}" for key, value in shown.items()) or "zonder filters"


def parse_date(value: str) -> date | None:
    """A date as sent by ``<input type="date">`` (jjjj-mm-dd) or typed by hand (dd-mm-jjjj); ``None`` when empty."""
    value = value.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _positive_int(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise ValueError(value)
    return int(value)


def parse_filter(
    values: Mapping[str, Any], *, default_limit: int = PAGE_SIZE, max_limit: int = API_MAX_LIMIT
) -> AuditFilter:
    """Read the filter from query values; bad values raise :class:`InvalidInput` with one Dutch message a field."""

    def text(key: str) -> str:
        raw = values.get(key)
        return "" if raw is None else str(raw)

    errors: list[FieldError] = []

    def parsed(key: str, parse: Callable[[str], T | None], message: str) -> T | None:
        """``parse`` of the value under ``key``; ``None`` when that is unreadable, with ``message`` for ``key``."""
        try:
            return parse(text(key))
        except ValueError:
            errors.append(FieldError(key, message))
            return None

    actor_id = parsed("actor_id", _positive_int, MESSAGE_BAD_ACTOR)
    after_id = parsed("after_id", _positive_int, MESSAGE_BAD_AFTER)
    bsn = parsed("bsn", _bsn_digits, MESSAGE_BAD_BSN) or ""
    if bsn and text("pseudonym").strip():
        errors.append(FieldError("bsn", MESSAGE_BSN_AND_PSEUDONYM))
    date_from = parsed("from", parse_date, MESSAGE_BAD_DATE)
    date_to = parsed("to", parse_date, MESSAGE_BAD_DATE)
    limit = default_limit
    if text("limit").strip():
        try:
            limit = int(text("limit"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= max_limit:
            errors.append(FieldError("limit", f"Kies een aantal van 1 tot en met {max_limit}"))
    if date_from and date_to and date_from > date_to:
        errors.append(FieldError("to", MESSAGE_PERIOD_REVERSED))
    if errors:
        raise InvalidInput(errors, "Controleer de filters.")
    return AuditFilter(
        actor_id=actor_id,
        object_type=text("object_type").strip(),
        object_id=text("object_id").strip(),
        pseudonym=text("pseudonym").strip(),
        bsn=bsn,
        date_from=date_from,
        date_to=date_to,
        after_id=after_id,
        limit=limit,
    )


def _bsn_digits(value: str) -> str | None:
    digits = "".join(value.split())
    if not digits:
        return None
    if len(digits) != 9 or not digits.isdigit():
        raise ValueError(value)
    return digits


async def resolve_bsn(flt: AuditFilter, clients: ClientLookup) -> AuditFilter:
    """The filter with its BSN replaced by that client's pseudonym (the log stores pseudonyms, never a BSN); an
    unknown BSN is an input error."""
    if not flt.bsn:
        return flt
    pseudonym = await clients.pseudonym_of_bsn(flt.bsn)
    if pseudonym is None:
        raise InvalidInput([FieldError("bsn", MESSAGE_UNKNOWN_BSN)], "Controleer de filters.")
    return replace(flt, bsn="", pseudonym=pseudonym)


def period_bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """Dutch calendar days as a UTC range: from the start of ``date_from`` to (excluding) the day after ``date_to``.

    Days are Europe/Amsterdam days, so summer and winter time are both right.
    """
    start = datetime.combine(date_from, time.min, tzinfo=AMSTERDAM).astimezone(UTC) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=AMSTERDAM).astimezone(UTC) if date_to else None
    return start, end


def format_moment(moment: datetime) -> str:
    """dd-mm-jjjj uu:mm in Europe/Amsterdam."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def role_label(role: str) -> str:
    if role == "system":
        return "Systeem"
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


class _EventFacts(msgspec.Struct, kw_only=True, frozen=True):
    """Who did what to which object, for which client and purpose: what a Logboek row and the API event share.

    Keyword-only, so in each subclass these fields come after its own ``id`` and ``occurred_at``."""

    actor_id: int | None
    actor_name: str | None
    actor_role: str
    action: str
    object_type: str
    object_id: str
    client_pseudonym: str | None
    purpose: str
    request_id: str


class AuditRow(_EventFacts, frozen=True):
    """One audit event on the Logboek page, with its actor's name and Dutch labels."""

    id: int
    occurred_at: datetime
    detail: str
    object_ref: str = ""
    """How a reader knows the object: a dossier's reference (D-2026-00005), "bij D-2026-00005" for what belongs to
    a dossier (or to a client: "bij K-…"), a client's pseudonym; else empty."""

    @property
    def moment(self) -> str:
        return format_moment(self.occurred_at)

    @property
    def actor_role_label(self) -> str:
        return role_label(self.actor_role)

    @property
    def action_label(self) -> str:
        return action_label(self.action, self.detail)

    @property
    def detail_label(self) -> str:
        return detail_label(self.action, self.detail)

    @property
    def object_type_label(self) -> str:
        return object_type_label(self.object_type)

    @property
    def object_text(self) -> str:
        """The object as the Logboek names it: "Dossier D-2026-00005", "Toezegging bij D-2026-00005", "Klant K-…",
        else type and number."""
        name = self.object_ref or self.object_id
        return f"{self.object_type_label} {name}" if name else self.object_type_label

    def as_out(self) -> AuditEventOut:
        occurred = self.occurred_at if self.occurred_at.tzinfo else self.occurred_at.replace(tzinfo=UTC)
        return copied(AuditEventOut, self, occurred_at=occurred.astimezone(UTC).isoformat())


class AuditEventOut(_EventFacts, frozen=True):
    """One audit event as the API shows it (``occurred_at`` in UTC, ISO 8601 with ``+00:00``)."""

    id: int
    occurred_at: str


@dataclass
class AuditPage:
    rows: list[AuditRow]
    next_after_id: int | None = None
    filter: AuditFilter = field(default_factory=AuditFilter)

    def next_url(self, path: str) -> str | None:
        if self.next_after_id is None:
            return None
        return f"{path}?{urlencode({**self.filter.query_values(), 'after_id': self.next_after_id})}"


async def audit_events(session: AsyncSession, flt: AuditFilter) -> AuditPage:
    """Audit events matching ``flt``, newest first, at most ``flt.limit`` after ``flt.after_id`` (keyset)."""
    statement = select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.actor_id)
    if flt.actor_id is not None:
        statement = statement.where(AuditEvent.actor_id == flt.actor_id)
    if flt.object_type:
        statement = statement.where(AuditEvent.object_type == flt.object_type)
    if flt.object_id:
        statement = statement.where(AuditEvent.object_id == flt.object_id)
    if flt.pseudonym:
        statement = statement.where(AuditEvent.client_pseudonym == flt.pseudonym)
    start, end = period_bounds(flt.date_from, flt.date_to)
    if start is not None:
        statement = statement.where(AuditEvent.occurred_at >= start)
    if end is not None:
        statement = statement.where(AuditEvent.occurred_at < end)
    if flt.after_id is not None:
        statement = statement.where(AuditEvent.id < flt.after_id)
    statement = statement.order_by(AuditEvent.id.desc()).limit(flt.limit + 1)
    result = (await session.execute(statement)).all()
    rows = [copied(AuditRow, event, actor_name=name) for event, name in result[: flt.limit]]
    next_after_id = rows[-1].id if len(result) > flt.limit and rows else None
    return AuditPage(rows=rows, next_after_id=next_after_id, filter=flt)


@dataclass(frozen=True)
class ActorOption:
    id: int
    name: str
    email: str


async def actor_options(session: AsyncSession) -> list[ActorOption]:
    """Every user, by name, for the actor filter (deactivated users stay: their events remain in the log)."""
    result = await session.execute(select(User.id, User.name, User.email).order_by(User.name, User.id))
    return [ActorOption(id=row.id, name=row.name, email=row.email) for row in result]


async def object_type_options(session: AsyncSession) -> list[tuple[str, str]]:
    """(code, Dutch label) of the object types present in the log, plus the known ones."""
    present = set((await session.scalars(select(distinct(AuditEvent.object_type)))).all())
    codes = sorted(
        present | set(OBJECT_TYPE_LABELS), key=lambda code: (OBJECT_TYPE_LABELS.get(code) or code or "").lower()
    )
    return [(code, OBJECT_TYPE_LABELS.get(code, code)) for code in codes]


async def reasons_given_since(
    session: AsyncSession, actor_id: int, pseudonyms: Collection[str], since: datetime
) -> set[str]:
    """The pseudonyms among ``pseudonyms`` for which ``actor_id`` stated a reason (doelbinding) at or after
    ``since``: the audit event of that reason is the grant itself (one query, on the actor's index)."""
    if not pseudonyms:
        return set()
    rows = await session.scalars(
        select(distinct(AuditEvent.client_pseudonym)).where(
            AuditEvent.actor_id == actor_id,
            AuditEvent.occurred_at >= since,
            AuditEvent.action == Action.REASONED_READ,
            AuditEvent.object_type == "client",
            AuditEvent.client_pseudonym.in_(list(pseudonyms)),
        )
    )
    return {pseudonym for pseudonym in rows if pseudonym}
