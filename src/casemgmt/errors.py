"""Domain errors raised by services and rules; the web layer maps them to 4xx responses and Dutch messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def too_long(field: str, label: str, text: str, limit: int) -> list[FieldError]:
    """The error for a text beyond ``limit`` characters, in the words every form uses (none when it fits): "<label>
    is te lang (<n> tekens, maximaal <limit>)". Each concept keeps its limits as constants in its ``rules.py``; the
    API schema, the form's ``maxlength`` and the column use the same constant."""
    if len(text) <= limit:
        return []
    return [FieldError(field, f"{label} is te lang ({len(text)} tekens, maximaal {limit})")]


class DomainError(Exception):
    status_code = 400
    extra: Mapping[str, object] | None = None
    """What the API answer carries besides the message (``extra``), e.g. the existing client of a clashing BSN."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """Bad input: one message per field. Nothing has been written."""

    status_code = 422

    def __init__(self, errors: list[FieldError] | FieldError, message: str = "Controleer de invoer.") -> None:
        super().__init__(message)
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)

    @classmethod
    def single(cls, field: str, message: str) -> InvalidInput:
        return cls(FieldError(field, message), message)

    def by_field(self) -> dict[str, str]:
        return {error.field: error.message for error in self.errors}


class NotReady(InvalidInput):
    """An action the record is not ready for (409): what it lacks, per field of the record, e.g. publishing an
    article without an answer. Nothing has been written."""

    status_code = 409


class Conflict(DomainError):
    status_code = 409


class NoLongerChangeable(Conflict):
    """An action on a record whose status no longer allows it (409), naming that status's Dutch label in lower case.

    A subclass gives the status labels and the message with a ``{label}`` slot. Nothing has been changed."""

    status_labels: ClassVar[Mapping[str, str]]
    template: ClassVar[str]

    def __init__(self, status: str) -> None:
        super().__init__(self.template.format(label=self.status_labels.get(status, status).lower()))
        self.status = status


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404
