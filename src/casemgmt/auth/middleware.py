"""How requests are authenticated: server-side sessions for pages, personal bearer tokens for ``/api/v1``."""

from __future__ import annotations

import secrets
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.security.session_auth import SessionAuth

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.services import Accounts
from casemgmt.settings import Settings

SESSION_COOKIE = "casemgmt_session"
_NEW_SESSION_ID = "casemgmt_new_session_id"


class RotatingSessionBackend(ServerSideSessionBackend):
    """A server-side session backend that can give a session a fresh id (at login, against session fixation)."""

    def get_session_id(self, connection: ASGIConnection) -> str:
        renewed = connection.scope.get("state", {}).get(_NEW_SESSION_ID)
        return renewed or super().get_session_id(connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


async def start_new_session(connection: ASGIConnection, data: dict[str, Any]) -> None:
    """Discard whatever session came with the request and start a new one under a new id holding ``data``."""
    old_id = connection.cookies.get(SESSION_COOKIE)
    if old_id and old_id != "null":
        await connection.app.stores.get("sessions").delete(old_id)
    connection.scope.setdefault("state", {})[_NEW_SESSION_ID] = secrets.token_hex(32)
    connection.scope["session"] = dict(data)


def _accounts(connection: ASGIConnection) -> Accounts:
    alchemy: SQLAlchemyAsyncConfig = connection.app.state.alchemy
    db_session = alchemy.provide_session(connection.app.state, connection.scope)
    return Accounts(db_session, connection.app.state.passwords)


def create_session_auth(settings: Settings) -> SessionAuth:
    async def retrieve_user(session: dict[str, Any], connection: ASGIConnection) -> CurrentUser | None:
        user_id = session.get("user_id")
        if not isinstance(user_id, int):
            return None
        # Re-checked on every request: a deactivated user is refused on their next request.
        return await _accounts(connection).active_user(user_id)

    config = RotatingSessionConfig(
        key=SESSION_COOKIE,
        store="sessions",
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        renew_on_access=True,
        exclude=["^/api/", "^/static/", "^/health", "^/schema"],
    )
    return SessionAuth[CurrentUser, RotatingSessionBackend](
        retrieve_user_handler=retrieve_user,
        session_backend_config=config,
        exclude=["^/api/", "^/static/", "^/login", "^/health", "^/schema"],
        exclude_opt_key="public",
        exclude_http_methods=[],
    )


class TokenAuthMiddleware(AbstractAuthenticationMiddleware):
    """``Authorization: Bearer <token>`` for the JSON API. A missing, wrong or revoked token answers 401."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("Bearer-token ontbreekt (Authorization: Bearer <token>)")
        user = await _accounts(connection).user_for_token(token.strip())
        if user is None:
            raise NotAuthorizedException("Ongeldig of ingetrokken token")
        return AuthenticationResult(user=user, auth=token)


def passwords_for(settings: Settings) -> Passwords:
    from casemgmt.settings import Mode

    return Passwords(cheap=settings.mode is Mode.TEST)
