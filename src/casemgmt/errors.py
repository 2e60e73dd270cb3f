"""Domain errors raised by services and rules; the web layer maps them to 4xx responses and Dutch messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    status_code = 400

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


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404
