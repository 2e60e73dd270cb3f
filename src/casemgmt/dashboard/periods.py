"""The period filter (van/tot en met) and its months, and bucketing rows into those months in SQL.

Periods are inclusive calendar dates in Europe/Amsterdam (a pilot runs "from 2 February to 29 January"); a moment
belongs to the day and month it has in Amsterdam, so a contact at 23:30 on 31 January UTC+1 counts in January even
though it is stored in UTC. Dates in the database (survey ``contact_date``, time entries) are used as they are.

Month bucketing must work on SQLite and PostgreSQL alike. SQLite has no time zones, so instead of ``strftime`` or
``to_char`` on the stored UTC moment the bucket is a ``CASE`` over the months' boundaries, computed here in Python
(Amsterdam midnight of each first day, converted to UTC) and bound as parameters: the same SQL on both databases,
correct across daylight-saving changes. The ``CASE`` is selected in a subquery and grouped on outside, because
PostgreSQL cannot tell that two occurrences of an expression with bound parameters are equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, case, literal
from sqlalchemy.sql.elements import ColumnElement

from casemgmt.errors import FieldError, InvalidInput
from casemgmt.metrics import periods as metric_periods
from casemgmt.metrics.periods import FROM_AFTER_TO, start_of_day

MAX_MONTHS = 60
"""The longest period a page or API call may ask for (five years of months)."""

INVALID_DATE = "Vul een geldige datum in (jjjj-mm-dd), bijvoorbeeld 2026-02-01."
TOO_LONG = f"Kies een periode van hoogstens {MAX_MONTHS} maanden."


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before, when negative) ``month``'s month."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("a period cannot end before it starts")

    @property
    def start_moment(self) -> datetime:
        return start_of_day(self.start)

    @property
    def end_moment(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return start_of_day(self.end + timedelta(days=1))

    def months(self) -> list[date]:
        """The first day of every month the period touches, in order."""
        months = [first_of_month(self.start)]
        while months[-1] < first_of_month(self.end):
            months.append(add_months(months[-1], 1))
        return months

    def for_metrics(self) -> metric_periods.Period:
        """The same period as the measures engine's ``Period`` (its SQL conditions ``moments``/``dates``)."""
        return metric_periods.Period(self.start, self.end)

    def month_period(self, month: date) -> Period:
        """The part of this period that lies in ``month`` (first and last month may be partial)."""
        return Period(max(self.start, month), min(self.end, add_months(month, 1) - timedelta(days=1)))

    def query_values(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def last_twelve_months(today: date) -> Period:
    """The default management period: the current month and the eleven before it, up to today."""
    return Period(add_months(first_of_month(today), -11), today)


def _parse_day(raw: str | None, field: str, errors: list[FieldError]) -> date | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(FieldError(field, INVALID_DATE))
        return None


def parse_period(raw_from: str | None, raw_to: str | None, default: Period) -> Period:
    """The period asked for in ``from``/``to`` (either may be empty: the default's end then applies).

    Raises ``InvalidInput`` (422) with Dutch messages on fields ``from``/``to``: not a date, ``from`` after ``to``,
    or longer than ``MAX_MONTHS`` months.
    """
    errors: list[FieldError] = []
    start = _parse_day(raw_from, "from", errors)
    end = _parse_day(raw_to, "to", errors)
    if errors:
        raise InvalidInput(errors, errors[0].message)
    start = start or default.start
    end = end or default.end
    if start > end:
        raise InvalidInput(FieldError("from", FROM_AFTER_TO), FROM_AFTER_TO)
    period = Period(start, end)
    if len(period.months()) > MAX_MONTHS:
        raise InvalidInput(FieldError("to", TOO_LONG), TOO_LONG)
    return period


def month_key(month: date) -> str:
    """``date(2026, 3, 1)`` → ``"2026-03"`` (the key used in SQL buckets and in JSON)."""
    return f"{month.year:04d}-{month.month:02d}"


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
