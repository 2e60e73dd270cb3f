"""Pilot definitions: one TOML file per pilot in ``pilots/``, validated and loaded into the ``pilots`` table.

A file looks like ``pilots/multiservice-szw-ocw-dso.toml``::

    slug = "multiservice-szw-ocw-dso"
    name = "…"
    description = "…"
    start = 2026-01-05               # a TOML date (or "2026-01-05")
    end = 2026-12-18                 # not before start
    services = ["SZW", "OCW", "DSO"] # existing service codes
    caseload_cap = 25                # open pilot-cohort dossiers per casemanager
    assignment = "random"            # or "manual" (then no random_seed / pilot_share)
    random_seed = 20260105           # random only: the draw is reproducible from (seed, dossier id)
    pilot_share = 0.5                # random only: share of dossiers drawn into the pilot cohort, 0 < share < 1
    primary_outcome = "resolved_share"   # resolved_share | satisfied_share | kept_promises_share

    [rates]                          # EUR per hour per role (casemgmt.auth.roles.Role)
    casemanager = 78.0

    [[fixed_costs]]                  # spread over the pilot cohort's dossiers
    label = "Training casemanagers"
    amount = 12000

    [targets]                        # share measures, 0–1
    satisfied_share = 0.90

Validation reports every problem of a file as a ``DefinitionError`` naming the file, the line (found by looking the
key up in the file text; TOML syntax errors carry their own line), the field (``fixed_costs[2].amount`` is the
second ``[[fixed_costs]]`` block) and a Dutch reason. Loading is by ``slug``: a new slug is created, a known one
updated in place, nothing is ever duplicated or deleted. An invalid file loads nothing; the other files still load.
Once dossiers are enrolled, ``assignment``, ``random_seed`` and ``pilot_share`` can no longer change (that would
change the cohorts already drawn).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog
from casemgmt.auth.roles import Role
from casemgmt.directory.models import Service
from casemgmt.pilots.measures import TARGET_KEYS
from casemgmt.pilots.models import Pilot, PilotEnrolment
from casemgmt.pilots.rules import ASSIGNMENTS, MAX_DESCRIPTION_LENGTH, PRIMARY_OUTCOMES, RANDOM
from casemgmt.web.input_guard import unstorable_fields

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

if TYPE_CHECKING:  # the values come from the rules at run time; to the type checker they are strings
    RoleName: TypeAlias = str
    MeasureName: TypeAlias = str
    OutcomeName: TypeAlias = str
    AssignmentName: TypeAlias = str
else:
    RoleName = Literal[tuple(role.value for role in Role)]
    MeasureName = Literal[TARGET_KEYS]
    OutcomeName = Literal[PRIMARY_OUTCOMES]
    AssignmentName = Literal[tuple(ASSIGNMENTS)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class FixedCost(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    label: Annotated[str, Field(min_length=1, max_length=200)]
    amount: Money


class PilotFile(BaseModel):
    """The fields of a pilot file, typed. Cross-field rules are in ``_cross_field_errors``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    slug: Annotated[str, Field(pattern=SLUG_PATTERN, max_length=64)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION_LENGTH)] = ""
    start: Annotated[date, Field(strict=False)]
    end: Annotated[date, Field(strict=False)]
    services: Annotated[list[Annotated[str, Field(min_length=1, max_length=10)]], Field(min_length=1)]
    caseload_cap: Annotated[int, Field(ge=1, le=10_000)]
    assignment: AssignmentName
    random_seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    pilot_share: Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)] | None = None
    primary_outcome: OutcomeName
    rates: dict[RoleName, Money]
    fixed_costs: list[FixedCost] = []
    targets: dict[MeasureName, Share] = {}

    @property
    def service_codes(self) -> list[str]:
        return sorted({code.strip().upper() for code in self.services})

    def pilot_values(self) -> dict[str, Any]:
        """The columns of ``Pilot`` (without services and source file)."""
        return {
            "slug": self.slug,
            "name": self.name,
            "description": self.description.strip(),
            "start_date": self.start,
            "end_date": self.end,
            "caseload_cap": self.caseload_cap,
            "assignment": self.assignment,
            "random_seed": self.random_seed,
            "pilot_share": self.pilot_share,
            "primary_outcome": self.primary_outcome,
            "rates": {role: float(rate) for role, rate in sorted(self.rates.items())},
            "fixed_costs": [{"label": c.label, "amount": float(c.amount)} for c in self.fixed_costs],
            "targets": {measure: float(share) for measure, share in sorted(self.targets.items())},
        }


@dataclass(frozen=True)
class DefinitionError:
    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedPilot:
    definition: PilotFile
    file: str
    text: str

    def error(self, path: Sequence[str | int], message: str) -> DefinitionError:
        return DefinitionError(self.file, key_line(self.text, path), field_name(path), message)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[DefinitionError] = field(default_factory=list)
    invalid_files: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ locating keys

_TABLE_ARRAY = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")


def _unquote(key: str) -> str:
    key = key.strip()
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'" else key


def key_line(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line where the key at ``path`` (e.g. ``("fixed_costs", 1, "amount")``) is defined, or the line of
    its nearest enclosing key or table; None when nothing matches. A line-oriented scan that understands top-level
    keys, ``[table]`` and ``[[array of tables]]`` headers — enough for pilot files; keys inside inline tables resolve
    to the line of the enclosing key."""
    lines: dict[tuple[str | int, ...], int] = {}
    current: tuple[str | int, ...] = ()
    arrays: dict[str, int] = {}
    in_multiline = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if raw.count('"""') % 2 == 1 or raw.count("'''") % 2 == 1:
                in_multiline = False
            continue
        if match := _TABLE_ARRAY.match(raw):
            name = _unquote(match.group(1))
            index = arrays.get(name, 0)
            arrays[name] = index + 1
            current = (name, index)
            lines.setdefault((name,), number)
            lines.setdefault(current, number)
        elif match := _TABLE.match(raw):
            current = tuple(_unquote(part) for part in match.group(1).split("."))
            lines.setdefault(current, number)
        elif match := _KEY.match(raw):
            lines.setdefault((*current, _unquote(match.group(1))), number)
            rest = raw[match.end() :]
            if rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1:
                in_multiline = True
    wanted = tuple(part for part in path if part != "[key]")
    for size in range(len(wanted), 0, -1):
        if wanted[:size] in lines:
            return lines[wanted[:size]]
    return None


def field_name(path: Sequence[str | int]) -> str:
    """``("fixed_costs", 1, "amount")`` → ``"fixed_costs[2].amount"`` (blocks counted from 1)."""
    name = ""
    for part in path:
        if part == "[key]":
            continue
        if isinstance(part, int):
            name += f"[{part + 1}]"
        else:
            name += f".{part}" if name else str(part)
    return name


# ------------------------------------------------------------------------------------------------ validation

_TYPE_NAMES = {
    "int_type": "een geheel getal",
    "int_from_float": "een geheel getal",
    "float_type": "een getal",
    "string_type": "tekst tussen aanhalingstekens",
    "date_type": "een datum (jjjj-mm-dd)",
    "list_type": 'een lijst, bijvoorbeeld ["SZW", "OCW"]',
    "dict_type": "een tabel",
    "model_type": "een tabel",
    "bool_type": "true of false",
}

_MESSAGES: dict[str, str] = {
    "missing": "ontbreekt; dit veld is verplicht.",
    "extra_forbidden": "onbekend veld.",
    "string_pattern_mismatch": (
        "{value!r} is ongeldig: gebruik kleine letters, cijfers en streepjes, bijvoorbeeld 'mijn-pilot'."
    ),
    **dict.fromkeys(("string_too_short", "too_short"), "mag niet leeg zijn."),
    **dict.fromkeys(("string_too_long", "too_long"), "is te lang (hoogstens {max_length} tekens)."),
    "greater_than_equal": "moet minstens {ge} zijn (nu {value!r}).",
    "greater_than": "moet groter dan {gt} zijn (nu {value!r}).",
    "less_than_equal": "mag hoogstens {le} zijn (nu {value!r}).",
    "less_than": "moet kleiner dan {lt} zijn (nu {value!r}).",
    **dict.fromkeys(
        ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"),
        "{value!r} is geen geldige datum; gebruik jjjj-mm-dd.",
    ),
    "finite_number": "moet een eindig getal zijn.",
    **{kind: f"verwacht {name} (nu {{value!r}})." for kind, name in _TYPE_NAMES.items()},
}
"""Per pydantic error type the Dutch reason (after the field's name); ``{value}`` is the value given, the bounds
come from the error's context (a whole float shown as a whole number)."""


def _number(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _dutch(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "literal_error":
        what = "sleutel" if "[key]" in error["loc"] else "waarde"
        expected = str((error.get("ctx") or {}).get("expected", "")).replace(" or ", " of ")
        return f"onbekende {what} {error.get('input')!r}; kies uit: {expected}."
    if kind in _MESSAGES:
        bounds = {name: _number(bound) for name, bound in (error.get("ctx") or {}).items()}
        return _MESSAGES[kind].format_map(defaultdict(lambda: None, bounds, value=error.get("input")))
    return str(error.get("msg", "ongeldig."))


def _cross_field_errors(parsed: ParsedPilot) -> list[DefinitionError]:
    d = parsed.definition
    errors: list[DefinitionError] = []
    if d.end < d.start:
        errors.append(parsed.error(("end",), f"de einddatum {d.end} ligt vóór de startdatum {d.start}."))
    if d.assignment == RANDOM:
        if d.random_seed is None:
            errors.append(parsed.error(("random_seed",), 'ontbreekt; verplicht bij assignment = "random".'))
        if d.pilot_share is None:
            errors.append(parsed.error(("pilot_share",), 'ontbreekt; verplicht bij assignment = "random".'))
    else:
        for name in ("random_seed", "pilot_share"):
            if getattr(d, name) is not None:
                errors.append(parsed.error((name,), 'hoort alleen bij assignment = "random"; laat het weg.'))
    codes = [code.strip().upper() for code in d.services]
    for index, code in enumerate(codes):
        if code in codes[:index]:
            errors.append(parsed.error(("services", index), f"dienst {code} staat er meer dan één keer in."))
    return errors


def parse_pilot_text(text: str, file: str) -> ParsedPilot | list[DefinitionError]:
    """Validate one pilot file's text (no database): the definition, or every error found."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) if match else message
        return [DefinitionError(file, line, None, f"geen geldige TOML: {reason}.")]
    if unstorable := sorted(set(unstorable_fields(document))):  # a "\u0000" escape: PostgreSQL cannot store it
        locations = [tuple(int(p) if p.isdigit() else p for p in path.split(".")) for path in unstorable]
        return [
            DefinitionError(file, key_line(text, loc), field_name(loc) or None, "bevat een NUL-teken; verwijder het.")
            for loc in locations
        ]
    try:
        definition = PilotFile.model_validate(document)
    except ValidationError as exc:
        return [
            DefinitionError(file, key_line(text, error["loc"]), field_name(error["loc"]) or None, _dutch(error))
            for error in exc.errors(include_url=False)
        ]
    parsed = ParsedPilot(definition, file, text)
    errors = _cross_field_errors(parsed)
    return errors or parsed


def display_name(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def read_pilot_file(path: Path) -> ParsedPilot | list[DefinitionError]:
    name = display_name(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return [DefinitionError(name, line, None, "het bestand is geen geldige UTF-8-tekst.")]
    except OSError as exc:
        return [DefinitionError(name, None, None, f"kan het bestand niet lezen ({exc.strerror}).")]
    return parse_pilot_text(text, name)


def pilot_files(location: Path) -> list[Path]:
    """The ``*.toml`` files of a directory (sorted), or the file itself."""
    if location.is_file():
        return [location]
    return sorted(path for path in location.glob("*.toml") if path.is_file())


# ------------------------------------------------------------------------------------------------ loading


async def load_pilots(session: AsyncSession, location: Path, audit: AuditLog | None = None) -> LoadReport:
    """Load every pilot file of ``location`` (a directory or one file) by slug. Invalid files load nothing and are
    reported; valid ones are created or updated. Flushes, never commits."""
    report = LoadReport()
    files = pilot_files(location)
    if not files:
        report.errors.append(DefinitionError(display_name(location), None, None, "geen pilotbestanden (*.toml)."))
        return report
    services = await _services(session)
    existing = {pilot.slug: pilot for pilot in (await session.scalars(select(Pilot))).all()}
    counts = await session.execute(select(PilotEnrolment.pilot_id, func.count()).group_by(PilotEnrolment.pilot_id))
    enrolled: dict[int, int] = {pilot_id: count for pilot_id, count in counts.all()}
    seen_slugs: dict[str, str] = {}
    for path in files:
        result = read_pilot_file(path)
        if isinstance(result, list):
            report.errors.extend(result)
            report.invalid_files.append(display_name(path))
            continue
        d = result.definition
        errors: list[DefinitionError] = []
        unknown = [code for code in d.service_codes if code not in services]
        if unknown:
            errors.append(
                result.error(
                    ("services",),
                    f"onbekende dienst(en): {', '.join(unknown)}; bekende diensten: {', '.join(sorted(services))}.",
                )
            )
        if d.slug in seen_slugs:
            errors.append(result.error(("slug",), f"slug {d.slug!r} staat ook al in {seen_slugs[d.slug]}."))
        pilot = existing.get(d.slug)
        values = d.pilot_values()
        if pilot is not None and enrolled.get(pilot.id):
            changed = [
                name for name in ("assignment", "random_seed", "pilot_share") if getattr(pilot, name) != values[name]
            ]
            errors.extend(
                result.error(
                    (name,),
                    f"kan niet meer wijzigen: er zijn al {enrolled[pilot.id]} dossiers ingedeeld "
                    f"(nu {getattr(pilot, name)!r}).",
                )
                for name in changed
            )
        if errors:
            report.errors.extend(errors)
            report.invalid_files.append(result.file)
            continue
        seen_slugs[d.slug] = result.file
        wanted_services = [services[code] for code in d.service_codes]
        source = path.name
        if pilot is None:
            pilot = Pilot(**values, source_file=source, services=wanted_services)
            session.add(pilot)
            existing[d.slug] = pilot
            report.created.append(d.slug)
            action = Action.CREATE
        elif _differs(pilot, values, d.service_codes, source):
            for name, value in values.items():
                setattr(pilot, name, value)
            pilot.source_file = source
            pilot.services = wanted_services
            report.updated.append(d.slug)
            action = Action.UPDATE
        else:
            report.unchanged.append(d.slug)
            continue
        if audit is not None:
            audit.record(action, "pilot", d.slug, detail=f"pilotbestand {result.file}")
    await session.flush()
    return report


def _differs(pilot: Pilot, values: Mapping[str, Any], service_codes: list[str], source: str) -> bool:
    return (
        any(getattr(pilot, name) != value for name, value in values.items())
        or pilot.service_codes != service_codes
        or pilot.source_file != source
    )


async def _services(session: AsyncSession) -> dict[str, Service]:
    return {service.code: service for service in (await session.scalars(select(Service))).all()}
