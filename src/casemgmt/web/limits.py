"""Request limits: the largest body the app reads, and maximum text lengths of request fields in the API document.

``MAX_BODY_BYTES`` bounds every request body (Litestar answers 413 beyond it, before anything is parsed); only the
imports declare a larger bound of their own (``web.routes.file_import``: surveys CSV 64 MB, dossier JSON Lines 4 GB,
read as a stream).

A concept keeps its limits as constants in its ``rules.py``; the rule enforces them (422 naming the field, a Dutch
message, nothing written), the page's control carries them as ``maxlength`` and the column as ``String(n)``.
``limited(n)`` declares the same limit as ``maxLength`` in ``/schema/openapi.json`` without making pydantic refuse
the body first (a schema violation is answered by Litestar as a 400 with an English message)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

MAX_BODY_BYTES = 2 * 1024 * 1024
"""2 MB: far above the largest form or JSON body (a dossier of texts at their limits is under 100 kB)."""


def limited(max_length: int, default: Any = ...) -> Any:
    """A pydantic field of at most ``max_length`` characters as documented; its rule checks it."""
    return Field(default, json_schema_extra={"max_length": max_length})
