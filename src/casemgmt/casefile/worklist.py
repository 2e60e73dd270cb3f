"""The worklist of one employee: open commitments, the open promises of their teams ("Voor mijn dienst", to pick
up), handoffs waiting for them, escalations of their services, and their dossiers with signals. A constant number
of queries, however long the lists.

Only the panels asked for are read (the whole page, one panel refreshed in place, or the badge), and every client
whose data a panel shows is recorded in the audit log, one event per client and panel (``commitment_list``,
``handoff_list``, ``escalation_list``, ``dossier_list``), all in one INSERT for the request. The badge shows
counts only, so its reads are not recorded."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.casefile.signals import DossierFigures, dossier_figures
from casemgmt.clients.models import Client
from casemgmt.commitments import rules as commitment_rules
from casemgmt.commitments.services import CommitmentPage, CommitmentService, CommitmentView
from casemgmt.dossiers.involvement import involvement_clause
from casemgmt.dossiers.models import Dossier
from casemgmt.errors import InvalidInput
from casemgmt.escalations.services import EscalationService, EscalationView
from casemgmt.handoffs.services import HandoffService, HandoffView
from casemgmt.web.listing import due_before

DECLINED_VISIBLE_FOR = timedelta(days=14)


@dataclass(frozen=True)
class WorklistDossier:
    id: int
    ref: str
    subject: str
    status: str
    client_name: str
    figures: DossierFigures
    client_pseudonym: str = ""


PANEL_SIZE = 10
"""Rows a filtered panel shows at a time (Mijn toezeggingen, Escalaties); the next ones are a link away."""


@dataclass(frozen=True)
class WorklistFilter:
    """What the Werkvoorraad page asks of its panels (the URL's ``due``, ``service``, ``sort`` and the cursor
    ``na`` of Mijn toezeggingen), already checked: an unknown value is the default."""

    due: str = ""
    service: str = ""
    sort: str = "due_at"
    cursor: str = ""


PANELS = ("toezeggingen", "dienst", "overdrachten", "escalaties", "dossiers")
BADGE = "teller"
"""The navigation badge: counts of the first three panels, no personal data."""


@dataclass(frozen=True)
class Worklist:
    commitments: list[CommitmentView] = field(default_factory=list)
    handoffs: list[HandoffView] = field(default_factory=list)
    declined_handoffs: list[HandoffView] = field(default_factory=list)
    escalations: list[EscalationView] = field(default_factory=list)
    dossiers: list[WorklistDossier] = field(default_factory=list)
    team_commitments: list[CommitmentView] = field(default_factory=list)
    """Open promises of the employee's teams, waiting to be picked up."""
    commitment_counts: dict[str, int] | None = None
    """With a filter: the employee's open commitments, overdue and due today, counted in SQL."""
    commitments_next: str | None = None
    """With a filter: the cursor of the next rows of Mijn toezeggingen."""
    escalation_total: int | None = None
    """With a filter: how many open escalations of the employee's services match it."""

    def overdue_count(self, now: datetime) -> int:
        return sum(1 for v in self.commitments if v.state(now) == "overdue")


def sort_commitments(views: list[CommitmentView], now: datetime) -> list[CommitmentView]:
    """Overdue first, then by due moment."""
    return sorted(
        views,
        key=lambda v: (
            not commitment_rules.is_overdue(v.commitment.status, v.commitment.due_at, now),
            v.commitment.due_at,
        ),
    )


async def my_dossiers(session: AsyncSession, actor: CurrentUser, now: datetime) -> list[WorklistDossier]:
    mine = involvement_clause(actor.id, current_only=True)
    rows = (
        await session.execute(
            select(Dossier.id, Dossier.ref, Dossier.subject, Dossier.status, Client.name, Client.pseudonym)
            .join(Client, Client.id == Dossier.client_id)
            .where(Dossier.status != "closed", (Dossier.casemanager_id == actor.id) | mine)
            .order_by(Dossier.opened_at.desc())
            .limit(500)
        )
    ).all()
    figures = await dossier_figures(session, [row.id for row in rows], now)
    dossiers = [
        WorklistDossier(row.id, row.ref, row.subject, row.status, row.name, figures[row.id], row.pseudonym)
        for row in rows
    ]
    return sorted(dossiers, key=lambda d: (not d.figures.signals, d.ref))


async def _handoff_pseudonyms(session: AsyncSession, handoffs: list[HandoffView]) -> list[str]:
    """The pseudonyms of the clients of these handoffs' dossiers (one query)."""
    dossier_ids = {view.handoff.dossier_id for view in handoffs}
    if not dossier_ids:
        return []
    rows = await session.scalars(
        select(Client.pseudonym).join(Dossier, Dossier.client_id == Client.id).where(Dossier.id.in_(dossier_ids))
    )
    return list(rows.all())


async def worklist_for(
    session: AsyncSession,
    actor: CurrentUser,
    audit: AuditLog,
    now: datetime,
    panels: Collection[str] = PANELS,
    view: WorklistFilter | None = None,
) -> Worklist:
    """The panels asked for (``PANELS``, or ``BADGE`` for the counts), with one audit INSERT for what they show.

    With ``view`` (the pages) Mijn toezeggingen and Escalaties are filtered, sorted and paged in SQL
    (``PANEL_SIZE`` rows) with their counts; without it (the API, the badge) they hold every open one."""
    badge = BADGE in panels
    wanted = set(PANELS) if badge else set(panels)
    paged = view is not None and not badge
    counts: dict[str, int] | None = None
    next_cursor: str | None = None
    escalation_total: int | None = None
    async with audit.batch() as shown:
        commitments: list[CommitmentView] = []
        if "toezeggingen" in wanted and paged and view is not None:
            service = CommitmentService(session, actor, audit)
            _, before = due_before(view.due, now)
            chosen_service = view.service or None

            async def rows(cursor: str | None) -> CommitmentPage:
                return await service.page(
                    owner_id=actor.id, state="open", service=chosen_service, sort=view.sort, cursor=cursor,
                    limit=PANEL_SIZE, now=now, due_before=before,
                )  # fmt: skip

            try:
                page = await rows(view.cursor or None)
            except InvalidInput:  # a stale or edited cursor: the first rows
                page = await rows(None)
            commitments, next_cursor = page.items, page.next_cursor
            counts = await service.open_counts(owner_id=actor.id, service=view.service or None, now=now)
        elif "toezeggingen" in wanted:
            service = CommitmentService(session, actor, audit)
            commitments = sort_commitments(await service.list(owner_id=actor.id, state="open", now=now), now)
        team: list[CommitmentView] = []
        if "dienst" in wanted and not badge:
            team = sort_commitments(await CommitmentService(session, actor, audit).team_queue(now=now), now)
        handoffs: list[HandoffView] = []
        declined: list[HandoffView] = []
        if "overdrachten" in wanted:
            handoff_service = HandoffService(session, actor, audit)
            handoffs = await handoff_service.waiting_for_me()
            declined = [] if badge else await handoff_service.declined_for_me(now - DECLINED_VISIBLE_FOR)
            if not badge:
                await audit.record_reads("handoff_list", await _handoff_pseudonyms(session, [*handoffs, *declined]))
        escalations: list[EscalationView] = []
        if "escalaties" in wanted and Role.ACCOUNTMANAGER in actor.roles and actor.service_codes:
            escalation_service = EscalationService(session, actor, audit)
            if paged and view is not None:
                found = await escalation_service.listing(
                    service=view.service if view.service in actor.service_codes else None,
                    services=actor.service_codes,
                    state="open",
                    due_before=due_before(view.due, now)[1],
                    sort="due_at",
                    offset=0,
                    limit=PANEL_SIZE,
                    now=now,
                )
                escalations, escalation_total = found.views, found.total
            else:
                escalations = await escalation_service.list(state="open", services=actor.service_codes, now=now)
        dossiers: list[WorklistDossier] = []
        if "dossiers" in wanted and not badge:
            dossiers = await my_dossiers(session, actor, now)
            await audit.record_reads("dossier_list", (d.client_pseudonym for d in dossiers))
        if badge:
            shown.clear()  # the badge shows numbers, no client's data
    return Worklist(commitments, handoffs, declined, escalations, dossiers, team, counts, next_cursor, escalation_total)
