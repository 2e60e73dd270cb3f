"""Who is on a dossier (involvement): the one owner of the assignment table.

Every read of "who is assigned now" and every write of an assignment goes through this module:

- the active assignments (``ACTIVE``) and the questions asked of them: is this user a current assignee, which
  services does this user serve on the dossier, who is the service's accountmanager;
- the access level of an actor on one dossier (``access_for``; the plain rule is ``access.dossier_access``) and the
  SQL filter "dossiers this actor may read" (``visible_dossiers_clause``);
- which clients an employee is involved with (``involved_clients``: on one of their dossiers, now or before), for
  the need-to-know rule on client data (``clients/access.py``);
- starting and ending assignments (``Assignments``): a change of accountmanager or casemanager makes a new version
  of the dossier (a form showing the old assignments is stale, and of two changes at once the second answers 409),
  a second active accountmanager for one service answers 409, and every change is an audit event;
- the bulk loaders' writer (``insert_assignments``), for histories that arrive whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, exists, false, insert, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from casemgmt.audit.services import Action, AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.dossiers.access import Access, dossier_access
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.errors import Conflict

CASEMANAGER = "casemanager"
ACCOUNTMANAGER = "accountmanager"
STALE = "Dit dossier is intussen gewijzigd; laad opnieuw"
SERVICE_TAKEN = "Deze dienst heeft al een actieve accountmanager op dit dossier"

ACTIVE: ColumnElement[bool] = DossierAssignment.until.is_(None)
"""SQL: the assignment has not ended."""

_CHUNK = 1000


# ---------------------------------------------------------------------------------------------- reading


def involvement_clause(user_id: int, *, current_only: bool, dossier_id: Any = Dossier.id) -> ColumnElement[bool]:
    """SQL: the dossier (``dossier_id``, by default ``Dossier.id``) has (had) an assignment of ``user_id``."""
    conditions = [DossierAssignment.dossier_id == dossier_id, DossierAssignment.user_id == user_id]
    if current_only:
        conditions.append(ACTIVE)
    return exists(select(DossierAssignment.id).where(and_(*conditions)))


def visible_dossiers_clause(user: CurrentUser) -> ColumnElement[bool]:
    """SQL filter on ``Dossier``: the dossiers this user may read."""
    if Role.ADMIN in user.roles or Role.KCC_AGENT in user.roles:
        return true()
    if not user.roles & {Role.CASEMANAGER, Role.ACCOUNTMANAGER}:
        return false()
    return or_(Dossier.casemanager_id == user.id, involvement_clause(user.id, current_only=False))


async def involved_clients(session: AsyncSession, user: CurrentUser, client_ids: Sequence[int]) -> set[int]:
    """The clients among ``client_ids`` with a dossier ``user`` is or was on (casemanager or accountmanager): one
    query however many clients."""
    if not client_ids or not user.roles & {Role.CASEMANAGER, Role.ACCOUNTMANAGER}:
        return set()
    rows = await session.scalars(
        select(Dossier.client_id)
        .where(
            Dossier.client_id.in_(list(client_ids)),
            or_(Dossier.casemanager_id == user.id, involvement_clause(user.id, current_only=False)),
        )
        .distinct()
    )
    return set(rows.all())


def current_accountmanagers(dossier_ids: Sequence[int]) -> Any:
    """SQL: the active accountmanager assignments of these dossiers (join ``Service``/``User`` as needed)."""
    return select(DossierAssignment).where(
        DossierAssignment.dossier_id.in_(list(dossier_ids)), DossierAssignment.role == ACCOUNTMANAGER, ACTIVE
    )


async def access_for(session: AsyncSession, user: CurrentUser, dossier: Dossier) -> Access:
    """The access ``user`` has to ``dossier``, read from its assignment history."""
    rows = (
        await session.execute(
            select(DossierAssignment.until).where(
                DossierAssignment.dossier_id == dossier.id, DossierAssignment.user_id == user.id
            )
        )
    ).all()
    current = dossier.casemanager_id == user.id or any(until is None for (until,) in rows)
    return dossier_access(user, is_current_assignee=current, was_assignee=bool(rows))


async def is_current_assignee(session: AsyncSession, dossier_id: int, user_id: int) -> bool:
    return bool(await session.scalar(select(involvement_clause(user_id, current_only=True, dossier_id=dossier_id))))


async def accountmanager_of(session: AsyncSession, dossier_id: int, service_id: int) -> DossierAssignment | None:
    """The service's active accountmanager assignment on the dossier, if any."""
    return await session.scalar(
        select(DossierAssignment).where(
            DossierAssignment.dossier_id == dossier_id,
            DossierAssignment.service_id == service_id,
            DossierAssignment.role == ACCOUNTMANAGER,
            ACTIVE,
        )
    )


async def current_people(session: AsyncSession, dossier_id: int) -> set[int]:
    """The employees on the dossier now: its casemanager and its active assignees (one query)."""
    rows = await session.execute(
        select(Dossier.casemanager_id)
        .where(Dossier.id == dossier_id)
        .union(select(DossierAssignment.user_id).where(DossierAssignment.dossier_id == dossier_id, ACTIVE))
    )
    return {user_id for (user_id,) in rows.all() if user_id is not None}


async def services_served_by(session: AsyncSession, dossier_id: int, user_id: int) -> list[int]:
    """The services for which ``user_id`` is the dossier's active accountmanager."""
    rows = await session.scalars(
        select(DossierAssignment.service_id).where(
            DossierAssignment.dossier_id == dossier_id,
            DossierAssignment.user_id == user_id,
            DossierAssignment.role == ACCOUNTMANAGER,
            ACTIVE,
        )
    )
    return [service_id for service_id in rows.all() if service_id is not None]


# ---------------------------------------------------------------------------------------------- writing


@dataclass
class Assignments:
    """Starts and ends the assignments of dossiers on behalf of ``actor``; flushes, never commits."""

    session: AsyncSession
    actor: CurrentUser
    audit: AuditLog

    def start(
        self, dossier_id: int, role: str, user_id: int, *, now: datetime, reason: str, service_id: int | None = None
    ) -> None:
        """Add an assignment (flushed by ``flush``, after any assignment it succeeds has ended)."""
        self.session.add(
            DossierAssignment(
                dossier_id=dossier_id,
                role=role,
                service_id=service_id,
                user_id=user_id,
                since=now,
                assigned_by_id=self.actor.id,
                reason=reason,
            )
        )

    async def end(self, assignment: DossierAssignment, *, now: datetime, reason: str) -> None:
        assignment.until = now
        assignment.ended_by_id = self.actor.id
        assignment.end_reason = reason
        await self.session.flush()  # ended before its successor starts (one active accountmanager per service)

    async def flush(self) -> None:
        """Write the new assignments; a second active accountmanager for one service answers 409."""
        try:
            await self.session.flush()
        except IntegrityError:
            raise Conflict(SERVICE_TAKEN) from None

    async def new_version(self, dossier: Dossier, now: datetime) -> None:
        """Make a new version of the dossier; 409 when someone else changed it since it was read."""
        dossier.updated_at = now
        await flush_dossier(self.session)

    async def replace_accountmanager(
        self,
        dossier: Dossier,
        *,
        service_id: int,
        service_code: str,
        user_id: int,
        user_name: str,
        now: datetime,
        reason: str,
        end_reason: str | None = None,
        client_pseudonym: str | None = None,
    ) -> bool:
        """Make ``user_id`` the service's accountmanager on the dossier, ending the current one's assignment.

        Returns False (and changes nothing) when they already are."""
        current = await accountmanager_of(self.session, dossier.id, service_id)
        if current is not None and current.user_id == user_id:
            return False
        await self.new_version(dossier, now)
        if current is not None:
            await self.end(current, now=now, reason=reason if end_reason is None else end_reason)
        self.start(dossier.id, ACCOUNTMANAGER, user_id, now=now, reason=reason, service_id=service_id)
        await self.flush()
        self.audit.record(
            Action.UPDATE,
            "dossier",
            dossier.id,
            client_pseudonym=client_pseudonym,
            detail=f"accountmanager {service_code} → {user_name}",
        )
        return True

    async def replace_casemanager(self, dossier_id: int, user_id: int, *, now: datetime, reason: str) -> None:
        """The dossier's casemanager assignment moves to ``user_id`` (the dossier row itself is the caller's)."""
        current = await self.session.scalar(
            select(DossierAssignment).where(
                DossierAssignment.dossier_id == dossier_id, DossierAssignment.role == CASEMANAGER, ACTIVE
            )
        )
        if current is not None:
            await self.end(current, now=now, reason=reason)
        self.start(dossier_id, CASEMANAGER, user_id, now=now, reason=reason)
        await self.flush()


async def flush_dossier(session: AsyncSession) -> None:
    """Flush a changed dossier; its version check (WHERE version = …) answers 409 when someone else was quicker."""
    try:
        await session.flush()
    except StaleDataError:
        raise Conflict(STALE) from None


async def insert_assignments(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk loaders (the synthetic municipality, the exchange import): write assignment rows as they are.

    Each row names the ``dossier_assignments`` columns (``dossier_id``, ``role``, ``user_id``, ``since`` and
    optionally ``id``, ``service_id``, ``until``, ``assigned_by_id``, ``reason``, ``ended_by_id``, ``end_reason``).
    Loaders bring whole histories that need no version bump or audit event; live changes go through
    ``Assignments``.
    """
    table = cast(Table, DossierAssignment.__table__)
    for start in range(0, len(rows), _CHUNK):
        await session.execute(insert(table), [dict(row) for row in rows[start : start + _CHUNK]])
