"""Need to know for client data (doelbinding): who sees a client's full record, and what the others see.

The plain rules, without I/O; ``ClientService`` applies them to the facts it reads (involvement from
``dossiers/involvement.py``, reasons given today from the audit log). See docs/PRIVACY.md.

- ``full``: the client's identifiers (BSN/KvK), phone, e-mail, address, representatives and, in "Wie helpt deze
  klant?", the other dossiers with their subjects and people and the open agreements. For KCC agents (routing every
  caller is their job), admins, employees who are or were on one of the client's dossiers, the employee who
  registered the client, and an employee who stated a reason for this client today;
- ``limited``: what an employee needs to find the client and start a dossier: kind, name, pseudonym, the last three
  digits of the BSN/KvK and how many dossiers are open. For the other casemanagers and accountmanagers;
- ``none``: no personal data at all (the evaluator).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, time
from enum import StrEnum

from casemgmt.auth.roles import EMPLOYEE_ROLES, Role
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.errors import FieldError

FULL_BY_ROLE = frozenset({Role.KCC_AGENT, Role.ADMIN})
"""Roles that see every client in full: the KCC routes every caller, functional admins administer."""

MIN_REASON = 10
MAX_REASON = 500
REASON_FIELD = "reden"
REASON_REQUIRED = "Geef aan waarom u de gegevens van deze klant nodig hebt (doelbinding)"
REASON_TOO_SHORT = f"Beschrijf de reden in ten minste {MIN_REASON} tekens"
REASON_TOO_LONG = f"De reden is te lang: ten hoogste {MAX_REASON} tekens"
LAST_DIGITS = 3


class ClientAccess(StrEnum):
    NONE = "none"
    LIMITED = "limited"
    FULL = "full"


def client_access(
    roles: Collection[Role], *, involved: bool, registered: bool = False, reason_given: bool = False
) -> ClientAccess:
    """What an employee with ``roles`` sees of one client.

    ``involved``: they are or were on one of the client's dossiers (casemanager or accountmanager);
    ``registered``: they registered the client (they typed in the data themselves);
    ``reason_given``: they stated a reason for this client today (the grant of doelbinding lasts the calendar day)."""
    if not set(roles) & EMPLOYEE_ROLES:
        return ClientAccess.NONE
    if set(roles) & FULL_BY_ROLE or involved or registered or reason_given:
        return ClientAccess.FULL
    return ClientAccess.LIMITED


def last_digits(identifier: str | None) -> str | None:
    """The last three digits of a BSN or KvK number: enough to tell two clients of the same name apart."""
    if not identifier:
        return None
    return identifier[-LAST_DIGITS:]


def check_reason(raw: str | None) -> tuple[str | None, list[FieldError]]:
    """The stated reason, trimmed and with its whitespace collapsed; or the Dutch error for field ``reden``."""
    text = " ".join((raw or "").split())
    if not text:
        return None, [FieldError(REASON_FIELD, REASON_REQUIRED)]
    if len(text) < MIN_REASON:
        return None, [FieldError(REASON_FIELD, REASON_TOO_SHORT)]
    if len(text) > MAX_REASON:
        return None, [FieldError(REASON_FIELD, REASON_TOO_LONG)]
    return text, []


def grant_start(now: datetime) -> datetime:
    """A reason stated at or after this moment (UTC) still grants access at ``now``: the start of the Dutch day."""
    if now.tzinfo is None:
        raise ValueError("now must carry its time zone")
    day = now.astimezone(AMSTERDAM).date()
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM).astimezone(UTC)
