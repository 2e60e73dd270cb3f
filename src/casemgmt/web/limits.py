"""Maximum text lengths of request fields in the API document.

A concept keeps its limits as constants in its ``rules.py``; the rule enforces them (422 naming the field, a Dutch
message, nothing written), the page's control carries them as ``maxlength`` and the column as ``String(n)``.
``limited(n)`` declares the same limit as ``maxLength`` in ``/schema/openapi.json`` without making pydantic refuse
the body first (a schema violation is answered by Litestar as a 400 with an English message)."""

from __future__ import annotations

from typing import Any

from pydantic import Field


def limited(max_length: int, default: Any = ...) -> Any:
    """A pydantic field of at most ``max_length`` characters as documented; its rule checks it."""
    return Field(default, json_schema_extra={"max_length": max_length})
