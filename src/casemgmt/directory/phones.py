"""Phone numbers: one rule for every number the system keeps (a client's, a department's), with ``phonenumbers``
(region NL): Dutch numbers in any usual format, other countries' with ``+``/``00``. Kept here, at the bottom of the
house, so that the directory (departments) and the clients share it.
"""

from __future__ import annotations

import re

import phonenumbers

from casemgmt.errors import FieldError

PHONE_REGION = "NL"
MAX_PHONE = 40
PHONE_MESSAGE = "Ongeldig telefoonnummer"

_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")


def normalise_phone(value: str | None) -> str | None:
    """The number in E.164 (``+31701234567``) when ``value`` is a valid phone number (Dutch unless it starts with
    ``+``/``00``), else ``None``."""
    text = (value or "").strip()
    if not text or len(text) > MAX_PHONE or not _PHONE_LIKE.match(text):
        return None
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(stored: str | None) -> str:
    """A stored number as people read it: national format for a Dutch number (``070 123 4567``), international for
    another country's; a number kept as typed (it did not parse when migrated) is shown as it is."""
    text = stored or ""
    if not text.startswith("+"):
        return text
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return text
    if phonenumbers.region_code_for_number(number) == PHONE_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def check_phone(value: str | None, field: str = "phone") -> tuple[str, list[FieldError]]:
    """A phone number as entered: empty (none), or valid and normalised to E.164; else ``Ongeldig telefoonnummer``."""
    text = (value or "").strip()
    if not text:
        return "", []
    normalised = normalise_phone(text)
    if normalised is None:
        return "", [FieldError(field, PHONE_MESSAGE)]
    return normalised, []
