"""The rules of flags (meldingen op een kennisartikel), pure: which kind an agent means (the code or its Dutch
label), when a note is required, and the resolution's note.

An agent flags an article "klopt niet" (``wrong``) or "onduidelijk" (``unclear``) only with a note saying what is
wrong or unclear: the owner cannot act on a bare flag. "Ontbreekt" (``missing``: the article lacks something the
caller needed) may come without one, the question itself then says what was missing. The owner resolves a flag with
a note saying what was done (required)."""

from __future__ import annotations

from dataclasses import dataclass

from casemgmt.errors import FieldError, InvalidInput
from casemgmt.knowledge.rules import FLAG_LABELS, MAX_FLAG_NOTE, FlagKind

NOTE_REQUIRED = frozenset({FlagKind.WRONG, FlagKind.UNCLEAR})
"""Kinds a flag needs a note for."""

UNKNOWN_KIND = "Kies wat er mis is: klopt niet, onduidelijk of ontbreekt"
NOTE_MISSING = "Schrijf kort wat er niet klopt of onduidelijk is, zodat de eigenaar het kan verbeteren"
NOTE_TOO_LONG = f"De toelichting mag hoogstens {MAX_FLAG_NOTE} tekens zijn"
RESOLUTION_MISSING = "Schrijf kort wat u met de melding hebt gedaan"
RESOLUTION_TOO_LONG = f"De afhandeling mag hoogstens {MAX_FLAG_NOTE} tekens zijn"

_BY_LABEL = {label: kind for kind, label in FLAG_LABELS.items()}


def kind_of(text: str | None) -> FlagKind | None:
    """The kind meant by ``text``: its code (``wrong``) or its Dutch label (``klopt niet``, any case, spaces
    around); None when it is neither."""
    cleaned = " ".join((text or "").split()).casefold()
    if cleaned in FlagKind.__members__.values():
        return FlagKind(cleaned)
    return _BY_LABEL.get(cleaned)


@dataclass(frozen=True)
class FlagInput:
    kind: FlagKind
    note: str


def check_flag(kind: str | None, note: str | None) -> FlagInput:
    """The flag as entered, checked: every problem at once as field errors (``kind``, ``note``)."""
    errors: list[FieldError] = []
    found = kind_of(kind)
    text = (note or "").strip()
    if found is None:
        errors.append(FieldError("kind", UNKNOWN_KIND))
    elif found in NOTE_REQUIRED and not text:
        errors.append(FieldError("note", NOTE_MISSING))
    if len(text) > MAX_FLAG_NOTE:
        errors.append(FieldError("note", NOTE_TOO_LONG))
    if errors:
        raise InvalidInput(errors)
    assert found is not None
    return FlagInput(found, text)


def check_resolution(note: str | None) -> str:
    """The owner's note on how a flag was handled: required, at most ``MAX_FLAG_NOTE`` characters."""
    text = (note or "").strip()
    if not text:
        raise InvalidInput.single("resolution", RESOLUTION_MISSING)
    if len(text) > MAX_FLAG_NOTE:
        raise InvalidInput.single("resolution", RESOLUTION_TOO_LONG)
    return text


def label_of(kind: str) -> str:
    """The Dutch label of a stored kind (the code itself when unknown)."""
    try:
        return FLAG_LABELS[FlagKind(kind)]
    except ValueError:
        return kind
