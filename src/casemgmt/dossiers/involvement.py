"""How involved a user is in one dossier, read from the assignment history, turned into an Access level."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.identity import CurrentUser
from casemgmt.dossiers.access import Access, dossier_access
from casemgmt.dossiers.models import Dossier, DossierAssignment

_CHUNK = 1000


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


async def insert_assignments(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk loaders (the synthetic municipality, the exchange import): write assignment rows as they are.

    Each row names the ``dossier_assignments`` columns (``dossier_id``, ``role``, ``user_id``, ``since`` and
    optionally ``id``, ``service_id``, ``until``, ``assigned_by_id``, ``reason``, ``ended_by_id``, ``end_reason``).
    Loaders bring whole histories that need no version bump or audit event; live changes go through
    ``DossierService``.
    """
    table = DossierAssignment.__table__
    for start in range(0, len(rows), _CHUNK):
        await session.execute(insert(table), [dict(row) for row in rows[start : start + _CHUNK]])
