"""The dossier's promises panel (issue 4): its signals, commitments, handoffs and escalations, and the forms to make
a commitment or request a handoff from the dossier page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User
from casemgmt.casefile.signals import dossier_figures
from casemgmt.commitments.rules import KIND_LABELS
from casemgmt.commitments.services import CommitmentService
from casemgmt.directory.calendar import from_amsterdam
from casemgmt.errors import InvalidInput
from casemgmt.escalations.services import EscalationService
from casemgmt.handoffs.rules import STATUS_LABELS as HANDOFF_STATUS_LABELS
from casemgmt.handoffs.services import HandoffService


async def promises_context(
    session: AsyncSession, actor: CurrentUser, audit: AuditLog, dossier_id: int
) -> dict[str, Any]:
    """Everything the promises panel shows, in a constant number of queries."""
    now = datetime.now(UTC)
    handoffs = HandoffService(session, actor, audit)
    handoff_views = await handoffs.for_dossier(dossier_id)
    return {
        "now": now,
        "figures": (await dossier_figures(session, [dossier_id], now))[dossier_id],
        "commitments": await CommitmentService(session, actor, audit).list(dossier_id=dossier_id, now=now),
        "handoffs": handoff_views,
        "receiver_of": {h.handoff.id: handoffs.is_receiver(h.handoff, h.to_service) for h in handoff_views},
        "escalations": await EscalationService(session, actor, audit).list(dossier_id=dossier_id, now=now),
        "kind_labels": KIND_LABELS,
        "status_labels": HANDOFF_STATUS_LABELS,
        "state_labels": {"open": "Open", "overdue": "Over de norm", "answered": "Beantwoord"},
    }


async def owner_choices(session: AsyncSession, actor: CurrentUser, participant_ids: list[int]) -> list[Any]:
    """Who may be named to keep a commitment made on the dossier page: its active participants and the actor, by
    name (``(id, name)`` rows; one query, asked only when the commitment form is shown)."""
    rows = await session.execute(
        select(User.id, User.name).where(User.id.in_({*participant_ids, actor.id}), User.is_active).order_by(User.name)
    )
    return list(rows.all())


def parse_due(text: str) -> datetime | None:
    """A ``datetime-local`` form value, read as Amsterdam time."""
    text = text.strip()
    if not text:
        return None
    try:
        return from_amsterdam(datetime.fromisoformat(text))
    except ValueError:
        raise InvalidInput.single("due_at", "Ongeldig moment; gebruik dag en tijd") from None
