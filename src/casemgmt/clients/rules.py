"""Domain rules for clients (klanten) and representatives, as plain functions: no HTTP, no database.

- A resident is identified by a BSN: exactly nine digits passing the 11-proof (``stdnum.nl.bsn``); spaces and dots
  as people type them are ignored; ``000000000`` passes the arithmetic but is refused.
- An organisation is identified by its KvK number: exactly eight digits.
- A client's pseudonym is random (``secrets``), never derived from the BSN, so it reveals nothing about the person.
- Names are searched in a normalised form: lower case, whitespace collapsed.
- What a search box query means: a valid BSN, the start of a dossier reference, or (part of) a name.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.nl import bsn as stdnum_bsn

from casemgmt.errors import FieldError

BSN_MESSAGE = "Ongeldig BSN (elfproef)"
KVK_MESSAGE = "Ongeldig KvK-nummer (8 cijfers)"
EMAIL_MESSAGE = "Ongeldig e-mailadres"
DATE_MESSAGE = "Ongeldige datum; gebruik jjjj-mm-dd"

KINDS = {"person": "Persoon", "organisation": "Organisatie"}

PSEUDONYM_PREFIX = "K-"
PSEUDONYM_LENGTH = 10
PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed without mistakes

MAX_NAME = 200
MAX_PHONE = 40
MAX_EMAIL = 254
MAX_ADDRESS = 1000
MIN_NAME_QUERY = 2
MAX_QUERY = 200
"""A search box query: a name, a BSN or a dossier reference is far shorter."""
MAX_NUMBER_AS_TYPED = 20
"""A BSN or KvK number as typed, with spaces and dots; anything else than its digits is refused anyway."""
LIMITS = {
    "bsn": MAX_NUMBER_AS_TYPED,
    "kvk": MAX_NUMBER_AS_TYPED,
    "name": MAX_NAME,
    "organisation": MAX_NAME,
    "relation": MAX_NAME,
    "phone": MAX_PHONE,
    "email": MAX_EMAIL,
    "address": MAX_ADDRESS,
    "query": MAX_QUERY,
}
"""The text limits by field, for the forms' ``maxlength``."""

_SEPARATORS = re.compile(r"[\s.]")
_WHITESPACE = re.compile(r"\s+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOSSIER_REF_START = re.compile(r"^D-\d", re.IGNORECASE)
_DIGITS_ONLY = re.compile(r"^[\d\s.]+$")


def compact_number(value: str) -> str:
    """A number as typed, without the spaces and dots people put in it."""
    return _SEPARATORS.sub("", value or "")


def normalise_bsn(value: str | None) -> str | None:
    """The nine-digit BSN when ``value`` is a valid BSN, else ``None``."""
    number = compact_number(value or "")
    if len(number) != 9 or not number.isascii() or not number.isdigit() or number == "000000000":
        return None
    try:
        return stdnum_bsn.validate(number)
    except ValidationError:
        return None


def is_valid_bsn(value: str | None) -> bool:
    return normalise_bsn(value) is not None


def normalise_kvk(value: str | None) -> str | None:
    """The eight-digit KvK number when ``value`` is one, else ``None``."""
    number = compact_number(value or "")
    if len(number) == 8 and number.isascii() and number.isdigit():
        return number
    return None


def normalise_name(value: str) -> str:
    """The form in which names are stored for searching: lower case, single spaces, trimmed."""
    return _WHITESPACE.sub(" ", value or "").strip().lower()


def is_valid_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def new_pseudonym() -> str:
    """A random pseudonym such as ``K-7QX4M2HC9A``; unrelated to the BSN or any other attribute."""
    return PSEUDONYM_PREFIX + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(PSEUDONYM_LENGTH))


def mask_bsn(value: str | None) -> str:
    """A BSN shown with only its last three digits (``******782``)."""
    if not value:
        return ""
    return "*" * (len(value) - 3) + value[-3:]


def check_phone_and_email(phone: str, email: str) -> list[FieldError]:
    """A phone number of at most ``MAX_PHONE`` characters; an e-mail address, when given, that looks like one."""
    errors: list[FieldError] = []
    if len(phone) > MAX_PHONE:
        errors.append(FieldError("phone", f"Telefoonnummer is te lang (ten hoogste {MAX_PHONE} tekens)"))
    if email and (len(email) > MAX_EMAIL or not is_valid_email(email)):
        errors.append(FieldError("email", EMAIL_MESSAGE))
    return errors


def check_required_name(field: str, value: str, label: str) -> list[FieldError]:
    """Why a required name-like text (already trimmed) is wrong: missing, or longer than ``MAX_NAME``; else none."""
    if not value:
        return [FieldError(field, f"{label} is verplicht")]
    if len(value) > MAX_NAME:
        return [FieldError(field, f"{label} is te lang (ten hoogste {MAX_NAME} tekens)")]
    return []


@dataclass(frozen=True)
class ClientInput:
    """A client as entered, cleaned: identifiers compacted, text trimmed; with the name's searched (normalised) form."""

    kind: str
    bsn: str | None
    kvk: str | None
    name: str
    phone: str
    email: str
    address: str
    name_normalised: str


def check_client(
    *, kind: str, bsn: str | None, kvk: str | None, name: str, phone: str = "", email: str = "", address: str = ""
) -> tuple[ClientInput | None, list[FieldError]]:
    """Validate a new client. Returns the cleaned input, or ``None`` and one Dutch message per wrong field."""
    errors: list[FieldError] = []
    kind = (kind or "").strip()
    name = _WHITESPACE.sub(" ", name or "").strip()
    phone, email, address = (phone or "").strip(), (email or "").strip(), (address or "").strip()
    clean_bsn = clean_kvk = None
    if kind not in KINDS:
        errors.append(FieldError("kind", "Kies persoon of organisatie"))
    elif kind == "person":
        clean_bsn = normalise_bsn(bsn)
        if clean_bsn is None:
            errors.append(FieldError("bsn", BSN_MESSAGE))
    else:
        clean_kvk = normalise_kvk(kvk)
        if clean_kvk is None:
            errors.append(FieldError("kvk", KVK_MESSAGE))
    errors.extend(check_required_name("name", name, "Naam"))
    errors.extend(check_phone_and_email(phone, email))
    if len(address) > MAX_ADDRESS:
        errors.append(FieldError("address", f"Adres is te lang (ten hoogste {MAX_ADDRESS} tekens)"))
    if errors:
        return None, errors
    return ClientInput(kind, clean_bsn, clean_kvk, name, phone, email, address, normalise_name(name)), []


@dataclass(frozen=True)
class RepresentativeInput:
    name: str
    organisation: str
    phone: str
    email: str
    relation: str
    valid_from: date
    valid_until: date | None


def parse_date(value: date | str | None) -> date | None:
    """A date from a form (``jjjj-mm-dd``) or the API; empty means none. Raises ``ValueError`` when unreadable."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    return date.fromisoformat(text)


def check_representative(
    *,
    name: str,
    organisation: str,
    relation: str,
    phone: str = "",
    email: str = "",
    valid_from: date | str | None = None,
    valid_until: date | str | None = None,
    today: date,
) -> tuple[RepresentativeInput | None, list[FieldError]]:
    """Validate a new representative and their link to a client: name, organisation and relation required; the
    period must not run backwards."""
    person, errors = check_representative_person(name=name, organisation=organisation, phone=phone, email=email)
    link, link_errors = check_representation(
        relation=relation, valid_from=valid_from, valid_until=valid_until, today=today
    )
    errors = [*errors, *link_errors]
    if person is None or link is None:
        return None, errors
    return RepresentativeInput(
        person.name, person.organisation, person.phone, person.email, link.relation, link.valid_from, link.valid_until
    ), []


@dataclass(frozen=True)
class RepresentativePerson:
    """A representative as a person (the columns of ``representatives``), with the forms the search compares."""

    name: str
    organisation: str
    phone: str
    email: str
    name_normalised: str
    phone_digits: str


def check_representative_person(
    *, name: str, organisation: str, phone: str = "", email: str = ""
) -> tuple[RepresentativePerson | None, list[FieldError]]:
    """The person: name and organisation required, phone and e-mail optional (the e-mail must look like one)."""
    errors: list[FieldError] = []
    name, organisation = _WHITESPACE.sub(" ", name or "").strip(), (organisation or "").strip()
    phone, email = (phone or "").strip(), (email or "").strip()
    for field, value, label in (("name", name, "Naam"), ("organisation", organisation, "Organisatie")):
        errors.extend(check_required_name(field, value, label))
    errors.extend(check_phone_and_email(phone, email))
    if errors:
        return None, errors
    return RepresentativePerson(name, organisation, phone, email, normalise_name(name), phone_digits(phone)), []


@dataclass(frozen=True)
class Representation:
    """That a representative acts for a client (the columns of ``client_representatives``)."""

    relation: str
    valid_from: date
    valid_until: date | None


def check_representation(
    *, relation: str, valid_from: date | str | None = None, valid_until: date | str | None = None, today: date
) -> tuple[Representation | None, list[FieldError]]:
    """The link: a relation (required), from ``valid_from`` (default today) until ``valid_until`` (open-ended when
    empty), not running backwards."""
    errors: list[FieldError] = []
    relation = (relation or "").strip()
    errors.extend(check_required_name("relation", relation, "Relatie"))
    start: date | None = today
    end: date | None = None
    try:
        start = parse_date(valid_from) or today
    except ValueError:
        start = None
        errors.append(FieldError("valid_from", DATE_MESSAGE))
    try:
        end = parse_date(valid_until)
    except ValueError:
        errors.append(FieldError("valid_until", DATE_MESSAGE))
    if start is not None and end is not None and end < start:
        errors.append(FieldError("valid_until", "Geldig tot mag niet vóór geldig vanaf liggen"))
    if errors or start is None:
        return None, errors
    return Representation(relation, start, end), []


def is_current(valid_from: date, valid_until: date | None, today: date) -> bool:
    """Whether a representation holds today (both ends included; no end: open-ended)."""
    return valid_from <= today and (valid_until is None or valid_until >= today)


def phone_digits(value: str) -> str:
    """A phone number's digits in one national form, as the representative search compares them: ``+31 70 346
    2290``, ``+31 (0)70 346 2290``, ``0031 70 3462290`` and ``070-346 22 90`` all give ``0703462290``; other
    countries keep ``00`` and their country code."""
    text = (value or "").strip()
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if text.startswith("+"):
        digits = "00" + digits
    if digits.startswith("0031"):
        national = digits[4:]
        return "0" + (national[1:] if national.startswith("0") else national)  # "+31 (0)70 …": the 0 once
    return digits


MIN_PHONE_QUERY = 3
"""Digits a phone query needs before it is looked up (prefix of the stored digits)."""
_PHONE_QUERY = re.compile(r"^\+?[\d\s().-]+$")


@dataclass(frozen=True)
class RepresentativeQuery:
    """What the representative search looks for: ``kind`` ``phone`` (``text`` the digits, a prefix of the stored
    number) or ``name`` (``text`` normalised, a prefix of the name or of one of its words); ``""``: too short."""

    kind: str
    text: str

    @property
    def searchable(self) -> bool:
        return bool(self.kind)


def classify_representative_query(raw: str) -> RepresentativeQuery:
    """Digits (with spaces, dashes, brackets or a leading ``+``) are a phone number, anything else a name."""
    text = (raw or "").strip()
    if _PHONE_QUERY.match(text) and any(ch.isdigit() for ch in text):
        digits = phone_digits(text)
        return RepresentativeQuery("phone" if len(digits) >= MIN_PHONE_QUERY else "", digits)
    name = normalise_name(text)
    return RepresentativeQuery("name" if len(name) >= MIN_NAME_QUERY else "", name)


@dataclass(frozen=True)
class Query:
    """What a search box query means. ``kind`` is ``bsn``, ``ref`` or ``name``; ``text`` is what to look for."""

    kind: str
    text: str
    looks_like_bsn: bool = False  # digits only, but not a valid BSN

    @property
    def searchable(self) -> bool:
        if self.kind == "name":
            return len(self.text) >= MIN_NAME_QUERY and not self.looks_like_bsn
        return bool(self.text)


def classify_query(raw: str) -> Query:
    """A valid BSN is looked up exactly; ``D-2026…`` is a dossier reference (or its start); anything else a name."""
    text = (raw or "").strip()
    bsn = normalise_bsn(text)
    if bsn is not None:
        return Query("bsn", bsn)
    if _DOSSIER_REF_START.match(text):
        return Query("ref", text.upper())
    digits = compact_number(text)
    looks_like_bsn = bool(_DIGITS_ONLY.match(text)) and len(digits) in (8, 9)
    return Query("name", normalise_name(text), looks_like_bsn=looks_like_bsn)
