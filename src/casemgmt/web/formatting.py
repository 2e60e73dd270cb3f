"""Shared presentation of moments and durations: Europe/Amsterdam, Dutch formats."""

from __future__ import annotations

from datetime import UTC, datetime

from casemgmt.directory.calendar import AMSTERDAM


def local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(AMSTERDAM)


def format_moment(moment: datetime | None) -> str:
    """dd-mm-jjjj uu:mm in Dutch local time; empty for None."""
    shown = local(moment)
    return shown.strftime("%d-%m-%Y %H:%M") if shown else ""


def format_date(moment: datetime | None) -> str:
    shown = local(moment)
    return shown.strftime("%d-%m-%Y") if shown else ""


def time_left(due_at: datetime, now: datetime) -> str:
    """Remaining time against a due moment, in Dutch ("nog 3 uur", "2 dagen te laat")."""
    delta = due_at - now
    late = delta.total_seconds() < 0
    seconds = abs(int(delta.total_seconds()))
    if seconds >= 86_400:
        amount, unit = seconds // 86_400, ("dag", "dagen")
    elif seconds >= 3_600:
        amount, unit = seconds // 3_600, ("uur", "uur")
    else:
        amount, unit = max(seconds // 60, 1), ("minuut", "minuten")
    word = unit[0] if amount == 1 else unit[1]
    return f"{amount} {word} te laat" if late else f"nog {amount} {word}"
