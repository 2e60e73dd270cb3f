"""The notification service as a handler dependency (``notifications``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.db import DbSession
from casemgmt.notifications.services import NotificationService

Notifications = NamedDependency[NotificationService]
"""The request's notification service (``notifications``): the actor's own notifications and settings."""


async def provide_notifications(db_session: DbSession, actor: Actor, audit: Audit) -> NotificationService:
    return NotificationService(db_session, actor, audit)
