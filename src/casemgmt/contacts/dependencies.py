"""The contact service as a handler dependency (``contacts``). The app provides it from
``commitments.dependencies.provide_contacts`` (with the promise maker); this plain one serves reads."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.contacts.services import ContactService
from casemgmt.db import DbSession

Contacts = NamedDependency[ContactService]
"""The request's contact service (``contacts``)."""


async def provide_contacts(db_session: DbSession, actor: Actor, audit: Audit) -> ContactService:
    return ContactService(db_session, actor, audit)
