"""Escalation rules: who answers, when it is due, whether it was answered within the service norm, and what a
reusable answer must be.

Pure functions; no database, no HTTP.

- A question and an answer are at most `MAX_QUESTION` / `MAX_ANSWER` characters (after trimming).
- A reusable answer is not the escalation's own text: the question and the client stay with the escalation. The
  accountmanager words it anew, as a question in general terms (`MAX_TITLE`) and the answer to give (`MAX_ANSWER`),
  and confirms that it holds no personal data. Only an answered escalation gets one. As a safeguard beside that
  confirmation, the text may not contain what the escalation knows of its client (name, BSN, KvK number, phone,
  e-mail, the dossier reference) nor any nine-digit number that passes the BSN 11-proof.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from stdnum.nl import bsn as stdnum_bsn

from casemgmt.errors import Conflict, FieldError, InvalidInput, too_long

MAX_QUESTION = 4000
MAX_ANSWER = 4000
MAX_TITLE = 200
"""A reusable answer's question in general terms: one line, like a knowledge article's title."""
MAX_QUERY = 200
"""A search in the reusable answers."""
LIMITS = {"question": MAX_QUESTION, "answer": MAX_ANSWER, "title": MAX_TITLE, "q": MAX_QUERY}
"""The text limits by field, for the forms' ``maxlength``."""

CONFIRM_MESSAGE = (
    "Bevestig dat de vraag en het antwoord geen persoonsgegevens bevatten (geen naam, BSN, adres, telefoonnummer, "
    "e-mailadres of dossiernummer)."
)
PERSONAL_DATA_MESSAGE = (
    "Deze tekst bevat gegevens van de klant ({what}); schrijf de vraag en het antwoord in algemene termen."
)

_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def validate_question(question: str) -> str:
    text = question.strip()
    if not text:
        raise InvalidInput.single("question", "Beschrijf de vraag")
    if problems := too_long("question", "De vraag", text, MAX_QUESTION):
        raise InvalidInput(problems)
    return text


def validate_answer(status: str, answer: str) -> str:
    if status != "open":
        raise Conflict("Deze escalatie is al beantwoord")
    text = answer.strip()
    errors = []
    if not text:
        errors.append(FieldError("answer", "Geef een antwoord"))
    errors += too_long("answer", "Het antwoord", text, MAX_ANSWER)
    if errors:
        raise InvalidInput(errors)
    return text


@dataclass(frozen=True)
class ReusableText:
    """A reusable answer as checked: the question in general terms and the answer to give, trimmed."""

    title: str
    answer: str


@dataclass(frozen=True)
class KnownOfClient:
    """What the escalation knows of its client, which a reusable text may not repeat."""

    name: str = ""
    bsn: str = ""
    kvk: str = ""
    phone: str = ""
    email: str = ""
    dossier_ref: str = ""

    def named_in(self, text: str) -> list[str]:
        """The Dutch names of what ``text`` repeats (case and spacing ignored), in a fixed order."""
        flat = " ".join(text.lower().split())
        digits = re.sub(r"[\s.\-]", "", flat)
        found = []
        for label, value, haystack in (
            ("naam", " ".join(self.name.lower().split()), flat),
            ("BSN", self.bsn, digits),
            ("KvK-nummer", self.kvk, digits),
            ("telefoonnummer", re.sub(r"[\s.\-]", "", self.phone), digits),
            ("e-mailadres", self.email.lower(), flat),
            ("dossiernummer", self.dossier_ref.lower(), flat),
        ):
            if value and value in haystack:
                found.append(label)
        if "BSN" not in found and any(stdnum_bsn.is_valid(m) for m in _NINE_DIGITS.findall(digits)):
            found.append("BSN")
        return found


def validate_reusable(
    status: str, title: str, answer: str, no_personal_data: bool, known: KnownOfClient | None = None
) -> ReusableText:
    """Check a reusable answer written from an escalation in ``status``.

    Not answered → `Conflict` (409). Otherwise one `InvalidInput` listing every problem: ``title`` or ``answer``
    empty or too long, ``no_personal_data`` not confirmed, or a text repeating what is ``known`` of the client.
    """
    if status != "answered":
        raise Conflict("Alleen een beantwoorde escalatie kan een herbruikbaar antwoord krijgen.")
    clean_title, clean_answer = title.strip(), answer.strip()
    errors: list[FieldError] = []
    if not clean_title:
        errors.append(FieldError("title", "Geef de vraag in algemene termen."))
    errors += too_long("title", "De vraag", clean_title, MAX_TITLE)
    if not clean_answer:
        errors.append(FieldError("answer", "Geef het antwoord."))
    errors += too_long("answer", "Het antwoord", clean_answer, MAX_ANSWER)
    for field, text in (("title", clean_title), ("answer", clean_answer)):
        if what := (known or KnownOfClient()).named_in(text):
            errors.append(FieldError(field, PERSONAL_DATA_MESSAGE.format(what=", ".join(what))))
    if no_personal_data is not True:
        errors.append(FieldError("no_personal_data", CONFIRM_MESSAGE))
    if errors:
        raise InvalidInput(_first_per_field(errors))
    return ReusableText(clean_title, clean_answer)


def _first_per_field(errors: Iterable[FieldError]) -> list[FieldError]:
    seen: dict[str, FieldError] = {}
    for error in errors:
        seen.setdefault(error.field, error)
    return list(seen.values())


def validate_query(q: str) -> list[str]:
    """The words of a search in the reusable answers (lower case); 422 on ``q`` beyond `MAX_QUERY` characters."""
    if problems := too_long("q", "De zoekvraag", q, MAX_QUERY):
        raise InvalidInput(problems)
    return [word for word in q.lower().split() if word]


def within_norm(answered_at: datetime, due_at: datetime) -> bool:
    return answered_at <= due_at


def is_overdue(status: str, due_at: datetime, now: datetime) -> bool:
    return status == "open" and now > due_at


def state_of(status: str, due_at: datetime, now: datetime) -> str:
    """The state shown to users: ``answered``, ``overdue`` (open past its norm) or ``open``."""
    if status == "answered":
        return "answered"
    return "overdue" if is_overdue(status, due_at, now) else "open"


def validate_team(service: str | None, owner_service: str | None) -> str:
    """The service (team) an escalation goes to, given as ``service`` or as ``owner_service``: exactly one of the two
    (or both the same). Both, differing → InvalidInput on ``owner_service``; neither → "" (the service then refuses
    it on ``service``, after its access check)."""
    first, second = (service or "").strip(), (owner_service or "").strip()
    if first and second and first.upper() != second.upper():
        raise InvalidInput.single("owner_service", "Geef de dienst één keer: service of owner_service.")
    return (first or second).upper()
