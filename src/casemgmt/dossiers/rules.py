"""The dossier's domain rules as plain functions: the status machine, the reference format, the caseload cap.

Status: ``open → in_progress ⇄ waiting → closed``; an open dossier may also go straight to ``waiting`` or
``closed``, and ``in_progress`` may be closed directly. ``closed`` is final. Closing needs an outcome
(``resolved``, ``referred``, ``withdrawn``), and an outcome is only given when closing.

Reference: ``D-<year>-<5 digits>``, numbered per year from 1.

Caseload: a casemanager may have a maximum number of dossiers that are not closed (``User.max_caseload``, set by
an admin); assigning one more is refused with a message naming the cap.
"""

from __future__ import annotations

import re

from casemgmt.errors import FieldError

OPEN = "open"
IN_PROGRESS = "in_progress"
WAITING = "waiting"
CLOSED = "closed"

STATUSES: tuple[str, ...] = (OPEN, IN_PROGRESS, WAITING, CLOSED)
STATUS_LABELS: dict[str, str] = {
    OPEN: "Open",
    IN_PROGRESS: "In behandeling",
    WAITING: "Wacht op reactie",
    CLOSED: "Gesloten",
}

OUTCOMES: tuple[str, ...] = ("resolved", "referred", "withdrawn")
OUTCOME_LABELS: dict[str, str] = {
    "resolved": "Opgelost",
    "referred": "Doorverwezen",
    "withdrawn": "Ingetrokken",
}

TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({IN_PROGRESS, WAITING, CLOSED}),
    IN_PROGRESS: frozenset({WAITING, CLOSED}),
    WAITING: frozenset({IN_PROGRESS, CLOSED}),
    CLOSED: frozenset(),
}

SUBJECT_MAX = 300
REASON_MAX = 2000
LIMITS = {"subject": SUBJECT_MAX, "reason": REASON_MAX}
"""The text limits by field, for the forms' ``maxlength``."""
REFERENCE_DIGITS = 5
REFERENCE_MAX_NUMBER = 10**REFERENCE_DIGITS - 1
_REFERENCE = re.compile(r"^D-(\d{4})-(\d{5})$")


def allowed_next_statuses(current: str) -> list[str]:
    """The statuses a dossier in ``current`` may move to, in the order of the status machine."""
    allowed = TRANSITIONS.get(current, frozenset())
    return [status for status in STATUSES if status in allowed]


def check_status_change(current: str, new: str | None, outcome: str | None) -> list[FieldError]:
    """Errors for moving a dossier from ``current`` to ``new`` (``None``: status unchanged) with ``outcome``."""
    target = current if new is None else new
    errors: list[FieldError] = []
    if target not in STATUSES:
        return [FieldError("status", f"Onbekende status '{target}'; kies uit {', '.join(STATUSES)}")]
    if target != current:
        if current == CLOSED:
            return [FieldError("status", "Dit dossier is gesloten; de status kan niet meer worden gewijzigd")]
        if target not in TRANSITIONS[current]:
            allowed = ", ".join(STATUS_LABELS[s] for s in allowed_next_statuses(current))
            errors.append(
                FieldError(
                    "status",
                    f"Van '{STATUS_LABELS[current]}' kan het dossier niet naar '{STATUS_LABELS[target]}' "
                    f"(wel naar: {allowed})",
                )
            )
            return errors
    closing = target == CLOSED and current != CLOSED
    if closing:
        if not outcome:
            errors.append(
                FieldError("outcome", "Kies bij het sluiten een uitkomst: opgelost, doorverwezen of ingetrokken")
            )
        elif outcome not in OUTCOMES:
            errors.append(FieldError("outcome", f"Onbekende uitkomst '{outcome}'; kies uit {', '.join(OUTCOMES)}"))
    elif outcome:
        errors.append(FieldError("outcome", "Een uitkomst hoort alleen bij het sluiten van een dossier"))
    return errors


def is_closing(current: str, new: str | None) -> bool:
    return new == CLOSED and current != CLOSED


def format_reference(year: int, number: int) -> str:
    """``D-2026-00042``. Numbers run from 1 to 99999 per year."""
    if not 1 <= number <= REFERENCE_MAX_NUMBER:
        raise ValueError(f"dossier number {number} out of range for year {year}")
    return f"D-{year:04d}-{number:0{REFERENCE_DIGITS}d}"


def parse_reference(ref: str) -> tuple[int, int] | None:
    """``(year, number)`` of a well-formed reference, else ``None``."""
    match = _REFERENCE.match(ref.strip().upper())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


def next_reference(year: int, highest_existing: str | None) -> str:
    """The reference after the highest one already used in ``year`` (or the first of the year)."""
    parsed = parse_reference(highest_existing) if highest_existing else None
    number = parsed[1] + 1 if parsed and parsed[0] == year else 1
    return format_reference(year, number)


def caseload_refusal(casemanager_name: str, open_dossiers: int, cap: int | None) -> str | None:
    """The Dutch refusal when one more dossier would exceed the casemanager's cap, else ``None``."""
    if cap is None or open_dossiers < cap:
        return None
    return f"Casemanager {casemanager_name} heeft al {open_dossiers} open dossiers (maximum {cap})"


def check_subject(subject: str | None) -> list[FieldError]:
    text = (subject or "").strip()
    if not text:
        return [FieldError("subject", "Vul het onderwerp van het dossier in")]
    if len(text) > SUBJECT_MAX:
        return [FieldError("subject", f"Het onderwerp is te lang ({len(text)} tekens, maximaal {SUBJECT_MAX})")]
    return []


def check_reason(reason: str | None, *, required: bool, field: str = "reason") -> list[FieldError]:
    text = (reason or "").strip()
    if required and not text:
        return [FieldError(field, "Geef een reden op; die blijft zichtbaar in de geschiedenis van het dossier")]
    if len(text) > REASON_MAX:
        return [FieldError(field, f"De reden is te lang ({len(text)} tekens, maximaal {REASON_MAX})")]
    return []
