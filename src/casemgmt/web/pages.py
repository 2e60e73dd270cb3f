"""Full page or fragment from one handler, as htmx expects."""

from __future__ import annotations

from typing import Any

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
