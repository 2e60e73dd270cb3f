"""Domain rules for clients (klanten) and representatives, as plain functions: no HTTP, no database.

- A resident is identified by a BSN: exactly nine digits passing the 11-proof (``stdnum.nl.bsn``); spaces and dots
  as people type them are ignored; ``000000000`` passes the arithmetic but is refused.
- An organisation is identified by its KvK number: exactly eight digits.
- A client's pseudonym is random (``secrets``), never derived from the BSN, so it reveals nothing about the person.
- Names are searched in a folded form (``fold``): lower case, without diacritics ("Öztürk" → "ozturk"), single
  spaces; the family name (``family_name_key``: what follows the tussenvoegsel, else the last word: "Michael de
  Graaf" → "graaf") is kept apart so that a search can rank a family-name prefix first.
- What a search box query means (``classify_query``, one small matcher per kind): a valid BSN, a KvK number (eight
  digits), a Dutch phone number (any format), a postcode with house number, the start of a dossier reference
  (``D-…``), or text: a reference of another system (found exactly) or the start of a name.
- Correcting details (``check_patch``): phone numbers validated and normalised with ``phonenumbers`` (region NL,
  stored E.164, shown in national format); the address in parts with a validated postcode (stored ``2511AB``, shown
  ``2511 AB``); a birth date not in the future and not before 1900; a preferred channel and time. Only the fields
  sent change, and the change is what differs from the current value.
- An unidentified client ("niet geïdentificeerd": a caller who gives no BSN or KvK number) has a name and at least
  one way to reach them (phone or e-mail); identified later by a BSN (``check_identification``).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.nl import bsn as stdnum_bsn

from casemgmt.directory.phones import MAX_PHONE as MAX_PHONE
from casemgmt.directory.phones import PHONE_MESSAGE as PHONE_MESSAGE
from casemgmt.directory.phones import PHONE_REGION as PHONE_REGION
from casemgmt.directory.phones import check_phone as check_phone
from casemgmt.directory.phones import format_phone as format_phone
from casemgmt.directory.phones import normalise_phone as normalise_phone
from casemgmt.errors import FieldError, too_long

BSN_MESSAGE = "Ongeldig BSN (elfproef)"
KVK_MESSAGE = "Ongeldig KvK-nummer (8 cijfers)"
EMAIL_MESSAGE = "Ongeldig e-mailadres"
DATE_MESSAGE = "Ongeldige datum; gebruik jjjj-mm-dd"

POSTCODE_MESSAGE = "Ongeldige postcode; gebruik vier cijfers en twee letters, bijvoorbeeld 2511 AB"
HOUSE_NUMBER_MESSAGE = "Ongeldig huisnummer; gebruik alleen cijfers (1 tot en met 99999)"
BIRTH_DATE_FUTURE = "De geboortedatum ligt in de toekomst"
BIRTH_DATE_TOO_EARLY = "De geboortedatum ligt vóór 1900"
CHANNEL_MESSAGE = "Kies telefoon, e-mail, brief of balie"

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
PREFERRED_CHANNELS = {"phone": "Telefoon", "email": "E-mail", "letter": "Brief", "desk": "Balie"}
"""The ways a client prefers to be contacted, with their Dutch labels."""
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

PSEUDONYM_PREFIX = "K-"
PSEUDONYM_LENGTH = 10
PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed without mistakes

MAX_NAME = 200
MAX_EMAIL = 254
MAX_ADDRESS = 1000
"""An address as one text (the exchange format's legacy ``address``; what the migration put in ``street``)."""
MAX_STREET = 200
MAX_HOUSE_NUMBER = 99999
MAX_ADDITION = 10
MAX_POSTCODE_AS_TYPED = 10
MAX_CITY = 100
MAX_PREFERRED_TIME = 100
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
    "street": MAX_STREET,
    "house_number": len(str(MAX_HOUSE_NUMBER)),
    "addition": MAX_ADDITION,
    "postcode": MAX_POSTCODE_AS_TYPED,
    "city": MAX_CITY,
    "preferred_time": MAX_PREFERRED_TIME,
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


_NOT_DECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
TUSSENVOEGSELS = frozenset(
    "van de der den het 't te ten ter in op aan bij uit onder voor over von vom zu la le les du d' des del della "
    "di da dos das do".split()
)
"""Dutch (and a few foreign) name particles that precede a family name ("van der", "de", "ten")."""


def fold(value: str) -> str:
    """The searched form of a name: lower case without diacritics ("Öztürk" → "ozturk", "ĳ" → "ij", "ß" → "ss"),
    typographic quotes as plain ones, single spaces, trimmed."""
    text = value or ""
    for _ in range(2):  # casefold after decomposing ("𝕊" → "S" → "s"), then decompose what casefold made
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.translate(_NOT_DECOMPOSED)
    return _WHITESPACE.sub(" ", text.translate(_QUOTES)).strip()


def without_particles(words: list[str]) -> list[str]:
    """``words`` without the name particles they start with ("de graaf" → "graaf")."""
    index = 0
    while index < len(words) and words[index] in TUSSENVOEGSELS:
        index += 1
    return words[index:]


def family_name_key(name: str) -> str:
    """The folded family name of a full name: what follows the first run of name particles after the first word
    ("Michael de Graaf" → "graaf", "Anna van der Berg" → "berg"), else the last word ("Hans Boersma" → "boersma");
    a one-word name is its own family name."""
    words = fold(name).split(" ")
    for index in range(1, len(words)):
        if words[index] in TUSSENVOEGSELS and (rest := without_particles(words[index:])):
            return " ".join(rest)
    return words[-1] if words else ""


def search_keys(name: str) -> dict[str, str]:
    """The searched forms of a client's name, as the columns of ``clients`` that bulk writers fill."""
    return {
        "name_normalised": normalise_name(name),
        "name_folded": fold(name),
        "family_name_folded": family_name_key(name),
    }


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


def check_email(value: str | None, field: str = "email") -> tuple[str, list[FieldError]]:
    text = (value or "").strip()
    if text and (len(text) > MAX_EMAIL or not is_valid_email(text)):
        return "", [FieldError(field, EMAIL_MESSAGE)]
    return text, []


# addresses -------------------------------------------------------------------------------------------------------

_POSTCODE = re.compile(r"^([1-9]\d{3})\s?([A-Za-z]{2})$")
_REFUSED_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})


def normalise_postcode(value: str | None) -> str | None:
    """``2511AB`` when ``value`` is a Dutch postcode (four digits not starting with 0, two letters, not SA/SD/SS;
    one space allowed), else ``None``."""
    match = _POSTCODE.match((value or "").strip())
    if match is None or not match.group(0).isascii():
        return None
    letters = match.group(2).upper()
    if letters in _REFUSED_POSTCODE_LETTERS:
        return None
    return match.group(1) + letters


def format_postcode(stored: str | None) -> str:
    """A stored postcode as written on letters: ``2511 AB``."""
    text = stored or ""
    return f"{text[:4]} {text[4:]}" if len(text) == 6 else text


@dataclass(frozen=True)
class Address:
    """An address in parts; every part may be empty (unknown). ``postcode`` is stored normalised (``2511AB``)."""

    street: str = ""
    house_number: int | None = None
    addition: str = ""
    postcode: str = ""
    city: str = ""

    @property
    def empty(self) -> bool:
        return not (self.street or self.house_number or self.addition or self.postcode or self.city)

    @property
    def first_line(self) -> str:
        """``Spui 70a`` (street, number and addition)."""
        number = f"{self.house_number or ''}{self.addition}"
        return " ".join(part for part in (self.street, number) if part)

    @property
    def second_line(self) -> str:
        """``2511 AB Den Haag``."""
        return " ".join(part for part in (format_postcode(self.postcode), self.city) if part)

    @property
    def text(self) -> str:
        """The address on one line: ``Spui 70a, 2511 AB Den Haag``."""
        return ", ".join(part for part in (self.first_line, self.second_line) if part)

    def as_json(self) -> dict[str, Any]:
        """The API's and the history's form: ``{street, house_number, addition, postcode, city}``."""
        return {
            "street": self.street,
            "house_number": self.house_number,
            "addition": self.addition,
            "postcode": self.postcode,
            "city": self.city,
        }


def parse_house_number(value: int | str | None) -> int | None:
    """A house number from a form or the API; empty means none. Raises ``ValueError`` when not 1…99999."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not a house number")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not (text.isascii() and text.isdigit()) or len(text) > 5:
            raise ValueError("not a house number")
        value = int(text)
    if not 1 <= value <= MAX_HOUSE_NUMBER:
        raise ValueError("not a house number")
    return value


def check_address(
    *,
    street: str | None = "",
    house_number: int | str | None = None,
    addition: str | None = "",
    postcode: str | None = "",
    city: str | None = "",
    prefix: str = "",
) -> tuple[Address | None, list[FieldError]]:
    """An address as entered, cleaned: text trimmed, the postcode normalised, the addition in capitals. Every part
    is optional; a wrong part gets a Dutch message on the field ``prefix + part``."""
    errors: list[FieldError] = []
    street = _WHITESPACE.sub(" ", street or "").strip()
    addition = (addition or "").strip().lstrip("-").strip().upper()
    city = _WHITESPACE.sub(" ", city or "").strip()
    errors += too_long(prefix + "street", "Straat", street, MAX_STREET)
    errors += too_long(prefix + "addition", "Toevoeging", addition, MAX_ADDITION)
    errors += too_long(prefix + "city", "Plaats", city, MAX_CITY)
    number: int | None = None
    try:
        number = parse_house_number(house_number)
    except ValueError:
        errors.append(FieldError(prefix + "house_number", HOUSE_NUMBER_MESSAGE))
    clean_postcode = ""
    if (postcode or "").strip():
        clean_postcode = normalise_postcode(postcode) or ""
        if not clean_postcode:
            errors.append(FieldError(prefix + "postcode", POSTCODE_MESSAGE))
    if errors:
        return None, errors
    return Address(street, number, addition, clean_postcode, city), []


_STREET_AND_NUMBER = re.compile(
    r"^(?P<street>.*?(?:[^\W\d_]|\.))\s+(?P<number>[1-9]\d{0,4})\s*(?:-\s*)?(?P<addition>[^\W_]{0,4})$"
)
_POSTCODE_AND_CITY = re.compile(r"^(?P<postcode>\d{4}\s?[A-Za-z]{2})(?:\s+(?P<city>.+))?$")


def parse_address_text(text: str | None) -> Address:
    """An address typed as one text (``Straat 12a, 2511 AB Den Haag``, the postcode line on its own line, or without
    postcode or city) in parts. Text that does not read as an address goes whole into ``street``: nothing is lost."""
    raw = (text or "").strip()
    if not raw:
        return Address()
    whole = Address(street=raw)
    pieces = [piece.strip() for piece in re.split(r"[,\n]", raw) if piece.strip()]
    if not pieces or len(pieces) > 3:
        return whole
    first = _STREET_AND_NUMBER.match(_WHITESPACE.sub(" ", pieces[0]))
    if first is None or not first.group("street").strip():
        return whole
    street = first.group("street").strip()
    number, addition = int(first.group("number")), first.group("addition").upper()
    postcode = city = ""
    rest = [_WHITESPACE.sub(" ", piece) for piece in pieces[1:]]
    if rest:
        located = _POSTCODE_AND_CITY.match(rest[0])
        if located is not None:
            postcode = normalise_postcode(located.group("postcode")) or ""
            if not postcode:
                return whole
            city = located.group("city") or ""
            rest = rest[1:]
        if len(rest) > 1 or (rest and city):
            return whole
        if rest:
            city = rest[0]
    if len(street) > MAX_STREET or len(city) > MAX_CITY:
        return whole
    return Address(street, number, addition, postcode, city)


# birth date, preferred channel -----------------------------------------------------------------------------------


def check_birth_date(
    value: date | str | None, *, today: date, field: str = "birth_date"
) -> tuple[date | None, list[FieldError]]:
    """A date of birth (optional): readable, not in the future, not before 1900."""
    try:
        day = parse_date(value)
    except ValueError:
        return None, [FieldError(field, DATE_MESSAGE)]
    if day is None:
        return None, []
    if day > today:
        return None, [FieldError(field, BIRTH_DATE_FUTURE)]
    if day < EARLIEST_BIRTH_DATE:
        return None, [FieldError(field, BIRTH_DATE_TOO_EARLY)]
    return day, []


def check_preferred_channel(value: str | None, field: str = "preferred_channel") -> tuple[str | None, list[FieldError]]:
    text = (value or "").strip()
    if not text:
        return None, []
    if text not in PREFERRED_CHANNELS:
        return None, [FieldError(field, CHANNEL_MESSAGE)]
    return text, []


def check_preferred_time(value: str | None, field: str = "preferred_time") -> tuple[str, list[FieldError]]:
    text = _WHITESPACE.sub(" ", value or "").strip()
    return text, too_long(field, "Voorkeurstijd", text, MAX_PREFERRED_TIME)


def check_required_name(field: str, value: str, label: str) -> list[FieldError]:
    """Why a required name-like text (already trimmed) is wrong: missing, or longer than ``MAX_NAME``; else none."""
    if not value:
        return [FieldError(field, f"{label} is verplicht")]
    if len(value) > MAX_NAME:
        return [FieldError(field, f"{label} is te lang (ten hoogste {MAX_NAME} tekens)")]
    return []


@dataclass(frozen=True)
class ClientInput:
    """A client as entered, cleaned: identifiers compacted, text trimmed, the phone number in E.164, the postcode
    normalised; with the name's searched (normalised) form. The fields are the client's columns."""

    kind: str
    bsn: str | None
    kvk: str | None
    name: str
    phone: str
    email: str
    street: str
    house_number: int | None
    house_number_addition: str
    postcode: str
    city: str
    birth_date: date | None
    preferred_channel: str | None
    preferred_time: str
    name_normalised: str

    @property
    def name_folded(self) -> str:
        return fold(self.name)

    @property
    def family_name_folded(self) -> str:
        return family_name_key(self.name)


def address_columns(address: Address) -> dict[str, Any]:
    """The client's address columns for an address."""
    return {
        "street": address.street,
        "house_number": address.house_number,
        "house_number_addition": address.addition,
        "postcode": address.postcode,
        "city": address.city,
    }


def check_client(
    *,
    kind: str,
    bsn: str | None,
    kvk: str | None,
    name: str,
    phone: str = "",
    email: str = "",
    address: Mapping[str, Any] | None = None,
    birth_date: date | str | None = None,
    preferred_channel: str | None = None,
    preferred_time: str | None = "",
    today: date | None = None,
    address_prefix: str = "address.",
) -> tuple[ClientInput | None, list[FieldError]]:
    """Validate a new client. Returns the cleaned input, or ``None`` and one Dutch message per wrong field.

    ``address`` holds the parts (``street``, ``house_number``, ``addition``, ``postcode``, ``city``); their errors
    name ``address_prefix + part`` (``address.postcode`` in the API, ``postcode`` in the form). An unidentified
    client (no BSN or KvK number) needs a phone number or e-mail address (``phone`` named when both are missing); a
    BSN or KvK number given anyway is refused rather than dropped (the caller meant a person or an organisation)."""
    errors: list[FieldError] = []
    kind = (kind or "").strip()
    name = _WHITESPACE.sub(" ", name or "").strip()
    clean_bsn = clean_kvk = None
    if kind == UNIDENTIFIED:
        if (bsn or "").strip():
            errors.append(FieldError("bsn", "Met een BSN is de klant geïdentificeerd: kies Persoon"))
        if (kvk or "").strip():
            errors.append(FieldError("kvk", "Met een KvK-nummer is de klant geïdentificeerd: kies Organisatie"))
    elif kind not in KINDS:
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
    clean_phone, phone_errors = check_phone(phone)
    clean_email, email_errors = check_email(email)
    clean_address, address_errors = check_address(**dict(address or {}), prefix=address_prefix)
    day, birth_errors = check_birth_date(birth_date, today=today or date.today())
    channel, channel_errors = check_preferred_channel(preferred_channel)
    time_text, time_errors = check_preferred_time(preferred_time)
    errors += phone_errors + email_errors + address_errors + birth_errors + channel_errors + time_errors
    if kind == UNIDENTIFIED and not clean_phone and not clean_email and not phone_errors + email_errors:
        errors.append(FieldError("phone", REACH_MESSAGE))
    if errors or clean_address is None:
        return None, errors
    return ClientInput(
        kind=kind,
        bsn=clean_bsn,
        kvk=clean_kvk,
        name=name,
        phone=clean_phone,
        email=clean_email,
        **address_columns(clean_address),
        birth_date=day,
        preferred_channel=channel,
        preferred_time=time_text,
        name_normalised=normalise_name(name),
    ), []


# correcting details ----------------------------------------------------------------------------------------------

EDITABLE = ("name", "phone", "email", "address", "birth_date", "preferred_channel", "preferred_time")
"""The details ``PATCH /api/v1/clients/{id}`` changes, in the order the history lists them."""
FIELD_LABELS = {
    "name": "naam",
    "phone": "telefoon",
    "email": "e-mail",
    "address": "adres",
    "birth_date": "geboortedatum",
    "preferred_channel": "voorkeurskanaal",
    "preferred_time": "voorkeurstijd",
}


@dataclass(frozen=True)
class ClientDetails:
    """A client's correctable details as they are stored."""

    name: str
    phone: str
    email: str
    address: Address
    birth_date: date | None
    preferred_channel: str | None
    preferred_time: str


@dataclass(frozen=True)
class DetailsChange:
    """What a correction changes: the new values (``after``, only the changed fields, column-ready in
    ``columns``) and the old ones (``before``), both JSON-ready for the history."""

    before: dict[str, Any]
    after: dict[str, Any]
    columns: dict[str, Any]

    @property
    def changed(self) -> list[str]:
        return list(self.after)


def _json_value(field: str, value: Any) -> Any:
    if isinstance(value, Address):
        return value.as_json()
    if isinstance(value, date):
        return value.isoformat()
    return value


def check_patch(
    current: ClientDetails, sent: Mapping[str, Any], *, today: date, address_prefix: str = "address."
) -> tuple[DetailsChange | None, list[FieldError]]:
    """Merge a correction into the current details. ``sent`` holds only the fields that were sent (``address`` as the
    mapping of its parts: a part not sent keeps its current value); ``None`` or ``""`` empties an optional field.
    Returns the change (empty when nothing differs), or ``None`` and one Dutch message per wrong field; the name
    stays required."""
    errors: list[FieldError] = []
    new: dict[str, Any] = {}
    if "name" in sent:
        name = _WHITESPACE.sub(" ", sent["name"] or "").strip()
        errors += check_required_name("name", name, "Naam")
        new["name"] = name
    if "phone" in sent:
        new["phone"], found = check_phone(sent["phone"])
        errors += found
    if "email" in sent:
        new["email"], found = check_email(sent["email"])
        errors += found
    if "address" in sent:
        parts = current.address.as_json()
        parts.update({key: value for key, value in dict(sent["address"] or {}).items() if key in parts})
        if sent["address"] is None:  # null empties the address
            parts = Address().as_json()
        new["address"], found = check_address(**parts, prefix=address_prefix)
        errors += found
    if "birth_date" in sent:
        new["birth_date"], found = check_birth_date(sent["birth_date"], today=today)
        errors += found
    if "preferred_channel" in sent:
        new["preferred_channel"], found = check_preferred_channel(sent["preferred_channel"])
        errors += found
    if "preferred_time" in sent:
        new["preferred_time"], found = check_preferred_time(sent["preferred_time"])
        errors += found
    if errors:
        return None, errors
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    columns: dict[str, Any] = {}
    for field in EDITABLE:
        if field not in new or new[field] == getattr(current, field):
            continue
        before[field] = _json_value(field, getattr(current, field))
        after[field] = _json_value(field, new[field])
        if field == "address":
            columns.update(address_columns(new[field]))
        else:
            columns[field] = new[field]
    if "name" in columns:
        columns["name_normalised"] = normalise_name(columns["name"])
    return DetailsChange(before, after, columns), []


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


QUERY_KINDS = ("bsn", "kvk", "phone", "postcode", "ref", "name")
"""What a query can be: ``name`` is any other text, looked up as a reference of another system (exactly) and as the
start of a name."""


@dataclass(frozen=True)
class Query:
    """What a search box query means. ``kind`` is one of ``QUERY_KINDS``; ``text`` is what to look for (the BSN, the
    KvK number, the E.164 number for ``phone``, the normalised postcode for ``postcode`` with ``house_number`` and
    ``addition``, the dossier reference in capitals, the folded name); ``raw`` the query as typed, trimmed (a
    reference of another system is found as typed)."""

    kind: str
    text: str
    looks_like_bsn: bool = False  # nine digits, but not a valid BSN
    raw: str = ""
    house_number: int | None = None
    addition: str = ""

    @property
    def searchable(self) -> bool:
        if self.kind == "name":
            return len(self.text) >= MIN_NAME_QUERY and not self.looks_like_bsn
        return bool(self.text)


_PHONE_QUERY_START = re.compile(r"^(\+|00|0|\(0)")
_POSTCODE_QUERY = re.compile(
    r"^(?P<postcode>[1-9]\d{3}\s?[A-Za-z]{2})[\s,]+(?P<number>[1-9]\d{0,4})(?:\s*-?\s*(?P<addition>[A-Za-z0-9]{1,4}))?$"
)


def phone_query(text: str) -> Query | None:
    """A query that is a phone number in any format (``070-1234567``, ``+31 70 123 4567``, ``0612345678``)."""
    if not _PHONE_QUERY_START.match(text):
        return None
    number = normalise_phone(text)
    return Query("phone", number) if number else None


def postcode_query(text: str) -> Query | None:
    """A query that is a postcode with a house number and perhaps an addition (``2511 AB 12``, ``2511ab 12a``)."""
    match = _POSTCODE_QUERY.match(_WHITESPACE.sub(" ", text))
    if match is None:
        return None
    postcode = normalise_postcode(match.group("postcode"))
    if postcode is None:
        return None
    addition = (match.group("addition") or "").upper()
    return Query("postcode", postcode, house_number=int(match.group("number")), addition=addition)


def _as_bsn(text: str) -> Query | None:
    bsn = normalise_bsn(text)
    return Query("bsn", bsn, raw=text) if bsn is not None else None


def _as_kvk(text: str) -> Query | None:
    if not _DIGITS_ONLY.match(text):
        return None
    kvk = normalise_kvk(text)
    return Query("kvk", kvk, raw=text) if kvk is not None else None


def _as_dossier_ref(text: str) -> Query | None:
    return Query("ref", text.upper(), raw=text) if _DOSSIER_REF_START.match(text) else None


MATCHERS: tuple[Callable[[str], Query | None], ...] = (_as_bsn, _as_kvk, phone_query, postcode_query, _as_dossier_ref)
"""The kinds recognised by their form, tried in this order; what none recognises is text (``_as_text``)."""


def _as_text(text: str) -> Query:
    looks_like_bsn = bool(_DIGITS_ONLY.match(text)) and len(compact_number(text)) == 9
    return Query("name", fold(text), looks_like_bsn=looks_like_bsn, raw=text)


def classify_query(raw: str) -> Query:
    """A valid BSN and a KvK number are looked up exactly; a phone number by its normalised form; a postcode with
    house number by address; ``D-2026…`` is a dossier reference (or its start); anything else is text: a reference
    of another system or the start of a name."""
    text = _WHITESPACE.sub(" ", raw or "").strip()
    for matcher in MATCHERS:
        if (query := matcher(text)) is not None:
            return query
    return _as_text(text)


def name_prefix_queries(text: str) -> tuple[str, str]:
    """For a folded name query: the family-name prefix to look for ("de graaf" → "graaf"; empty when the query is
    only particles) and the word prefix (the query itself)."""
    return " ".join(without_particles(text.split(" "))), text
