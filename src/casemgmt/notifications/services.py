"""Writing and reading notifications.

``notify`` is what the concepts' services call when a change causes an event (a promise assigned, a handoff
requested, an escalation answered, a contact on a dossier): it writes the rows in the caller's transaction (it
flushes, never commits), resolves a service (team) to its active employees, skips the employee who made the change
and everyone who switched the kind off. ``write_keyed`` is the sweep's writer: rows with a unique key, inserted with
``ON CONFLICT DO NOTHING`` on both databases, so running the sweep twice writes nothing new.

``NotificationService`` serves one employee's own notifications and settings (the bell, Meldingen, the API). A
notification holds no personal data of citizens (``rules.text_of``), so reading one is not audited.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import AuditedService
from casemgmt.auth.models import User, UserRole, user_services
from casemgmt.directory.models import Service, service_coordinators
from casemgmt.errors import NotFound
from casemgmt.notifications import rules
from casemgmt.notifications.models import Notification, NotificationPreference
from casemgmt.notifications.rules import Delivery, Kind

NOT_FOUND = "Melding niet gevonden"
_CHUNK = 500


@dataclass(frozen=True)
class About:
    """What a notification is about: the object (``commitment`` 12), its dossier and due moment if any."""

    object_type: str
    object_id: int
    dossier_id: int | None = None
    dossier_ref: str | None = None
    due_at: datetime | None = None


@dataclass(frozen=True)
class Written:
    """One notification written by ``notify``: for whom, how they want it delivered, and the row (its text)."""

    user_id: int
    delivery: Delivery
    row: Mapping[str, Any]


# -- who ---------------------------------------------------------------------------------------------------------


async def team_members(
    session: AsyncSession, service_ids: Iterable[int], roles: Iterable[str] | None = None
) -> dict[int, set[int]]:
    """service id → its active employees (those holding one of ``roles``, when given): one query."""
    ids = sorted(set(service_ids))
    if not ids:
        return {}
    query = (
        select(user_services.c.service_id, User.id)
        .join(User, User.id == user_services.c.user_id)
        .where(user_services.c.service_id.in_(ids), User.is_active.is_(True))
    )
    wanted = sorted(set(roles or ()))
    if wanted:
        query = query.where(select(UserRole.id).where(UserRole.user_id == User.id, UserRole.role.in_(wanted)).exists())
    members: dict[int, set[int]] = defaultdict(set)
    for service_id, user_id in (await session.execute(query)).tuples():
        members[service_id].add(user_id)
    return members


async def coordinators_of(session: AsyncSession, service_ids: Iterable[int]) -> dict[int, set[int]]:
    """service id → its active coordinators: one query."""
    ids = sorted(set(service_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(service_coordinators.c.service_id, User.id)
        .join(User, User.id == service_coordinators.c.user_id)
        .where(service_coordinators.c.service_id.in_(ids), User.is_active.is_(True))
    )
    found: dict[int, set[int]] = defaultdict(set)
    for service_id, user_id in rows.tuples():
        found[service_id].add(user_id)
    return found


async def choices_of(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """user id → their own delivery choices (kind → delivery): one query."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(NotificationPreference.user_id, NotificationPreference.kind, NotificationPreference.delivery).where(
            NotificationPreference.user_id.in_(ids)
        )
    )
    chosen: dict[int, dict[str, str]] = defaultdict(dict)
    for user_id, kind, delivery in rows.tuples():
        chosen[user_id][kind] = delivery
    return chosen


async def service_codes(session: AsyncSession, service_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(service_ids))
    if not ids:
        return {}
    rows = await session.execute(select(Service.id, Service.code).where(Service.id.in_(ids)))
    return dict(rows.tuples().all())


# -- writing -----------------------------------------------------------------------------------------------------


def row_of(
    kind: Kind, about: About, user_id: int, now: datetime, *, team: str | None = None, key: str | None = None
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "kind": kind.value,
        "object_type": about.object_type,
        "object_id": about.object_id,
        "dossier_id": about.dossier_id,
        "dossier_ref": about.dossier_ref,
        "due_at": about.due_at,
        "text": rules.text_of(kind, dossier_ref=about.dossier_ref, due_at=about.due_at, team=team),
        "read_at": None,
        "key": key,
        "created_at": now,
        "updated_at": now,
    }


async def notify(
    session: AsyncSession,
    kind: Kind,
    about: About,
    *,
    users: Iterable[int | None] = (),
    services: Iterable[int | None] = (),
    service_roles: Iterable[str] | None = None,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> list[Written]:
    """Write a notification of ``kind`` about ``about`` for each of ``users`` and the active employees of
    ``services`` (those with one of ``service_roles``, when given), in the caller's transaction; not for the actor
    and not for whoever switched the kind off. Someone reached only through a service reads "uw dienst SZW".

    Returns what was written with each recipient's delivery: the place where the ``email`` ones are to be queued
    for sending at once (the e-mail half of issue 14 connects its outbox here, in the same transaction)."""
    now = now or datetime.now(UTC)
    personal = {user_id for user_id in users if user_id is not None}
    team_ids = [service_id for service_id in services if service_id is not None]
    via_team: dict[int, int] = {}
    if team_ids:
        for service_id, members in (await team_members(session, team_ids, service_roles)).items():
            for user_id in members:
                via_team.setdefault(user_id, service_id)
    recipients = (personal | via_team.keys()) - {actor_id}
    if not recipients:
        return []
    chosen = await choices_of(session, recipients)
    codes = await service_codes(session, via_team.values()) if via_team else {}
    written = [
        Written(
            user_id,
            rules.delivery_of(kind, chosen.get(user_id, {})),
            row_of(kind, about, user_id, now, team=None if user_id in personal else codes.get(via_team[user_id])),
        )
        for user_id in sorted(recipients)
        if rules.is_written(kind, chosen.get(user_id, {}))
    ]
    await write(session, [w.row for w in written])
    return written


async def write(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert the rows; rows with a ``key`` already written are skipped (``ON CONFLICT (key) DO NOTHING`` on
    PostgreSQL and SQLite). Returns the number of rows inserted."""
    if not rows:
        return 0
    table = cast(Table, Notification.__table__)
    dialect = session.get_bind().dialect.name
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    written = 0
    for start in range(0, len(rows), _CHUNK):
        chunk = [dict(row) for row in rows[start : start + _CHUNK]]
        statement = insert_(table).values(chunk).on_conflict_do_nothing(index_elements=["key"])
        result = await session.execute(statement)
        written += max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
    return written


# -- one employee's notifications -----------------------------------------------------------------------------------


async def unread_count(session: AsyncSession, user_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


class NotificationService(AuditedService):
    """The actor's own notifications and delivery settings."""

    async def unread(self) -> rules.Unread:
        return rules.Unread(await unread_count(self.session, self.actor.id))

    async def list(self, *, unread_only: bool = False, limit: int = 200) -> builtins.list[Notification]:
        """Unread first, then newest first."""
        query = select(Notification).where(Notification.user_id == self.actor.id)
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        query = query.order_by(
            case((Notification.read_at.is_(None), 0), else_=1), Notification.created_at.desc(), Notification.id.desc()
        )
        return builtins.list((await self.session.scalars(query.limit(limit))).all())

    async def mark_read(self, notification_id: int, *, now: datetime | None = None) -> Notification:
        """Mark one of the actor's own notifications read (already read: unchanged); another's or none → 404."""
        notification = await self.session.get(Notification, notification_id)
        if notification is None or notification.user_id != self.actor.id:
            raise NotFound(NOT_FOUND)
        if notification.read_at is None:
            notification.read_at = now or datetime.now(UTC)
            await self.session.flush()
        return notification

    async def mark_all_read(self, *, now: datetime | None = None) -> int:
        result = await self.session.execute(
            update(Notification)
            .where(Notification.user_id == self.actor.id, Notification.read_at.is_(None))
            .values(read_at=now or datetime.now(UTC))
        )
        return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]

    async def settings(self) -> dict[str, str]:
        """Every kind with the actor's delivery (own choice or default)."""
        chosen = (await choices_of(self.session, [self.actor.id])).get(self.actor.id, {})
        return rules.all_settings(chosen)

    async def save_settings(self, entered: Mapping[str, object], *, prefix: str = "settings") -> dict[str, str]:
        """Check all of ``entered`` (kind → delivery) first (422 naming each wrong field, nothing written), then store
        the choices; kinds not named keep theirs."""
        valid: dict[Kind, Delivery] = rules.validate_settings(entered, prefix=prefix)
        existing = {
            preference.kind: preference
            for preference in (
                await self.session.scalars(
                    select(NotificationPreference).where(NotificationPreference.user_id == self.actor.id)
                )
            ).all()
        }
        for kind, delivery in valid.items():
            if kind.value in existing:
                existing[kind.value].delivery = delivery.value
            else:
                self.session.add(
                    NotificationPreference(user_id=self.actor.id, kind=kind.value, delivery=delivery.value)
                )
        await self.session.flush()
        return await self.settings()


__all__ = [
    "About",
    "NotificationService",
    "Written",
    "coordinators_of",
    "notify",
    "team_members",
    "unread_count",
    "write",
]
