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

from casemgmt.auth.models import User
from casemgmt.contacts.models import Contact
from casemgmt.directory.models import Service
from casemgmt.dossiers.models import DossierAssignment
from casemgmt.errors import InvalidInput

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


async def contact_entries(
    session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
) -> list[TimelineEntry]:
    """Klantcontacten linked to the dossier."""
    query = (
        select(Contact, Service.code, User.name)
        .join(Service, Service.id == Contact.service_id)
        .join(User, User.id == Contact.employee_id)
        .where(Contact.dossier_id == dossier_id)
        .order_by(Contact.occurred_at.desc(), Contact.id.desc())
        .limit(limit)
    )
    condition = before_clause("contact", Contact.occurred_at, Contact.id, cursor)
    if condition is not None:
        query = query.where(condition)
    rows = (await session.execute(query)).all()
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
    assignee = aliased(User)
    assigner = aliased(User)
    query = (
        select(DossierAssignment, Service.code, assignee.name, assigner.name)
        .join(assignee, assignee.id == DossierAssignment.user_id)
        .outerjoin(Service, Service.id == DossierAssignment.service_id)
        .outerjoin(assigner, assigner.id == DossierAssignment.assigned_by_id)
        .where(DossierAssignment.dossier_id == dossier_id)
        .order_by(DossierAssignment.since.desc(), DossierAssignment.id.desc())
        .limit(limit)
    )
    condition = before_clause("assignment", DossierAssignment.since, DossierAssignment.id, cursor)
    if condition is not None:
        query = query.where(condition)
    rows = (await session.execute(query)).all()
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


TIMELINE_SOURCES: tuple[TimelineSource, ...] = (
    contact_entries,
    assignment_entries,
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
