"""Reading what the notification tests assert: who got which notification."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.notifications.models import Notification


async def notifications(db: Callable[[], AsyncSession], *where: Any) -> list[Notification]:
    async with db() as session:
        return list(await session.scalars(select(Notification).where(*where).order_by(Notification.id)))


async def received(db: Callable[[], AsyncSession], kind: str | None = None) -> dict[int, list[Notification]]:
    """user id → their notifications (of ``kind``)."""
    found: dict[int, list[Notification]] = {}
    for n in await notifications(db, *([Notification.kind == kind] if kind else [])):
        found.setdefault(n.user_id, []).append(n)
    return found
