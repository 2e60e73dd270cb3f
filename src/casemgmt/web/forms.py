"""Reading HTML form values: what every form handler needs before the domain rules see the input."""

from __future__ import annotations


def whole_number(text: str | None) -> int | None:
    """A form field holding an id or a count: the number, or None when it is empty or not a whole number."""
    return int(text) if text and text.strip().isdigit() else None
