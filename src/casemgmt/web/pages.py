"""Answering page requests: full page or fragment from one handler (as htmx expects), and safe redirects back."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.response import Template


def wants_fragment(request: Request[Any, Any, Any]) -> bool:
    """An htmx request that is neither boosted nor a history restore gets just the fragment."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def page_or_fragment(
    request: Request[Any, Any, Any], page: str, fragment: str, context: dict[str, Any], status_code: int = 200
) -> Template:
    template = fragment if wants_fragment(request) else page
    return Template(template, context=context, status_code=status_code, headers={"Vary": "HX-Request"})


def safe_back(request: Request[Any, Any, Any], back: str | None) -> str:
    """Where a plain form post returns to: the form's ``back`` path, else the referring page, on this site only."""
    target = back or request.headers.get("referer") or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != request.headers.get("host"):
            return "/"
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
