"""The flag service as a handler dependency (``flags``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.db import DbSession
from casemgmt.knowledge.flags import FlagService

Flags = NamedDependency[FlagService]
"""The request's flag service (``flags``)."""


async def provide_flags(db_session: DbSession, actor: Actor, audit: Audit) -> FlagService:
    return FlagService(db_session, actor, audit)
