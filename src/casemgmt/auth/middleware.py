"""How requests are authenticated: server-side sessions for pages, personal bearer tokens for ``/api/v1``."""

from __future__ import annotations

import secrets
import time
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.security.session_auth import SessionAuth
from litestar.types import Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.services import Accounts
from casemgmt.settings import Settings

SESSION_COOKIE = "casemgmt_session"
_NEW_SESSION_ID = "casemgmt_new_session_id"
_LOADED_SESSION = "casemgmt_loaded_session"
_RENEWED_AT = "_renewed_at"
SESSION_RENEW_AFTER_SECONDS = 300


class RotatingSessionBackend(ServerSideSessionBackend):
    """Server-side sessions that can take a fresh id (at login, against session fixation) and that write to the store
    only when needed: when the data changed, or when the last write is ``SESSION_RENEW_AFTER_SECONDS`` old (the
    sliding expiry). Litestar's own backend writes on every response and, with ``renew_on_access``, updates the
    expiry on every read as well: three statements per page view for nothing."""

    def get_session_id(self, connection: ASGIConnection) -> str:
        renewed = connection.scope.get("state", {}).get(_NEW_SESSION_ID)
        return renewed or super().get_session_id(connection)

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        if session_id := connection.cookies.get(self.config.key):
            data = await self.get(session_id, store=self.config.get_store_from_app(connection.scope["app"]))
            if data is not None:
                connection.scope.setdefault("state", {})[_LOADED_SESSION] = data
                return self.deserialize_data(data)
        return {}

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        if self._unchanged_and_recently_written(scope_session, connection):
            cookie_params = extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
            cookie = Cookie(value=self.get_session_id(connection), key=self.config.key, **dict(cookie_params))
            MutableScopeHeaders.from_message(message).add("Set-Cookie", cookie.to_header(header=""))
            return
        if isinstance(scope_session, dict) and scope_session:
            scope_session[_RENEWED_AT] = int(time.time())
        await super().store_in_message(scope_session, message, connection)

    def _unchanged_and_recently_written(self, scope_session: ScopeSession, connection: ASGIConnection) -> bool:
        state = connection.scope.get("state", {})
        loaded = state.get(_LOADED_SESSION)
        if not isinstance(scope_session, dict) or not scope_session or loaded is None or _NEW_SESSION_ID in state:
            return False
        renewed_at = scope_session.get(_RENEWED_AT)
        return (
            isinstance(renewed_at, int)
            and not renewal_due(renewed_at, int(time.time()))
            and self.serialize_data(scope_session, connection.scope) == loaded
        )


def renewal_due(renewed_at: int, now: int) -> bool:
    """Whether an unchanged session must still be written, to move its expiry along (the sliding idle timeout is
    therefore exact to within ``SESSION_RENEW_AFTER_SECONDS``)."""
    return now - renewed_at >= SESSION_RENEW_AFTER_SECONDS


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
        renew_on_access=False,  # the backend renews, at most every SESSION_RENEW_AFTER_SECONDS
        exclude=["^/api/", "^/static/", "^/health", "^/schema"],
    )
    return SessionAuth[CurrentUser, RotatingSessionBackend](
        retrieve_user_handler=retrieve_user,
        session_backend_config=config,  # type: ignore[arg-type]  # Litestar types the config by its base backend
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
