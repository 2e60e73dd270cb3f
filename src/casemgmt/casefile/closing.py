"""May this dossier close? Only when nothing promised to the client is still open: no open commitment, no
requested handoff, no unanswered escalation (the seed: promises are kept or explicitly ended, never dropped).

``DossierService`` asks this through the check it is given (``casefile/dependencies.py`` wires it), because the
dossier concept itself knows nothing of commitments, handoffs and escalations.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.commitments.models import Commitment
from casemgmt.directory.models import Service
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff


async def open_promises(session: AsyncSession, dossier_id: int) -> list[str]:
    """What still stands in the way of closing a dossier: open commitments, handoffs and escalations (Dutch)."""
    open_items = (
        (
            select(Commitment.id, Commitment.description).where(
                Commitment.dossier_id == dossier_id, Commitment.status == "open"
            ),
            lambda ident, description: f"Open toezegging #{ident}: {description[:80]}",
        ),
        (
            select(Handoff.id, Service.code)
            .join(Service, Service.id == Handoff.to_service_id)
            .where(Handoff.dossier_id == dossier_id, Handoff.status == "requested"),
            lambda ident, code: f"Openstaande overdracht #{ident} naar {code}",
        ),
        (
            select(Escalation.id, Service.code)
            .join(Service, Service.id == Escalation.service_id)
            .where(Escalation.dossier_id == dossier_id, Escalation.status == "open"),
            lambda ident, code: f"Onbeantwoorde escalatie #{ident} aan {code}",
        ),
    )
    return [describe(*row) for query, describe in open_items for row in (await session.execute(query)).all()]
