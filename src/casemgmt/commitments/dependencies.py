"""The commitment service as a handler dependency (``commitments``), and the contact service (``contacts``) with its
promise maker: a contact with outcome ``callback_promised`` makes its callback commitment in the same transaction."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.commitments.services import CommitmentService, ContactPromises
from casemgmt.contacts.services import ContactService
from casemgmt.db import DbSession

Commitments = NamedDependency[CommitmentService]
"""The request's commitment service (``commitments``)."""


async def provide_commitments(db_session: DbSession, actor: Actor, audit: Audit) -> CommitmentService:
    return CommitmentService(db_session, actor, audit)


async def provide_contacts(db_session: DbSession, actor: Actor, audit: Audit) -> ContactService:
    promises = ContactPromises(CommitmentService(db_session, actor, audit))
    return ContactService(db_session, actor, audit, promises=promises)
