"""The worklist of one employee: open commitments, handoffs waiting for them, escalations of their services,
and their dossiers with signals. A constant number of queries, however long the lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.casefile.signals import DossierFigures, dossier_figures
from casemgmt.clients.models import Client
from casemgmt.commitments import rules as commitment_rules
from casemgmt.commitments.services import CommitmentService, CommitmentView
from casemgmt.dossiers.involvement import involvement_clause
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.services import EscalationService, EscalationView
from casemgmt.handoffs.services import HandoffService, HandoffView

DECLINED_VISIBLE_FOR = timedelta(days=14)


@dataclass(frozen=True)
class WorklistDossier:
    id: int
    ref: str
    subject: str
    status: str
    client_name: str
    figures: DossierFigures


@dataclass(frozen=True)
class Worklist:
    commitments: list[CommitmentView]
    handoffs: list[HandoffView]
    declined_handoffs: list[HandoffView]
    escalations: list[EscalationView]
    dossiers: list[WorklistDossier]

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
            select(Dossier.id, Dossier.ref, Dossier.subject, Dossier.status, Client.name)
            .join(Client, Client.id == Dossier.client_id)
            .where(Dossier.status != "closed", (Dossier.casemanager_id == actor.id) | mine)
            .order_by(Dossier.opened_at.desc())
            .limit(500)
        )
    ).all()
    figures = await dossier_figures(session, [row.id for row in rows], now)
    dossiers = [
        WorklistDossier(row.id, row.ref, row.subject, row.status, row.name, figures=figures[row.id]) for row in rows
    ]
    return sorted(dossiers, key=lambda d: (not d.figures.signals, d.ref))


async def worklist_for(session: AsyncSession, actor: CurrentUser, audit: AuditLog, now: datetime) -> Worklist:
    commitments = await CommitmentService(session, actor, audit).list(owner_id=actor.id, state="open", now=now)
    handoffs = HandoffService(session, actor, audit)
    escalations: list[EscalationView] = []
    if Role.ACCOUNTMANAGER in actor.roles and actor.service_codes:
        service = EscalationService(session, actor, audit)
        escalations = await service.list(state="open", services=actor.service_codes, now=now)
    return Worklist(
        commitments=sort_commitments(commitments, now),
        handoffs=await handoffs.waiting_for_me(),
        declined_handoffs=await handoffs.declined_for_me(now - DECLINED_VISIBLE_FOR),
        escalations=escalations,
        dossiers=await my_dossiers(session, actor, now),
    )
