"""The business-day calendar (werkdagen) shared by commitments, escalations, signals and metrics.

A business day is Monday to Friday and not a Dutch public holiday as the `holidays` library defines them
(``holidays.country_holidays("NL")``, category *public*). For the years the app deals with that is:

- Nieuwjaarsdag (1 January);
- Goede Vrijdag (Good Friday) — note: holidays.NL counts it as a public holiday although the Algemene
  termijnenwet does not; we follow the library so that every screen shares one calendar;
- Eerste en Tweede Paasdag (Easter Sunday and Easter Monday);
- Koningsdag: 27 April, or Saturday 26 April when the 27th is a Sunday (2025: Saturday 26 April, so it does not
  remove a working day that year);
- Bevrijdingsdag (5 May) only in lustrum years (2025, 2030, …): holidays.NL lists it as a public holiday only when
  the year is divisible by 5, following the collective agreements that give 5 May off once every five years;
- Hemelvaartsdag (Ascension Day, Thursday 39 days after Easter);
- Eerste en Tweede Pinksterdag (Whit Sunday and Whit Monday);
- Eerste en Tweede Kerstdag (25 and 26 December).

Moments are stored in UTC. "N business days from a moment" ends at 17:00 Europe/Amsterdam on the N-th business day
after the moment's local (Amsterdam) date; the result is returned in UTC, so 17:00 CET is 16:00 UTC in winter and
17:00 CEST is 15:00 UTC in summer. The holiday sets are computed once per year and cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
END_OF_BUSINESS_DAY = time(17, 0)
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=128)
def dutch_holidays(year: int) -> Mapping[date, str]:
    """The Dutch public holidays of `year` (date → Dutch name), computed once per year."""
    calendar = holidays.country_holidays("NL", years=year, language="nl")
    return MappingProxyType({day: str(name) for day, name in calendar.items() if day.year == year})


def holiday_name(day: date) -> str | None:
    """The Dutch name of the public holiday on `day` ("Koningsdag", "Tweede paasdag", …), or None."""
    return dutch_holidays(day.year).get(day)


def is_business_day(day: date) -> bool:
    """True for Monday to Friday unless `day` is a Dutch public holiday (see the module docstring for which)."""
    if isinstance(day, datetime):
        raise TypeError("is_business_day expects a date; use local_date() for a moment")
    return day.weekday() < 5 and day not in dutch_holidays(day.year)


def require_aware(moment: datetime, name: str) -> None:
    """Refuse a naive moment (ValueError naming the argument ``name``): every rule works on aware moments."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment!r}")


def local_date(moment: datetime) -> date:
    """The calendar date of an aware moment in Europe/Amsterdam."""
    require_aware(moment, "moment")
    return moment.astimezone(AMSTERDAM).date()


def from_amsterdam(moment: datetime) -> datetime:
    """An aware moment in UTC; a naive one (e.g. a form's datetime-local value) is read as Europe/Amsterdam time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(UTC)


def end_of_business_day(day: date) -> datetime:
    """17:00 Europe/Amsterdam on `day`, in UTC."""
    return datetime.combine(day, END_OF_BUSINESS_DAY, tzinfo=AMSTERDAM).astimezone(UTC)


def next_business_day(day: date) -> date:
    """The first business day strictly after `day`."""
    candidate = day + _ONE_DAY
    while not is_business_day(candidate):
        candidate += _ONE_DAY
    return candidate


def add_business_days(moment: datetime, n: int) -> datetime:
    """The moment N business days after `moment`: 17:00 Europe/Amsterdam on the N-th business day after it, in UTC.

    Days are counted from the moment's local (Amsterdam) date; the time of day does not matter, so a callback promised
    on Friday at 18:30 with a term of 2 business days is due on Tuesday at 17:00 (Monday being a business day).

    `n = 0` means "by the end of today": 17:00 on the moment's local date if that is a business day — also when the
    moment is already past 17:00, in which case the result lies before the moment — and otherwise 17:00 on the next
    business day.

    Raises ValueError for a naive `moment` or a negative `n`.
    """
    require_aware(moment, "moment")
    if n < 0:
        raise ValueError(f"n must be 0 or more, got {n}")
    day = local_date(moment)
    if n == 0:
        return end_of_business_day(day if is_business_day(day) else next_business_day(day))
    for _ in range(n):
        day = next_business_day(day)
    return end_of_business_day(day)


def _weekdays_after_until(first: date, last: date) -> int:
    """Number of Monday–Friday dates d with first < d <= last (first < last)."""
    days = (last - first).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    weekday = first.weekday()
    for offset in range(1, rest + 1):
        if (weekday + offset) % 7 < 5:
            count += 1
    return count


def business_days_between(start: datetime, end: datetime) -> int:
    """Number of business days after `start`'s local date up to and including `end`'s local date.

    Dates are taken in Europe/Amsterdam. 0 when `end` is not after `start`, and 0 when both fall on the same local
    date. Used for "time to close" (opening → closing) and "no contact for 10 business days" (last contact → now).
    Raises ValueError for naive moments.
    """
    require_aware(start, "start")
    require_aware(end, "end")
    if end <= start:
        return 0
    first, last = local_date(start), local_date(end)
    if last <= first:
        return 0
    count = _weekdays_after_until(first, last)
    for year in range(first.year, last.year + 1):
        count -= sum(1 for day in dutch_holidays(year) if first < day <= last and day.weekday() < 5)
    return count
