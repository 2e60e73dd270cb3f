"""When the daily digest is composed, as a plain function: on Dutch business days (``directory.calendar``: not on
weekends, not on public holidays such as Koningsdag) from the configured time of day in Europe/Amsterdam."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from casemgmt.directory.calendar import AMSTERDAM, holiday_name, is_business_day, require_aware

DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
SECTION_LIMIT = 25
"""At most this many items per section of a digest; the rest is counted ("en nog 3")."""


def day_label(day: date) -> str:
    """``maandag 7 december 2026``."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class DigestMoment:
    due: bool
    day: date
    """The Amsterdam date the digest is for."""
    reason: str
    """Why not (Dutch), or what is composed."""


def digest_moment(now: datetime, at: time) -> DigestMoment:
    """Whether the digest of ``now``'s Amsterdam date is due at ``now``: a business day, and ``at`` has passed."""
    require_aware(now, "now")
    local = now.astimezone(AMSTERDAM)
    day = local.date()
    if not is_business_day(day):
        holiday = holiday_name(day)
        why = f" ({holiday})" if holiday else ""
        return DigestMoment(False, day, f"{day_label(day)} is geen werkdag{why}")
    if local.time().replace(tzinfo=None) < at:
        return DigestMoment(
            False, day, f"het is {local:%H:%M}, het dagoverzicht gaat pas vanaf {at:%H:%M} (Europe/Amsterdam)"
        )
    return DigestMoment(True, day, f"dagoverzicht van {day_label(day)}")
