"""Business days: Dutch public holidays, 17:00 Amsterdam deadlines in UTC, DST, counting between moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.directory.calendar import (
    AMSTERDAM,
    add_business_days,
    business_days_between,
    dutch_holidays,
    end_of_business_day,
    from_amsterdam,
    holiday_name,
    is_business_day,
    local_date,
    next_business_day,
)


def ams(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# -- which days are business days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2025, 1, 1), "Nieuwjaarsdag"),
        (date(2025, 4, 18), "Goede vrijdag"),
        (date(2025, 4, 21), "Tweede paasdag"),
        (date(2025, 5, 5), "Bevrijdingsdag"),
        (date(2025, 5, 29), "Hemelvaartsdag"),
        (date(2025, 6, 9), "Tweede pinksterdag"),
        (date(2025, 12, 25), "Eerste kerstdag"),
        (date(2025, 12, 26), "Tweede kerstdag"),
        (date(2026, 4, 27), "Koningsdag"),
        (date(2023, 4, 27), "Koningsdag"),
    ],
)
def test_weekday_holidays_are_not_business_days(day: date, name: str) -> None:
    assert day.weekday() < 5
    assert holiday_name(day) == name
    assert not is_business_day(day)


def test_koningsdag_moves_to_saturday_26_april_when_27_is_a_sunday() -> None:
    # 27 April 2025 is a Sunday: Koningsdag is Saturday 26 April and no working day is lost.
    assert date(2025, 4, 27).weekday() == 6
    assert holiday_name(date(2025, 4, 26)) == "Koningsdag"
    assert holiday_name(date(2025, 4, 27)) is None
    assert is_business_day(date(2025, 4, 25))
    assert is_business_day(date(2025, 4, 28))
    assert holiday_name(date(2031, 4, 26)) == "Koningsdag"


def test_bevrijdingsdag_only_in_lustrum_years() -> None:
    assert not is_business_day(date(2025, 5, 5))  # Monday, lustrum year
    assert is_business_day(date(2026, 5, 5))  # Tuesday, not a lustrum year
    assert holiday_name(date(2026, 5, 5)) is None
    assert is_business_day(date(2024, 5, 6))
    assert holiday_name(date(2030, 5, 5)) == "Bevrijdingsdag"


def test_weekends_and_ordinary_weekdays() -> None:
    assert is_business_day(date(2025, 3, 3))  # Monday
    assert is_business_day(date(2025, 3, 7))  # Friday
    assert not is_business_day(date(2025, 3, 8))  # Saturday
    assert not is_business_day(date(2025, 3, 9))  # Sunday


def test_is_business_day_refuses_a_datetime() -> None:
    with pytest.raises(TypeError):
        is_business_day(datetime(2025, 3, 3, 10, tzinfo=UTC))


def test_holiday_sets_are_cached_per_year_and_read_only() -> None:
    assert dutch_holidays(2025) is dutch_holidays(2025)
    assert all(day.year == 2025 for day in dutch_holidays(2025))
    with pytest.raises(TypeError):
        dutch_holidays(2025)[date(2025, 3, 3)] = "Verzonnen feestdag"  # type: ignore[index]
    assert is_business_day(date(2025, 3, 3))


def test_next_business_day_skips_weekend_and_holidays() -> None:
    assert next_business_day(date(2025, 3, 7)) == date(2025, 3, 10)
    assert next_business_day(date(2025, 4, 17)) == date(2025, 4, 22)  # Good Friday, weekend, Easter Monday
    assert next_business_day(date(2025, 12, 24)) == date(2025, 12, 29)


# -- add_business_days -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "n", "expected"),
    [
        # Ordinary week, winter: 17:00 CET = 16:00 UTC.
        (ams(2025, 2, 4), 2, utc(2025, 2, 6, 16)),
        # Friday evening: Monday is day 1, Tuesday day 2 — time of day does not matter.
        (ams(2025, 2, 7, 18, 30), 2, utc(2025, 2, 11, 16)),
        # Koningsdag 2026 (Monday 27 April): Friday + 1 → Tuesday; summer: 17:00 CEST = 15:00 UTC.
        (ams(2026, 4, 24), 1, utc(2026, 4, 28, 15)),
        # Koningsdag 2025 on Saturday: Thursday + 2 → Friday, Monday.
        (ams(2025, 4, 24), 1, utc(2025, 4, 25, 15)),
        (ams(2025, 4, 24), 2, utc(2025, 4, 28, 15)),
        # Easter 2025: Good Friday 18 April, Easter Monday 21 April.
        (ams(2025, 4, 17), 1, utc(2025, 4, 22, 15)),
        (ams(2025, 4, 17), 2, utc(2025, 4, 23, 15)),
        # Ascension Day 2025 (Thursday 29 May).
        (ams(2025, 5, 28), 1, utc(2025, 5, 30, 15)),
        # Whit Monday 2025 (9 June).
        (ams(2025, 6, 6), 1, utc(2025, 6, 10, 15)),
        # Bevrijdingsdag 2025 (Monday 5 May, lustrum year).
        (ams(2025, 5, 2), 1, utc(2025, 5, 6, 15)),
        # Christmas 2025: Thursday 25 and Friday 26 December.
        (ams(2025, 12, 24), 1, utc(2025, 12, 29, 16)),
        # Turn of the year: 1 January 2026 is a Thursday.
        (ams(2025, 12, 31, 14), 1, utc(2026, 1, 2, 16)),
        (ams(2025, 12, 30), 2, utc(2026, 1, 2, 16)),
        (ams(2025, 12, 22), 5, utc(2025, 12, 31, 16)),
        (ams(2025, 12, 22), 7, utc(2026, 1, 5, 16)),
        # DST starts Sunday 30 March 2025: made in CET, due in CEST.
        (ams(2025, 3, 28), 1, utc(2025, 3, 31, 15)),
        # DST ends Sunday 26 October 2025: made in CEST, due in CET.
        (ams(2025, 10, 24), 1, utc(2025, 10, 27, 16)),
        # A week over the DST change.
        (ams(2025, 3, 27), 5, utc(2025, 4, 3, 15)),
    ],
)
def test_add_business_days(moment: datetime, n: int, expected: datetime) -> None:
    result = add_business_days(moment, n)
    assert result == expected
    assert result.tzinfo is UTC


def test_add_business_days_counts_from_the_amsterdam_date_not_the_utc_date() -> None:
    # 23:30 UTC on Thursday 27 March 2025 is already Friday 00:30 in Amsterdam.
    moment = utc(2025, 3, 27, 23, 30)
    assert local_date(moment) == date(2025, 3, 28)
    assert add_business_days(moment, 1) == utc(2025, 3, 31, 15)
    # The same instant expressed in another zone gives the same answer.
    assert add_business_days(moment.astimezone(timezone(timedelta(hours=-5))), 1) == utc(2025, 3, 31, 15)


def test_zero_business_days_is_the_end_of_today_or_the_next_business_day() -> None:
    assert add_business_days(ams(2025, 2, 4, 9), 0) == utc(2025, 2, 4, 16)
    # After 17:00 on a business day: still 17:00 that day, which is earlier than the moment (documented).
    late = ams(2025, 2, 4, 18)
    assert add_business_days(late, 0) == utc(2025, 2, 4, 16)
    assert add_business_days(late, 0) < late
    assert add_business_days(ams(2025, 2, 8), 0) == utc(2025, 2, 10, 16)  # Saturday → Monday
    assert add_business_days(ams(2025, 4, 18), 0) == utc(2025, 4, 22, 15)  # Good Friday → Tuesday


def test_add_business_days_refuses_naive_moments_and_negative_n() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_days(datetime(2025, 2, 4, 10), 1)
    with pytest.raises(ValueError, match="0 or more"):
        add_business_days(ams(2025, 2, 4), -1)


def test_end_of_business_day_and_from_amsterdam() -> None:
    assert end_of_business_day(date(2025, 1, 15)) == utc(2025, 1, 15, 16)
    assert end_of_business_day(date(2025, 7, 15)) == utc(2025, 7, 15, 15)
    assert from_amsterdam(datetime(2025, 7, 15, 9, 30)) == utc(2025, 7, 15, 7, 30)
    assert from_amsterdam(datetime(2025, 1, 15, 9, 30)) == utc(2025, 1, 15, 8, 30)
    assert from_amsterdam(utc(2025, 1, 15, 8)).tzinfo is UTC


# -- business_days_between -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (ams(2025, 2, 7), ams(2025, 2, 10), 1),  # Friday → Monday
        (ams(2025, 2, 4, 9), ams(2025, 2, 4, 17), 0),  # same day
        (ams(2025, 2, 10), ams(2025, 2, 7), 0),  # end before start
        (ams(2025, 2, 7), ams(2025, 2, 7), 0),
        (ams(2025, 2, 8), ams(2025, 2, 9), 0),  # Saturday → Sunday
        (ams(2025, 12, 24), ams(2025, 12, 29), 1),  # over Christmas
        (ams(2025, 12, 31), ams(2026, 1, 2), 1),  # over New Year
        (ams(2025, 4, 17), ams(2025, 4, 22), 1),  # over Easter
        (ams(2025, 4, 24), ams(2025, 4, 28), 2),  # Koningsdag on Saturday costs nothing
        (ams(2026, 4, 24), ams(2026, 4, 28), 1),  # Koningsdag on Monday
        (ams(2025, 5, 28), ams(2025, 6, 10), 7),  # Ascension and Whit Monday
        (ams(2024, 12, 31, 12), ams(2025, 12, 31, 12), 253),  # 261 weekdays − 8 weekday holidays in 2025
        (ams(2025, 2, 3), ams(2025, 2, 17), 10),  # two ordinary weeks
    ],
)
def test_business_days_between(start: datetime, end: datetime, expected: int) -> None:
    assert business_days_between(start, end) == expected


def test_business_days_between_uses_amsterdam_dates() -> None:
    # Friday 22:30 UTC is Friday 23:30 CET; Saturday 23:30 UTC is Sunday 00:30 CET → no business day in between.
    assert business_days_between(utc(2025, 2, 7, 22, 30), utc(2025, 2, 8, 23, 30)) == 0
    # Thursday 23:30 UTC is Friday 00:30 CET: from Thursday's Amsterdam date it would have been 1.
    assert business_days_between(ams(2025, 2, 6, 12), utc(2025, 2, 6, 23, 30)) == 1


def test_business_days_between_refuses_naive_moments() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        business_days_between(datetime(2025, 2, 4), ams(2025, 2, 5))
    with pytest.raises(ValueError, match="timezone-aware"):
        business_days_between(ams(2025, 2, 4), datetime(2025, 2, 5))


# -- properties ------------------------------------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC))
terms = st.integers(min_value=0, max_value=40)


def _count_by_walking(start: datetime, end: datetime) -> int:
    if end <= start:
        return 0
    first, last = local_date(start), local_date(end)
    count, day = 0, first + timedelta(days=1)
    while day <= last:
        count += is_business_day(day)
        day += timedelta(days=1)
    return count


@given(moment=moments, n=terms)
def test_result_is_a_business_day_at_17_amsterdam_in_utc(moment: datetime, n: int) -> None:
    result = add_business_days(moment, n)
    assert result.tzinfo is UTC
    local = result.astimezone(AMSTERDAM)
    assert local.time() == time(17, 0)
    assert is_business_day(local.date())


@given(moment=moments, n=terms)
def test_add_business_days_is_monotonic_in_n(moment: datetime, n: int) -> None:
    shorter, longer = add_business_days(moment, n), add_business_days(moment, n + 1)
    if n == 0 and not is_business_day(local_date(moment)):
        # 0 days on a weekend or holiday means the next business day, which is also 1 day.
        assert shorter == longer
    else:
        assert shorter < longer


@given(moment=moments, n=st.integers(min_value=1, max_value=40))
def test_at_least_one_business_day_lies_after_the_moment(moment: datetime, n: int) -> None:
    result = add_business_days(moment, n)
    assert result > moment
    assert business_days_between(moment, result) == n


@given(start=moments, span=st.integers(min_value=-400, max_value=900), minutes=st.integers(0, 24 * 60))
def test_business_days_between_matches_walking_day_by_day(start: datetime, span: int, minutes: int) -> None:
    end = start + timedelta(days=span, minutes=minutes)
    assert business_days_between(start, end) == _count_by_walking(start, end)


@given(a=moments, b=moments, c=moments)
def test_business_days_between_adds_up(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    assert business_days_between(a, c) == business_days_between(a, b) + business_days_between(b, c)
