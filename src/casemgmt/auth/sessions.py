"""Maintenance of the server-side session store."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.models import SessionStoreEntry


async def prune_expired_sessions(session: AsyncSession, now: datetime | None = None) -> int:
    result = await session.execute(
        delete(SessionStoreEntry).where(SessionStoreEntry.expires_at < (now or datetime.now(UTC)))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
