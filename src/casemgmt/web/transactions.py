"""Commit the request's database transaction before anything else answers.

advanced-alchemy commits in an app-level ``before_send`` hook, which runs *after* the session middleware has
written the login session through its own connection. On SQLite that second writer waits for the first and the
request deadlocks. This middleware sits innermost and commits (2xx/3xx) or rolls back as the response starts;
advanced-alchemy's hook then only closes the session. After an unsafe request's commit it changes the data version
(``data_version.py``), so figures cached from the data are computed afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from casemgmt.web.data_version import STORE, change_data_version

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_BEFORE_COMMIT = "casemgmt_before_commit"


def before_commit(scope: Scope, write: Callable[[], Awaitable[None]]) -> None:
    """Have ``write`` run in the request's transaction right before its commit (e.g. the request's audit events in
    one INSERT); when it fails, the request is rolled back and answers 500."""
    scope.setdefault("state", {}).setdefault(_BEFORE_COMMIT, []).append(write)


log = logging.getLogger(__name__)


def transaction_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_after_commit(message: Message) -> None:
            if message["type"] == "http.response.start":
                # advanced-alchemy gives every further config in a process its own key; ask this app's config.
                session = get_aa_scope_state(scope, scope["app"].state.alchemy.session_scope_key)
                if session is not None:
                    if 200 <= message["status"] < 400:
                        try:
                            for write in scope.get("state", {}).get(_BEFORE_COMMIT, ()):
                                await write()
                            await session.commit()
                        except Exception:
                            log.exception("commit failed; answering 500")
                            await session.rollback()
                            message = {**message, "status": 500}
                        else:
                            if scope.get("method") not in SAFE_METHODS:
                                # before the answer: whoever reads after it sees figures that include the write
                                await change_data_version(scope["app"].stores.get(STORE))
                    else:
                        await session.rollback()
            await send(message)

        await app(scope, receive, send_after_commit)

    return middleware
