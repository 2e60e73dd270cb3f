"""The commitment service as a handler dependency (``commitments``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.commitments.services import CommitmentService
from casemgmt.db import DbSession

Commitments = NamedDependency[CommitmentService]
"""The request's commitment service (``commitments``)."""


async def provide_commitments(db_session: DbSession, actor: Actor, audit: Audit) -> CommitmentService:
    return CommitmentService(db_session, actor, audit)
