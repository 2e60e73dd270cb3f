"""The dossier's timeline: one story per client, newest first, merged from several entry sources.

Each source (an ``EntrySource``: the kind's query, the moment that places an entry and the data it carries) returns
the newest ``limit`` entries of its kind before a cursor, with ONE query (joins, no lazy loads), so the number of
queries does not grow with the number of entries. The timeline asks every source in ``TIMELINE_SOURCES`` and merges
the answers by time. Later concepts (commitments, handoffs, escalations) join the timeline by adding their source to
that tuple.

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

from sqlalchemy import ColumnElement, Select, String, and_, case, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from casemgmt.audit.services import Action
from casemgmt.auth.models import User
from casemgmt.clients.models import Representative
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer, ExternalReference
from casemgmt.directory.models import Department, Service, Topic
from casemgmt.dossiers.access import NOT_INVOLVED, Access
from casemgmt.dossiers.models import DossierAssignment
from casemgmt.dossiers.services import DossierService, DossierView
from casemgmt.errors import Forbidden, InvalidInput
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from casemgmt.knowledge.usage import given_articles, given_articles_of

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each). The
# sources' statements below are built once too; each call adds the dossier, the cursor and the limit.
_ASSIGNEE, _ASSIGNER = aliased(User), aliased(User)
_OWNER, _MAKER, _CLOSER = aliased(User), aliased(User), aliased(User)
_OWNER_TEAM = aliased(Service)
_FROM_SERVICE, _TO_SERVICE = aliased(Service), aliased(Service)
_SENDER, _RECEIVER = aliased(User), aliased(User)
_ASKER, _ANSWERER = aliased(User), aliased(User)
_TRANSFER_SERVICE = aliased(Service)

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


@dataclass(frozen=True)
class EntrySource:
    """One kind of timeline entry, called as a ``TimelineSource``: ``query`` selects the records (first) with their
    joined values, and the source keeps those of the dossier; the record's ``at`` column places the entry (ties
    broken by the record's id) and ``data(record, *joined values)`` is what the entry carries. One query per call."""

    kind: str
    query: Select[Any]
    at: InstrumentedAttribute[Any]
    data: Callable[..., dict[str, Any]]

    @property
    def __name__(self) -> str:
        """Named like a source function: ``<kind>_entries``."""
        return f"{self.kind}_entries"

    async def __call__(
        self, session: AsyncSession, dossier_id: int, cursor: Cursor | None, limit: int
    ) -> list[TimelineEntry]:
        """The newest ``limit`` entries that come after ``cursor``."""
        record_type = self.at.class_
        id_column = record_type.id
        query = (
            self.query.where(record_type.dossier_id == dossier_id)
            .order_by(self.at.desc(), id_column.desc())
            .limit(limit)
        )
        condition = before_clause(self.kind, self.at, id_column, cursor)
        if condition is not None:
            query = query.where(condition)
        entries = []
        for record, *joined in (await session.execute(query)).all():
            at = getattr(record, self.at.key)
            if at is not None:
                entries.append(TimelineEntry(self.kind, at, record.id, self.data(record, *joined)))
        return entries


_CONTACT_REFS = (
    select(func.aggregate_strings(ExternalReference.ref, "\n"))
    .where(ExternalReference.record_type == "contact", ExternalReference.record_id == Contact.id)
    .correlate(Contact)
    .scalar_subquery()
)
CONTACT_TRANSFERS = (
    select(
        func.aggregate_strings(
            cast(ContactTransfer.position, String)
            + "|"
            + _TRANSFER_SERVICE.code
            + "|"
            + func.coalesce(Department.name, "")
            + "|"
            + case((ContactTransfer.connected, "1"), else_="0"),
            "\n",
        )
    )
    .select_from(ContactTransfer)
    .join(_TRANSFER_SERVICE, _TRANSFER_SERVICE.id == ContactTransfer.service_id)
    .outerjoin(Department, Department.id == ContactTransfer.department_id)
    .where(ContactTransfer.contact_id == Contact.id)
    .correlate(Contact)
    .scalar_subquery()
)
"""A contact's transfer attempts as one string (``position|service|department|1-or-0`` per line), in the same
query as the contact: no extra query per entry. Read back with :func:`transfer_attempts`."""
CONTACT_TOPIC = select(Topic.name).where(Topic.id == Contact.topic_id).correlate(Contact).scalar_subquery()
"""The name of a contact's topic (onderwerp), or null."""
CONTACT_ARTICLES = given_articles_of(Contact.id)
"""The knowledge articles a contact was answered with (id, version, question as given), as one string."""


def transfer_attempts(text: str | None) -> list[dict[str, Any]]:
    """The attempts of :data:`CONTACT_TRANSFERS`, in the order told."""
    rows = [line.split("|") for line in (text or "").split("\n") if line]
    rows.sort(key=lambda parts: int(parts[0]))
    return [{"service": s, "department": d or None, "connected": c == "1"} for _, s, d, c in rows]


_CONTACTS = (
    select(
        Contact,
        Service.code,
        User.name,
        _CONTACT_REFS,
        Representative.name,
        Representative.organisation,
        CONTACT_TRANSFERS,
        CONTACT_TOPIC,
        CONTACT_ARTICLES,
    )
    .join(Service, Service.id == Contact.service_id)
    .join(User, User.id == Contact.employee_id)
    .outerjoin(Representative, Representative.id == Contact.representative_id)
)


def representative_ref(contact: Contact, name: str | None, organisation: str | None) -> dict[str, Any] | None:
    """The representative who made the contact ("namens de klant door …"), or ``None``."""
    if contact.representative_id is None:
        return None
    return {"id": contact.representative_id, "name": name or "", "organisation": organisation or ""}


def _contact_data(
    contact: Contact,
    service_code: str,
    employee_name: str,
    refs: str | Sequence[str] | None = None,
    representative_name: str | None = None,
    representative_organisation: str | None = None,
    transfers: str | Sequence[Any] | None = None,
    topic_name: str | None = None,
    articles: str | Sequence[Any] | None = None,
) -> dict[str, Any]:
    """``refs``: the contact's external references, as one newline-joined string (the query) or a sequence;
    ``transfers`` its transfer attempts likewise (:data:`CONTACT_TRANSFERS`, or views with service, department
    and connected)."""
    if isinstance(transfers, str) or transfers is None:
        attempts = transfer_attempts(transfers)
    else:
        views: Sequence[Any] = transfers
        attempts = [{"service": t.service, "department": t.department, "connected": t.connected} for t in views]
    if isinstance(articles, str) or articles is None:
        given = given_articles(articles)
    else:
        chosen: Sequence[Any] = articles
        given = [{"id": a.id, "version": a.version, "question": a.question} for a in chosen]
    return {
        "representative": representative_ref(contact, representative_name, representative_organisation),
        "topic_name": topic_name,
        "articles": given,
        "transfer_attempts": attempts,
        "external_refs": sorted(refs.split("\n") if isinstance(refs, str) else (refs or [])),
        "channel": contact.channel,
        "direction": contact.direction,
        "service": service_code,
        "employee": {"id": contact.employee_id, "name": employee_name},
        "outcome": contact.outcome,
        "transfers": contact.transfers,
        "summary": contact.summary,
        "subject": contact.subject,
    }


contact_entries = EntrySource("contact", _CONTACTS, Contact.occurred_at, _contact_data)
"""Klantcontacten linked to the dossier."""


def contact_entry(
    contact: Contact,
    service_code: str,
    employee_name: str,
    refs: Sequence[str] = (),
    representative: tuple[str, str] | None = None,
    transfers: Sequence[Any] = (),
    topic_name: str | None = None,
    articles: Sequence[Any] = (),
) -> TimelineEntry:
    """A contact as the timeline shows it (also the fragment shown right after logging one on the dossier page);
    ``representative``: the name and organisation of who made it, if anyone."""
    name, organisation = representative or (None, None)
    data = _contact_data(
        contact, service_code, employee_name, refs, name, organisation, transfers, topic_name, articles
    )
    return TimelineEntry("contact", contact.occurred_at, contact.id, data)


_ASSIGNMENTS = (
    select(DossierAssignment, Service.code, _ASSIGNEE.name, _ASSIGNER.name)
    .join(_ASSIGNEE, _ASSIGNEE.id == DossierAssignment.user_id)
    .outerjoin(Service, Service.id == DossierAssignment.service_id)
    .outerjoin(_ASSIGNER, _ASSIGNER.id == DossierAssignment.assigned_by_id)
)


def _assignment_data(
    a: DossierAssignment, service_code: str | None, assignee_name: str, assigner_name: str | None
) -> dict[str, Any]:
    return {
        "who": {"id": a.user_id, "name": assignee_name},
        "role": a.role,
        "service": service_code,
        "since": a.since,
        "until": a.until,
        "reason": a.reason,
        "assigned_by": {"id": a.assigned_by_id, "name": assigner_name} if a.assigned_by_id else None,
        "end_reason": a.end_reason,
    }


assignment_entries = EntrySource("assignment", _ASSIGNMENTS, DossierAssignment.since, _assignment_data)
"""Assignments of the casemanager and the accountmanagers, at the moment each started (history kept)."""


# -- promises (issue 4): commitments, handoffs and escalations, each when made and when closed ----------------------

_COMMITMENTS = (
    select(Commitment, _OWNER.name, _MAKER.name, _OWNER_TEAM.code)
    .outerjoin(_OWNER, _OWNER.id == Commitment.owner_id)
    .outerjoin(_OWNER_TEAM, _OWNER_TEAM.id == Commitment.owner_service_id)
    .join(_MAKER, _MAKER.id == Commitment.made_by_id)
)


def _promised(c: Commitment) -> dict[str, Any]:
    """What both of a commitment's entries say of it: the promise, its due moment and where it stands now."""
    return {"kind": c.kind, "description": c.description, "due_at": c.due_at, "status": c.status}


def _commitment_data(c: Commitment, owner_name: str | None, maker_name: str, team: str | None) -> dict[str, Any]:
    return {
        **_promised(c),
        "owner": {"id": c.owner_id, "name": owner_name} if c.owner_id is not None else None,
        "made_by": {"id": c.made_by_id, "name": maker_name},
        "owner_service": team,
    }


commitment_entries = EntrySource("commitment", _COMMITMENTS, Commitment.made_at, _commitment_data)
"""Commitments at the moment they were made."""

_CLOSED_COMMITMENTS = (
    select(Commitment, _CLOSER.name)
    .outerjoin(_CLOSER, _CLOSER.id == Commitment.closed_by_id)
    .where(Commitment.closed_at.is_not(None))
)


def _closed_commitment_data(c: Commitment, closer_name: str | None) -> dict[str, Any]:
    return {
        **_promised(c),
        "kept_on_time": c.kept_on_time,
        "note": c.note,
        "closed_by": {"id": c.closed_by_id, "name": closer_name} if c.closed_by_id else None,
    }


commitment_closed_entries = EntrySource(
    "commitment_closed", _CLOSED_COMMITMENTS, Commitment.closed_at, _closed_commitment_data
)
"""Commitments at the moment they were fulfilled, missed or cancelled."""

_HANDOFFS = (
    select(Handoff, _FROM_SERVICE.code, _TO_SERVICE.code, _SENDER.name, _RECEIVER.name)
    .join(_FROM_SERVICE, _FROM_SERVICE.id == Handoff.from_service_id)
    .join(_TO_SERVICE, _TO_SERVICE.id == Handoff.to_service_id)
    .join(_SENDER, _SENDER.id == Handoff.from_employee_id)
    .outerjoin(_RECEIVER, _RECEIVER.id == Handoff.to_employee_id)
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


handoff_entries = EntrySource("handoff", _HANDOFFS, Handoff.requested_at, _handoff_data)
"""Handoffs at the moment they were requested, with the context the receiver needs."""

handoff_decided_entries = EntrySource(
    "handoff_decided", _HANDOFFS.where(Handoff.decided_at.is_not(None)), Handoff.decided_at, _handoff_data
)
"""Handoffs at the moment they were accepted, declined or cancelled."""

_ESCALATIONS = (
    select(Escalation, Service.code, _ASKER.name, _ANSWERER.name)
    .join(Service, Service.id == Escalation.service_id)
    .join(_ASKER, _ASKER.id == Escalation.asked_by_id)
    .outerjoin(_ANSWERER, _ANSWERER.id == Escalation.answered_by_id)
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


escalation_entries = EntrySource("escalation", _ESCALATIONS, Escalation.asked_at, _escalation_data)
"""Escalations at the moment the KCC asked them."""

escalation_answered_entries = EntrySource(
    "escalation_answered",
    _ESCALATIONS.where(Escalation.answered_at.is_not(None)),
    Escalation.answered_at,
    _escalation_data,
)
"""Escalations at the moment they were answered."""


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
"""Every kind of entry on the timeline. A new kind is one ``EntrySource`` above and one line here."""


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


def page_of(batches: Sequence[list[TimelineEntry]], limit: int) -> TimelinePage:
    """One page of at most ``limit`` entries from per-source batches of ``limit + 1`` each (newest first), with the
    cursor of its last entry when there is more."""
    entries = merge_newest_first(batches, limit + 1)
    if len(entries) > limit:
        entries = entries[:limit]
        return TimelinePage(entries, entries[-1].cursor)
    return TimelinePage(entries, None)


async def read_page(
    session: AsyncSession, owner_id: int, sources: Sequence[TimelineSource], before: Cursor | None, limit: int
) -> TimelinePage:
    """One page of a timeline (a dossier's, a client's), newest first: one query per source, whatever the number of
    entries."""
    return page_of([await source(session, owner_id, before, limit + 1) for source in sources], limit)


async def dossier_timeline(
    dossiers: DossierService, view: DossierView, before: Cursor | None = None, limit: int = DEFAULT_LIMIT
) -> TimelinePage:
    """The timeline of a dossier already loaded (and access-checked) through ``DossierService``; audited."""
    if view.access < Access.READ:
        raise Forbidden(NOT_INVOLVED)
    page = await read_page(dossiers.session, view.dossier.id, TIMELINE_SOURCES, before, limit)
    dossiers.audit.record(
        Action.READ,
        "timeline",
        view.dossier.id,
        client_pseudonym=view.client_pseudonym,
        detail=f"voor {before.encode()}" if before else "",
    )
    return page
