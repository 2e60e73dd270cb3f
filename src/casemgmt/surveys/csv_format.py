"""The survey exchange contract of issue 5: parsing and validating survey responses from a CSV file (bulk import from
a survey agency) or from one JSON object (``POST /api/v1/surveys``), without touching the database.

CSV: a header row with exactly the columns in ``COLUMNS`` (any order; an unknown, missing or repeated column is an
error naming it), UTF-8 with an optional BOM, ``,`` or ``;`` as separator (detected from the header line: the one
that occurs more often), standard CSV quoting. Rows are parsed as a stream: ``parse_survey_csv`` yields a
``ParsedRow`` per valid row and one or more ``RowError`` per invalid row, so an importer can show progress, stop
at the first error, or collect every error (all-or-nothing) with constant memory apart from the set of respondent
ids seen. Line numbers count the header as line 1 and are the physical line on which a record starts. Rows whose
fields are all empty (such as the ``;;;;`` rows spreadsheets leave behind) are skipped.

Choices where the contract leaves room (documented here and in the importer's report):

- ``remembered_contact`` = ``nee``: the respondent counts, but carries no answers — every answer field (grade,
  reasons, helped_at_once, transfer_count, respondent_type, gender, age_band, education, comment) must be empty,
  otherwise that field is reported as an error (nothing is silently dropped). ``dossier_ref`` may be filled: the
  link says which contact the respondent was called about.
- ``respondent_type`` may be empty, like the other background questions: the questionnaire ends the interview for
  grades above 6 before the background questions are asked.
- Codes are matched after trimming spaces and ignoring case; a reason listed twice counts once.
- The questionnaire's routing (reasons only for grades ≤ 6, ``transfer_count`` only after ``doorverbonden``) is not
  enforced: the measures count reasons over dissatisfied respondents only.
- Checked here: the format of ``dossier_ref`` (``D-yyyy-nnnnn``) and uniqueness of ``respondent_id`` within one
  file. Checked by the importer: that the dossier exists and that the respondent id is new in the database.

A NUL character in a field is reported on that field (PostgreSQL cannot store it).

Error messages are Dutch; ``RowError.field`` is the column name (None for a whole line or the file).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from typing import Any, Final

import msgspec

from casemgmt.surveys.questionnaire import CODED_FIELDS, GRADE_MAX, GRADE_MIN, REASONS

COLUMNS: Final = (
    "respondent_id",
    "contact_date",
    "remembered_contact",
    "grade",
    "reasons",
    "helped_at_once",
    "transfer_count",
    "respondent_type",
    "gender",
    "age_band",
    "education",
    "dossier_ref",
    "comment",
)
ANSWER_FIELDS: Final = tuple(
    column for column in COLUMNS if column not in ("respondent_id", "contact_date", "remembered_contact", "dossier_ref")
)
"""Fields that hold answers (every column but who, when, whether remembered and which dossier), in column order;
they must be empty when the respondent does not remember the contact."""

REASON_SEPARATOR: Final = "|"
RESPONDENT_ID_MAX_LENGTH: Final = 64
COMMENT_MAX_LENGTH: Final = 4000
DOSSIER_REF_PATTERN: Final = re.compile(r"D-\d{4}-\d{5}")

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DUTCH_DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_SINGLE_CHOICE: Final[Mapping[str, Mapping[str, str]]] = CODED_FIELDS
_ALLOWED_TEXT = {field: ", ".join(codes) for field, codes in _SINGLE_CHOICE.items()}
_REASONS_TEXT = ", ".join(REASONS)


class SurveyAnswers(msgspec.Struct, frozen=True, kw_only=True):
    """The columns every shape of a response ends with, in column order: the single-choice answers, the dossier and
    the comment (keyword-only, so they follow the fields of a subclass: ``ParsedRow``, the API's
    ``SurveyResponseOut``)."""

    helped_at_once: str | None
    transfer_count: str | None
    respondent_type: str | None
    gender: str | None
    age_band: str | None
    education: str | None
    dossier_ref: str | None
    comment: str | None


class ParsedRow(SurveyAnswers, frozen=True):
    """One valid survey response. ``line`` is its line in the CSV file (None when it came from JSON)."""

    line: int | None
    respondent_id: str
    contact_date: date
    remembered_contact: bool
    grade: int | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong where: ``line`` (header = 1; None for JSON), ``field`` (column; None for the whole line or
    file) and a Dutch ``message``. ``fatal`` marks errors that stop the file from being read (header, encoding,
    broken quoting): no rows can be trusted then, so even a skip-invalid import must refuse the file. It is not part
    of equality."""

    line: int | None
    field: str | None
    message: str
    fatal: bool = dataclass_field(default=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


# ------------------------------------------------------------------------------------------------ field rules


def parse_contact_date(text: str) -> date | None:
    """``yyyy-mm-dd`` or ``dd-mm-yyyy`` (day and month may have one digit) to a date; None when not a real date."""
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = match.groups()
    else:
        match = _DUTCH_DATE.fullmatch(text)
        if not match:
            return None
        day, month, year = match.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


class _RowBuilder:
    """Validates the text of one response field by field, collecting every error of the row."""

    __slots__ = ("errors", "line")

    def __init__(self, line: int | None) -> None:
        self.line = line
        self.errors: list[RowError] = []

    def error(self, field: str | None, message: str) -> None:
        self.errors.append(RowError(self.line, field, message))

    def respondent_id(self, text: str) -> str:
        if not text:
            self.error("respondent_id", "Het respondentnummer ontbreekt.")
        elif len(text) > RESPONDENT_ID_MAX_LENGTH:
            self.error("respondent_id", f"Het respondentnummer is langer dan {RESPONDENT_ID_MAX_LENGTH} tekens.")
        return text

    def contact_date(self, text: str) -> date | None:
        if not text:
            self.error("contact_date", "De datum van het contact ontbreekt.")
            return None
        parsed = parse_contact_date(text)
        if parsed is None:
            self.error("contact_date", f"Datum '{text}' is ongeldig: gebruik jjjj-mm-dd of dd-mm-jjjj.")
        return parsed

    def remembered_contact(self, text: str) -> bool | None:
        value = text.lower()
        if value == "ja":
            return True
        if value == "nee":
            return False
        if not text:
            self.error("remembered_contact", "Vul 'ja' of 'nee' in.")
        else:
            self.error("remembered_contact", f"Onbekende waarde '{text}': vul 'ja' of 'nee' in.")
        return None

    def grade(self, text: str) -> int | None:
        if not text:
            return None
        if text.isascii() and text.isdigit() and GRADE_MIN <= int(text) <= GRADE_MAX:
            return int(text)
        self.error(
            "grade",
            f"Rapportcijfer '{text}' is ongeldig: geef een geheel getal van {GRADE_MIN} t/m {GRADE_MAX}, of "
            "laat het leeg.",
        )
        return None

    def reasons(self, codes: Iterable[str]) -> tuple[str, ...]:
        found: list[str] = []
        for raw in codes:
            code = raw.strip().lower()
            if not code:
                continue
            if code not in REASONS:
                self.error("reasons", f"Onbekende reden '{raw.strip()}'. Toegestaan: {_REASONS_TEXT}.")
            elif code not in found:
                found.append(code)
        return tuple(found)

    def choice(self, field: str, text: str) -> str | None:
        if not text:
            return None
        code = text.lower()
        if code in _SINGLE_CHOICE[field]:
            return code
        self.error(field, f"Onbekende waarde '{text}'. Toegestaan: {_ALLOWED_TEXT[field]}, of leeg.")
        return None

    def dossier_ref(self, text: str) -> str | None:
        if not text:
            return None
        ref = text.upper()
        if DOSSIER_REF_PATTERN.fullmatch(ref):
            return ref
        self.error("dossier_ref", f"Dossierreferentie '{text}' heeft niet de vorm D-jjjj-nnnnn.")
        return None

    def comment(self, text: str) -> str | None:
        if len(text) > COMMENT_MAX_LENGTH:
            self.error("comment", f"De opmerking is langer dan {COMMENT_MAX_LENGTH} tekens.")
        return text or None

    def build(self, text: Mapping[str, str], reason_codes: Sequence[str]) -> ParsedRow | None:
        """``text`` holds every field except reasons, trimmed; ``reason_codes`` the reasons given."""
        for field, value in {"reasons": "".join(reason_codes), **text}.items():
            if "\x00" in value:  # PostgreSQL cannot store it: the row's error, never the database's
                self.error(field, "Dit veld bevat een NUL-teken, dat niet kan worden opgeslagen; verwijder het.")
        respondent_id = self.respondent_id(text["respondent_id"])
        contact_date = self.contact_date(text["contact_date"])
        remembered = self.remembered_contact(text["remembered_contact"])
        if remembered is False:
            for field in ANSWER_FIELDS:
                given = any(code.strip() for code in reason_codes) if field == "reasons" else text[field]
                if given:
                    self.error(
                        field,
                        "Deze respondent herinnert zich het contact niet (remembered_contact 'nee'), dus hoort dit "
                        "veld leeg te zijn.",
                    )
        grade = self.grade(text["grade"])
        reasons = self.reasons(reason_codes)
        choices = {field: self.choice(field, text[field]) for field in _SINGLE_CHOICE}
        dossier_ref = self.dossier_ref(text["dossier_ref"])
        comment = self.comment(text["comment"])
        if self.errors or contact_date is None or remembered is None:
            return None
        return ParsedRow(
            line=self.line,
            respondent_id=respondent_id,
            contact_date=contact_date,
            remembered_contact=remembered,
            grade=grade,
            reasons=reasons,
            dossier_ref=dossier_ref,
            comment=comment,
            **choices,
        )


# ------------------------------------------------------------------------------------------------ CSV


def detect_separator(header_line: str) -> str:
    """``;`` when it occurs more often than ``,`` in the header line, else ``,``."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _check_header(header: Sequence[str]) -> tuple[list[RowError], dict[str, int]]:
    errors: list[RowError] = []
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        if name not in COLUMNS:
            errors.append(
                RowError(
                    1,
                    name or None,
                    f"Onbekende kolom '{name}'. Verwacht de kolommen: {', '.join(COLUMNS)}.",
                    fatal=True,
                )
            )
        elif name in positions:
            errors.append(RowError(1, name, f"Kolom '{name}' komt meer dan één keer voor.", fatal=True))
        else:
            positions[name] = index
    errors.extend(
        RowError(1, name, f"Kolom '{name}' ontbreekt.", fatal=True) for name in COLUMNS if name not in positions
    )
    return errors, positions


def parse_survey_csv(lines: Iterable[str]) -> Iterator[ParsedRow | RowError]:
    """Parse a survey CSV given as text lines (with their line endings: a file opened with ``encoding="utf-8-sig",
    newline=""``, or ``io.StringIO(text, newline="")``).

    Yields a ``ParsedRow`` per valid row and the ``RowError``s of each invalid row, in file order. Header errors are
    reported on line 1 and end the stream (no rows can be read without a valid header); so do undecodable bytes and
    broken CSV quoting (reported on the line where they occur).
    """
    source = iter(lines)
    try:
        first = next(source, None)
    except UnicodeDecodeError:
        yield RowError(1, None, "Het bestand is geen geldige UTF-8-tekst.", fatal=True)
        return
    if first is None or not first.strip("\ufeff \t\r\n"):
        yield RowError(1, None, "Het bestand is leeg: de kopregel met de kolomnamen ontbreekt.", fatal=True)
        return
    first = first.removeprefix("\ufeff")
    separator = detect_separator(first)
    reader = csv.reader(_chain_first(first, source), delimiter=separator, strict=True)

    try:
        header = next(reader)
    except (csv.Error, UnicodeDecodeError) as exc:
        yield RowError(1, None, f"De kopregel is geen geldige CSV ({exc}).", fatal=True)
        return
    header_errors, positions = _check_header(header)
    if header_errors:
        yield from header_errors
        return
    width = len(header)
    index = [positions[name] for name in COLUMNS]
    i_reasons = positions["reasons"]
    seen: dict[str, int] = {}
    previous_end = reader.line_num

    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield RowError(
                reader.line_num + 1,
                None,
                "Deze regel is geen geldige UTF-8-tekst; het bestand is niet verder gelezen.",
                fatal=True,
            )
            return
        except csv.Error as exc:
            yield RowError(
                previous_end + 1,
                None,
                f"Ongeldige CSV vanaf deze regel ({exc}); het bestand is niet verder gelezen.",
                fatal=True,
            )
            return
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(value.strip() for value in record):
            continue
        if len(record) != width:
            yield RowError(
                line,
                None,
                f"Deze regel heeft {len(record)} velden, verwacht {width} (scheidingsteken '{separator}').",
            )
            continue
        text = {name: record[i].strip() for name, i in zip(COLUMNS, index, strict=True)}
        builder = _RowBuilder(line)
        respondent_id = text["respondent_id"]
        if respondent_id in seen:
            builder.error(
                "respondent_id",
                f"Respondentnummer '{respondent_id}' komt al voor op regel {seen[respondent_id]}.",
            )
        elif respondent_id:
            seen[respondent_id] = line
        reasons_text = record[i_reasons]
        row = builder.build(text, reasons_text.split(REASON_SEPARATOR) if reasons_text.strip() else ())
        if row is None:
            yield from builder.errors
        else:
            yield row


def _chain_first(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def parse_survey_bytes(data: bytes) -> Iterator[ParsedRow | RowError]:
    """Parse a whole survey CSV given as bytes (an HTTP body), decoding UTF-8 with an optional BOM."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return iter([RowError(line, None, "Het bestand is geen geldige UTF-8-tekst (vanaf deze regel).", fatal=True)])
    return parse_survey_csv(io.StringIO(text, newline=""))


# ------------------------------------------------------------------------------------------------ JSON


def survey_row_from_json(obj: object) -> ParsedRow | list[RowError]:
    """Validate one response from the API: an object with the CSV columns as keys (``reasons`` a list of codes;
    ``grade`` an integer; ``remembered_contact`` ``"ja"``/``"nee"`` or a boolean; absent optional keys count as
    empty). Returns the row, or the errors (``line`` None, ``field`` the key)."""
    if not isinstance(obj, Mapping):
        return [RowError(None, None, "Verwacht een JSON-object met de velden van de enquête.")]
    builder = _RowBuilder(None)
    for key in obj:
        if key not in COLUMNS:
            builder.error(str(key), f"Onbekend veld '{key}'. Toegestaan: {', '.join(COLUMNS)}.")
    text: dict[str, str] = {}
    for field in COLUMNS:
        if field == "reasons":
            continue
        value = obj.get(field)
        if value is None:
            text[field] = ""
        elif field == "remembered_contact" and isinstance(value, bool):
            text[field] = "ja" if value else "nee"
        elif field in ("grade", "respondent_id") and isinstance(value, int) and not isinstance(value, bool):
            text[field] = str(value)
        elif isinstance(value, str):
            text[field] = value.strip()
        else:
            builder.error(
                field, "Ongeldig type: verwacht tekst" + (" of een geheel getal." if field == "grade" else ".")
            )
            text[field] = ""
    reasons = obj.get("reasons")
    reason_codes: list[str] = []
    if isinstance(reasons, list) and all(isinstance(code, str) for code in reasons):
        reason_codes = reasons
    elif reasons is not None:
        builder.error("reasons", "Ongeldig type: verwacht een lijst met redencodes.")
    type_errors = builder.errors
    builder.errors = []
    row = builder.build(text, reason_codes)
    if not type_errors and row is not None:
        return row
    # Every problem at once: the type errors, then the rule errors of the other fields.
    wrong_type = {error.field for error in type_errors}
    return type_errors + [error for error in builder.errors if error.field not in wrong_type]
