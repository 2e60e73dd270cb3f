"""The pilot and time registration services as handler dependencies (``pilots``, ``time_entries``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.casefile.pilot_facts import PilotFactsOf
from casemgmt.db import DbSession
from casemgmt.pilots.services import PilotService, TimeEntryService, dossier_pilot_facts

Pilots = NamedDependency[PilotService]
"""The request's pilot service: enrolment and cohorts (``pilots``)."""


async def provide_pilots(db_session: DbSession, actor: Actor, audit: Audit) -> PilotService:
    return PilotService(db_session, actor, audit)


TimeEntries = NamedDependency[TimeEntryService]
"""The request's time registration service (``time_entries``)."""


async def provide_time_entries(db_session: DbSession, actor: Actor, audit: Audit) -> TimeEntryService:
    return TimeEntryService(db_session, actor, audit)


def provide_pilot_facts() -> PilotFactsOf:
    """The pilots' answer to the dossier page's ``pilot_facts`` (pilot, cohort, may register time)."""
    return dossier_pilot_facts
