"""When the daily digest is composed: on Dutch business days (holidays.NL, the shared calendar) from
CASEMGMT_DIGEST_AT, Europe/Amsterdam."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.reminders.rules import day_label, digest_moment

AT = time(7, 30)


def amsterdam(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("moment", "due", "says"),
    [
        (amsterdam(2026, 12, 7, 7, 30), True, "maandag 7 december 2026"),  # a Monday, at the time
        (amsterdam(2026, 12, 7, 16, 0), True, "maandag 7 december 2026"),  # later that day still (one per day)
        (amsterdam(2026, 12, 7, 6, 0), False, "pas vanaf 07:30"),  # too early
        (amsterdam(2026, 12, 7, 7, 29), False, "pas vanaf 07:30"),
        (amsterdam(2026, 12, 6, 9, 0), False, "zondag 6 december 2026 is geen werkdag"),  # Sunday
        (amsterdam(2026, 12, 5, 9, 0), False, "zaterdag 5 december 2026 is geen werkdag"),  # Saturday
        (amsterdam(2026, 4, 27, 9, 0), False, "maandag 27 april 2026 is geen werkdag (Koningsdag)"),  # King's Day
        (amsterdam(2026, 4, 28, 9, 0), True, "dinsdag 28 april 2026"),
        (amsterdam(2026, 12, 25, 9, 0), False, "Eerste Kerstdag"),
    ],
)
def test_the_digest_is_due_on_business_days_from_the_configured_time(moment: datetime, due: bool, says: str) -> None:
    decision = digest_moment(moment, AT)
    assert decision.due is due
    assert says.lower() in decision.reason.lower()


def test_the_day_is_the_amsterdam_date() -> None:
    # 23:30 UTC on Sunday is 00:30 on Monday in Amsterdam (winter time)
    decision = digest_moment(datetime(2026, 12, 6, 23, 30, tzinfo=UTC), time(0, 15))
    assert decision.day == date(2026, 12, 7) and decision.due


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="now"):
        digest_moment(datetime(2026, 12, 7, 8), AT)


def test_day_label() -> None:
    assert day_label(date(2026, 12, 7)) == "maandag 7 december 2026"
