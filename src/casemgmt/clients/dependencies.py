"""The client service as a handler dependency (``clients``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.clients.services import ClientService
from casemgmt.db import DbSession

Clients = NamedDependency[ClientService]
"""The request's client service (``clients``)."""


async def provide_clients(db_session: DbSession, actor: Actor, audit: Audit) -> ClientService:
    return ClientService(db_session, actor, audit)
