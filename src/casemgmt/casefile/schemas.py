"""The casefile's API shapes: one dossier with its figures, its timeline, Wie helpt deze klant? and the Werkvoorraad.

The timeline is a tagged union on ``type``: each kind of entry has its own fields between ``id`` and ``cursor``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from casemgmt.casefile.client_timeline import ClientDossier
from casemgmt.casefile.finding import AccountmanagerLine, Person, RoutingView
from casemgmt.casefile.signals import DossierFigures
from casemgmt.casefile.timeline import TimelineEntry, TimelinePage
from casemgmt.casefile.worklist import Worklist
from casemgmt.clients.schemas import ClientOut, RepresentativeOut
from casemgmt.commitments.schemas import CommitmentOut
from casemgmt.contacts.schemas import GivenArticleOut, TransferOut
from casemgmt.dossiers.schemas import DossierOut
from casemgmt.dossiers.services import DossierView
from casemgmt.escalations.schemas import EscalationOut
from casemgmt.web.structs import copied

# -- one dossier -------------------------------------------------------------------------------------------------


class DossierDetailOut(DossierOut):
    """A dossier with its handoff figures and signals (``GET /api/v1/dossiers/{id}``)."""

    handoff_count: int
    services_visited: list[str]
    ping_pong: bool
    signals: list[str]

    @classmethod
    def of_figures(cls, view: DossierView, figures: DossierFigures) -> DossierDetailOut:
        return copied(cls, figures, **msgspec.structs.asdict(DossierOut.of(view)))


# -- the timeline ------------------------------------------------------------------------------------------------


class EmployeeRef(msgspec.Struct):
    id: int | None
    name: str | None


class RepresentativeRef(msgspec.Struct):
    """The representative who made a contact or took part in it."""

    id: int
    name: str
    organisation: str


class _Entry(msgspec.Struct, tag_field="type"):
    at: datetime
    id: int


class ContactEntryOut(_Entry, tag="contact"):
    channel: str
    direction: str
    service: str
    employee: EmployeeRef
    outcome: str
    transfers: int
    summary: str
    subject: str
    cursor: str
    external_refs: list[str] = msgspec.field(default_factory=list)
    """References of other systems (letter, zaak or kenmerk numbers) on the contact."""
    representative: RepresentativeRef | None = None
    """Made by or with this representative, on the client's behalf."""
    topic_name: str | None = None
    """The contact's topic (onderwerp), by name."""
    transfer_attempts: list[TransferOut] = msgspec.field(default_factory=list)
    """Each transfer attempt recorded: service code, department name, connected or not."""
    articles: list[GivenArticleOut] = msgspec.field(default_factory=list)
    """The knowledge articles the caller was answered with: id, the version given and its question."""


class AssignmentEntryOut(_Entry, tag="assignment"):
    who: EmployeeRef
    role: str
    service: str | None
    since: datetime
    until: datetime | None
    reason: str
    assigned_by: EmployeeRef | None
    end_reason: str
    cursor: str


class CommitmentEntryOut(_Entry, tag="commitment"):
    """A commitment when made; a team's promise has ``owner`` null and ``owner_service`` its team's code (the owner
    now, not when it was made: picking up and reassigning are in the owner history)."""

    kind: str
    description: str
    owner: EmployeeRef | None
    made_by: EmployeeRef
    due_at: datetime
    status: str
    cursor: str
    owner_service: str | None = None


class CommitmentClosedEntryOut(_Entry, tag="commitment_closed"):
    kind: str
    description: str
    status: str
    kept_on_time: bool | None
    note: str
    due_at: datetime
    closed_by: EmployeeRef | None
    cursor: str


class HandoffEntryOut(_Entry, tag="handoff"):
    from_service: str
    to_service: str
    from_employee: EmployeeRef
    to_employee: EmployeeRef | None
    reason: str
    context: str
    status: str
    decision_reason: str
    cursor: str


class HandoffDecidedEntryOut(HandoffEntryOut, tag="handoff_decided"):
    """The decision on a handoff: the request's fields, as they are after it."""


class EscalationEntryOut(_Entry, tag="escalation"):
    service: str
    question: str
    asked_by: EmployeeRef
    due_at: datetime
    status: str
    answer: str
    answered_by: EmployeeRef | None
    within_norm: bool | None
    reusable: bool
    cursor: str


class EscalationAnsweredEntryOut(EscalationEntryOut, tag="escalation_answered"):
    """The answer to an escalation: the question's fields, as they are after it."""


TimelineEntryOut = (
    ContactEntryOut
    | AssignmentEntryOut
    | CommitmentEntryOut
    | CommitmentClosedEntryOut
    | HandoffEntryOut
    | HandoffDecidedEntryOut
    | EscalationEntryOut
    | EscalationAnsweredEntryOut
)
"""One timeline entry; ``type`` says which (contact, assignment, commitment, …); ``cursor`` pages on (``before``)."""


def timeline_entry_out(entry: TimelineEntry) -> TimelineEntryOut:
    raw: dict[str, Any] = {"type": entry.type, "at": entry.at, "id": entry.id, **entry.data}
    raw["cursor"] = entry.cursor.encode()
    return msgspec.convert(raw, TimelineEntryOut)  # type: ignore[arg-type]


# -- the client's timeline and dossiers (klantbeeld) -------------------------------------------------------------


class _ClientEntry(msgspec.Struct, tag_field="type"):
    occurred_at: datetime
    id: int
    dossier_ref: str | None


class ClientContactEntryOut(_ClientEntry, tag="contact"):
    channel: str
    direction: str
    service: str
    employee: str
    subject: str
    outcome: str
    summary: str
    cursor: str
    representative: RepresentativeRef | None = None
    """Made by or with this representative, on the client's behalf."""
    topic_name: str | None = None
    transfer_attempts: list[TransferOut] = msgspec.field(default_factory=list)
    articles: list[GivenArticleOut] = msgspec.field(default_factory=list)
    """The knowledge articles the caller was answered with: id, the version given and its question."""


class ClientDossierOpenedEntryOut(_ClientEntry, tag="dossier_opened"):
    subject: str
    status: str
    outcome: str | None
    casemanager: str
    cursor: str


class ClientDossierClosedEntryOut(ClientDossierOpenedEntryOut, tag="dossier_closed"):
    """The dossier at its closing, with its outcome."""


class ClientCommitmentMadeEntryOut(_ClientEntry, tag="commitment_made"):
    kind: str
    description: str
    due_at: datetime
    status: str
    owner: str
    kept_on_time: bool | None
    closed_by: str | None
    cursor: str


class ClientCommitmentClosedEntryOut(ClientCommitmentMadeEntryOut, tag="commitment_closed"):
    """The commitment kept, missed or cancelled (``status``)."""


class ClientEscalationAskedEntryOut(_ClientEntry, tag="escalation_asked"):
    service: str
    question: str
    asked_by: str
    status: str
    answer: str
    answered_by: str | None
    within_norm: bool | None
    cursor: str


class ClientEscalationAnsweredEntryOut(ClientEscalationAskedEntryOut, tag="escalation_answered"):
    """The escalation's answer."""


ClientTimelineEntryOut = (
    ClientContactEntryOut
    | ClientDossierOpenedEntryOut
    | ClientDossierClosedEntryOut
    | ClientCommitmentMadeEntryOut
    | ClientCommitmentClosedEntryOut
    | ClientEscalationAskedEntryOut
    | ClientEscalationAnsweredEntryOut
)
"""One entry of the client's timeline; ``type`` says which; ``dossier_ref`` is null without a dossier."""


class ClientTimelineOut(msgspec.Struct):
    """One page of the client's timeline, newest first; pass ``next_cursor`` as ``cursor`` for the next (older)
    page, ``null`` when there is none."""

    items: list[ClientTimelineEntryOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: TimelinePage) -> ClientTimelineOut:
        items = [
            {"type": e.type, "occurred_at": e.at, "id": e.id, **e.data, "cursor": e.cursor.encode()}
            for e in page.entries
        ]
        return cls(
            items=msgspec.convert(items, list[ClientTimelineEntryOut]),
            next_cursor=page.next_cursor.encode() if page.next_cursor else None,
        )


class ClientDossierOut(msgspec.Struct):
    """One of the client's dossiers; ``outcome`` and ``closed_at`` are set once it is closed."""

    id: int
    ref: str
    subject: str
    status: str
    opened_at: datetime
    closed_at: datetime | None
    outcome: str | None
    casemanager: str

    @classmethod
    def of(cls, d: ClientDossier) -> ClientDossierOut:
        return copied(cls, d)


# -- Wie helpt deze klant? ---------------------------------------------------------------------------------------


class PersonOut(msgspec.Struct):
    id: int
    name: str
    phone: str


class AccountmanagerLineOut(msgspec.Struct):
    """The dossier's accountmanager for one service, with the service's own line, its opening hours as one Dutch
    line and whether it is open now (Europe/Amsterdam, closed on public holidays)."""

    service: str
    service_name: str
    service_phone: str
    service_hours: str
    service_open: bool
    id: int
    name: str
    phone: str


class RoutingDossierOut(msgspec.Struct):
    id: int
    ref: str
    subject: str
    status: str
    casemanager: PersonOut
    accountmanagers: list[AccountmanagerLineOut]


class OpenCommitmentOut(msgspec.Struct):
    """An open commitment to the client, with the direct line of the person who promised; a team's promise has no
    ``owner`` (null) but ``owner_service``, the team's code."""

    id: int
    kind: str
    description: str
    due_at: datetime
    owner: PersonOut | None
    service: str | None
    dossier_ref: str | None
    owner_service: str | None


class RoutingOut(msgspec.Struct):
    """Who helps this client: open dossiers with their owners, current representatives, open commitments.

    Need to know (docs/PRIVACY.md): with ``access`` ``"limited"`` the client's details are ``null`` (``ClientOut``)
    and ``dossiers``, ``representatives`` and ``commitments`` are empty; ``open_dossiers`` is always the number of
    the client's dossiers that are not closed."""

    client: ClientOut
    access: Literal["full", "limited"]
    open_dossiers: int
    dossiers: list[RoutingDossierOut]
    representatives: list[RepresentativeOut]
    commitments: list[OpenCommitmentOut]

    @classmethod
    def of(cls, view: RoutingView) -> RoutingOut:
        def person(p: Person) -> PersonOut:
            return copied(PersonOut, p)

        def accountmanager(line: AccountmanagerLine) -> AccountmanagerLineOut:
            return copied(AccountmanagerLineOut, line, **msgspec.structs.asdict(person(line.person)))

        return cls(
            client=ClientOut.of(view.client, view.access),
            access="full" if view.full else "limited",
            open_dossiers=view.open_dossiers,
            dossiers=[
                copied(
                    RoutingDossierOut,
                    d,
                    casemanager=person(d.casemanager),
                    accountmanagers=[accountmanager(line) for line in d.accountmanagers],
                )
                for d in view.dossiers
            ],
            representatives=[RepresentativeOut.of(r) for r in view.representatives],
            commitments=[
                copied(OpenCommitmentOut, a, owner=person(a.owner) if a.owner else None) for a in view.agreements
            ],
        )


# -- Werkvoorraad ------------------------------------------------------------------------------------------------


class WorklistHandoffOut(msgspec.Struct):
    """A handoff waiting for the user's decision, or one of theirs that was declined."""

    id: int
    dossier_id: int
    dossier_ref: str
    status: str
    from_service: str
    to_service: str
    reason: str
    context: str
    decision_reason: str | None
    requested_at: datetime


class WorklistDossierOut(msgspec.Struct):
    """One of the user's dossiers with its signals."""

    id: int
    ref: str
    subject: str
    status: str
    signals: list[str]
    handoff_count: int
    ping_pong: bool


class WorklistOut(msgspec.Struct):
    """The token user's worklist: open commitments, handoffs, escalations and dossiers with signals."""

    commitments: list[CommitmentOut]
    handoffs: list[WorklistHandoffOut]
    escalations: list[EscalationOut]
    dossiers: list[WorklistDossierOut]
    team_commitments: list[CommitmentOut]
    """Open promises of the user's teams (services), waiting to be picked up ("Voor mijn dienst")."""

    @classmethod
    def of(cls, w: Worklist, now: datetime) -> WorklistOut:
        return cls(
            team_commitments=[
                CommitmentOut.of(v.commitment, now, owner_service=v.owner_service_code) for v in w.team_commitments
            ],
            commitments=[CommitmentOut.of(v.commitment, now) for v in w.commitments],
            handoffs=[
                copied(
                    WorklistHandoffOut,
                    h.handoff,
                    dossier_ref=h.dossier_ref,
                    from_service=h.from_service,
                    to_service=h.to_service,
                    decision_reason=h.handoff.decision_reason or None,
                )
                for h in [*w.handoffs, *w.declined_handoffs]
            ],
            escalations=[EscalationOut.of(v.escalation, v.service_code, now) for v in w.escalations],
            dossiers=[
                copied(WorklistDossierOut, d.figures, id=d.id, ref=d.ref, subject=d.subject, status=d.status)
                for d in w.dossiers
            ],
        )
