"""The sign-in rules, without HTTP or a database: which roles and services an employee's groups at the provider give
(the group map), what an ID token's claims must hold, why a sign-in is refused (in Dutch), and how a change of roles
reads in the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from casemgmt.auth.roles import Role

SERVICE_PREFIX = "service:"

DEFAULT_GROUP_MAP: dict[str, list[str]] = {
    "casemgmt-kcc": [Role.KCC_AGENT.value, f"{SERVICE_PREFIX}KCC"],
    "casemgmt-casemanager": [Role.CASEMANAGER.value],
    "casemgmt-accountmanager": [Role.ACCOUNTMANAGER.value],
    "casemgmt-evaluator": [Role.EVALUATOR.value],
    "casemgmt-admin": [Role.ADMIN.value],
    "casemgmt-szw": [f"{SERVICE_PREFIX}SZW"],
    "casemgmt-ocw": [f"{SERVICE_PREFIX}OCW"],
    "casemgmt-dso": [f"{SERVICE_PREFIX}DSO"],
    "casemgmt-dpz": [f"{SERVICE_PREFIX}DPZ"],
}
"""The groups a municipality creates at its provider when it keeps casemgmt's names (``CASEMGMT_OIDC_GROUP_MAP``
replaces the whole map)."""

MAX_SUBJECT_LENGTH = 255
"""The longest ``sub`` (and issuer) the users table keeps; OIDC allows 255 ASCII characters."""
MAX_GROUPS = 1000


@dataclass(frozen=True)
class GroupMap:
    """Group name → the roles and the service codes it gives."""

    roles: Mapping[str, frozenset[Role]]
    services: Mapping[str, frozenset[str]]


def parse_group_map(raw: Mapping[str, list[str]]) -> GroupMap:
    """The map read from settings: each target is a role (``kcc_agent``) or ``service:CODE``. ValueError naming the
    group and target otherwise."""
    known = {role.value: role for role in Role}
    roles: dict[str, frozenset[Role]] = {}
    services: dict[str, frozenset[str]] = {}
    for group, targets in raw.items():
        group_roles: set[Role] = set()
        group_services: set[str] = set()
        for target in targets:
            if target.startswith(SERVICE_PREFIX) and target[len(SERVICE_PREFIX) :].strip():
                group_services.add(target[len(SERVICE_PREFIX) :].strip().upper())
            elif target in known:
                group_roles.add(known[target])
            else:
                raise ValueError(
                    f"CASEMGMT_OIDC_GROUP_MAP: group {group!r} maps to {target!r}, which is neither a role "
                    f"({', '.join(known)}) nor service:CODE"
                )
        roles[group] = frozenset(group_roles)
        services[group] = frozenset(group_services)
    return GroupMap(roles, services)


@dataclass(frozen=True)
class Grant:
    """What the provider's groups give: roles (values) and service codes, each sorted."""

    roles: tuple[str, ...]
    services: tuple[str, ...]


def grant_for(groups: Iterable[str], group_map: GroupMap) -> Grant:
    """The roles and services of these groups; groups the map does not name give nothing."""
    roles: set[Role] = set()
    services: set[str] = set()
    for group in groups:
        roles |= group_map.roles.get(group, frozenset())
        services |= group_map.services.get(group, frozenset())
    return Grant(
        roles=tuple(role.value for role in Role if role in roles),
        services=tuple(sorted(services)),
    )


class Refusal(StrEnum):
    """Why a sign-in through the provider is refused; each has a Dutch explanation (``REFUSALS``)."""

    NOT_CONFIGURED = "not_configured"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    UNKNOWN_ISSUER = "unknown_issuer"
    PROVIDER_ERROR = "provider_error"
    UNKNOWN_STATE = "unknown_state"
    NO_CODE = "no_code"
    TOKEN_REFUSED = "token_refused"  # noqa: S105 (a reason code)
    BAD_SIGNATURE = "bad_signature"
    WRONG_AUDIENCE = "wrong_audience"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    WRONG_NONCE = "wrong_nonce"
    MISSING_SUB = "missing_sub"
    MISSING_GROUPS = "missing_groups"
    NO_ROLE = "no_role"
    UNKNOWN_SERVICE = "unknown_service"
    NO_SERVICE = "no_service"
    NO_EMAIL = "no_email"
    UNKNOWN_USER = "unknown_user"
    DEACTIVATED = "deactivated"
    EMAIL_TAKEN = "email_taken"


_ASK_ADMIN = "Neem contact op met de functioneel beheerder van casemgmt."
_TRY_AGAIN = "Probeer opnieuw in te loggen."

REFUSALS: dict[Refusal, tuple[int, str]] = {
    Refusal.NOT_CONFIGURED: (404, "Inloggen met een gemeenteaccount is hier niet ingesteld."),
    Refusal.PROVIDER_UNAVAILABLE: (
        400,
        "De inlogdienst van de gemeente is nu niet bereikbaar of gaf een onbruikbaar antwoord. Probeer het over "
        f"enkele minuten opnieuw. {_ASK_ADMIN}",
    ),
    Refusal.UNKNOWN_ISSUER: (
        400,
        f"Het antwoord kwam van een andere inlogdienst dan die waarmee casemgmt is ingesteld. {_ASK_ADMIN}",
    ),
    Refusal.PROVIDER_ERROR: (400, f"De inlogdienst van de gemeente heeft het inloggen niet toegestaan. {_TRY_AGAIN}"),
    Refusal.UNKNOWN_STATE: (
        400,
        "Deze inlogpoging is onbekend, verlopen of al gebruikt (bijvoorbeeld na Terug in de browser of in een "
        f"tweede tabblad). {_TRY_AGAIN}",
    ),
    Refusal.NO_CODE: (400, f"De inlogdienst stuurde geen inlogcode mee. {_TRY_AGAIN}"),
    Refusal.TOKEN_REFUSED: (400, f"De inlogdienst weigerde de inlogcode (verlopen of al gebruikt). {_TRY_AGAIN}"),
    Refusal.BAD_SIGNATURE: (
        400,
        f"Het identiteitsbewijs van de inlogdienst is niet echt: de handtekening klopt niet. {_ASK_ADMIN}",
    ),
    Refusal.WRONG_AUDIENCE: (400, f"Het identiteitsbewijs is niet voor casemgmt uitgegeven. {_ASK_ADMIN}"),
    Refusal.EXPIRED: (
        400,
        "Het identiteitsbewijs van de inlogdienst is verlopen. Controleer of de klok van deze computer goed staat en "
        f"{_TRY_AGAIN.lower()}",
    ),
    Refusal.NOT_YET_VALID: (
        400,
        "Het identiteitsbewijs is uitgegeven in de toekomst: de klokken van casemgmt en de inlogdienst lopen niet "
        f"gelijk. {_ASK_ADMIN}",
    ),
    Refusal.WRONG_NONCE: (400, f"Het identiteitsbewijs hoort niet bij deze inlogpoging. {_TRY_AGAIN}"),
    Refusal.MISSING_SUB: (400, f"De inlogdienst gaf niet door wie u bent (geen 'sub'). {_ASK_ADMIN}"),
    Refusal.MISSING_GROUPS: (
        403,
        f"De inlogdienst gaf uw groepen niet door, dus casemgmt weet niet welke rol u heeft. {_ASK_ADMIN}",
    ),
    Refusal.NO_ROLE: (
        403,
        "U bent bij de gemeente bekend, maar geen van uw groepen geeft een rol in casemgmt (KCC-medewerker, "
        f"casemanager, accountmanager, evaluator of functioneel beheerder). {_ASK_ADMIN}",
    ),
    Refusal.UNKNOWN_SERVICE: (403, f"Uw groepen noemen een dienst die casemgmt niet kent. {_ASK_ADMIN}"),
    Refusal.NO_SERVICE: (
        403,
        f"U bent accountmanager volgens uw groepen, maar geen van uw groepen noemt uw dienst. {_ASK_ADMIN}",
    ),
    Refusal.NO_EMAIL: (
        403,
        f"De inlogdienst gaf geen (bevestigd) e-mailadres door, en dat is nodig voor een nieuw account. {_ASK_ADMIN}",
    ),
    Refusal.UNKNOWN_USER: (
        403,
        f"U heeft nog geen account in casemgmt, en accounts worden hier niet bij het inloggen aangemaakt. {_ASK_ADMIN}",
    ),
    Refusal.DEACTIVATED: (403, f"Uw account in casemgmt is gedeactiveerd. {_ASK_ADMIN}"),
    Refusal.EMAIL_TAKEN: (
        403,
        "Er is al een account met uw e-mailadres, gekoppeld aan een ander account bij de inlogdienst. " + _ASK_ADMIN,
    ),
}


class SignInRefused(Exception):
    """A sign-in refused for ``reason``; ``detail`` (technical, English or codes) and ``user_id`` (the account it
    was for, when one was found) go to the audit log only."""

    def __init__(self, reason: Refusal, detail: str = "", user_id: int | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.detail = detail
        self.user_id = user_id

    @property
    def status_code(self) -> int:
        return REFUSALS[self.reason][0]

    @property
    def message(self) -> str:
        return REFUSALS[self.reason][1]


@dataclass(frozen=True)
class Identity:
    """Who the verified ID token says signed in."""

    issuer: str
    subject: str
    email: str | None
    name: str
    groups: tuple[str, ...]


def identity_from_claims(claims: Mapping[str, Any], groups_claim: str) -> Identity:
    """The employee named by verified claims. A missing or unusable ``sub`` or groups claim is refused.

    The e-mail address is taken only when the provider does not say it is unverified (``email_verified: false``);
    the name from ``name``, else given and family name, else the address, else the subject."""
    subject = claims.get("sub")
    issuer = claims.get("iss")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT_LENGTH:
        raise SignInRefused(Refusal.MISSING_SUB, "sub missing, empty or longer than 255")
    if not isinstance(issuer, str) or len(issuer) > MAX_SUBJECT_LENGTH:
        raise SignInRefused(Refusal.UNKNOWN_ISSUER, "iss missing or longer than 255")
    groups = claims.get(groups_claim)
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups) or len(groups) > MAX_GROUPS:
        raise SignInRefused(Refusal.MISSING_GROUPS, f"claim {groups_claim!r} missing or not a list of texts")
    email = claims.get("email")
    usable_email = (
        email.strip().lower()
        if isinstance(email, str) and "@" in email and len(email) <= 254 and claims.get("email_verified") is not False
        else None
    )
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    name = (name or usable_email or subject).strip()[:200]
    return Identity(issuer, subject, usable_email, name, tuple(groups))


def role_change(
    old_roles: Iterable[str], new_roles: Iterable[str], old_services: Iterable[str], new_services: Iterable[str]
) -> str:
    """The audit detail of a change of roles or services at sign-in ("" when nothing changed):
    ``rollen: casemanager, kcc_agent → casemanager; diensten: – → SZW``."""
    parts = []
    for label, old, new in (("rollen", old_roles, new_roles), ("diensten", old_services, new_services)):
        before, after = sorted(set(old)), sorted(set(new))
        if before != after:
            parts.append(f"{label}: {', '.join(before) or '–'} → {', '.join(after) or '–'}")
    return "; ".join(parts)
