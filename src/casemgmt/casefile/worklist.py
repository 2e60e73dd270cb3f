"""The worklist of one employee: open commitments, the open promises of their teams ("Voor mijn dienst", to pick
up), handoffs waiting for them, escalations of their services, and their dossiers with signals. A constant number
of queries, however long the lists.

Only the panels asked for are read (the whole page, one panel refreshed in place, or the badge), and every client
whose data a panel shows is recorded in the audit log, one event per client and panel (``commitment_list``,
``handoff_list``, ``escalation_list``, ``dossier_list``), all in one INSERT for the request. The badge shows
counts only, so its reads are not recorded."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.casefile.signals import DossierFigures, dossier_figures
from casemgmt.clients.models import Client
from casemgmt.commitments import rules as commitment_rules
from casemgmt.commitments.services import CommitmentPage, CommitmentService, CommitmentView
from casemgmt.directory.models import Service
from casemgmt.dossiers import rules as dossier_rules
from casemgmt.dossiers.involvement import ACTIVE, involvement_clause
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.dossiers.services import SORT_COLUMNS
from casemgmt.errors import InvalidInput
from casemgmt.escalations.services import EscalationService, EscalationView
from casemgmt.handoffs.services import HandoffService, HandoffView
from casemgmt.web.listing import Paging, due_before

DECLINED_VISIBLE_FOR = timedelta(days=14)
T = TypeVar("T")


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
    """What the Werkvoorraad page asks of its panels, already checked (an unknown value is the default): the URL's
    ``due`` and ``service`` (every panel that has them), ``sort`` (Mijn toezeggingen and Voor mijn dienst), the
    cursor ``na`` of Mijn toezeggingen, ``status`` and ``dossier_sort`` of Mijn dossiers, ``handoff_sort`` of
    Overdrachten, and the page number of each offset-paged panel (``pages``: panel -> number from 1)."""

    due: str = ""
    service: str = ""
    sort: str = "due_at"
    cursor: str = ""
    status: str = ""
    dossier_sort: str = "-opened_at"
    handoff_sort: str = "requested_at"
    pages: dict[str, int] = field(default_factory=dict)

    def page(self, panel: str) -> int:
        return self.pages.get(panel, 1)


PAGED_PANELS = ("dienst", "overdrachten", "dossiers")
"""The panels paged by offset, each with its own page parameter (``dienst_pagina``, …)."""


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
    paging: dict[str, Paging] = field(default_factory=dict)
    """With a filter: the page shown of each of ``PAGED_PANELS`` read, counted in SQL."""

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
    """Every open dossier of the employee (up to 500, for the API), those with signals first."""
    rows = (await session.execute(_my_dossiers_query(actor).order_by(Dossier.opened_at.desc()).limit(500))).all()
    figures = await dossier_figures(session, [row.id for row in rows], now)
    dossiers = [
        WorklistDossier(row.id, row.ref, row.subject, row.status, row.name, figures[row.id], row.pseudonym)
        for row in rows
    ]
    return sorted(dossiers, key=lambda d: (not d.figures.signals, d.ref))


def _my_dossiers_query(actor: CurrentUser) -> Select[Any]:
    mine = involvement_clause(actor.id, current_only=True)
    return (
        select(Dossier.id, Dossier.ref, Dossier.subject, Dossier.status, Client.name, Client.pseudonym)
        .join(Client, Client.id == Dossier.client_id)
        .where(Dossier.status != dossier_rules.CLOSED, (Dossier.casemanager_id == actor.id) | mine)
    )


async def my_dossiers_page(
    session: AsyncSession,
    actor: CurrentUser,
    now: datetime,
    *,
    status: str = "",
    service: str = "",
    sort: str = "-opened_at",
    number: int = 1,
) -> tuple[list[WorklistDossier], Paging]:
    """One page of the open dossiers of the employee (``PANEL_SIZE`` rows), with ``status`` and a current assignment
    of ``service`` when given, in the order of Mijn dossiers' ``sort``: one COUNT, one page query and the figures
    of the page's dossiers."""
    query = _my_dossiers_query(actor)
    if status:
        query = query.where(Dossier.status == status)
    if service:
        query = query.where(
            exists(
                select(DossierAssignment.id)
                .join(Service, Service.id == DossierAssignment.service_id)
                .where(DossierAssignment.dossier_id == Dossier.id, ACTIVE, Service.code == service)
            )
        )
    total = int(await session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0)
    paging = Paging(number, total, PANEL_SIZE).within()
    order = SORT_COLUMNS.get(sort, SORT_COLUMNS["-opened_at"])
    rows = (await session.execute(query.order_by(*order).offset(paging.offset).limit(paging.size))).all()
    figures = await dossier_figures(session, [row.id for row in rows], now)
    dossiers = [
        WorklistDossier(row.id, row.ref, row.subject, row.status, row.name, figures[row.id], row.pseudonym)
        for row in rows
    ]
    return dossiers, paging


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
        paging: dict[str, Paging] = {}
        if "dienst" in wanted and paged and view is not None:
            team_service = CommitmentService(session, actor, audit)
            team_before = due_before(view.due, now)[1]

            async def team_rows(wanted_page: Paging) -> tuple[list[CommitmentView], int]:
                return await team_service.team_page(
                    service=view.service or None, due_before=team_before, sort=view.sort,
                    offset=wanted_page.offset, limit=wanted_page.size,
                )  # fmt: skip

            team, paging["dienst"] = await _paged(team_rows, view.page("dienst"))
        elif "dienst" in wanted and not badge:
            team = sort_commitments(await CommitmentService(session, actor, audit).team_queue(now=now), now)
        handoffs: list[HandoffView] = []
        declined: list[HandoffView] = []
        if "overdrachten" in wanted:
            handoff_service = HandoffService(session, actor, audit)
            if paged and view is not None:

                async def handoff_rows(wanted_page: Paging) -> tuple[list[HandoffView], int]:
                    return await handoff_service.waiting_page(
                        service=view.service or None, newest_first=view.handoff_sort == "-requested_at",
                        offset=wanted_page.offset, limit=wanted_page.size,
                    )  # fmt: skip

                handoffs, paging["overdrachten"] = await _paged(handoff_rows, view.page("overdrachten"))
            else:
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
        if "dossiers" in wanted and paged and view is not None:
            dossiers, paging["dossiers"] = await my_dossiers_page(
                session, actor, now, status=view.status, service=view.service, sort=view.dossier_sort,
                number=view.page("dossiers"),
            )  # fmt: skip
        elif "dossiers" in wanted and not badge:
            dossiers = await my_dossiers(session, actor, now)
        if dossiers:
            await audit.record_reads("dossier_list", (d.client_pseudonym for d in dossiers))
        if badge:
            shown.clear()  # the badge shows numbers, no client's data
    return Worklist(
        commitments, handoffs, declined, escalations, dossiers, team, counts, next_cursor, escalation_total, paging
    )


async def _paged(read: Callable[[Paging], Awaitable[tuple[list[T], int]]], number: int) -> tuple[list[T], Paging]:
    """The page ``number`` of a panel, or its last page when the number lies beyond it (a bookmark of a list that
    has since shrunk): the first read counts, a second one only when the page asked for is past the end."""
    rows, total = await read(Paging(number, 0, PANEL_SIZE))
    paging = Paging(number, total, PANEL_SIZE)
    if paging.number > paging.pages:
        paging = paging.within()
        rows, _ = await read(paging)
    return rows, paging
