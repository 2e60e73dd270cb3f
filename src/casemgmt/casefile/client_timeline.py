"""The client's own story (klantbeeld, issue 12): one timeline of everything that happened with a client, with or
without a dossier, and the list of the client's dossiers, open and closed with their outcome.

The timeline is read like the dossier timeline (``casefile/timeline.py``, ``read_page``): one statement finds the
page's entries (a UNION ALL of every kind's ``(kind, at, id)``, ordered by ``(at, type, id)`` newest first and
limited to the page), then one statement per record on the page (contacts, dossiers, commitments, escalations: the
two kinds of one record share it) reads its columns by id as Core rows, so at most 5 statements whatever the number
of entries, and 1 + the records present. The cursor is the timeline's ``Cursor`` (``<ISO>~<type>~<id>``).
Kinds: ``contact`` (every contact of the client, with or without a dossier), ``dossier_opened``,
``dossier_closed``, ``commitment_made``, ``commitment_closed``, ``escalation_asked``, ``escalation_answered``
(escalations about the client or about one of the client's dossiers); each entry names its dossier's reference or
none.

Need to know (``clients/access.py``, docs/PRIVACY.md): both reads are the client's full record; a reader with the
limited view gets 403 with the reason that a reason must be stated first (``NEEDS_REASON``), nothing is read. Each
read is one audit event on the client (object type ``client``, detail ``tijdlijn`` / ``dossiers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, func, join, literal, select, true, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from casemgmt.audit.services import Action
from casemgmt.auth.models import User
from casemgmt.casefile.finding import ClientFinder
from casemgmt.casefile.timeline import (
    CONTACT_ARTICLES,
    CONTACT_TOPIC,
    CONTACT_TRANSFERS,
    DEFAULT_LIMIT,
    OWNER,
    Cursor,
    EntrySource,
    TimelinePage,
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


def _ref(row: Row[Any]) -> dict[str, Any]:
    return {"dossier_ref": row.dossier_ref}


def _contact(c: Row[Any]) -> dict[str, Any]:
    return {
        **_ref(c),
        "representative": representative_ref(c, c.representative_name, c.representative_organisation),
        "topic_name": c.topic_name,
        "articles": given_articles(c.articles),
        "transfer_attempts": transfer_attempts(c.transfer_attempts),
        "channel": c.channel,
        "direction": c.direction,
        "service": c.service,
        "employee": c.employee,
        "subject": c.subject,
        "outcome": c.outcome,
        "summary": c.summary,
    }


def _dossier(d: Row[Any]) -> dict[str, Any]:
    return {**_ref(d), "subject": d.subject, "status": d.status, "outcome": d.outcome, "casemanager": d.casemanager}


def _commitment(c: Row[Any]) -> dict[str, Any]:
    return {
        **_ref(c),
        "kind": c.kind,
        "description": c.description,
        "due_at": c.due_at,
        "status": c.status,
        "owner": c.owner,
        "kept_on_time": c.kept_on_time,
        "closed_by": c.closed_by,
    }


def _escalation(e: Row[Any]) -> dict[str, Any]:
    return {
        **_ref(e),
        "service": e.service,
        "question": e.question,
        "asked_by": e.asked_by,
        "status": e.status,
        "answer": e.answer,
        "answered_by": e.answered_by,
        "within_norm": e.within_norm,
    }


_DOSSIER_REF = Dossier.ref.label("dossier_ref")
_CONTACTS = (
    select(
        Contact.id,
        _DOSSIER_REF,
        Contact.representative_id,
        Contact.channel,
        Contact.direction,
        Contact.subject,
        Contact.outcome,
        Contact.summary,
        Service.code.label("service"),
        _EMPLOYEE.name.label("employee"),
        Representative.name.label("representative_name"),
        Representative.organisation.label("representative_organisation"),
        CONTACT_TRANSFERS.label("transfer_attempts"),
        CONTACT_TOPIC.label("topic_name"),
        CONTACT_ARTICLES.label("articles"),
    )
    .outerjoin(Dossier, Dossier.id == Contact.dossier_id)
    .join(Service, Service.id == Contact.service_id)
    .join(_EMPLOYEE, _EMPLOYEE.id == Contact.employee_id)
    .outerjoin(Representative, Representative.id == Contact.representative_id)
)
_DOSSIERS = select(
    Dossier.id, _DOSSIER_REF, Dossier.subject, Dossier.status, Dossier.outcome, _EMPLOYEE.name.label("casemanager")
).join(_EMPLOYEE, _EMPLOYEE.id == Dossier.casemanager_id)
_COMMITMENTS = (
    select(
        Commitment.id,
        _DOSSIER_REF,
        Commitment.kind,
        Commitment.description,
        Commitment.due_at,
        Commitment.status,
        Commitment.kept_on_time,
        func.coalesce(_OWNER.name, literal("team ") + _OWNER_TEAM.code).label("owner"),
        _CLOSER.name.label("closed_by"),
    )
    .outerjoin(Dossier, Dossier.id == Commitment.dossier_id)
    .outerjoin(_OWNER, _OWNER.id == Commitment.owner_id)
    .outerjoin(_OWNER_TEAM, _OWNER_TEAM.id == Commitment.owner_service_id)
    .outerjoin(_CLOSER, _CLOSER.id == Commitment.closed_by_id)
)
_ESCALATIONS = (
    select(
        Escalation.id,
        _DOSSIER_REF,
        Escalation.question,
        Escalation.status,
        Escalation.answer,
        Escalation.within_norm,
        Service.code.label("service"),
        _ASKER.name.label("asked_by"),
        _ANSWERER.name.label("answered_by"),
    )
    .outerjoin(Dossier, Dossier.id == Escalation.dossier_id)
    .join(Service, Service.id == Escalation.service_id)
    .join(_ASKER, _ASKER.id == Escalation.asked_by_id)
    .outerjoin(_ANSWERER, _ANSWERER.id == Escalation.answered_by_id)
)
_BY_DOSSIER = aliased(Escalation)
_CLIENT_ESCALATIONS = union(
    select(Escalation.id).where(Escalation.client_id == OWNER),
    select(_BY_DOSSIER.id).join(Dossier, Dossier.id == _BY_DOSSIER.dossier_id).where(Dossier.client_id == OWNER),
).subquery("client_escalations")
_ESCALATION_DOSSIER = join(Escalation, _CLIENT_ESCALATIONS, _CLIENT_ESCALATIONS.c.id == Escalation.id)
"""What the keys of escalations are read from: the client's escalations, about the client itself or about one of its
dossiers, as a UNION of two index lookups (an OR over an outer join to dossiers read every escalation)."""


def _escalation_of(client_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """Every escalation of ``_ESCALATION_DOSSIER`` (it holds the client's only)."""
    return true()


def _contact_of(client_id: ColumnElement[Any]) -> ColumnElement[bool]:
    return Contact.client_id == client_id


def _dossier_of(client_id: ColumnElement[Any]) -> ColumnElement[bool]:
    return Dossier.client_id == client_id


def _commitment_of(client_id: ColumnElement[Any]) -> ColumnElement[bool]:
    return Commitment.client_id == client_id


CLIENT_TIMELINE_SOURCES: tuple[EntrySource, ...] = (
    EntrySource("contact", Contact.occurred_at, _contact_of, _CONTACTS, _contact),
    EntrySource("dossier_opened", Dossier.opened_at, _dossier_of, _DOSSIERS, _dossier),
    EntrySource("dossier_closed", Dossier.closed_at, _dossier_of, _DOSSIERS, _dossier),
    EntrySource("commitment_made", Commitment.made_at, _commitment_of, _COMMITMENTS, _commitment),
    EntrySource("commitment_closed", Commitment.closed_at, _commitment_of, _COMMITMENTS, _commitment),
    EntrySource(
        "escalation_asked", Escalation.asked_at, _escalation_of, _ESCALATIONS, _escalation, _ESCALATION_DOSSIER
    ),
    EntrySource(
        "escalation_answered", Escalation.answered_at, _escalation_of, _ESCALATIONS, _escalation, _ESCALATION_DOSSIER
    ),
)
"""Every kind of entry on the client timeline; the two kinds of one record (a dossier opened and closed, …) share
their ``rows`` statement."""


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
