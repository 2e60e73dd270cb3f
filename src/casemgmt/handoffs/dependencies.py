"""The handoff service as a handler dependency (``handoffs``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.db import DbSession
from casemgmt.handoffs.services import HandoffService

Handoffs = NamedDependency[HandoffService]
"""The request's handoff service (``handoffs``)."""


async def provide_handoffs(db_session: DbSession, actor: Actor, audit: Audit) -> HandoffService:
    return HandoffService(db_session, actor, audit)
