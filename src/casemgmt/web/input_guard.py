"""Input no database can store, refused before any handler runs: a record number in the path beyond a 64-bit id,
text with a NUL character or a lone UTF-16 surrogate (PostgreSQL refuses the first, both databases the second), and
JSON nested deeper than any casemgmt body.

One ``before_request`` hook checks path and query parameters, URL-encoded forms and JSON bodies and answers 422
naming the field, on both databases alike, so no handler ever meets such text. Uploaded files (multipart, NDJSON)
are the importers' to check: they report a bad line with its number instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException

from casemgmt.errors import FieldError, InvalidInput, NotFound
from casemgmt.web.openapi import takes_input
from casemgmt.web.parameters import MAX_ID

MAX_JSON_DEPTH = 32
"""Deeper than any casemgmt request body (the deepest, a dossier import line, is 4 levels)."""

NO_SUCH_NUMBER = "Niet gevonden: er bestaat niets met dit nummer."
UNSTORABLE = "Dit veld bevat een teken dat niet kan worden opgeslagen (bijvoorbeeld een NUL-teken); verwijder het."
TOO_DEEP = f"De gegevens zijn dieper genest dan toegestaan (meer dan {MAX_JSON_DEPTH} niveaus)."


def storable(text: str) -> bool:
    """Whether ``text`` can be stored as it is: no NUL character, and valid Unicode (no lone surrogate)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_fields(value: Any, path: str = "") -> Iterator[str]:
    """The dotted paths (``contacts.0.summary``) of the texts in a decoded JSON value that cannot be stored, keys
    included; raises ``InvalidInput`` when the value is nested deeper than ``MAX_JSON_DEPTH``. Iterative, so a
    hostile depth cannot exhaust the stack."""
    pending: list[tuple[Any, str, int]] = [(value, path, 0)]
    while pending:
        item, where, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(FieldError(where or "body", TOO_DEEP))
        if isinstance(item, str):
            if not storable(item):
                yield where or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                if not storable(str(key)):
                    yield where or "body"
                else:
                    pending.append((child, name, depth + 1))
        elif isinstance(item, list):
            pending.extend(
                (child, f"{where}.{index}" if where else str(index), depth + 1) for index, child in enumerate(item)
            )


async def refuse_unstorable_input(request: Request[Any, Any, Any]) -> None:
    """``before_request``: 404 for a record number in the path beyond any id the database can hold (it names no
    record); 422 naming every field whose text cannot be stored; otherwise the request goes on. A handler that takes
    no input (see ``web.openapi.takes_input``) reads nothing of the request but its path."""
    if any(isinstance(value, int) and not 0 <= value <= MAX_ID for value in request.path_params.values()):
        raise NotFound(NO_SUCH_NUMBER)
    if not takes_input(request.route_handler):
        return
    fields = [name for name, value in request.path_params.items() if isinstance(value, str) and not storable(value)]
    fields += [name for name, value in request.query_params.multi_items() if not (storable(value) and storable(name))]
    content_type, _ = request.content_type
    if content_type == "application/x-www-form-urlencoded":
        fields += [
            name
            for name, value in (await request.form()).multi_items()
            if isinstance(value, str) and not (storable(value) and storable(name))
        ]
    elif content_type == "application/json":
        try:
            body = await request.json()
        except RecursionError:
            raise InvalidInput(FieldError("body", TOO_DEEP)) from None
        except SerializationException:
            body = None  # the handler answers the malformed body as it always has
        fields += unstorable_fields(body)
    if fields:
        raise InvalidInput([FieldError(name, UNSTORABLE) for name in dict.fromkeys(fields)])
