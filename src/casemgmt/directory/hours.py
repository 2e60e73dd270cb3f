"""Opening hours (openingstijden) of a service: intervals per weekday, the rules they obey, reading the reference
texts ("ma-vr 08:30-17:00", "ma-vr 08:00-18:00, do tot 20:00"), writing them as one Dutch line, and "nu open" /
"gesloten" at a moment.

Pure functions without I/O. A weekday is 0 (Monday) … 6 (Sunday), in the API its English name (``monday``). A day
has at most :data:`MAX_INTERVALS_PER_DAY` intervals, each ``opens < closes`` on the same day, not overlapping (one
may start where another ends). A day without intervals is closed. Whether a service is open is read in
Europe/Amsterdam and a Dutch public holiday (``directory.calendar``) is closed whatever the weekday says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from itertools import pairwise

from casemgmt.directory.calendar import AMSTERDAM, holiday_name, require_aware
from casemgmt.errors import FieldError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""The API's names of the weekdays, Monday first (index = ``date.weekday()``)."""
SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")
DUTCH = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MAX_INTERVALS_PER_DAY = 2

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_DAYS = r"(ma|di|wo|do|vr|za|zo)"
_RANGE = re.compile(rf"^{_DAYS}(?:\s*-\s*{_DAYS})?\s+(\d{{1,2}}[:.]\d{{2}})\s*-\s*(\d{{1,2}}[:.]\d{{2}})$")
_UNTIL = re.compile(rf"^{_DAYS}\s+tot\s+(\d{{1,2}}[:.]\d{{2}})$")


@dataclass(frozen=True, order=True)
class Interval:
    """The service is open on ``weekday`` from ``opens`` up to (not including) ``closes``."""

    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class HoursInput:
    """One interval as entered (a form's or the API's text), before the rules."""

    weekday: str
    opens: str
    closes: str
    field: str
    """Where a message goes: ``opening_hours[2]`` in the API, ``hours-thursday-2`` on the page."""


def parse_time(text: str) -> time | None:
    """``08:30`` (or ``8.30``) → 08:30; None when it is no time of day. ``24:00`` is not accepted: close at 23:59."""
    match = _TIME.match(text.strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def weekday_index(text: str) -> int | None:
    """``monday``/``maandag``/``ma`` (any case) → 0 …; None for anything else."""
    word = text.strip().lower()
    for names in (WEEKDAYS, DUTCH, SHORT):
        if word in names:
            return names.index(word)
    return None


def check_hours(entries: Iterable[HoursInput]) -> tuple[list[Interval], list[FieldError]]:
    """The intervals of ``entries`` in order, and the errors (one per entry, at its field): an unknown weekday, a
    time that is no time, a closing time not after the opening time, more than two intervals on a day, or intervals
    of one day that overlap."""
    intervals: list[tuple[Interval, str]] = []
    errors: list[FieldError] = []
    for entry in entries:
        day = weekday_index(entry.weekday)
        opens, closes = parse_time(entry.opens), parse_time(entry.closes)
        if day is None:
            errors.append(FieldError(f"{entry.field}.weekday", f"Onbekende weekdag '{entry.weekday.strip()}'"))
        elif opens is None:
            errors.append(FieldError(f"{entry.field}.opens", "Vul een openingstijd in als uu:mm, bijvoorbeeld 08:30"))
        elif closes is None:
            errors.append(FieldError(f"{entry.field}.closes", "Vul een sluitingstijd in als uu:mm, bijvoorbeeld 17:00"))
        elif closes <= opens:
            errors.append(
                FieldError(f"{entry.field}.closes", f"De sluitingstijd moet na de openingstijd ({_hm(opens)}) liggen")
            )
        else:
            intervals.append((Interval(day, opens, closes), entry.field))
    per_day: dict[int, list[tuple[Interval, str]]] = {}
    for interval, where in intervals:
        per_day.setdefault(interval.weekday, []).append((interval, where))
    for day, items in per_day.items():
        items.sort()
        if len(items) > MAX_INTERVALS_PER_DAY:
            errors.append(
                FieldError(
                    f"{items[-1][1]}.opens",
                    f"Op {DUTCH[day]} kunnen hoogstens {MAX_INTERVALS_PER_DAY} blokken openingstijden staan",
                )
            )
        for (before, _), (after, where) in pairwise(items):
            if after.opens < before.closes:
                errors.append(
                    FieldError(
                        f"{where}.opens",
                        f"Overlapt met {_hm(before.opens)}-{_hm(before.closes)} op {DUTCH[day]}",
                    )
                )
    return sorted(interval for interval, _ in intervals), errors


def parse_reference_hours(text: str) -> list[Interval]:
    """The intervals of a reference text: comma-separated parts ``ma-vr 08:30-17:00`` (a day or a range of days
    with one interval) and ``do tot 20:00`` (that day closes later: its last interval is extended). Raises
    ValueError naming the part it cannot read, so the migration stops rather than guessing."""
    days: dict[int, list[tuple[time, time]]] = {}
    for raw in text.split(","):
        part = " ".join(raw.strip().lower().split())
        if not part:
            continue
        if match := _RANGE.match(part):
            first = SHORT.index(match.group(1))
            last = SHORT.index(match.group(2)) if match.group(2) else first
            opens, closes = parse_time(match.group(3)), parse_time(match.group(4))
            if last < first or opens is None or closes is None or closes <= opens:
                raise ValueError(f"cannot read opening hours {part!r} in {text!r}")
            for day in range(first, last + 1):
                days.setdefault(day, []).append((opens, closes))
        elif match := _UNTIL.match(part):
            day = SHORT.index(match.group(1))
            until = parse_time(match.group(2))
            if day not in days or until is None or until <= days[day][-1][0]:
                raise ValueError(f"cannot read opening hours {part!r} in {text!r}")
            days[day][-1] = (days[day][-1][0], until)
        else:
            raise ValueError(f"cannot read opening hours {part!r} in {text!r}")
    return sorted(Interval(day, opens, closes) for day, spans in days.items() for opens, closes in spans)


def _hm(moment: time) -> str:
    return moment.strftime("%H:%M")


def day_text(intervals: Sequence[Interval]) -> str:
    """``08:00-12:00 en 13:00-17:00`` for one day's intervals; ``gesloten`` for none."""
    return " en ".join(f"{_hm(i.opens)}-{_hm(i.closes)}" for i in sorted(intervals)) or "gesloten"


def by_weekday(intervals: Iterable[Interval]) -> list[list[Interval]]:
    """Seven lists, Monday first, each with that day's intervals in order."""
    days: list[list[Interval]] = [[] for _ in WEEKDAYS]
    for interval in sorted(intervals):
        days[interval.weekday].append(interval)
    return days


def describe(intervals: Iterable[Interval]) -> str:
    """One Dutch line: runs of consecutive days with the same hours, closed days left out —
    ``ma-wo 08:00-18:00, do 08:00-20:00, vr 08:00-18:00``; ``gesloten`` when never open."""
    days = [[(i.opens, i.closes) for i in day] for day in by_weekday(intervals)]
    parts: list[str] = []
    start = 0
    while start < len(days):
        end = start
        while end + 1 < len(days) and days[end + 1] == days[start]:
            end += 1
        if days[start]:
            name = SHORT[start] if end == start else f"{SHORT[start]}-{SHORT[end]}"
            parts.append(f"{name} " + " en ".join(f"{_hm(o)}-{_hm(c)}" for o, c in days[start]))
        start = end + 1
    return ", ".join(parts) or "gesloten"


@dataclass(frozen=True)
class OpenState:
    """Whether a service is open at a moment, in words for the pages: "Nu open (tot 17:00)", "Gesloten"."""

    is_open: bool
    text: str


def open_state(intervals: Iterable[Interval], moment: datetime) -> OpenState:
    """Open when the moment's Amsterdam time falls in an interval of its weekday and the day is no public holiday."""
    require_aware(moment, "moment")
    local = moment.astimezone(AMSTERDAM)
    holiday = holiday_name(local.date())
    if holiday is not None:
        return OpenState(False, f"Gesloten ({holiday})")
    now = local.time().replace(tzinfo=None)
    for interval in by_weekday(intervals)[local.weekday()]:
        if interval.opens <= now < interval.closes:
            return OpenState(True, f"Nu open (tot {_hm(interval.closes)})")
    return OpenState(False, "Gesloten")
