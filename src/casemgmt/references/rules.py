"""The rules for references of other systems (letter, zaak or kenmerk numbers such as ``DB-2026-11873``) that a
contact or a dossier carries, as plain functions: no HTTP, no database.

Each reference is 1..64 characters after trimming, on one line, given at most once per record, at most 20 per
record. They are found exactly (as typed, or in capitals: ``db-2026-11873`` finds ``DB-2026-11873``).
"""

from __future__ import annotations

from casemgmt.errors import FieldError

EXTERNAL_REF_MAX = 64
EXTERNAL_REFS_MAX = 20
RECORD_TYPES = ("contact", "dossier")
RECORD_LABELS = {"contact": "contact", "dossier": "dossier"}


def clean_external_refs(
    refs: list[str] | None, *, record_type: str = "contact", field: str = "external_refs"
) -> tuple[list[str], list[FieldError]]:
    """The references trimmed, in the order given, and one Dutch message (on ``field``) listing what is wrong.

    Each is 1..64 characters after trimming, on one line; the same reference twice (exactly, after trimming) is
    refused.
    """
    cleaned: list[str] = []
    problems: list[str] = []
    for raw in refs or []:
        ref = raw.strip()
        if not ref:
            problems.append("Een kenmerk mag niet leeg zijn")
        elif len(ref) > EXTERNAL_REF_MAX:
            problems.append(f"Het kenmerk '{ref[:20]}…' is te lang ({len(ref)} tekens, maximaal {EXTERNAL_REF_MAX})")
        elif any(ord(char) < 32 or ord(char) == 127 for char in ref):
            problems.append("Een kenmerk staat op één regel, zonder tabs of regeleinden")
        elif ref in cleaned:
            problems.append(f"Het kenmerk '{ref}' staat er twee keer in")
        else:
            cleaned.append(ref)
    if len(cleaned) > EXTERNAL_REFS_MAX:
        problems.append(f"Maximaal {EXTERNAL_REFS_MAX} kenmerken per {RECORD_LABELS.get(record_type, record_type)}")
    if problems:
        return cleaned, [FieldError(field, "; ".join(dict.fromkeys(problems)))]
    return cleaned, []


def lookup_forms(query: str) -> list[str]:
    """The forms in which a typed reference is looked up exactly: as typed (trimmed) and in capitals."""
    text = (query or "").strip()
    if not text or len(text) > EXTERNAL_REF_MAX:
        return []
    return list(dict.fromkeys([text, text.upper()]))
