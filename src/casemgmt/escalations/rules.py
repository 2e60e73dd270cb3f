"""Escalation rules: who answers, when it is due, whether it was answered within the service norm."""

from __future__ import annotations

from datetime import datetime

from casemgmt.errors import Conflict, FieldError, InvalidInput

MAX_TEXT = 4000


def validate_question(question: str) -> str:
    text = question.strip()
    if not text:
        raise InvalidInput.single("question", "Beschrijf de vraag")
    if len(text) > MAX_TEXT:
        raise InvalidInput.single("question", f"De vraag is te lang (maximaal {MAX_TEXT} tekens)")
    return text


def validate_answer(status: str, answer: str) -> str:
    if status != "open":
        raise Conflict("Deze escalatie is al beantwoord")
    text = answer.strip()
    errors = []
    if not text:
        errors.append(FieldError("answer", "Geef een antwoord"))
    elif len(text) > MAX_TEXT:
        errors.append(FieldError("answer", f"Het antwoord is te lang (maximaal {MAX_TEXT} tekens)"))
    if errors:
        raise InvalidInput(errors)
    return text


def within_norm(answered_at: datetime, due_at: datetime) -> bool:
    return answered_at <= due_at


def is_overdue(status: str, due_at: datetime, now: datetime) -> bool:
    return status == "open" and now > due_at


def state_of(status: str, due_at: datetime, now: datetime) -> str:
    """The state shown to users: ``answered``, ``overdue`` (open past its norm) or ``open``."""
    if status == "answered":
        return "answered"
    return "overdue" if is_overdue(status, due_at, now) else "open"
