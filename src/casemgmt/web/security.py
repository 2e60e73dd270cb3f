"""Security headers and a request id on every response: pages, errors (also unknown URLs) and static assets.

Every response but a static asset may carry personal data, so none is kept by the browser or a proxy
(``Cache-Control: no-store``) unless its handler says otherwise; static assets keep their own caching. HSTS is sent
where the app is served over HTTPS (production, where cookies are ``Secure``)."""

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


def content_security_policy(form_targets: tuple[str, ...] = ()) -> str:
    """The CSP, with more origins a form may lead to: logging out redirects the browser to the OpenID provider
    (RP-initiated logout), and ``form-action`` governs the redirects after a form is submitted too."""
    if not form_targets:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", " ".join(["form-action 'self'", *form_targets]))


SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

STATIC_PREFIX = "/static/"
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

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
        policy = getattr(scope["app"].state, "content_security_policy", None) if "app" in scope else None
        if policy:
            headers["Content-Security-Policy"] = policy
        headers["X-Request-ID"] = request_id_of(scope)
        if not scope.get("path", "").startswith(STATIC_PREFIX) and "cache-control" not in headers:
            headers["Cache-Control"] = "no-store"
        if _served_over_https(scope):
            headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY


def _served_over_https(scope: Scope) -> bool:
    settings = getattr(scope["app"].state, "settings", None) if "app" in scope else None
    return bool(settings is not None and settings.secure_cookies)
