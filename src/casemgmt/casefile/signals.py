"""Per-dossier promise figures and signals for many dossiers at once, in a constant number of queries.

Aggregation happens in SQL (counts, maxima per dossier); only the handoff sequence, needed for ping-pong, is
fetched as rows, one query for all dossiers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.directory.models import Service
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs import rules as handoff_rules
from casemgmt.handoffs.models import Handoff
from casemgmt.signals.rules import SIGNAL_LABELS, DossierFacts, dossier_signals


@dataclass
class DossierFigures:
    handoff_count: int = 0
    services_visited: list[str] = field(default_factory=list)
    ping_pong: bool = False
    signals: list[str] = field(default_factory=list)
    open_commitments: int = 0
    overdue_commitments: int = 0

    @property
    def signal_labels(self) -> list[str]:
        return [SIGNAL_LABELS[code] for code in self.signals]


async def dossier_figures(
    session: AsyncSession, dossier_ids: Sequence[int], now: datetime
) -> dict[int, DossierFigures]:
    ids = list(dict.fromkeys(dossier_ids))
    if not ids:
        return {}
    dossiers = {
        row.id: row
        for row in (
            await session.execute(select(Dossier.id, Dossier.status, Dossier.opened_at).where(Dossier.id.in_(ids)))
        ).all()
    }
    commitments = {
        row.dossier_id: (int(row.open or 0), int(row.overdue or 0))
        for row in (
            await session.execute(
                select(
                    Commitment.dossier_id,
                    func.count().filter(Commitment.status == "open").label("open"),
                    func.count().filter(Commitment.status == "open", Commitment.due_at < now).label("overdue"),
                )
                .where(Commitment.dossier_id.in_(ids))
                .group_by(Commitment.dossier_id)
            )
        ).all()
    }
    escalations_overdue = set(
        (
            await session.scalars(
                select(Escalation.dossier_id)
                .where(Escalation.dossier_id.in_(ids), Escalation.status == "open", Escalation.due_at < now)
                .distinct()
            )
        ).all()
    )
    last_contact = dict(
        (
            await session.execute(
                select(Contact.dossier_id, func.max(Contact.occurred_at))
                .where(Contact.dossier_id.in_(ids))
                .group_by(Contact.dossier_id)
            )
        )
        .tuples()
        .all()
    )
    codes = dict((await session.execute(select(Service.id, Service.code))).tuples().all())
    events: dict[int, list[handoff_rules.HandoffEvent]] = defaultdict(list)
    for row in (
        await session.execute(
            select(
                Handoff.dossier_id, Handoff.from_service_id, Handoff.to_service_id, Handoff.requested_at, Handoff.status
            ).where(Handoff.dossier_id.in_(ids))
        )
    ).all():
        events[row.dossier_id].append(
            handoff_rules.HandoffEvent(
                from_service=codes[row.from_service_id],
                to_service=codes[row.to_service_id],
                at=row.requested_at,
                status=row.status,
            )
        )
    figures: dict[int, DossierFigures] = {}
    for dossier_id, dossier in dossiers.items():
        history = events.get(dossier_id, [])
        open_count, overdue_count = commitments.get(dossier_id, (0, 0))
        ping_pong = handoff_rules.dossier_has_ping_pong(history)
        count = handoff_rules.handoff_count(history)
        facts = DossierFacts(
            status=dossier.status,
            opened_at=dossier.opened_at,
            last_contact_at=last_contact.get(dossier_id),
            has_overdue_commitment=overdue_count > 0,
            handoff_count=count,
            ping_pong=ping_pong,
            has_overdue_escalation=dossier_id in escalations_overdue,
        )
        figures[dossier_id] = DossierFigures(
            handoff_count=count,
            services_visited=[str(s) for s in handoff_rules.services_visited(history)],
            ping_pong=ping_pong,
            signals=dossier_signals(facts, now),
            open_commitments=open_count,
            overdue_commitments=overdue_count,
        )
    return figures
