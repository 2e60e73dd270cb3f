"""Dutch presentation of figures: percentages, percentage points, amounts in euro, p-values and months.

Pure functions. Dutch conventions: decimal comma, a full stop between thousands, a space after the euro sign, the
real minus sign (U+2212). ``None`` (no figure) is shown as an en dash, so an empty cohort never breaks a page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

MISSING = "–"
MINUS = "−"

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def number(value: float | None, decimals: int = 1) -> str:
    """``1234.5`` → ``"1.234,5"``; negative numbers get a real minus sign."""
    if value is None:
        return MISSING
    text = f"{abs(value):,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if text.strip("0,.") == "":  # rounds to zero: never "−0,0"
        return text
    return f"{MINUS}{text}" if value < 0 else text


def percent(value: float | None, decimals: int = 1) -> str:
    """A share in [0, 1] as a Dutch percentage: ``0.724`` → ``"72,4%"``."""
    return MISSING if value is None else f"{number(value * 100, decimals)}%"


def _interval(low: float | None, high: float | None, show: Callable[[float], str], unit: str = "") -> str:
    """``"<low> tot <high>"`` with ``show``'s ``unit`` said once, at the end; the en dash when an end is missing."""
    if low is None or high is None:
        return MISSING
    return f"{show(low).removesuffix(unit)} tot {show(high)}"


def percent_range(low: float | None, high: float | None, decimals: int = 1) -> str:
    """An interval of shares: ``"65,1% tot 78,0%"``."""
    return _interval(low, high, partial(percent, decimals=decimals))


def points(value: float | None, decimals: int = 1) -> str:
    """A difference of shares in percentage points, always signed: ``0.08`` → ``"+8,0 procentpunt"``."""
    if value is None:
        return MISSING
    text = number(value * 100, decimals)
    if not text.startswith(MINUS) and text.strip("0,.") != "":
        text = f"+{text}"
    return f"{text} procentpunt"


def points_range(low: float | None, high: float | None, decimals: int = 1) -> str:
    """An interval of differences in percentage points: ``"+2,0 tot +14,0 procentpunt"``."""
    return _interval(low, high, partial(points, decimals=decimals), unit=" procentpunt")


def euro(value: float | None, decimals: int = 0) -> str:
    """An amount in euro: ``1234.5`` → ``"€ 1.235"`` (whole euros unless ``decimals`` is given)."""
    if value is None:
        return MISSING
    text = number(value, decimals)
    if text.startswith(MINUS):
        return f"{MINUS}€ {text[1:]}"
    return f"€ {text}"


def p_value(value: float | None) -> str:
    """A p-value with three decimals; below 0.001 as ``"< 0,001"``."""
    if value is None:
        return MISSING
    if value < 0.001:
        return "< 0,001"
    return number(value, 3)


def month_name(month: date) -> str:
    """``date(2026, 3, 1)`` → ``"maart 2026"``."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def month_short(month: date) -> str:
    """``date(2026, 3, 1)`` → ``"mrt"``."""
    return MONTHS_SHORT[month.month - 1]


def day(value: date | None) -> str:
    """``date(2026, 3, 9)`` → ``"9 maart 2026"``."""
    return MISSING if value is None else f"{value.day} {MONTHS[value.month - 1]} {value.year}"
