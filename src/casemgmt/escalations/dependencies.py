"""The escalation service as a handler dependency (``escalations``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.db import DbSession
from casemgmt.escalations.services import EscalationService

Escalations = NamedDependency[EscalationService]
"""The request's escalation service (``escalations``)."""


async def provide_escalations(db_session: DbSession, actor: Actor, audit: Audit) -> EscalationService:
    return EscalationService(db_session, actor, audit)
