"""The request's audit log writer as a handler dependency (``audit``)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.db import DbSession
from casemgmt.web.security import request_id_of
from casemgmt.web.transactions import before_commit

Audit = NamedDependency[AuditLog]
"""The request's audit log writer (``audit``)."""


async def provide_audit(request: Request[Any, Any, Any], db_session: DbSession) -> AuditLog:
    """The request's writer: its events are written in one INSERT right before the request's commit."""
    user = request.scope.get("user")
    actor = user if isinstance(user, CurrentUser) else None
    log = AuditLog(db_session, actor, request_id_of(request.scope), deferred=True)
    before_commit(request.scope, log.write_deferred)
    return log
