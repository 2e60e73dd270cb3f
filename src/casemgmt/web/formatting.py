"""Shared presentation of moments and durations: Europe/Amsterdam, Dutch formats."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache

import phonenumbers
from markupsafe import Markup

from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.directory.phones import PHONE_REGION, format_phone


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


DAY_FORMAT_HINT = "dd-mm-jjjj"
"""How the UI writes a day, and how the browsers' date pickers show one (the ``value`` they send is ISO)."""


def parse_day(text: str) -> date | None:
    """A day as ``<input type="date">`` sends it (jjjj-mm-dd) or as typed where the browser has no picker
    (dd-mm-jjjj); ``None`` when empty or unreadable."""
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def iso_day(text: str) -> str:
    """A form's day as ``jjjj-mm-dd`` when it is readable in either format; else the text as it was typed (so the
    form's own check names it)."""
    day = parse_day(text)
    return day.isoformat() if day else text.strip()


_NOT_DIALLED = re.compile(r"[^\d+]")

PHONES_REMEMBERED = 4096
"""The phone formatting below is pure and a page shows the same few numbers on many rows (each promise's owner and
maker): each worker remembers this many results instead of parsing a number again (phonenumbers took 8% of the
worklist's time)."""


@lru_cache(maxsize=PHONES_REMEMBERED)
def tel_href(phone: str | None) -> str:
    """The ``tel:`` link of a phone number as people write it ("070 353 30 00" → ``tel:+31703533000``): E.164 when
    it is a valid full number (region NL), else its digits (a short number, "14 070"); empty when there are none."""
    text = (phone or "").strip()
    number = None
    if text.startswith(("+", "0")):  # a full number; a short one ("14 070") is dialled as it is
        try:
            number = phonenumbers.parse(text, PHONE_REGION)
        except phonenumbers.NumberParseException:
            number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = _NOT_DIALLED.sub("", text)
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}" if any(c.isdigit() for c in digits) else ""


@lru_cache(maxsize=PHONES_REMEMBERED)
def display_phone(phone: str | None) -> str:
    """A phone number as people read it: a valid Dutch number in the national format (``070 353 3000``), another
    country's in the international one (``+32 2 123 45 67``); a short number ("14 070") or anything else as
    written."""
    text = (phone or "").strip()
    if text.startswith(("+", "0")):
        try:
            number = phonenumbers.parse(text, PHONE_REGION)
        except phonenumbers.NumberParseException:
            return text
        if phonenumbers.is_valid_number(number):
            return format_phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return text


@lru_cache(maxsize=PHONES_REMEMBERED)
def phone_link(phone: str | None, extra_class: str = "") -> Markup:
    """A phone number as a clickable ``tel:`` link (E.164) showing it in the Dutch way (``display_phone``); the
    bare text when it has no digits; empty for none. ``extra_class``: a class of the page's own (a layout)."""
    text = (phone or "").strip()
    href = tel_href(text)
    if not href:
        return Markup.escape(text)
    classes = "utrecht-link utrecht-link--telephone" + (f" {extra_class}" if extra_class else "")
    return Markup('<a class="{}" href="{}">{}</a>').format(classes, href, display_phone(text))
