"""The request's audit log writer as a handler dependency (``audit``)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.db import DbSession
from casemgmt.web.security import request_id_of

Audit = NamedDependency[AuditLog]
"""The request's audit log writer (``audit``)."""


async def provide_audit(request: Request[Any, Any, Any], db_session: DbSession) -> AuditLog:
    user = request.scope.get("user")
    return AuditLog(db_session, user if isinstance(user, CurrentUser) else None, request_id_of(request.scope))
