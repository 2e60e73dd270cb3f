"""Role guards as plain functions. Whether a user may see a particular dossier is a query filter, not a guard."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import EMPLOYEE_ROLES, Role


def current_user(connection: ASGIConnection) -> CurrentUser:
    user = connection.scope.get("user")
    if not isinstance(user, CurrentUser):
        raise NotAuthorizedException("Niet ingelogd")
    return user


def requires_role(*roles: Role) -> Guard:
    """A guard admitting users holding any of ``roles``; others get 403 with a Dutch explanation."""
    allowed = frozenset(roles)
    names = ", ".join(role.label for role in roles)

    def guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
        if not current_user(connection).roles & allowed:
            raise PermissionDeniedException(f"Deze pagina is alleen toegankelijk voor: {names}.")

    guard.__name__ = f"requires_role_{'_'.join(sorted(allowed))}"
    return guard


requires_employee = requires_role(*sorted(EMPLOYEE_ROLES, key=list(Role).index))
"""Everyone who works with personal data: all roles but the evaluator."""
requires_admin = requires_role(Role.ADMIN)
