"""Inline actions on a row of a list (the worklist, the dossier's panels, Terugbelnotities): htmx gets the row back,
with the refusal's message in it; a plain form post goes back to the page it came from.

A route declared with ``row_action`` (``POST …/{id}/{action}``, a form post by an employee) gives its handler the
action as ``row: Row``: the action's name (from the path) and the answers; the handler reads the form as ``FormData``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from casemgmt.auth.guards import requires_employee
from casemgmt.errors import DomainError, InvalidInput
from casemgmt.web.pages import safe_back

"""A form post's fields as text."""


def refusal_message(exc: DomainError) -> str:
    """What a row shows of a refusal: every field's message for bad input, else the error's own message."""
    return "; ".join(e.message for e in exc.errors) if isinstance(exc, InvalidInput) else exc.message


class RowAction:
    """One inline action (``name``, from the path): ``run`` it, then answer with ``back`` (a plain form post) or
    ``row`` (htmx)."""

    def __init__(self, request: Request[Any, Any, Any], name: str) -> None:
        self.request = request
        self.name = name
        self.htmx = bool(request.headers.get("hx-request"))
        self.error: str | None = None
        self.status_code = 200

    async def run(self, action: Callable[[], Awaitable[object]]) -> None:
        """Run ``action``. For htmx a refusal becomes the row's message and status; 403 and 404, and every refusal
        of a plain form post, are raised as usual (the error page)."""
        try:
            await action()
        except DomainError as exc:
            if exc.status_code in (403, 404) or not self.htmx:
                raise
            self.error, self.status_code = refusal_message(exc), exc.status_code

    def back(self, back: str | None) -> Redirect:
        """A plain form post returns to the form's ``back`` path or the referring page (303)."""
        return Redirect(safe_back(self.request, back), status_code=303)

    def row(self, template: str, context: dict[str, Any]) -> Template:
        """The row again with ``error`` in its context; after a change the worklist hears of it (``HX-Trigger``)."""
        headers = {} if self.error else {"HX-Trigger": "worklist-changed"}
        return Template(
            template, context={**context, "error": self.error}, status_code=self.status_code, headers=headers
        )


async def provide_row_action(request: Request[Any, Any, Any], action: FromPath[str]) -> RowAction:
    return RowAction(request, action)


Row = NamedDependency[RowAction]
"""The inline action of a ``row_action`` route (``row``)."""


def row_action(path: str, name: str) -> post:
    """The route of a row's inline actions: ``path`` ends in ``{action:str}``; employees only, no API schema."""
    return post(
        path,
        name=name,
        guards=[requires_employee],
        include_in_schema=False,
        dependencies={"row": Provide(provide_row_action)},
    )
