"""Timeline entries of every kind for the dossier of ``tests/worlds/casework.py``: per moment one contact, one
commitment made and closed, one handoff requested and decided, one escalation asked and answered and one
assignment, so every kind of both timelines (dossier and klantbeeld) ties at the same instant."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import ExternalReference
from casemgmt.dossiers.models import DossierAssignment
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from tests.factories import create_contact, service_id
from tests.worlds.casework import Casework

BASE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ENTRIES_PER_MOMENT = 8
"""Dossier timeline entries ``add_every_kind`` adds per moment (every kind but none twice)."""


async def add_every_kind(db: Callable[[], AsyncSession], w: Casework, moments: Sequence[datetime]) -> None:
    """One entry of every kind at each of ``moments`` (repeat a moment for ties within a kind too); the world's own
    assignments are moved to fixed moments before ``BASE`` so the whole timeline is known."""
    async with db() as s, s.begin():
        await s.execute(
            update(DossierAssignment)
            .where(DossierAssignment.dossier_id == w.dossier_id)
            .values(since=BASE - timedelta(days=3))
        )
        client = await s.get(Client, w.client_id)
        assert client is not None
        kcc_id, szw_id, dso_id = [await service_id(s, code) for code in ("KCC", "SZW", "DSO")]
        for i, moment in enumerate(moments):
            contact = await create_contact(
                s, client, w.kcc.id, dossier_id=w.dossier_id, occurred_at=moment, summary=f"Gesprek {i:03d}",
                subject=f"Onderwerp {i}" if i % 2 else None, transfers=i % 3,
            )  # fmt: skip
            if i % 4 == 0:
                s.add(ExternalReference(record_type="contact", record_id=contact.id, ref=f"Z-{i:04d}"))
            s.add_all(
                [
                    Commitment(
                        client_id=w.client_id, dossier_id=w.dossier_id, kind="callback",
                        description=f"Terugbellen {i}", owner_id=w.cm.id if i % 2 else None,
                        owner_service_id=None if i % 2 else szw_id, made_by_id=w.kcc.id, made_at=moment,
                        due_at=moment + timedelta(days=2), status="fulfilled", closed_at=moment,
                        closed_by_id=w.cm.id, kept_on_time=bool(i % 2), note=f"Gebeld {i}",
                    ),
                    Handoff(
                        dossier_id=w.dossier_id, from_employee_id=w.cm.id, from_service_id=kcc_id,
                        to_service_id=szw_id, to_employee_id=w.am.id if i % 2 else None, reason=f"Reden {i}",
                        context=f"Context {i}", requested_at=moment, status="accepted", decided_at=moment,
                        decided_by_id=w.am.id, decision_reason=f"Akkoord {i}",
                    ),
                    Escalation(
                        service_id=szw_id, question=f"Vraag {i}?", dossier_id=w.dossier_id, asked_by_id=w.kcc.id,
                        asked_at=moment, due_at=moment + timedelta(days=1), status="answered",
                        answer=f"Antwoord {i}", answered_by_id=w.am.id, answered_at=moment, within_norm=bool(i % 2),
                    ),
                    DossierAssignment(
                        dossier_id=w.dossier_id, role="accountmanager", service_id=dso_id, user_id=w.am_dso.id,
                        since=moment, until=moment + timedelta(hours=1), assigned_by_id=w.cm.id,
                        reason=f"Erbij {i}", end_reason="Klaar",
                    ),
                ]
            )  # fmt: skip
        await s.flush()


def tied_moments(count: int, per_moment: int = 2) -> list[datetime]:
    """``count`` moments, ``per_moment`` of them at each minute after ``BASE`` (newest last)."""
    return [BASE + timedelta(minutes=i // per_moment) for i in range(count)]
