"""The sweep: the time-based notifications, written for the moment ``now``.

- a promise due today (open, due later today in Europe/Amsterdam): to its owner, or to the team's employees;
- a promise overdue (open, past due): to its owner, or to the team's employees; a team promise three times late
  (``notifications.rules.reaches_coordinators``) also to the service's coordinators;
- an escalation past its norm (open, past due): to its assignee, or to the service's accountmanagers, and to the
  service's coordinators.

Each notification has a unique key per person, kind, object and day (``rules.key_of``) and is inserted with
``ON CONFLICT DO NOTHING``: running the sweep twice on one day writes nothing new, and on several hosts at once each
row is still written once. Nothing calls it on its own: ``casemgmt notifications send`` runs it (the e-mail half of
issue 14), so when it runs is the operator's choice. A fixed number of queries, however many promises.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.roles import Role
from casemgmt.commitments.models import Commitment
from casemgmt.directory.calendar import AMSTERDAM, local_date
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from casemgmt.notifications import rules
from casemgmt.notifications.rules import Kind
from casemgmt.notifications.services import (
    About,
    choices_of,
    coordinators_of,
    row_of,
    service_codes,
    team_members,
    write,
)


@dataclass
class SweepReport:
    considered: int = 0
    """Notifications due at this moment (before the unique key and the settings)."""
    written: int = 0
    """Rows inserted now (0 on a second run the same day)."""
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class _Pending:
    kind: Kind
    about: About
    user_id: int
    team_id: int | None = None


def _end_of_local_day(now: datetime) -> datetime:
    tomorrow = local_date(now) + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=AMSTERDAM)


def _for(
    kind: Kind, about: About, person: int | None, team: int | None, members: dict[int, set[int]]
) -> list[_Pending]:
    if person is not None:
        return [_Pending(kind, about, person)]
    if team is None:
        return []
    return [_Pending(kind, about, user_id, team) for user_id in sorted(members.get(team, ()))]


async def sweep(session: AsyncSession, now: datetime) -> SweepReport:
    """Write the notifications due at ``now`` that are not written yet (in the caller's transaction)."""
    promises = (
        await session.execute(
            select(
                Commitment.id,
                Commitment.owner_id,
                Commitment.owner_service_id,
                Commitment.made_at,
                Commitment.first_due_at,
                Commitment.due_at,
                Commitment.dossier_id,
                Dossier.ref,
            )
            .outerjoin(Dossier, Dossier.id == Commitment.dossier_id)
            .where(Commitment.status == "open", Commitment.due_at < _end_of_local_day(now))
        )
    ).all()
    escalations = (
        await session.execute(
            select(
                Escalation.id,
                Escalation.assignee_id,
                Escalation.service_id,
                Escalation.due_at,
                Escalation.dossier_id,
                Dossier.ref,
            )
            .outerjoin(Dossier, Dossier.id == Escalation.dossier_id)
            .where(Escalation.status == "open", Escalation.due_at < now)
        )
    ).all()
    teams = {row.owner_service_id for row in promises if row.owner_id is None and row.owner_service_id is not None}
    members = await team_members(session, teams)
    answerers = await team_members(
        session, {row.service_id for row in escalations if row.assignee_id is None}, [Role.ACCOUNTMANAGER.value]
    )
    late_teams = {
        row.owner_service_id
        for row in promises
        if row.owner_id is None and rules.reaches_coordinators(row.made_at, row.first_due_at, now)
    }
    coordinators = await coordinators_of(session, late_teams | {row.service_id for row in escalations})

    pending: list[_Pending] = []
    for row in promises:
        about = About("commitment", row.id, row.dossier_id, row.ref, row.due_at)
        if row.due_at >= now:
            pending += _for(Kind.COMMITMENT_DUE_TODAY, about, row.owner_id, row.owner_service_id, members)
            continue
        pending += _for(Kind.COMMITMENT_OVERDUE, about, row.owner_id, row.owner_service_id, members)
        if row.owner_id is None and rules.reaches_coordinators(row.made_at, row.first_due_at, now):
            reached = members.get(row.owner_service_id, set()) if row.owner_service_id is not None else set()
            pending += [
                _Pending(Kind.COMMITMENT_OVERDUE, about, user_id, row.owner_service_id)
                for user_id in sorted(coordinators.get(row.owner_service_id, set()) - reached)
            ]
    for esc in escalations:
        about = About("escalation", esc.id, esc.dossier_id, esc.ref, esc.due_at)
        reached_now = _for(Kind.ESCALATION_OVERDUE, about, esc.assignee_id, esc.service_id, answerers)
        reached = {p.user_id for p in reached_now}
        pending += reached_now
        pending += [
            _Pending(Kind.ESCALATION_OVERDUE, about, user_id, esc.service_id)
            for user_id in sorted(coordinators.get(esc.service_id, set()) - reached)
        ]
    return await _write(session, pending, now)


async def _write(session: AsyncSession, pending: Iterable[_Pending], now: datetime) -> SweepReport:
    items = list(pending)
    chosen = await choices_of(session, {p.user_id for p in items})
    codes = await service_codes(session, {p.team_id for p in items if p.team_id is not None})
    day = local_date(now)
    rows = [
        row_of(
            p.kind,
            p.about,
            p.user_id,
            now,
            team=codes.get(p.team_id) if p.team_id is not None else None,
            key=rules.key_of(p.kind, p.about.object_type, p.about.object_id, p.user_id, day),
        )
        for p in items
        if rules.is_written(p.kind, chosen.get(p.user_id, {}))
    ]
    report = SweepReport(considered=len(rows))
    for row in rows:
        report.by_kind[row["kind"]] = report.by_kind.get(row["kind"], 0) + 1
    report.written = await write(session, rows)
    return report


__all__ = ["SweepReport", "sweep"]
