"""The dossier's timeline: one story per client, newest first, merged from several entry sources.

Each source (an ``EntrySource``) is one kind of entry: the record's moment that places it, the SQL that keeps one
dossier's records, and ``rows``, the columns the entry shows (Core rows, no ORM entities) with the joined names. A
page is read in two steps (``read_page``, also used by the client timeline): ONE statement, a UNION ALL of every
source's ``(kind, at, id)`` ordered and limited to the page (``page_keys``), finds which entries are on the page;
then one statement per kind on the page (two kinds of one record, such as a handoff requested and decided, share
it) reads those entries by id. A page of contacts and commitments is 1 + 2 statements whatever the number of kinds
or entries; kinds not on the page are not read. The statements are built once (per cursor shape) with bound
parameters, so SQLAlchemy's cache key is computed once. Later concepts join the timeline by adding their source
to ``TIMELINE_SOURCES``.

Order and pagination: entries are ordered by ``(at, type, id)`` descending (in SQL the type is the kind's rank in
the sorted kinds, so the order does not depend on the database's collation). The cursor ``before`` is the position
of the last entry already shown, written as ``<ISO moment>~<type>~<id>``; a bare ISO moment means "everything
strictly before this moment".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, cached_property
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    FromClause,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute, aliased

from casemgmt.audit.services import Action
from casemgmt.auth.models import User
from casemgmt.clients.models import Representative
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer, ExternalReference
from casemgmt.directory.models import Department, Service, Topic
from casemgmt.dossiers.access import NOT_INVOLVED, Access
from casemgmt.dossiers.models import DossierAssignment
from casemgmt.dossiers.services import DossierAccess, DossierService
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


OWNER: BindParameter[Any] = bindparam("owner_id")
"""The dossier (or client) whose timeline is read, in the sources' ``owned_by``."""
_BEFORE_AT: BindParameter[datetime] = bindparam("before_at")
_BEFORE_ID: BindParameter[int] = bindparam("before_id")
_LIMIT = bindparam("limit", type_=Integer)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def before_clause(
    side: int | None, at_column: QueryableAttribute[datetime], id_column: QueryableAttribute[int]
) -> ColumnElement[bool] | None:
    """SQL: the rows of a source that come after the cursor (parameters ``before_at`` and ``before_id``) in
    newest-first order; ``side`` is how the source's kind compares to the cursor's type (:func:`cursor_shape`), or
    ``None`` without a cursor."""
    if side is None:
        return None
    if side < 0:
        return at_column <= _BEFORE_AT
    if side == 0:
        return or_(at_column < _BEFORE_AT, and_(at_column == _BEFORE_AT, id_column < _BEFORE_ID))
    return at_column < _BEFORE_AT


@dataclass(frozen=True, eq=False)
class EntrySource:
    """One kind of timeline entry. ``at`` (a column of the kind's record) places an entry, ties broken by the
    record's id; ``owned_by(OWNER)`` is the SQL keeping the records of one dossier (or client), over the record's
    table or ``keys_from`` when it needs a join; ``rows`` selects the columns the entry needs (the record's ``id``
    among them: Core rows, no ORM entities) and ``data(row)`` is what the entry carries. Sources of one record read
    at two moments share their ``rows`` statement object, and then one statement reads both kinds' rows."""

    kind: str
    at: InstrumentedAttribute[Any]
    owned_by: Callable[[ColumnElement[Any]], ColumnElement[bool]]
    rows: Select[Any]
    data: Callable[[Row[Any]], dict[str, Any]]
    keys_from: FromClause | None = None

    @property
    def __name__(self) -> str:
        """Named like a source function: ``<kind>_entries``."""
        return f"{self.kind}_entries"

    def id_column(self) -> QueryableAttribute[int]:
        """The id of the kind's record (the entry's ``id``, its tiebreak)."""
        id_column: QueryableAttribute[int] = self.at.class_.id
        return id_column

    def keys(self, rank: int, side: int | None) -> Select[Any]:
        """SQL: ``(rank, at, id)`` of every entry of this kind of the owner after the cursor; ``rank`` stands for the
        kind in the ORDER BY (its place among the sources' kinds sorted as strings), so ties sort as ``type``."""
        query = select(
            literal_column(str(rank), Integer).label("rank"), self.at.label("at"), self.id_column().label("id")
        ).where(self.owned_by(OWNER), self.at.is_not(None))
        if self.keys_from is not None:
            query = query.select_from(self.keys_from)
        condition = before_clause(side, self.at, self.id_column())
        return query if condition is None else query.where(condition)

    @cached_property
    def by_ids(self) -> Select[Any]:
        """``rows`` of the records whose ids are the parameter ``ids``; built once, so SQLAlchemy computes its cache
        key once (a statement built per call costs milliseconds in cache keys alone)."""
        return self.rows.where(self.id_column().in_(_IDS))


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
        Contact.id,
        Contact.representative_id,
        Contact.channel,
        Contact.direction,
        Contact.employee_id,
        Contact.outcome,
        Contact.transfers,
        Contact.summary,
        Contact.subject,
        Service.code.label("service_code"),
        User.name.label("employee_name"),
        _CONTACT_REFS.label("refs"),
        Representative.name.label("representative_name"),
        Representative.organisation.label("representative_organisation"),
        CONTACT_TRANSFERS.label("transfer_attempts"),
        CONTACT_TOPIC.label("topic_name"),
        CONTACT_ARTICLES.label("articles"),
    )
    .join(Service, Service.id == Contact.service_id)
    .join(User, User.id == Contact.employee_id)
    .outerjoin(Representative, Representative.id == Contact.representative_id)
)


def representative_ref(contact: Any, name: str | None, organisation: str | None) -> dict[str, Any] | None:
    """The representative who made the contact ("namens de klant door …"), or ``None``; ``contact``: the
    ``Contact`` or a row with its ``representative_id``."""
    if contact.representative_id is None:
        return None
    return {"id": contact.representative_id, "name": name or "", "organisation": organisation or ""}


def _contact_data(
    contact: Any,
    service_code: str,
    employee_name: str,
    refs: str | Sequence[str] | None = None,
    representative_name: str | None = None,
    representative_organisation: str | None = None,
    transfers: str | Sequence[Any] | None = None,
    topic_name: str | None = None,
    articles: str | Sequence[Any] | None = None,
) -> dict[str, Any]:
    """``contact``: the ``Contact`` or a row of :data:`_CONTACTS`; ``refs``: the contact's external references, as
    one newline-joined string (the query) or a sequence; ``transfers`` its transfer attempts likewise
    (:data:`CONTACT_TRANSFERS`, or views with service, department and connected)."""
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


def _contact_row_data(r: Row[Any]) -> dict[str, Any]:
    return _contact_data(
        r,
        r.service_code,
        r.employee_name,
        r.refs,
        r.representative_name,
        r.representative_organisation,
        r.transfer_attempts,
        r.topic_name,
        r.articles,
    )


def _of_dossier(record: Any) -> Callable[[ColumnElement[Any]], ColumnElement[bool]]:
    """``owned_by`` of a record with a ``dossier_id``."""
    return lambda dossier_id: record.dossier_id == dossier_id  # type: ignore[no-any-return]


contact_entries = EntrySource("contact", Contact.occurred_at, _of_dossier(Contact), _CONTACTS, _contact_row_data)
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
    select(
        DossierAssignment.id,
        DossierAssignment.user_id,
        DossierAssignment.role,
        DossierAssignment.since,
        DossierAssignment.until,
        DossierAssignment.reason,
        DossierAssignment.assigned_by_id,
        DossierAssignment.end_reason,
        Service.code.label("service_code"),
        _ASSIGNEE.name.label("assignee_name"),
        _ASSIGNER.name.label("assigner_name"),
    )
    .join(_ASSIGNEE, _ASSIGNEE.id == DossierAssignment.user_id)
    .outerjoin(Service, Service.id == DossierAssignment.service_id)
    .outerjoin(_ASSIGNER, _ASSIGNER.id == DossierAssignment.assigned_by_id)
)


def _assignment_data(a: Row[Any]) -> dict[str, Any]:
    return {
        "who": {"id": a.user_id, "name": a.assignee_name},
        "role": a.role,
        "service": a.service_code,
        "since": a.since,
        "until": a.until,
        "reason": a.reason,
        "assigned_by": {"id": a.assigned_by_id, "name": a.assigner_name} if a.assigned_by_id else None,
        "end_reason": a.end_reason,
    }


assignment_entries = EntrySource(
    "assignment", DossierAssignment.since, _of_dossier(DossierAssignment), _ASSIGNMENTS, _assignment_data
)
"""Assignments of the casemanager and the accountmanagers, at the moment each started (history kept)."""


# -- promises (issue 4): commitments, handoffs and escalations, each when made and when closed ----------------------

_COMMITMENTS = (
    select(
        Commitment.id,
        Commitment.kind,
        Commitment.description,
        Commitment.due_at,
        Commitment.status,
        Commitment.owner_id,
        Commitment.made_by_id,
        Commitment.kept_on_time,
        Commitment.note,
        Commitment.closed_by_id,
        _OWNER.name.label("owner_name"),
        _MAKER.name.label("maker_name"),
        _OWNER_TEAM.code.label("owner_service"),
        _CLOSER.name.label("closer_name"),
    )
    .outerjoin(_OWNER, _OWNER.id == Commitment.owner_id)
    .outerjoin(_OWNER_TEAM, _OWNER_TEAM.id == Commitment.owner_service_id)
    .join(_MAKER, _MAKER.id == Commitment.made_by_id)
    .outerjoin(_CLOSER, _CLOSER.id == Commitment.closed_by_id)
)
"""A commitment's columns for both of its entries (made, closed): one statement when both are on a page."""


def _promised(c: Row[Any]) -> dict[str, Any]:
    """What both of a commitment's entries say of it: the promise, its due moment and where it stands now."""
    return {"kind": c.kind, "description": c.description, "due_at": c.due_at, "status": c.status}


def _commitment_data(c: Row[Any]) -> dict[str, Any]:
    return {
        **_promised(c),
        "owner": {"id": c.owner_id, "name": c.owner_name} if c.owner_id is not None else None,
        "made_by": {"id": c.made_by_id, "name": c.maker_name},
        "owner_service": c.owner_service,
    }


commitment_entries = EntrySource(
    "commitment", Commitment.made_at, _of_dossier(Commitment), _COMMITMENTS, _commitment_data
)
"""Commitments at the moment they were made."""


def _closed_commitment_data(c: Row[Any]) -> dict[str, Any]:
    return {
        **_promised(c),
        "kept_on_time": c.kept_on_time,
        "note": c.note,
        "closed_by": {"id": c.closed_by_id, "name": c.closer_name} if c.closed_by_id else None,
    }


commitment_closed_entries = EntrySource(
    "commitment_closed", Commitment.closed_at, _of_dossier(Commitment), _COMMITMENTS, _closed_commitment_data
)
"""Commitments at the moment they were fulfilled, missed or cancelled."""

_HANDOFFS = (
    select(
        Handoff.id,
        Handoff.from_employee_id,
        Handoff.to_employee_id,
        Handoff.reason,
        Handoff.context,
        Handoff.status,
        Handoff.decision_reason,
        _FROM_SERVICE.code.label("from_code"),
        _TO_SERVICE.code.label("to_code"),
        _SENDER.name.label("sender"),
        _RECEIVER.name.label("receiver"),
    )
    .join(_FROM_SERVICE, _FROM_SERVICE.id == Handoff.from_service_id)
    .join(_TO_SERVICE, _TO_SERVICE.id == Handoff.to_service_id)
    .join(_SENDER, _SENDER.id == Handoff.from_employee_id)
    .outerjoin(_RECEIVER, _RECEIVER.id == Handoff.to_employee_id)
)


def _handoff_data(h: Row[Any]) -> dict[str, Any]:
    return {
        "from_service": h.from_code,
        "to_service": h.to_code,
        "from_employee": {"id": h.from_employee_id, "name": h.sender},
        "to_employee": {"id": h.to_employee_id, "name": h.receiver} if h.to_employee_id else None,
        "reason": h.reason,
        "context": h.context,
        "status": h.status,
        "decision_reason": h.decision_reason,
    }


handoff_entries = EntrySource("handoff", Handoff.requested_at, _of_dossier(Handoff), _HANDOFFS, _handoff_data)
"""Handoffs at the moment they were requested, with the context the receiver needs."""

handoff_decided_entries = EntrySource(
    "handoff_decided", Handoff.decided_at, _of_dossier(Handoff), _HANDOFFS, _handoff_data
)
"""Handoffs at the moment they were accepted, declined or cancelled."""

_ESCALATIONS = (
    select(
        Escalation.id,
        Escalation.question,
        Escalation.asked_by_id,
        Escalation.due_at,
        Escalation.status,
        Escalation.answer,
        Escalation.answered_by_id,
        Escalation.within_norm,
        Escalation.reusable,
        Service.code.label("service"),
        _ASKER.name.label("asker"),
        _ANSWERER.name.label("answerer"),
    )
    .join(Service, Service.id == Escalation.service_id)
    .join(_ASKER, _ASKER.id == Escalation.asked_by_id)
    .outerjoin(_ANSWERER, _ANSWERER.id == Escalation.answered_by_id)
)


def _escalation_data(e: Row[Any]) -> dict[str, Any]:
    return {
        "service": e.service,
        "question": e.question,
        "asked_by": {"id": e.asked_by_id, "name": e.asker},
        "due_at": e.due_at,
        "status": e.status,
        "answer": e.answer,
        "answered_by": {"id": e.answered_by_id, "name": e.answerer} if e.answered_by_id else None,
        "within_norm": e.within_norm,
        "reusable": e.reusable,
    }


escalation_entries = EntrySource(
    "escalation", Escalation.asked_at, _of_dossier(Escalation), _ESCALATIONS, _escalation_data
)
"""Escalations at the moment the KCC asked them."""

escalation_answered_entries = EntrySource(
    "escalation_answered", Escalation.answered_at, _of_dossier(Escalation), _ESCALATIONS, _escalation_data
)
"""Escalations at the moment they were answered."""


TIMELINE_SOURCES: tuple[EntrySource, ...] = (
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


@cache
def page_keys(sources: tuple[EntrySource, ...], shape: tuple[int, ...] | None) -> Select[Any]:
    """SQL: ``(rank, at, id)`` of the newest ``limit`` entries (parameters ``owner_id``, ``limit``, and ``before_at``
    and ``before_id`` with a cursor) over every source: a UNION ALL of the sources' keys, no joins but those an owner
    filter needs. ``rank`` is the source's place among the kinds sorted, so ``ORDER BY at, rank, id`` is the
    timeline's ``(at, type, id)``. ``shape``: how each kind, sorted, compares to the cursor's type
    (:func:`cursor_shape`). Built once per shape (at most two per kind, and one without a cursor), so SQLAlchemy
    computes its cache key once."""
    kinds = sorted(source.kind for source in sources)
    ranks = {kind: rank for rank, kind in enumerate(kinds)}
    keys = union_all(
        *(source.keys(ranks[source.kind], None if shape is None else shape[ranks[source.kind]]) for source in sources)
    ).subquery("keys")
    return (
        select(keys.c.rank, keys.c.at, keys.c.id)
        .order_by(keys.c.at.desc(), keys.c.rank.desc(), keys.c.id.desc())
        .limit(_LIMIT)
    )


def cursor_shape(kinds: Sequence[str], cursor_type: str) -> tuple[int, ...]:
    """How each of ``kinds`` compares to a cursor's type (-1 before it, 0 the same, 1 after it): all
    :func:`before_clause` needs of the type, so a cursor's free text never makes a new statement."""
    return tuple((kind > cursor_type) - (kind < cursor_type) for kind in kinds)


async def read_page(
    session: AsyncSession, owner_id: int, sources: Sequence[EntrySource], before: Cursor | None, limit: int
) -> TimelinePage:
    """One page of a timeline (a dossier's, a client's), newest first: one statement finds the page's entries
    (:func:`page_keys`, ``limit + 1`` to know whether there is more), then one statement per ``rows`` of the kinds
    on the page reads them by id; kinds not on the page are not read."""
    by_rank = sorted(sources, key=lambda source: source.kind)
    kinds = [source.kind for source in by_rank]
    shape = None if before is None else cursor_shape(kinds, before.type)
    params: dict[str, Any] = {"owner_id": owner_id, "limit": limit + 1}
    if before is not None:
        params |= {"before_at": before.at, "before_id": before.id}
    keys = (await session.execute(page_keys(tuple(sources), shape), params)).all()
    more = len(keys) > limit
    keys = keys[:limit]
    wanted: dict[int, tuple[EntrySource, set[int]]] = {}
    for rank, _, ident in keys:
        source = by_rank[rank]
        wanted.setdefault(id(source.rows), (source, set()))[1].add(ident)
    rows: dict[int, dict[int, Row[Any]]] = {}
    for group, (source, ids) in wanted.items():
        rows[group] = {row.id: row for row in (await session.execute(source.by_ids, {"ids": sorted(ids)})).all()}
    entries = []
    for rank, at, ident in keys:
        source = by_rank[rank]
        row = rows[id(source.rows)].get(ident)
        if row is not None:  # None: deleted by another transaction between the two statements
            entries.append(TimelineEntry(source.kind, at, ident, source.data(row)))
    if not more:
        return TimelinePage(entries, None)
    rank, at, ident = keys[-1]
    return TimelinePage(entries, Cursor(at, by_rank[rank].kind, ident))


async def dossier_timeline(
    dossiers: DossierService, dossier: DossierAccess, before: Cursor | None = None, limit: int = DEFAULT_LIMIT
) -> TimelinePage:
    """The timeline of a dossier whose access ``DossierService`` checked (``require_access``, or a loaded view's
    ``reader_access``); audited."""
    if dossier.access < Access.READ:
        raise Forbidden(NOT_INVOLVED)
    page = await read_page(dossiers.session, dossier.dossier_id, TIMELINE_SOURCES, before, limit)
    dossiers.audit.record(
        Action.READ,
        "timeline",
        dossier.dossier_id,
        client_pseudonym=dossier.client_pseudonym,
        detail=f"voor {before.encode()}" if before else "",
    )
    return page
