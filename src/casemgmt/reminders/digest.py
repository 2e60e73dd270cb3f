"""The daily digest (dagoverzicht): one mail per active employee per business day with what is due today and what
is overdue among their own commitments and escalations, and what waits for their service (team promises, and for
the service's accountmanagers the escalations nobody has taken yet). Someone with nothing gets no mail.

No personal data of citizens goes into a mail: each item is the kind of item, the dossier reference
(``D-2026-00005``), the due moment and a link; the commitment's text, the escalation's question and the client stay
behind the login. The mail's key ``digest:<user id>:<date>`` makes it one per person per day, however often (and on
however many hosts) the digest is composed.

Five queries for the whole municipality (people, own commitments, own escalations, team promises, open
escalations without a person), assembled per person here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.models import User, UserRole, user_services
from casemgmt.auth.roles import Role
from casemgmt.commitments.models import Commitment
from casemgmt.commitments.rules import KIND_LABELS, CommitmentStatus
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.directory.models import Service
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from casemgmt.mail.outbox import enqueue
from casemgmt.mail.rendering import render_mail
from casemgmt.reminders.models import DigestRun
from casemgmt.reminders.rules import SECTION_LIMIT, day_label
from casemgmt.web.formatting import format_moment

EMPLOYEE_ROLES = (Role.KCC_AGENT, Role.CASEMANAGER, Role.ACCOUNTMANAGER, Role.ADMIN)
"""Who gets a digest: every active employee with a casework role (an evaluator only never owns casework)."""


@dataclass(frozen=True)
class DigestItem:
    kind: str
    """"Terugbelafspraak", "Escalatie", …"""
    reference: str | None
    """The dossier reference, or None for an item without a dossier."""
    due_at: datetime
    link: str
    service: str | None = None
    """For an item waiting for a service: its code."""
    late: bool = False
    """An item waiting for a service that is past its due moment already."""

    @property
    def due(self) -> str:
        return format_moment(self.due_at)


@dataclass(frozen=True)
class Section:
    items: list[DigestItem]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _section(items: list[DigestItem]) -> Section:
    items = sorted(items, key=lambda i: (i.due_at, i.link))
    return Section(items[:SECTION_LIMIT], len(items))


@dataclass
class Digest:
    user_id: int
    email: str
    name: str
    day: date
    overdue: list[DigestItem] = field(default_factory=list)
    due_today: list[DigestItem] = field(default_factory=list)
    for_service: list[DigestItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_today or self.for_service)

    @property
    def key(self) -> str:
        return f"digest:{self.user_id}:{self.day.isoformat()}"

    @property
    def subject(self) -> str:
        counts = []
        if self.overdue:
            counts.append(f"{len(self.overdue)} te laat")
        if self.due_today:
            counts.append(f"{len(self.due_today)} vandaag")
        if self.for_service:
            counts.append(f"{len(self.for_service)} voor uw dienst")
        return f"casemgmt dagoverzicht {day_label(self.day)}: {', '.join(counts)}"

    def context(self) -> dict[str, object]:
        return {
            "name": self.name,
            "day": day_label(self.day),
            "overdue": _section(self.overdue),
            "due_today": _section(self.due_today),
            "for_service": _section(self.for_service),
        }


@dataclass(frozen=True)
class _Person:
    id: int
    email: str
    name: str
    roles: frozenset[str]
    services: frozenset[str]


async def _people(session: AsyncSession) -> list[_Person]:
    rows = (
        await session.execute(
            select(User.id, User.email, User.name, UserRole.role)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.is_active)
            .order_by(User.id)
        )
    ).all()
    links = (
        await session.execute(
            select(user_services.c.user_id, Service.code).join(Service, Service.id == user_services.c.service_id)
        )
    ).all()
    services: dict[int, set[str]] = defaultdict(set)
    for user_id, code in links:
        services[user_id].add(code)
    roles: dict[int, set[str]] = defaultdict(set)
    who: dict[int, tuple[str, str]] = {}
    for row in rows:
        roles[row.id].add(row.role)
        who[row.id] = (row.email, row.name)
    return [
        _Person(user_id, email, name, frozenset(roles[user_id]), frozenset(services[user_id]))
        for user_id, (email, name) in who.items()
        if roles[user_id] & set(EMPLOYEE_ROLES)
    ]


def end_of_local_day(day: date) -> datetime:
    """Midnight after ``day`` in Europe/Amsterdam (the start of the next day), aware."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=AMSTERDAM)


async def collect_digests(session: AsyncSession, now: datetime, base_url: str) -> list[Digest]:
    """Every active employee's digest for ``now``'s Amsterdam date, the empty ones left out."""
    day = now.astimezone(AMSTERDAM).date()
    until = end_of_local_day(day)
    people = await _people(session)
    digests = {p.id: Digest(p.id, p.email, p.name, day) for p in people}

    def commitment_item(kind: str, ref: str | None, dossier_id: int | None, due_at: datetime) -> DigestItem:
        link = f"{base_url}/dossiers/{dossier_id}" if dossier_id else f"{base_url}/werkvoorraad"
        return DigestItem(KIND_LABELS.get(kind, kind), ref, due_at, link)

    def place(digest: Digest, item: DigestItem) -> None:
        (digest.overdue if item.due_at < now else digest.due_today).append(item)

    own = await session.execute(
        select(Commitment.owner_id, Commitment.kind, Commitment.dossier_id, Commitment.due_at, Dossier.ref)
        .outerjoin(Dossier, Dossier.id == Commitment.dossier_id)
        .where(
            Commitment.status == CommitmentStatus.OPEN,
            Commitment.owner_id.is_not(None),
            Commitment.due_at < until,
        )
    )
    for row in own:
        if (digest := digests.get(row.owner_id)) is not None:
            place(digest, commitment_item(row.kind, row.ref, row.dossier_id, row.due_at))

    escalations = await session.execute(
        select(Escalation.id, Escalation.assignee_id, Escalation.due_at, Dossier.ref)
        .outerjoin(Dossier, Dossier.id == Escalation.dossier_id)
        .where(Escalation.status == "open", Escalation.assignee_id.is_not(None), Escalation.due_at < until)
    )
    for esc in escalations:
        if (digest := digests.get(esc.assignee_id)) is not None:
            place(digest, DigestItem("Escalatie", esc.ref, esc.due_at, f"{base_url}/escalaties/{esc.id}"))

    members: dict[str, list[_Person]] = defaultdict(list)
    for person in people:
        for code in person.services:
            members[code].append(person)
    team = await session.execute(
        select(Commitment.kind, Commitment.due_at, Service.code, Dossier.ref)
        .join(Service, Service.id == Commitment.owner_service_id)
        .outerjoin(Dossier, Dossier.id == Commitment.dossier_id)
        .where(Commitment.status == CommitmentStatus.OPEN, Commitment.owner_service_id.is_not(None))
    )
    for promise in team:
        item = DigestItem(
            f"{KIND_LABELS.get(promise.kind, promise.kind)} (team)",
            promise.ref,
            promise.due_at,
            f"{base_url}/werkvoorraad",
            promise.code,
            promise.due_at < now,
        )
        for person in members.get(promise.code, []):
            digests[person.id].for_service.append(item)
    waiting = await session.execute(
        select(Escalation.id, Escalation.due_at, Service.code, Dossier.ref)
        .join(Service, Service.id == Escalation.service_id)
        .outerjoin(Dossier, Dossier.id == Escalation.dossier_id)
        .where(and_(Escalation.status == "open", Escalation.assignee_id.is_(None)))
    )
    for open_one in waiting:
        item = DigestItem(
            "Escalatie",
            open_one.ref,
            open_one.due_at,
            f"{base_url}/escalaties/{open_one.id}",
            open_one.code,
            open_one.due_at < now,
        )
        for person in members.get(open_one.code, []):
            if Role.ACCOUNTMANAGER in person.roles:
                digests[person.id].for_service.append(item)
    return [digest for digest in digests.values() if not digest.empty]


@dataclass
class ComposeReport:
    day: date
    written: int = 0
    """Digests written to the outbox now."""
    existing: int = 0
    """Digests of this day that were in the outbox already."""
    composed_before: datetime | None = None
    """When this day's digest was composed, if an earlier run did it (then this run wrote nothing)."""


async def _claim_day(session: AsyncSession, day: date, now: datetime) -> datetime | None:
    """Record that ``day``'s digest is composed now; the moment an earlier run did, if one did (then nothing is
    recorded). On PostgreSQL a second host's insert waits on the unique day until the first commits."""
    insert = pg_insert if session.bind is not None and session.bind.dialect.name == "postgresql" else sqlite_insert
    claimed = await session.scalar(
        insert(DigestRun)
        .values(day=day, composed_at=now, written=0, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["day"])
        .returning(DigestRun.id)
    )
    if claimed is not None:
        return None
    return await session.scalar(select(DigestRun.composed_at).where(DigestRun.day == day))


async def compose_digests(session: AsyncSession, now: datetime, *, base_url: str, templates_dir: Path) -> ComposeReport:
    """Write each person's digest of ``now``'s date to the outbox, once per day (``digest_runs``) and once per
    person (the mail's key); flushes, never commits. Whether it is the moment for it (business day, time) is the
    caller's rule: ``reminders.rules.digest_moment``."""
    report = ComposeReport(now.astimezone(AMSTERDAM).date())
    report.composed_before = await _claim_day(session, report.day, now)
    if report.composed_before is not None:
        return report
    for digest in await collect_digests(session, now, base_url):
        text, html = render_mail(templates_dir, "digest", digest.context())
        written = await enqueue(
            session,
            user_id=digest.user_id,
            to_address=digest.email,
            key=digest.key,
            subject=digest.subject,
            text_body=text,
            html_body=html,
            now=now,
        )
        if written:
            report.written += 1
        else:
            report.existing += 1
    await session.execute(update(DigestRun).where(DigestRun.day == report.day).values(written=report.written))
    return report
