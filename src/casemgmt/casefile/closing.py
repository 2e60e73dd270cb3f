"""May this dossier close? Only when nothing promised to the client is still open: no open commitment, no
requested handoff, no unanswered escalation (the seed: promises are kept or explicitly ended, never dropped).

``DossierService`` asks this through the check it is given (``casefile/dependencies.py`` wires it), because the
dossier concept itself knows nothing of commitments, handoffs and escalations. The answers are plain Dutch for the
person who tried to close: the promise in its own words with its due moment or service, never an internal id.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.commitments.models import Commitment
from casemgmt.directory.models import Service
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from casemgmt.web.formatting import format_moment

WORDS = 120
"""How much of a promise's own words the refusal quotes (cut at a word, with an ellipsis)."""


def quote(text: str, limit: int = WORDS) -> str:
    """``text`` in quotes, cut at a word boundary when longer than ``limit``."""
    text = " ".join((text or "").split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + " …"
    return f"“{text}”"


async def open_promises(session: AsyncSession, dossier_id: int) -> list[str]:
    """What still stands in the way of closing a dossier: open commitments, handoffs and escalations (Dutch)."""
    open_items = (
        (
            select(Commitment.description, Commitment.due_at)
            .where(Commitment.dossier_id == dossier_id, Commitment.status == "open")
            .order_by(Commitment.due_at, Commitment.id),
            lambda description, due: f"de toezegging {quote(description)}, uiterlijk {format_moment(due)}",
        ),
        (
            select(Service.code, Handoff.requested_at)
            .join(Service, Service.id == Handoff.to_service_id)
            .where(Handoff.dossier_id == dossier_id, Handoff.status == "requested")
            .order_by(Handoff.requested_at, Handoff.id),
            lambda code, at: f"de overdracht naar {code} van {format_moment(at)}, nog niet geaccepteerd",
        ),
        (
            select(Service.code, Escalation.question)
            .join(Service, Service.id == Escalation.service_id)
            .where(Escalation.dossier_id == dossier_id, Escalation.status == "open")
            .order_by(Escalation.due_at, Escalation.id),
            lambda code, question: f"de escalatie aan {code} {quote(question)}, nog niet beantwoord",
        ),
    )
    return [describe(*row) for query, describe in open_items for row in (await session.execute(query)).all()]
