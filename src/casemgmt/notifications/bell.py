"""The bell in the header of every page: the unread count, read before the handler runs so that the page shows
"Meldingen (3)" without JavaScript (htmx then refreshes it every 60 s from ``/meldingen/teller``).

One COUNT on the index ``(user_id, read_at, created_at)``, in the request's own session, for full pages only: not
for the API, the static files or an htmx request that swaps a fragment."""

from __future__ import annotations

from typing import Any

from litestar import Request

from casemgmt.auth.identity import CurrentUser
from casemgmt.notifications.rules import Unread
from casemgmt.notifications.services import unread_count
from casemgmt.web.idempotency import request_session
from casemgmt.web.pages import wants_fragment

STATE_KEY = "unread_notifications"


async def load_unread(request: Request[Any, Any, Any]) -> None:
    """``before_request``: keep the logged-in user's unread count for the page's header."""
    user = request.scope.get("user")
    path = request.scope["path"]
    if not isinstance(user, CurrentUser) or path.startswith(("/api/", "/static/", "/meldingen/teller")):
        return
    if wants_fragment(request):
        return
    request.scope.setdefault("state", {})[STATE_KEY] = Unread(
        await unread_count(request_session(request.scope), user.id)
    )


def unread_of(request: Any) -> Unread | None:
    """The Jinja global: the count loaded for this page, if any."""
    state = request.scope.get("state") if request is not None else None
    value = state.get(STATE_KEY) if isinstance(state, dict) else None
    return value if isinstance(value, Unread) else None
