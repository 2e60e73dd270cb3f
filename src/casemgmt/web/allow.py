"""The ``Allow`` header of an ``OPTIONS`` answer: the methods the route really allows.

Litestar answers ``OPTIONS`` with a handler it creates when a path's first handlers are registered; when handlers of
the same path come from several concepts (``GET /api/v1/commitments`` from the worklist, ``POST`` from commitments)
it builds the route again but keeps that first handler, whose ``Allow`` names only the methods of the first
registration. This ``before_send`` hook sets ``Allow`` from the route table instead. (A 405 already carries the
route's full ``Allow``: ``web/errors.handle_http_exception`` keeps the exception's headers.)
"""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope


def _methods_by_path(app: Litestar) -> dict[str, str]:
    """Path template → the ``Allow`` value, read from the app's route table on first use (kept in its state)."""
    allowed: dict[str, str] | None = app.state.get("allowed_methods")
    if allowed is None:
        allowed = {
            route.path_format: ", ".join(sorted(route.methods)) for route in app.routes if isinstance(route, HTTPRoute)
        }
        app.state["allowed_methods"] = allowed
    return allowed


async def allow_what_the_route_allows(message: Message, scope: Scope) -> None:
    """An app-level ``before_send`` hook: on an ``OPTIONS`` answer, ``Allow`` lists every method of the route."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    template = scope.get("path_template")  # type: ignore[typeddict-item]
    allowed = _methods_by_path(scope["app"]).get(template) if template else None
    if allowed:
        headers = MutableScopeHeaders.from_message(message)
        if "allow" in headers:
            headers["Allow"] = allowed
