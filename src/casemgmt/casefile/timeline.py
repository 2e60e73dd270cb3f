"""The dossier's timeline: one story per client, newest first, merged from several entry sources.

Each source is one function that returns the newest ``limit`` entries of its kind before a cursor, with ONE query
(joins, no lazy loads), so the number of queries does not grow with the number of entries. The timeline asks every
source in ``TIMELINE_SOURCES`` and merges the answers by time. Later concepts (commitments, handoffs,
escalations) join the timeline by adding their source function to that tuple.

Order and pagination: entries are ordered by ``(at, type, id)`` descending. The cursor ``before`` is the position of
the last entry already shown, written as ``<ISO moment>~<type>~<id>``; a bare ISO moment means "everything strictly
before this moment".
"""

from __future__ import annotations

import heapq
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from casemgmt.audit.services import Action
from casemgmt.auth.models import User
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.directory.models import Service
from casemgmt.dossiers.access import NOT_INVOLVED, Access
from casemgmt.dossiers.models import DossierAssignment
from casemgmt.dossiers.services import DossierService, DossierView
from casemgmt.errors import Forbidden, InvalidInput
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_ASSIGNEE, _ASSIGNER = aliased(User), aliased(User)
_OWNER, _MAKER, _CLOSER = aliased(User), aliased(User), aliased(User)
_FROM_SERVICE, _TO_SERVICE = aliased(Service), aliased(Service)
_SENDER, _RECEIVER = aliased(User), aliased(User)
_ASKER, _ANSWERER = aliased(User), aliased(User)

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in the timeline; entries ``before`` it sort after it (newest first)."""

    at: datetime
    type: str = ""
    id: int = 0

    def encode(self) -> str:
        return f"{self.at.astimezone(UTC).isoformat()}~{self.type}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        moment, _, rest = text.strip().partition("~")
        kind, _, ident = rest.partition("~")
        try:
            at = datetime.fromisoformat(moment.replace(" ", "+"))  # a '+' in a query string may arrive as ' '
            number = int(ident) if ident else 0
        except ValueError:
            raise InvalidInput.single(
                "before", "Ongeldige positie in de tijdlijn; gebruik een ISO-moment, eventueel met ~type~id"
            ) from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return cls(at.astimezone(UTC), kind, number)


@dataclass(frozen=True)
class TimelineEntry:
    type: str
    at: datetime
    id: int
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.type, self.id)

    @property
    def sort_key(self) -> tuple[datetime, str, int]:
        return (self.at, self.type, self.id)

    def as_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "at": self.at,
            "id": self.id,
            **self.data,
            "cursor": self.cursor.encode(),
        }


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: Cursor | None  # set when older entries exist


TimelineSource = Callable[[AsyncSession, int, Cursor | None, int], Awaitable[list[TimelineEntry]]]


def before_clause(
    kind: str, at_column: InstrumentedAttribute[datetime], id_column: InstrumentedAttribute[int], cursor: Cursor | None
) -> ColumnElement[bool] | None:
    """SQL: the rows of a source of type ``kind`` that come after ``cursor`` in newest-first order."""
    if cursor is None:
        return None
    if kind < cursor.type:
        return at_column <= cursor.at
    if kind == cursor.type:
        return or_(at_column < cursor.at, and_(at_column == cursor.at, id_column < cursor.id))
    return at_column < cursor.at


async def _newest(
    session: AsyncSession,
    kind: str,
    query: Any,
    at_column: Any,
    id_column: InstrumentedAttribute[int],
    cursor: Cursor | None,
    limit: int,
) -> Sequence[Any]:
    """The rows of a source's ``query`` for entries of type ``kind``: the newest ``limit`` by (``at_column``,
    ``id_column``) that come after ``cursor``. One query."""
    query = query.order_by(at_column.desc(), id_column.desc()).limit(limit)
    condition = before_clause(kind, at_column, id_column, cursor)
    if condition is not None:
        query = query.where(condition)
    return (await session.execute(query)).all()


async def contact_entries(
    session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
) -> list[TimelineEntry]:
    """Klantcontacten linked to the dossier."""
    query = (
        select(Contact, Service.code, User.name)
        .join(Service, Service.id == Contact.service_id)
        .join(User, User.id == Contact.employee_id)
        .where(Contact.dossier_id == dossier_id)
    )
    rows = await _newest(session, "contact", query, Contact.occurred_at, Contact.id, cursor, limit)
    return [contact_entry(contact, service_code, employee_name) for contact, service_code, employee_name in rows]


def contact_entry(contact: Contact, service_code: str, employee_name: str) -> TimelineEntry:
    return TimelineEntry(
        "contact",
        contact.occurred_at,
        contact.id,
        {
            "channel": contact.channel,
            "direction": contact.direction,
            "service": service_code,
            "employee": {"id": contact.employee_id, "name": employee_name},
            "outcome": contact.outcome,
            "transfers": contact.transfers,
            "summary": contact.summary,
            "subject": contact.subject,
        },
    )


async def assignment_entries(
    session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
) -> list[TimelineEntry]:
    """Assignments of the casemanager and the accountmanagers, at the moment each started (history kept)."""
    assignee, assigner = _ASSIGNEE, _ASSIGNER
    query = (
        select(DossierAssignment, Service.code, assignee.name, assigner.name)
        .join(assignee, assignee.id == DossierAssignment.user_id)
        .outerjoin(Service, Service.id == DossierAssignment.service_id)
        .outerjoin(assigner, assigner.id == DossierAssignment.assigned_by_id)
        .where(DossierAssignment.dossier_id == dossier_id)
    )
    rows = await _newest(session, "assignment", query, DossierAssignment.since, DossierAssignment.id, cursor, limit)
    return [
        TimelineEntry(
            "assignment",
            row.since,
            row.id,
            {
                "who": {"id": row.user_id, "name": assignee_name},
                "role": row.role,
                "service": service_code,
                "since": row.since,
                "until": row.until,
                "reason": row.reason,
                "assigned_by": {"id": row.assigned_by_id, "name": assigner_name} if row.assigned_by_id else None,
                "end_reason": row.end_reason,
            },
        )
        for row, service_code, assignee_name, assigner_name in rows
    ]


# -- promises (issue 4): commitments, handoffs and escalations, each when made and when closed ----------------------


async def commitment_entries(
    session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
) -> list[TimelineEntry]:
    """Commitments at the moment they were made."""
    owner, maker = _OWNER, _MAKER
    query = (
        select(Commitment, owner.name, maker.name)
        .join(owner, owner.id == Commitment.owner_id)
        .join(maker, maker.id == Commitment.made_by_id)
        .where(Commitment.dossier_id == dossier_id)
    )
    return [
        TimelineEntry(
            "commitment",
            c.made_at,
            c.id,
            {
                "kind": c.kind,
                "description": c.description,
                "owner": {"id": c.owner_id, "name": owner_name},
                "made_by": {"id": c.made_by_id, "name": maker_name},
                "due_at": c.due_at,
                "status": c.status,
            },
        )
        for c, owner_name, maker_name in await _newest(
            session, "commitment", query, Commitment.made_at, Commitment.id, cursor, limit
        )
    ]


async def commitment_closed_entries(
    session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
) -> list[TimelineEntry]:
    """Commitments at the moment they were fulfilled, missed or cancelled."""
    closer = _CLOSER
    query = (
        select(Commitment, closer.name)
        .outerjoin(closer, closer.id == Commitment.closed_by_id)
        .where(Commitment.dossier_id == dossier_id, Commitment.closed_at.is_not(None))
    )
    return [
        TimelineEntry(
            "commitment_closed",
            c.closed_at,
            c.id,
            {
                "kind": c.kind,
                "description": c.description,
                "status": c.status,
                "kept_on_time": c.kept_on_time,
                "note": c.note,
                "due_at": c.due_at,
                "closed_by": {"id": c.closed_by_id, "name": closer_name} if c.closed_by_id else None,
            },
        )
        for c, closer_name in await _newest(
            session, "commitment_closed", query, Commitment.closed_at, Commitment.id, cursor, limit
        )
        if c.closed_at is not None
    ]


def _handoff_query(dossier_id: int) -> Any:
    from_service, to_service, sender, receiver = _FROM_SERVICE, _TO_SERVICE, _SENDER, _RECEIVER
    return (
        select(Handoff, from_service.code, to_service.code, sender.name, receiver.name)
        .join(from_service, from_service.id == Handoff.from_service_id)
        .join(to_service, to_service.id == Handoff.to_service_id)
        .join(sender, sender.id == Handoff.from_employee_id)
        .outerjoin(receiver, receiver.id == Handoff.to_employee_id)
        .where(Handoff.dossier_id == dossier_id)
    )


def _handoff_data(h: Handoff, from_code: str, to_code: str, sender: str, receiver: str | None) -> dict[str, Any]:
    return {
        "from_service": from_code,
        "to_service": to_code,
        "from_employee": {"id": h.from_employee_id, "name": sender},
        "to_employee": {"id": h.to_employee_id, "name": receiver} if h.to_employee_id else None,
        "reason": h.reason,
        "context": h.context,
        "status": h.status,
        "decision_reason": h.decision_reason,
    }


async def handoff_entries(
    session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
) -> list[TimelineEntry]:
    """Handoffs at the moment they were requested, with the context the receiver needs."""
    rows = await _newest(
        session, "handoff", _handoff_query(dossier_id), Handoff.requested_at, Handoff.id, cursor, limit
    )
    return [TimelineEntry("handoff", h.requested_at, h.id, _handoff_data(h, *rest)) for h, *rest in rows]


async def handoff_decided_entries(
    session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
) -> list[TimelineEntry]:
    """Handoffs at the moment they were accepted, declined or cancelled."""
    query = _handoff_query(dossier_id).where(Handoff.decided_at.is_not(None))
    rows = await _newest(session, "handoff_decided", query, Handoff.decided_at, Handoff.id, cursor, limit)
    return [
        TimelineEntry("handoff_decided", h.decided_at, h.id, _handoff_data(h, *rest))
        for h, *rest in rows
        if h.decided_at is not None
    ]


def _escalation_query(dossier_id: int) -> Any:
    asker, answerer = _ASKER, _ANSWERER
    return (
        select(Escalation, Service.code, asker.name, answerer.name)
        .join(Service, Service.id == Escalation.service_id)
        .join(asker, asker.id == Escalation.asked_by_id)
        .outerjoin(answerer, answerer.id == Escalation.answered_by_id)
        .where(Escalation.dossier_id == dossier_id)
    )


def _escalation_data(e: Escalation, service: str, asker: str, answerer: str | None) -> dict[str, Any]:
    return {
        "service": service,
        "question": e.question,
        "asked_by": {"id": e.asked_by_id, "name": asker},
        "due_at": e.due_at,
        "status": e.status,
        "answer": e.answer,
        "answered_by": {"id": e.answered_by_id, "name": answerer} if e.answered_by_id else None,
        "within_norm": e.within_norm,
        "reusable": e.reusable,
    }


async def escalation_entries(
    session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
) -> list[TimelineEntry]:
    """Escalations at the moment the KCC asked them."""
    rows = await _newest(
        session, "escalation", _escalation_query(dossier_id), Escalation.asked_at, Escalation.id, cursor, limit
    )
    return [TimelineEntry("escalation", e.asked_at, e.id, _escalation_data(e, *rest)) for e, *rest in rows]


async def escalation_answered_entries(
    session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
) -> list[TimelineEntry]:
    """Escalations at the moment they were answered."""
    query = _escalation_query(dossier_id).where(Escalation.answered_at.is_not(None))
    rows = await _newest(session, "escalation_answered", query, Escalation.answered_at, Escalation.id, cursor, limit)
    return [
        TimelineEntry("escalation_answered", e.answered_at, e.id, _escalation_data(e, *rest))
        for e, *rest in rows
        if e.answered_at is not None
    ]


TIMELINE_SOURCES: tuple[TimelineSource, ...] = (
    contact_entries,
    assignment_entries,
    commitment_entries,
    commitment_closed_entries,
    handoff_entries,
    handoff_decided_entries,
    escalation_entries,
    escalation_answered_entries,
)
"""Every kind of entry on the timeline. A new kind is one function above and one line here."""


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput.single("limit", f"Het aantal items per keer ligt tussen 1 en {MAX_LIMIT}")
    return limit


def merge_newest_first(batches: Sequence[list[TimelineEntry]], limit: int) -> list[TimelineEntry]:
    """Merge per-source batches (each newest first) into one newest-first list of at most ``limit`` entries."""
    merged = heapq.merge(*batches, key=lambda entry: entry.sort_key, reverse=True)
    return [entry for _, entry in zip(range(limit), merged, strict=False)]


async def read_timeline(
    session: AsyncSession,
    dossier_id: int,
    before: Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
    sources: Sequence[TimelineSource] = TIMELINE_SOURCES,
) -> TimelinePage:
    """One page of the timeline: one query per source, whatever the number of entries."""
    batches = [await source(session, dossier_id, before, limit + 1) for source in sources]
    entries = merge_newest_first(batches, limit + 1)
    if len(entries) > limit:
        entries = entries[:limit]
        return TimelinePage(entries, entries[-1].cursor)
    return TimelinePage(entries, None)


async def dossier_timeline(
    dossiers: DossierService, view: DossierView, before: Cursor | None = None, limit: int = DEFAULT_LIMIT
) -> TimelinePage:
    """The timeline of a dossier already loaded (and access-checked) through ``DossierService``; audited."""
    if view.access < Access.READ:
        raise Forbidden(NOT_INVOLVED)
    page = await read_timeline(dossiers.session, view.dossier.id, before, limit)
    dossiers.audit.record(
        Action.READ,
        "timeline",
        view.dossier.id,
        client_pseudonym=view.client_pseudonym,
        detail=f"voor {before.encode()}" if before else "",
    )
    return page
