"""Request-scoped dependencies shared by every concept: the current user and the audit log writer."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import AuditLog
from casemgmt.auth.guards import current_user
from casemgmt.auth.identity import CurrentUser
from casemgmt.web.security import request_id_of

DbSession = NamedDependency[AsyncSession]
"""A handler's database session: advanced-alchemy's ``db_session`` dependency, named explicitly (Litestar 3 no longer
infers dependencies from parameter names)."""
Actor = NamedDependency[CurrentUser]
"""The logged-in employee (``actor``)."""
Audit = NamedDependency[AuditLog]
"""The request's audit log writer (``audit``)."""


async def provide_actor(request: Request[Any, Any, Any]) -> CurrentUser:
    return current_user(request)


async def provide_audit(request: Request[Any, Any, Any], db_session: DbSession) -> AuditLog:
    user = request.scope.get("user")
    return AuditLog(db_session, user if isinstance(user, CurrentUser) else None, request_id_of(request.scope))


DEPENDENCIES = {
    "actor": Provide(provide_actor),
    "audit": Provide(provide_audit),
}
