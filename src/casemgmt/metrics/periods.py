"""The reporting period of every pilot figure and trend (issue 5, "Periods"): one type, one parser, its SQL.

A period is two calendar dates, both inclusive, read in Europe/Amsterdam: ``from=2026-03-01&to=2026-03-31`` is
March in the Netherlands. Either end may be open (None): no ``from`` means "since the beginning", no ``to`` means
"up to now", so a period without dates covers the whole pilot (the metrics API). The pages and the trends always
work on a closed period: what is left empty comes from their default (the whole pilot so far, the last twelve
months) and it may span at most ``MAX_MONTHS`` months. ``from`` after ``to`` is refused (422).

Moments are stored in UTC, so a date bound becomes a moment bound: a moment belongs to the period when
``start of from (Amsterdam) <= moment < start of the day after to (Amsterdam)``. Date columns (a survey response's
``contact_date``, a time entry's ``entry_date``) compare directly with the dates.

Month bucketing must work on SQLite and PostgreSQL alike. SQLite has no time zones, so instead of ``strftime`` or
``to_char`` on the stored UTC moment the bucket is a ``CASE`` over the months' boundaries, computed here in Python
(Amsterdam midnight of each first day, converted to UTC) and bound as parameters: the same SQL on both databases,
correct across daylight-saving changes. Callers select the ``CASE`` in a subquery and group on it outside, because
PostgreSQL cannot tell that two occurrences of an expression with bound parameters are equal.

What belongs to a period is decided by the engine (``engine.py``): a dossier by its opening, commitments and
escalations by their due moment, contacts by when they occurred, survey responses by ``contact_date``, time entries
by their date.

Bad input gets one Dutch message per kind, on the field it concerns: not a date (``INVALID_DATE``), ``from`` after
``to`` (``FROM_AFTER_TO``, on ``from``), too long (``TOO_LONG``, on ``to``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, literal, true

from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.errors import FieldError, InvalidInput

MAX_MONTHS = 60
"""The longest period a page or the trends API may ask for (five years of months)."""

FROM_AFTER_TO = "De begindatum ligt na de einddatum; kies een begindatum op of vóór de einddatum."
TOO_LONG = f"Kies een periode van hoogstens {MAX_MONTHS} maanden."
CHECK_PERIOD = "Controleer de periode."


def invalid_date(text: str) -> str:
    """The message for a date that is not ``jjjj-mm-dd`` (naming what was typed)."""
    return f"'{text}' is geen geldige datum; vul een datum in als jjjj-mm-dd, bijvoorbeeld 2026-02-01."


def start_of_day(day: date) -> datetime:
    """00:00 Europe/Amsterdam on ``day``, in UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=AMSTERDAM).astimezone(UTC)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before, when negative) ``month``'s month."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_key(month: date) -> str:
    """``date(2026, 3, 1)`` → ``"2026-03"`` (the key used in SQL buckets and in JSON)."""
    return f"{month.year:04d}-{month.month:02d}"


@dataclass(frozen=True)
class Period:
    """Inclusive dates ``start``..``end`` (Amsterdam), either open (None)."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise InvalidInput(FieldError("from", FROM_AFTER_TO), FROM_AFTER_TO)

    # ---------------------------------------------------------------------------------------------- bounds

    @property
    def lower(self) -> datetime | None:
        """The first moment in the period (UTC), or None."""
        return start_of_day(self.start) if self.start else None

    @property
    def upper(self) -> datetime | None:
        """The first moment after the period (UTC, exclusive), or None."""
        return start_of_day(self.end + timedelta(days=1)) if self.end else None

    def closed(self) -> tuple[date, date]:
        """(start, end) of a period with both ends; ValueError for an open one."""
        if self.start is None or self.end is None:
            raise ValueError("an open period has no months")
        return self.start, self.end

    # ---------------------------------------------------------------------------------------------- SQL

    def moments(self, column: Any) -> ColumnElement[bool]:
        """SQL: the (UTC) moment in ``column`` lies in the period."""
        return _within(column, self.lower, self.upper, upper_inclusive=False)

    def dates(self, column: Any) -> ColumnElement[bool]:
        """SQL: the date in ``column`` lies in the period."""
        return _within(column, self.start, self.end, upper_inclusive=True)

    def contains_moment(self, moment: datetime) -> bool:
        """Python twin of ``moments`` (for tests and pure rules)."""
        return (self.lower is None or moment >= self.lower) and (self.upper is None or moment < self.upper)

    # ---------------------------------------------------------------------------------------------- months

    def months(self) -> list[date]:
        """The first day of every month the (closed) period touches, in order."""
        start, end = self.closed()
        months = [first_of_month(start)]
        while months[-1] < first_of_month(end):
            months.append(add_months(months[-1], 1))
        return months

    def month_period(self, month: date) -> Period:
        """The part of this (closed) period that lies in ``month`` (first and last month may be partial)."""
        start, end = self.closed()
        return Period(max(start, month), min(end, add_months(month, 1) - timedelta(days=1)))

    # ---------------------------------------------------------------------------------------------- as text

    def as_json(self) -> dict[str, str | None]:
        """``{"from": …, "to": …}`` with None for an open end (the metrics API)."""
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }

    def query_values(self) -> dict[str, str]:
        """The ``from``/``to`` query parameters (or form values) of the ends that are set."""
        return {key: value for key, value in self.as_json().items() if value is not None}


def _within(column: Any, low: Any, high: Any, *, upper_inclusive: bool) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if low is not None:
        conditions.append(column >= low)
    if high is not None:
        conditions.append(column <= high if upper_inclusive else column < high)
    return and_(true(), *conditions)


def last_twelve_months(today: date) -> Period:
    """The default management period: the current month and the eleven before it, up to today."""
    return Period(add_months(first_of_month(today), -11), today)


def month_bucket(column: Any, period: Period, *, moments: bool = True) -> ColumnElement[str]:
    """A SQL expression giving the ``"jjjj-mm"`` key of the period's month that ``column`` falls in (NULL outside).

    ``moments``: the column holds UTC moments (bucketed by Amsterdam month); otherwise it holds dates.
    Callers filter on the period as well, so NULL only appears for rows outside it.
    """
    whens = []
    for month in period.months():
        following = add_months(month, 1)
        bound: date | datetime = start_of_day(following) if moments else following
        whens.append((column < bound, literal(month_key(month), String)))
    return case(*whens, else_=None)


# -------------------------------------------------------------------------------------------------- parsing


def parse_date(value: str | None, field: str) -> date | None:
    """A query parameter ``YYYY-MM-DD`` (empty → None); a bad value → InvalidInput naming the field."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = invalid_date(text)
        raise InvalidInput(FieldError(field, message), message) from None


def parse_period(raw_from: str | None, raw_to: str | None, default: Period | None = None) -> Period:
    """The period of ``?from=&to=``; every problem at once as InvalidInput (422) on fields ``from``/``to``.

    Without ``default`` an empty end stays open (the metrics API). With one (the pages, the trends) an empty end is
    the default's and the period may span at most ``MAX_MONTHS`` months.
    """
    errors: list[FieldError] = []
    parsed: dict[str, date | None] = {}
    for field, value in (("from", raw_from), ("to", raw_to)):
        try:
            parsed[field] = parse_date(value, field)
        except InvalidInput as exc:
            errors.extend(exc.errors)
            parsed[field] = None
    if errors:
        raise InvalidInput(errors, errors[0].message if len(errors) == 1 else CHECK_PERIOD)
    start, end = parsed["from"], parsed["to"]
    if default is None:
        return Period(start, end)
    period = Period(start or default.start, end or default.end)
    if len(period.months()) > MAX_MONTHS:
        raise InvalidInput(FieldError("to", TOO_LONG), TOO_LONG)
    return period
