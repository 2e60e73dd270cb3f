"""The client's own story (klantbeeld, issue 12): one timeline of everything that happened with a client, with or
without a dossier, and the list of the client's dossiers, open and closed with their outcome.

The timeline reuses the dossier timeline's approach (``casefile/timeline.py``): each kind of entry is a source of
ONE query (joins, no lazy loads) returning the newest ``limit`` entries of its kind before the cursor, and the
answers are merged by ``(at, type, id)`` newest first (``merge_newest_first``), so the number of queries is the
number of kinds (7) whatever the number of entries. The cursor is the timeline's ``Cursor`` (``<ISO>~<type>~<id>``).
Kinds: ``contact`` (every contact of the client, with or without a dossier), ``dossier_opened``,
``dossier_closed``, ``commitment_made``, ``commitment_closed``, ``escalation_asked``, ``escalation_answered``
(escalations about the client or about one of the client's dossiers); each entry names its dossier's reference or
none.

Need to know (``clients/access.py``, docs/PRIVACY.md): both reads are the client's full record; a reader with the
limited view gets 403 with the reason that a reason must be stated first (``NEEDS_REASON``), nothing is read. Each
read is one audit event on the client (object type ``client``, detail ``tijdlijn`` / ``dossiers``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from casemgmt.audit.services import Action
from casemgmt.auth.models import User
from casemgmt.casefile.finding import ClientFinder
from casemgmt.casefile.timeline import (
    CONTACT_ARTICLES,
    CONTACT_TOPIC,
    CONTACT_TRANSFERS,
    DEFAULT_LIMIT,
    Cursor,
    TimelineEntry,
    TimelinePage,
    before_clause,
    read_page,
    representative_ref,
    transfer_attempts,
)
from casemgmt.clients.access import ClientAccess
from casemgmt.clients.models import Client, Representative
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.directory.models import Service
from casemgmt.dossiers import rules as dossier_rules
from casemgmt.dossiers.models import Dossier
from casemgmt.errors import Forbidden, InvalidInput
from casemgmt.escalations.models import Escalation
from casemgmt.knowledge.usage import given_articles

NEEDS_REASON = (
    "Geen toegang tot het klantbeeld: u bent niet betrokken bij een dossier van deze klant. Geef eerst een reden op "
    "(Gegevens inzien, doelbinding); die wordt in het logboek vastgelegd en geldt vandaag."
)
BAD_CURSOR = "Ongeldige positie in de tijdlijn; gebruik de next_cursor van het vorige antwoord"
DOSSIER_STATUSES = ("open", "closed", "all")
"""The filter of the dossier list: ``open`` (every status but closed), ``closed``, ``all``."""

_EMPLOYEE, _OWNER, _CLOSER, _ASKER, _ANSWERER = (aliased(User) for _ in range(5))
_OWNER_TEAM = aliased(Service)


def _ref(dossier_ref: str | None) -> dict[str, Any]:
    return {"dossier_ref": dossier_ref}


@dataclass(frozen=True)
class ClientEntrySource:
    """One kind of entry of the client timeline: ``query`` selects the record (first), the dossier's reference
    (second, outer-joined: null without a dossier) and the joined values ``data`` takes; ``of_client(client_id)``
    is the SQL keeping the client's records; ``at`` places the entry. One query per call."""

    kind: str
    query: Select[Any]
    at: InstrumentedAttribute[Any]
    of_client: Callable[[int], ColumnElement[bool]]
    data: Callable[..., dict[str, Any]]

    async def __call__(
        self, session: AsyncSession, client_id: int, cursor: Cursor | None, limit: int
    ) -> list[TimelineEntry]:
        id_column = self.at.class_.id
        query = (
            self.query.where(self.of_client(client_id), self.at.is_not(None))
            .order_by(self.at.desc(), id_column.desc())
            .limit(limit)
        )
        condition = before_clause(self.kind, self.at, id_column, cursor)
        if condition is not None:
            query = query.where(condition)
        return [
            TimelineEntry(self.kind, getattr(record, self.at.key), record.id, {**_ref(ref), **self.data(record, *rest)})
            for record, ref, *rest in (await session.execute(query)).all()
        ]


def _contact(
    c: Contact,
    service: str,
    employee: str,
    representative: str | None,
    organisation: str | None,
    transfers: str | None = None,
    topic_name: str | None = None,
    articles: str | None = None,
) -> dict[str, Any]:
    return {
        "representative": representative_ref(c, representative, organisation),
        "topic_name": topic_name,
        "articles": given_articles(articles),
        "transfer_attempts": transfer_attempts(transfers),
        "channel": c.channel,
        "direction": c.direction,
        "service": service,
        "employee": employee,
        "subject": c.subject,
        "outcome": c.outcome,
        "summary": c.summary,
    }


def _dossier(d: Dossier, casemanager: str) -> dict[str, Any]:
    return {"subject": d.subject, "status": d.status, "outcome": d.outcome, "casemanager": casemanager}


def _commitment(c: Commitment, owner: str, closer: str | None) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "description": c.description,
        "due_at": c.due_at,
        "status": c.status,
        "owner": owner,
        "kept_on_time": c.kept_on_time,
        "closed_by": closer,
    }


def _escalation(e: Escalation, service: str, asker: str, answerer: str | None) -> dict[str, Any]:
    return {
        "service": service,
        "question": e.question,
        "asked_by": asker,
        "status": e.status,
        "answer": e.answer,
        "answered_by": answerer,
        "within_norm": e.within_norm,
    }


_CONTACTS = (
    select(
        Contact,
        Dossier.ref,
        Service.code,
        _EMPLOYEE.name,
        Representative.name,
        Representative.organisation,
        CONTACT_TRANSFERS,
        CONTACT_TOPIC,
        CONTACT_ARTICLES,
    )
    .outerjoin(Dossier, Dossier.id == Contact.dossier_id)
    .join(Service, Service.id == Contact.service_id)
    .join(_EMPLOYEE, _EMPLOYEE.id == Contact.employee_id)
    .outerjoin(Representative, Representative.id == Contact.representative_id)
)
_DOSSIERS = select(Dossier, Dossier.ref, _EMPLOYEE.name).join(_EMPLOYEE, _EMPLOYEE.id == Dossier.casemanager_id)
_COMMITMENTS = (
    select(Commitment, Dossier.ref, func.coalesce(_OWNER.name, literal("team ") + _OWNER_TEAM.code), _CLOSER.name)
    .outerjoin(Dossier, Dossier.id == Commitment.dossier_id)
    .outerjoin(_OWNER, _OWNER.id == Commitment.owner_id)
    .outerjoin(_OWNER_TEAM, _OWNER_TEAM.id == Commitment.owner_service_id)
    .outerjoin(_CLOSER, _CLOSER.id == Commitment.closed_by_id)
)
_ESCALATIONS = (
    select(Escalation, Dossier.ref, Service.code, _ASKER.name, _ANSWERER.name)
    .outerjoin(Dossier, Dossier.id == Escalation.dossier_id)
    .join(Service, Service.id == Escalation.service_id)
    .join(_ASKER, _ASKER.id == Escalation.asked_by_id)
    .outerjoin(_ANSWERER, _ANSWERER.id == Escalation.answered_by_id)
)


def _escalation_of(client_id: int) -> ColumnElement[bool]:
    """An escalation about the client, or about one of the client's dossiers."""
    return or_(Escalation.client_id == client_id, Dossier.client_id == client_id)


CLIENT_TIMELINE_SOURCES: tuple[ClientEntrySource, ...] = (
    ClientEntrySource("contact", _CONTACTS, Contact.occurred_at, lambda c: Contact.client_id == c, _contact),
    ClientEntrySource("dossier_opened", _DOSSIERS, Dossier.opened_at, lambda c: Dossier.client_id == c, _dossier),
    ClientEntrySource("dossier_closed", _DOSSIERS, Dossier.closed_at, lambda c: Dossier.client_id == c, _dossier),
    ClientEntrySource(
        "commitment_made", _COMMITMENTS, Commitment.made_at, lambda c: Commitment.client_id == c, _commitment
    ),
    ClientEntrySource(
        "commitment_closed", _COMMITMENTS, Commitment.closed_at, lambda c: Commitment.client_id == c, _commitment
    ),
    ClientEntrySource("escalation_asked", _ESCALATIONS, Escalation.asked_at, _escalation_of, _escalation),
    ClientEntrySource("escalation_answered", _ESCALATIONS, Escalation.answered_at, _escalation_of, _escalation),
)
"""Every kind of entry on the client timeline: one query each."""


@dataclass(frozen=True)
class ClientDossier:
    id: int
    ref: str
    subject: str
    status: str
    outcome: str | None
    opened_at: datetime
    closed_at: datetime | None
    casemanager: str


async def read_client_dossiers(session: AsyncSession, client_id: int, status: str = "all") -> list[ClientDossier]:
    """The client's dossiers, newest opened first: one query."""
    query = (
        select(Dossier, _EMPLOYEE.name)
        .join(_EMPLOYEE, _EMPLOYEE.id == Dossier.casemanager_id)
        .where(Dossier.client_id == client_id)
        .order_by(Dossier.opened_at.desc(), Dossier.id.desc())
    )
    if status == "open":
        query = query.where(Dossier.status != dossier_rules.CLOSED)
    elif status == "closed":
        query = query.where(Dossier.status == dossier_rules.CLOSED)
    return [
        ClientDossier(d.id, d.ref, d.subject, d.status, d.outcome, d.opened_at, d.closed_at, name)
        for d, name in (await session.execute(query)).all()
    ]


def parse_cursor(raw: str | None) -> Cursor | None:
    """The ``cursor`` parameter: an entry's cursor (or a bare ISO moment); a bad one is a 422 naming ``cursor``."""
    if raw is None or not raw.strip():
        return None
    try:
        return Cursor.parse(raw)
    except InvalidInput:
        raise InvalidInput.single(
            "cursor", "Ongeldige positie in de tijdlijn; gebruik de next_cursor van het vorige antwoord"
        ) from None


def check_status(raw: str | None) -> str:
    status = raw or "all"
    if status not in DOSSIER_STATUSES:
        raise InvalidInput.single("status", f"Onbekende status '{status}'; kies uit {', '.join(DOSSIER_STATUSES)}")
    return status


async def _full_record(finder: ClientFinder, client_id: int) -> Client:
    """The client, when the actor may see its full record; 403 (``NEEDS_REASON``) otherwise, nothing audited."""
    view = await finder.view(client_id)
    if view.access is not ClientAccess.FULL:
        raise Forbidden(NEEDS_REASON)
    return view.client


async def client_timeline(
    finder: ClientFinder, client_id: int, before: Cursor | None = None, limit: int = DEFAULT_LIMIT
) -> TimelinePage:
    """The client's timeline for the acting employee: need to know checked, one audit event."""
    client = await _full_record(finder, client_id)
    page = await read_page(finder.session, client.id, CLIENT_TIMELINE_SOURCES, before, limit)
    detail = "tijdlijn" + (f" voor {before.encode()}" if before else "")
    finder.audit.record(Action.READ, "client", client.id, client_pseudonym=client.pseudonym, detail=detail)
    return page


async def client_dossiers(finder: ClientFinder, client_id: int, status: str = "all") -> list[ClientDossier]:
    """The client's dossiers for the acting employee: need to know checked, one audit event."""
    client = await _full_record(finder, client_id)
    dossiers = await read_client_dossiers(finder.session, client.id, status)
    detail = f"dossiers ({status})"
    finder.audit.record(Action.READ, "client", client.id, client_pseudonym=client.pseudonym, detail=detail)
    return dossiers


async def client_record(
    finder: ClientFinder, client_id: int, limit: int = DEFAULT_LIMIT
) -> tuple[TimelinePage, list[ClientDossier]]:
    """The klantbeeld page's part below the routing view: the first page of the timeline and the closed dossiers,
    in one audit event (the caller has checked the full record through the routing view)."""
    client = await _full_record(finder, client_id)
    page = await read_page(finder.session, client.id, CLIENT_TIMELINE_SOURCES, None, limit)
    closed = await read_client_dossiers(finder.session, client.id, "closed")
    finder.audit.record(
        Action.READ, "client", client.id, client_pseudonym=client.pseudonym, detail="tijdlijn en gesloten dossiers"
    )
    return page, closed
