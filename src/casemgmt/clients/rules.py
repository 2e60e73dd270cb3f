"""Domain rules for clients (klanten) and representatives, as plain functions: no HTTP, no database.

- A resident is identified by a BSN: exactly nine digits passing the 11-proof (``stdnum.nl.bsn``); spaces and dots
  as people type them are ignored; ``000000000`` passes the arithmetic but is refused.
- An organisation is identified by its KvK number: exactly eight digits.
- A client's pseudonym is random (``secrets``), never derived from the BSN, so it reveals nothing about the person.
- Names are searched in a normalised form: lower case, whitespace collapsed.
- What a search box query means: a valid BSN, the start of a dossier reference, or (part of) a name.
- An unidentified client ("niet geïdentificeerd": a caller who gives no BSN or KvK number) has a name and at least
  one way to reach them (phone or e-mail); identified later by a BSN (``check_identification``).
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
"""The identified kinds: a resident by BSN, an organisation by KvK number."""
UNIDENTIFIED = "unidentified"
UNIDENTIFIED_LABEL = "Niet geïdentificeerd"
KIND_LABELS = {**KINDS, UNIDENTIFIED: UNIDENTIFIED_LABEL}
"""Every kind a client may have, as the pages name it (the "Nieuwe klant" form offers all three)."""
REACH_MESSAGE = "Geef een telefoonnummer of e-mailadres op: zonder BSN is dat de enige manier om de klant te bereiken"
MERGED_CLIENT = "Deze klant is samengevoegd met een andere klant; leg het vast bij die klant"
"""A write naming a merged client (its records live with the client it was merged into)."""
MERGED_MESSAGE = "Deze klant is al samengevoegd met een andere klant; identificeer die klant niet opnieuw"
NOT_UNIDENTIFIED_MESSAGE = "Deze klant is al geïdentificeerd; alleen een niet-geïdentificeerde klant krijgt een BSN"

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
    if (kind or "").strip() == UNIDENTIFIED:
        return check_unidentified_client(name=name, phone=phone, email=email, address=address, bsn=bsn, kvk=kvk)
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


def check_unidentified_client(
    *, name: str, phone: str = "", email: str = "", address: str = "", bsn: str | None = None, kvk: str | None = None
) -> tuple[ClientInput | None, list[FieldError]]:
    """Validate a client without BSN or KvK number: a name and a phone number or e-mail address (``phone`` named when
    both are missing). No identifier, so no duplicate to look for; a BSN or KvK number given anyway is refused rather
    than dropped (the caller meant a person or an organisation)."""
    name = _WHITESPACE.sub(" ", name or "").strip()
    phone, email, address = (phone or "").strip(), (email or "").strip(), (address or "").strip()
    errors: list[FieldError] = []
    if (bsn or "").strip():
        errors.append(FieldError("bsn", "Met een BSN is de klant geïdentificeerd: kies Persoon"))
    if (kvk or "").strip():
        errors.append(FieldError("kvk", "Met een KvK-nummer is de klant geïdentificeerd: kies Organisatie"))
    errors.extend(check_required_name("name", name, "Naam"))
    errors.extend(check_phone_and_email(phone, email))
    if not phone and not email:
        errors.append(FieldError("phone", REACH_MESSAGE))
    if len(address) > MAX_ADDRESS:
        errors.append(FieldError("address", f"Adres is te lang (ten hoogste {MAX_ADDRESS} tekens)"))
    if errors:
        return None, errors
    return ClientInput(UNIDENTIFIED, None, None, name, phone, email, address, normalise_name(name)), []


def check_identification(*, kind: str, merged: bool, bsn: str | None) -> tuple[str | None, list[FieldError]]:
    """May this client be identified with this BSN? Only an unidentified client that was not merged yet; the BSN must
    pass the 11-proof. Returns the nine-digit BSN, or ``None`` and the Dutch message (field ``bsn``)."""
    if merged:
        return None, [FieldError("bsn", MERGED_MESSAGE)]
    if kind != UNIDENTIFIED:
        return None, [FieldError("bsn", NOT_UNIDENTIFIED_MESSAGE)]
    clean = normalise_bsn(bsn)
    if clean is None:
        return None, [FieldError("bsn", BSN_MESSAGE)]
    return clean, []


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
    """Validate a representative: name, organisation and relation required; the period must not run backwards."""
    errors: list[FieldError] = []
    name, organisation, relation = (name or "").strip(), (organisation or "").strip(), (relation or "").strip()
    phone, email = (phone or "").strip(), (email or "").strip()
    for field, value, label in (
        ("name", name, "Naam"),
        ("organisation", organisation, "Organisatie"),
        ("relation", relation, "Relatie"),
    ):
        errors.extend(check_required_name(field, value, label))
    errors.extend(check_phone_and_email(phone, email))
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
    return RepresentativeInput(name, organisation, phone, email, relation, start, end), []


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
