"""Domain rules for clients (klanten) and representatives, as plain functions: no HTTP, no database.

- A resident is identified by a BSN: exactly nine digits passing the 11-proof (``stdnum.nl.bsn``); spaces and dots
  as people type them are ignored; ``000000000`` passes the arithmetic but is refused.
- An organisation is identified by its KvK number: exactly eight digits.
- A client's pseudonym is random (``secrets``), never derived from the BSN, so it reveals nothing about the person.
- Names are searched in a folded form (``fold``): lower case, without diacritics ("Öztürk" → "ozturk"), single
  spaces; the family name (``family_name_key``: what follows the tussenvoegsel, else the last word: "Michael de
  Graaf" → "graaf") is kept apart so that a search can rank a family-name prefix first.
- What a search box query means (``classify_query``, one small matcher per kind): a valid BSN, a KvK number (eight
  digits), the start of a dossier reference (``D-…``), or text: a reference of another system (found exactly) or
  the start of a name.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable
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

    @property
    def name_folded(self) -> str:
        return fold(self.name)

    @property
    def family_name_folded(self) -> str:
        return family_name_key(self.name)


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


QUERY_KINDS = ("bsn", "kvk", "ref", "name")
"""What a query can be: ``name`` is any other text, looked up as a reference of another system (exactly) and as the
start of a name."""


@dataclass(frozen=True)
class Query:
    """What a search box query means. ``kind`` is one of ``QUERY_KINDS``; ``text`` is what to look for (the BSN, the
    KvK number, the dossier reference in capitals, the folded name); ``raw`` the query as typed, trimmed (a
    reference of another system is found as typed)."""

    kind: str
    text: str
    looks_like_bsn: bool = False  # nine digits, but not a valid BSN
    raw: str = ""

    @property
    def searchable(self) -> bool:
        if self.kind == "name":
            return len(self.text) >= MIN_NAME_QUERY and not self.looks_like_bsn
        return bool(self.text)


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


MATCHERS: tuple[Callable[[str], Query | None], ...] = (_as_bsn, _as_kvk, _as_dossier_ref)
"""The kinds recognised by their form, tried in this order; what none recognises is text (``_as_text``)."""


def _as_text(text: str) -> Query:
    looks_like_bsn = bool(_DIGITS_ONLY.match(text)) and len(compact_number(text)) == 9
    return Query("name", fold(text), looks_like_bsn=looks_like_bsn, raw=text)


def classify_query(raw: str) -> Query:
    """A valid BSN and a KvK number are looked up exactly; ``D-2026…`` is a dossier reference (or its start);
    anything else is text: a reference of another system or the start of a name."""
    text = _WHITESPACE.sub(" ", raw or "").strip()
    for matcher in MATCHERS:
        if (query := matcher(text)) is not None:
            return query
    return _as_text(text)


def name_prefix_queries(text: str) -> tuple[str, str]:
    """For a folded name query: the family-name prefix to look for ("de graaf" → "graaf"; empty when the query is
    only particles) and the word prefix (the query itself)."""
    return " ".join(without_particles(text.split(" "))), text
