"""The reporting period of every pilot figure (issue 5, "Periods"), as plain values and SQL conditions.

A period is two calendar dates, both inclusive, read in Europe/Amsterdam: ``from=2026-03-01&to=2026-03-31`` is
March in the Netherlands. Either end may be open (None): no ``from`` means "since the beginning", no ``to`` means
"up to now", so a period without dates covers the whole pilot. ``from`` after ``to`` is refused (422).

Moments are stored in UTC, so a date bound becomes a moment bound: a moment belongs to the period when
``start of from (Amsterdam) <= moment < start of the day after to (Amsterdam)``. Date columns (a survey response's
``contact_date``, a time entry's ``entry_date``) compare directly with the dates.

What belongs to a period is decided by the engine (``engine.py``): a dossier by its opening, commitments and
escalations by their due moment, contacts by when they occurred, survey responses by ``contact_date``, time entries
by their date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, true

from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.errors import FieldError, InvalidInput

FROM_AFTER_TO = "De begindatum ligt na de einddatum; kies een begindatum op of vóór de einddatum."


def start_of_day(day: date) -> datetime:
    """00:00 Europe/Amsterdam on ``day``, in UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=AMSTERDAM).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """Inclusive dates ``date_from``..``date_to`` (Amsterdam), either open."""

    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise InvalidInput(FieldError("from", FROM_AFTER_TO), FROM_AFTER_TO)

    @property
    def lower(self) -> datetime | None:
        """The first moment in the period (UTC), or None."""
        return start_of_day(self.date_from) if self.date_from else None

    @property
    def upper(self) -> datetime | None:
        """The first moment after the period (UTC, exclusive), or None."""
        return start_of_day(self.date_to + timedelta(days=1)) if self.date_to else None

    def moments(self, column: Any) -> ColumnElement[bool]:
        """SQL: the (UTC) moment in ``column`` lies in the period."""
        conditions = []
        if self.lower is not None:
            conditions.append(column >= self.lower)
        if self.upper is not None:
            conditions.append(column < self.upper)
        return and_(true(), *conditions)

    def dates(self, column: Any) -> ColumnElement[bool]:
        """SQL: the date in ``column`` lies in the period."""
        conditions = []
        if self.date_from is not None:
            conditions.append(column >= self.date_from)
        if self.date_to is not None:
            conditions.append(column <= self.date_to)
        return and_(true(), *conditions)

    def contains_moment(self, moment: datetime) -> bool:
        """Python twin of ``moments`` (for tests and pure rules)."""
        return (self.lower is None or moment >= self.lower) and (self.upper is None or moment < self.upper)

    def as_json(self) -> dict[str, str | None]:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }


def parse_date(value: str | None, field: str) -> date | None:
    """A query parameter ``YYYY-MM-DD`` (empty → None); a bad value → InvalidInput naming the field."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = f"'{text}' is geen geldige datum; gebruik jjjj-mm-dd."
        raise InvalidInput(FieldError(field, message), message) from None


def parse_period(date_from: str | None, date_to: str | None) -> Period:
    """The period of ``?from=&to=`` query parameters; every problem at once as InvalidInput (422)."""
    errors: list[FieldError] = []
    parsed: dict[str, date | None] = {}
    for field, value in (("from", date_from), ("to", date_to)):
        try:
            parsed[field] = parse_date(value, field)
        except InvalidInput as exc:
            errors.extend(exc.errors)
            parsed[field] = None
    if errors:
        raise InvalidInput(errors, errors[0].message if len(errors) == 1 else "Controleer de periode.")
    return Period(parsed["from"], parsed["to"])
