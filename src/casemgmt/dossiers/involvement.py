"""How involved a user is in one dossier, read from the assignment history, turned into an Access level."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.identity import CurrentUser
from casemgmt.dossiers.access import Access, dossier_access
from casemgmt.dossiers.models import Dossier, DossierAssignment


async def dossier_access_for(session: AsyncSession, user: CurrentUser, dossier: Dossier) -> Access:
    rows = (
        await session.execute(
            select(DossierAssignment.until).where(
                DossierAssignment.dossier_id == dossier.id, DossierAssignment.user_id == user.id
            )
        )
    ).all()
    current = dossier.casemanager_id == user.id or any(until is None for (until,) in rows)
    return dossier_access(user, is_current_assignee=current, was_assignee=bool(rows))
