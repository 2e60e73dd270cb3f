"""The domain rules of pilots, enrolment and time registration, as plain functions (no database, no HTTP).

Choices made where issue 5 leaves room:

- **Random assignment** is a per-dossier draw that depends only on ``(random_seed, dossier_id)``: the first 8 bytes
  of SHA-256 over ``"{seed}:{dossier_id}"`` as a number in [0, 1); the dossier joins the pilot cohort when that
  number is below ``pilot_share``. Anyone can recompute a dossier's draw from the pilot file and the dossier id, in
  any order and on any machine. Independent draws do not force equal arms; with the pilot's sizes the imbalance is
  small and the statistics work per arm.
- **Manual assignment** names the cohort and needs a reason. A random pilot refuses a chosen cohort: the draw
  decides.
- **Changing a cohort** always needs a reason (it is a deviation from the assignment, recorded in the audit log).
  Before the dossier's first contact the dossier's casemanager or an admin may change it; from the first contact on
  only an admin. After a change the enrolment's method is ``manual``.
- **Caseload cap**: a casemanager has at most ``caseload_cap`` open dossiers in a pilot's pilot cohort. For a random
  pilot the cap is checked before the draw, so whether a dossier can enrol never depends on its draw.
- **Services**: a dossier can only join a pilot when one of the services involved in it (an accountmanager
  assignment of that service, current or earlier) is one of the pilot's services — 422 otherwise.
- **Time entries**: 1–1440 minutes, on a date that is not in the future and not before the dossier was opened; at
  most 24 hours per employee per day over all dossiers. The entry's role (which rate prices it) is the employee's
  role on the dossier: ``casemanager`` when they are or were its casemanager, else ``accountmanager`` when they are
  or were one of its accountmanagers, else their primary role.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Final, Literal

from casemgmt.auth.roles import Role
from casemgmt.errors import FieldError
from casemgmt.pilots import measures

PILOT: Final = "pilot"
CONTROL: Final = "control"
COHORTS: Final[Mapping[str, str]] = MappingProxyType({PILOT: "Pilotgroep", CONTROL: "Controlegroep"})
Cohort = Literal["pilot", "control"]

RANDOM: Final = "random"
MANUAL: Final = "manual"
ASSIGNMENTS: Final[Mapping[str, str]] = MappingProxyType({RANDOM: "Loting", MANUAL: "Handmatig"})

PRIMARY_OUTCOMES: Final = measures.PRIMARY_OUTCOMES
"""Dossier-level measures a pilot may name as its primary outcome (issue 5; the catalogue ``measures.py``)."""

ACTIVITIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "contact": "Klantcontact",
        "coordination": "Afstemming en coördinatie",
        "administration": "Administratie",
        "travel": "Reistijd",
        "other": "Overig",
    }
)

MINUTES_PER_DAY: Final = 24 * 60
MAX_REASON_LENGTH: Final = 2000
MAX_DESCRIPTION_LENGTH: Final = 4000
LIMITS: Final = {"reason": MAX_REASON_LENGTH}
"""The text limits by field, for the forms' ``maxlength``."""
"""A pilot file's description."""

_PRIMARY_ROLE_ORDER: Final = (Role.ADMIN, Role.CASEMANAGER, Role.ACCOUNTMANAGER, Role.KCC_AGENT, Role.EVALUATOR)


# ------------------------------------------------------------------------------------------------ enrolment


def draw_value(random_seed: int, dossier_id: int) -> float:
    """The dossier's reproducible lottery number in [0, 1) for a pilot with ``random_seed``."""
    digest = hashlib.sha256(f"{random_seed}:{dossier_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def draw_cohort(random_seed: int, pilot_share: float, dossier_id: int) -> Cohort:
    """``pilot`` when the dossier's lottery number is below ``pilot_share``, else ``control``."""
    return PILOT if draw_value(random_seed, dossier_id) < pilot_share else CONTROL


def check_enrolment_choice(assignment: str, cohort: str | None, reason: str | None) -> list[FieldError]:
    """The cohort and reason given when enrolling: none for a random pilot, both for a manual one."""
    errors: list[FieldError] = []
    reason = (reason or "").strip()
    if assignment == RANDOM:
        if cohort:
            errors.append(
                FieldError("cohort", "Deze pilot deelt dossiers in door loting; kies geen cohort (laat het leeg).")
            )
    else:
        if cohort not in COHORTS:
            errors.append(FieldError("cohort", "Kies het cohort: 'pilot' of 'control'."))
        if not reason:
            errors.append(FieldError("reason", "Geef een reden: bij handmatige indeling is die verplicht."))
    if len(reason) > MAX_REASON_LENGTH:
        errors.append(FieldError("reason", f"De reden is langer dan {MAX_REASON_LENGTH} tekens."))
    return errors


def cohort_change_errors(
    *, current: str, new: str | None, reason: str | None, had_contact: bool, is_admin: bool, is_casemanager: bool
) -> tuple[list[FieldError], str | None]:
    """Validate a cohort change. Returns (field errors, refusal); a refusal is a permission problem (403)."""
    if not is_admin and not is_casemanager:
        return [], "Alleen de casemanager van het dossier of functioneel beheer kan het cohort wijzigen."
    if had_contact and not is_admin:
        return [], (
            "Er is al contact geweest in dit dossier: alleen functioneel beheer kan het cohort nog wijzigen, met een "
            "reden."
        )
    errors: list[FieldError] = []
    if new not in COHORTS:
        errors.append(FieldError("cohort", "Kies het nieuwe cohort: 'pilot' of 'control'."))
    elif new == current:
        errors.append(FieldError("cohort", f"Het dossier zit al in de {COHORTS[current].lower()}."))
    text = (reason or "").strip()
    if not text:
        errors.append(FieldError("reason", "Geef een reden voor het wijzigen van het cohort."))
    elif len(text) > MAX_REASON_LENGTH:
        errors.append(FieldError("reason", f"De reden is langer dan {MAX_REASON_LENGTH} tekens."))
    return errors, None


def pilot_caseload_full(open_pilot_dossiers: int, caseload_cap: int) -> bool:
    return open_pilot_dossiers >= caseload_cap


def services_overlap(dossier_services: Collection[str], pilot_services: Collection[str]) -> bool:
    return bool(set(dossier_services) & set(pilot_services))


# ------------------------------------------------------------------------------------------------ time entries


def primary_role(roles: Iterable[str]) -> str:
    """The role that represents a user with several roles (as ``CurrentUser.primary_role``)."""
    held = set(roles)
    for role in _PRIMARY_ROLE_ORDER:
        if role.value in held:
            return role.value
    raise ValueError("user without roles")


def role_on_dossier(*, was_casemanager: bool, was_accountmanager: bool, roles: Iterable[str]) -> str:
    """The role whose hourly rate prices an employee's time on a dossier."""
    if was_casemanager:
        return Role.CASEMANAGER.value
    if was_accountmanager:
        return Role.ACCOUNTMANAGER.value
    return primary_role(roles)


def format_minutes(minutes: int) -> str:
    """``90`` → ``"1 uur 30 minuten"`` (Dutch, for messages)."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} uur")
    if rest or not hours:
        parts.append(f"{rest} {'minuut' if rest == 1 else 'minuten'}")
    return " ".join(parts)


def check_time_entry(
    *, minutes: int | None, activity: str | None, entry_date: date, today: date, opened_on: date
) -> list[FieldError]:
    """The entry on its own: minutes 1–1440, a known activity, a date not in the future nor before the opening."""
    errors: list[FieldError] = []
    if minutes is None:
        errors.append(FieldError("minutes", "Vul het aantal minuten in."))
    elif minutes <= 0:
        errors.append(FieldError("minutes", "Het aantal minuten moet minstens 1 zijn."))
    elif minutes > MINUTES_PER_DAY:
        errors.append(FieldError("minutes", f"Meer dan {MINUTES_PER_DAY} minuten (24 uur) op één dag kan niet."))
    if activity not in ACTIVITIES:
        errors.append(FieldError("activity", f"Kies een activiteit: {', '.join(ACTIVITIES)}."))
    if entry_date > today:
        errors.append(FieldError("date", f"De datum {entry_date:%d-%m-%Y} ligt in de toekomst."))
    elif entry_date < opened_on:
        errors.append(
            FieldError(
                "date",
                f"De datum {entry_date:%d-%m-%Y} ligt vóór de opening van het dossier ({opened_on:%d-%m-%Y}).",
            )
        )
    return errors


def day_total_error(*, already: int, adding: int, entry_date: date) -> FieldError | None:
    """At most 24 hours per employee per day over all dossiers; the message names the total."""
    total = already + adding
    if total <= MINUTES_PER_DAY:
        return None
    return FieldError(
        "minutes",
        f"Met deze {format_minutes(adding)} komt het totaal op {entry_date:%d-%m-%Y} op {format_minutes(total)} "
        f"({total} minuten); er staat al {format_minutes(already)} geregistreerd en het maximum is 24 uur per dag.",
    )
