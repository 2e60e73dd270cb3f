"""Per-dossier promise figures and signals for many dossiers at once, in a constant number of queries.

Aggregation happens in SQL (counts, maxima per dossier, in the one query that reads the dossiers); only the handoff
sequence, needed for ping-pong, is fetched as rows, one query for all dossiers. Both statements are built once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

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


@cache
def _dossier_aggregates() -> Select[Any]:
    """One row per dossier (parameters ``ids``, ``now``) with its aggregates as correlated subqueries, each an index
    lookup per dossier. Built once: SQLAlchemy then computes its cache key once, not on every request."""
    now = bindparam("now", type_=Commitment.__table__.c.due_at.type)
    open_commitments = (
        select(func.count())
        .where(Commitment.dossier_id == Dossier.id, Commitment.status == "open")
        .correlate(Dossier)
        .scalar_subquery()
    )
    overdue_commitments = (
        select(func.count())
        .where(Commitment.dossier_id == Dossier.id, Commitment.status == "open", Commitment.due_at < now)
        .correlate(Dossier)
        .scalar_subquery()
    )
    overdue_escalation = (
        select(Escalation.id)
        .where(Escalation.dossier_id == Dossier.id, Escalation.status == "open", Escalation.due_at < now)
        .correlate(Dossier)
        .exists()
    )
    last_contact = (
        select(func.max(Contact.occurred_at))
        .where(Contact.dossier_id == Dossier.id)
        .correlate(Dossier)
        .scalar_subquery()
    )
    return select(
        Dossier.id,
        Dossier.status,
        Dossier.opened_at,
        open_commitments.label("open"),
        overdue_commitments.label("overdue"),
        overdue_escalation.label("escalation_overdue"),
        last_contact.label("last_contact_at"),
    ).where(Dossier.id.in_(bindparam("ids", expanding=True)))


@cache
def _handoff_sequence() -> Select[Any]:
    """The handoffs of dossiers ``ids`` with both services' codes, for ping-pong (built once, as above)."""
    from_service, to_service = aliased(Service), aliased(Service)
    return (
        select(Handoff.dossier_id, from_service.code, to_service.code, Handoff.requested_at, Handoff.status)
        .join(from_service, from_service.id == Handoff.from_service_id)
        .join(to_service, to_service.id == Handoff.to_service_id)
        .where(Handoff.dossier_id.in_(bindparam("ids", expanding=True)))
    )


async def dossier_figures(
    session: AsyncSession, dossier_ids: Sequence[int], now: datetime
) -> dict[int, DossierFigures]:
    ids = list(dict.fromkeys(dossier_ids))
    if not ids:
        return {}
    parameters = {"ids": ids, "now": now}
    dossiers = {row.id: row for row in (await session.execute(_dossier_aggregates(), parameters)).all()}
    events: dict[int, list[handoff_rules.HandoffEvent]] = defaultdict(list)
    for row in (await session.execute(_handoff_sequence(), parameters)).all():
        dossier_id, from_code, to_code, at, status = row
        events[dossier_id].append(
            handoff_rules.HandoffEvent(from_service=from_code, to_service=to_code, at=at, status=status)
        )
    figures: dict[int, DossierFigures] = {}
    for dossier_id, dossier in dossiers.items():
        history = events.get(dossier_id, [])
        open_count, overdue_count = int(dossier.open or 0), int(dossier.overdue or 0)
        ping_pong = handoff_rules.dossier_has_ping_pong(history)
        count = handoff_rules.handoff_count(history)
        facts = DossierFacts(
            status=dossier.status,
            opened_at=dossier.opened_at,
            last_contact_at=dossier.last_contact_at,
            has_overdue_commitment=overdue_count > 0,
            handoff_count=count,
            ping_pong=ping_pong,
            has_overdue_escalation=bool(dossier.escalation_overdue),
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
