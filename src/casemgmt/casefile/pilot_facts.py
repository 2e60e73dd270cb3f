"""What the dossier page shows about the dossier's pilot, and whether the reader may register time on it.

Pilots sit above the casefile (they enrol dossiers), so the casefile does not ask them directly: the app wires the
pilots' answer in as the dependency ``pilot_facts`` (a function of this shape), as it wires the closing check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser


@dataclass(frozen=True)
class PilotFacts:
    pilot: str | None = None
    """The name of the pilot the dossier is enrolled in, if any."""
    cohort: str | None = None
    """Its cohort in Dutch (Pilotgroep, Controlegroep)."""
    may_register_time: bool = False
    """The reader may register their own time on this dossier (the quick time-entry form would not answer 403)."""


PilotFactsOf = Callable[[AsyncSession, CurrentUser, AuditLog, int], Awaitable[PilotFacts]]

PilotFactsDependency = NamedDependency[PilotFactsOf]
"""The app's ``pilot_facts`` (the pilots' answer) as a handler dependency."""


async def no_pilot_facts(session: AsyncSession, actor: CurrentUser, audit: AuditLog, dossier_id: int) -> PilotFacts:
    """Without pilots: no pilot, no time registration."""
    return PilotFacts()
