"""Response types built from rows: one helper that copies every field a response type declares from the object that
has it under the same name, so a schema's ``of`` names only the fields it computes or renames."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def copied(struct: type[S], source: object, **computed: Any) -> S:
    """``struct`` with each field taken from ``computed`` when given there, else from ``source``'s attribute of the
    same name; a field that neither has keeps its default (a required one raises ``TypeError``)."""
    values = {
        name: computed[name] if name in computed else getattr(source, name)
        for name in struct.__struct_fields__
        if name in computed or hasattr(source, name)
    }
    return struct(**values)
