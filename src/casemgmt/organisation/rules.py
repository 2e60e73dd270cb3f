"""The rules of the employee administration (Beheer > Gebruikers, API tokens), as plain functions: no I/O, so they
are tested without HTTP or a database. The services (``organisation/accounts.py``) read what these need (the
services that exist, how many other active admins there are) and raise ``InvalidInput``/``Conflict`` with what
these return.

- roles must be known ones, at least one; an accountmanager belongs to at least one service; every service named
  must exist;
- the caseload cap is a whole number of at least 1 (or none), and only a casemanager has one;
- the direct phone is empty or a valid Dutch or international number (kept as typed);
- nobody deactivates themselves, and the last active admin can neither be deactivated nor lose the admin role
  (someone must be able to administer the system);
- a token's label is at most ``TOKEN_LABEL_MAX`` characters.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from casemgmt.auth.roles import Role
from casemgmt.directory.phones import MAX_PHONE, PHONE_MESSAGE, normalise_phone
from casemgmt.errors import FieldError, too_long

MIN_CASELOAD = 1
MAX_CASELOAD = 10_000
"""No casemanager carries more; a larger number is a typo."""
TOKEN_LABEL_MAX = 100
"""The column's length."""
PHONE_MAX = MAX_PHONE

LAST_ADMIN = (
    "Dit is de laatste actieve functioneel beheerder. Geef eerst iemand anders de rol functioneel beheerder; "
    "anders kan niemand casemgmt meer beheren."
)
NOT_YOURSELF = "U kunt uw eigen account niet deactiveren. Laat een andere functioneel beheerder dat doen."
ROLES_REQUIRED = "Kies ten minste één rol"
ACCOUNTMANAGER_SERVICE = "Een accountmanager hoort bij ten minste één dienst"
CASELOAD_MESSAGE = (
    f"Vul een geheel getal van {MIN_CASELOAD} tot en met {MAX_CASELOAD} in, of laat leeg voor geen maximum"
)
CASELOAD_NOT_CASEMANAGER = "Alleen een casemanager heeft een maximale caseload; deze gebruiker is geen casemanager"


def check_roles(
    roles: Iterable[str], service_codes: Collection[str], known_services: Collection[str]
) -> list[FieldError]:
    """Known roles (at least one), known services, and a service for every accountmanager."""
    roles = list(roles)
    errors: list[FieldError] = []
    known = {role.value for role in Role}
    unknown = sorted({role for role in roles if role not in known})
    if not roles:
        errors.append(FieldError("roles", ROLES_REQUIRED))
    elif unknown:
        errors.append(FieldError("roles", f"Onbekende rol: {', '.join(unknown)}; kies uit {', '.join(sorted(known))}"))
    missing = sorted(set(service_codes) - set(known_services))
    if missing:
        errors.append(FieldError("services", f"Onbekende dienst: {', '.join(missing)}"))
    elif Role.ACCOUNTMANAGER.value in roles and not service_codes:
        errors.append(FieldError("services", ACCOUNTMANAGER_SERVICE))
    return errors


def check_caseload(value: object, roles: Collection[str]) -> list[FieldError]:
    """A cap is ``None`` (no maximum) or a whole number in MIN..MAX, for a casemanager only."""
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_CASELOAD <= value <= MAX_CASELOAD:
        return [FieldError("max_caseload", CASELOAD_MESSAGE)]
    if Role.CASEMANAGER.value not in roles:
        return [FieldError("max_caseload", CASELOAD_NOT_CASEMANAGER)]
    return []


def parse_caseload_text(text: str) -> int | FieldError | None:
    """A form's cap field: empty is no maximum, else a whole number (checked by ``check_caseload``)."""
    stripped = text.strip()
    if not stripped:
        return None
    if not stripped.isdigit() or len(stripped) > 6:
        return FieldError("max_caseload", CASELOAD_MESSAGE)
    return int(stripped)


def check_phone(phone: str) -> list[FieldError]:
    """Empty, or a phone number ``phonenumbers`` reads as valid (kept as typed, like a department's)."""
    text = phone.strip()
    if not text:
        return []
    if len(text) > PHONE_MAX:
        return too_long("phone", "Het telefoonnummer", text, PHONE_MAX)
    return [] if normalise_phone(text) else [FieldError("phone", PHONE_MESSAGE)]


def check_admin_change(
    *,
    actor_id: int,
    user_id: int,
    was_active_admin: bool,
    stays_active_admin: bool,
    deactivating: bool,
    other_active_admins: int,
) -> list[FieldError]:
    """Nobody deactivates themselves; the last active admin keeps being one."""
    if deactivating and actor_id == user_id:
        return [FieldError("is_active", NOT_YOURSELF)]
    if was_active_admin and not stays_active_admin and other_active_admins == 0:
        return [FieldError("is_active" if deactivating else "roles", LAST_ADMIN)]
    return []


def check_token_label(label: str) -> list[FieldError]:
    return too_long("name", "De omschrijving", label.strip(), TOKEN_LABEL_MAX)


def role_change_text(old: Iterable[str], new: Iterable[str]) -> str:
    """The audit detail of a role change: what was added and what was taken away (empty when nothing changed)."""
    before, after = set(old), set(new)
    parts = [f"+{role}" for role in sorted(after - before)] + [f"-{role}" for role in sorted(before - after)]
    return f"rollen: {' '.join(parts)}" if parts else ""
