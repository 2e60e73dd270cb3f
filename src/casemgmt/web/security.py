"""Security headers and a request id on every response: pages, errors (also unknown URLs) and static assets."""

from __future__ import annotations

import re
import uuid

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_STATE_KEY = "request_id"


def request_id_of(scope: Scope) -> str:
    """The request's id: the caller's ``X-Request-ID`` when well-formed, else a new one; stable within a request."""
    state = scope.setdefault("state", {})
    if _STATE_KEY not in state:
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        state[_STATE_KEY] = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    return state[_STATE_KEY]


async def add_security_headers(message: Message, scope: Scope) -> None:
    """An app-level ``before_send`` hook, so it also covers responses produced before routing (404, 405)."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        for name, value in SECURITY_HEADERS.items():
            headers[name] = value
        headers["X-Request-ID"] = request_id_of(scope)
