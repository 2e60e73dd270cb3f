"""Request limits: the largest body the app reads, and maximum text lengths of request fields in the API document.

``MAX_BODY_BYTES`` bounds every request body (Litestar answers 413 beyond it, before anything is parsed); only the
imports declare a larger bound of their own (``web.routes.file_import``: surveys CSV 64 MB, dossier JSON Lines 4 GB,
read as a stream).

A concept keeps its limits as constants in its ``rules.py``; the rule enforces them (422 naming the field, a Dutch
message, nothing written), the page's control carries them as ``maxlength`` and the column as ``String(n)``.
``limited(n)`` declares the same limit as ``maxLength`` in ``/schema/openapi.json`` without making pydantic refuse
the body first (a schema violation is answered by Litestar as a 400 with an English message). ``required_text(n)``
declares a text the rule refuses when blank (or shorter than its minimum once trimmed): required, with ``minLength``
and a ``pattern`` a blank text does not match. Every declared text also says it holds no NUL character
(``web/input_guard.py`` refuses one anywhere in a request), so a client generating from the document (schemathesis)
sends only what the API takes; what JSON Schema cannot say stays with the rules' 422."""

from __future__ import annotations

from typing import Any

from pydantic import Field

MAX_BODY_BYTES = 2 * 1024 * 1024
"""2 MB: far above the largest form or JSON body (a dossier of texts at their limits is under 100 kB)."""


NO_NUL = r"^[^\u0000]*$"
"""Any text without a NUL character (``web/input_guard.py`` refuses one with a 422)."""


def not_blank(min_length: int = 1) -> str:
    """The pattern of a text holding at least ``min_length`` characters once trimmed, and no NUL character."""
    text, space = r"[^\u0000]", r"[^\s\u0000]"
    if min_length <= 1:
        return rf"^{text}*{space}{text}*$"
    return rf"^\s*{space}{text}{{{min_length - 2},}}{space}\s*$"


def limited(max_length: int, default: Any = ...) -> Any:
    """A pydantic field of at most ``max_length`` characters as documented; its rule checks it."""
    return Field(default, json_schema_extra={"max_length": max_length, "pattern": NO_NUL})


def required_text(max_length: int, min_length: int = 1) -> Any:
    """A required pydantic field of ``min_length`` to ``max_length`` characters, not blank once trimmed, as
    documented; its rule checks it (a missing field is refused by Litestar as a 422 naming it)."""
    extra: dict[str, Any] = {"min_length": min_length, "max_length": max_length, "pattern": not_blank(min_length)}
    return Field(..., json_schema_extra=extra)
