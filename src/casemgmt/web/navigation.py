"""The navigation, by role: each entry names the roles that see it. Later concepts add their pages here."""

from __future__ import annotations

from dataclasses import dataclass

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    roles: frozenset[Role]
    badge: str | None = None
    """A URL answering a small count badge, loaded by htmx after the page."""


ALL_ROLES = frozenset(Role)

_CASEWORK = frozenset({Role.CASEMANAGER, Role.ACCOUNTMANAGER, Role.ADMIN})
_EMPLOYEES = ALL_ROLES - {Role.EVALUATOR}
_EVALUATION = frozenset({Role.EVALUATOR, Role.ADMIN})

NAVIGATION: list[NavItem] = [
    NavItem("Start", "/start", ALL_ROLES),
    NavItem("Werkvoorraad", "/werkvoorraad", _CASEWORK, badge="/werkvoorraad/teller"),
    NavItem("Klant zoeken", "/klanten", _EMPLOYEES),
    NavItem("Mijn dossiers", "/dossiers", _CASEWORK),
    NavItem("Terugbelnotities", "/terugbelnotities", frozenset({Role.KCC_AGENT, Role.ADMIN})),
    NavItem("Escalaties", "/escalaties", _EMPLOYEES),
    NavItem("Antwoorden", "/antwoorden", _EMPLOYEES),
    NavItem("Bereikbaarheid", "/bereikbaarheid", _EMPLOYEES),
    NavItem("Pilots", "/pilots", _EVALUATION),
    NavItem("Trends", "/trends", _EVALUATION),
    NavItem("Tevredenheid invoeren", "/tevredenheid/nieuw", _EVALUATION),
    NavItem("Enquête importeren", "/tevredenheid/import", _EVALUATION),
    NavItem("Logboek", "/logboek", frozenset({Role.ADMIN})),
    NavItem("Diensten", "/beheer/diensten", frozenset({Role.ADMIN})),
    NavItem("Onderwerpen", "/beheer/onderwerpen", frozenset({Role.ADMIN})),
    NavItem("Afdelingen", "/beheer/afdelingen", frozenset({Role.ADMIN})),
    NavItem("Uitgaande mail", "/beheer/uitgaande-mail", frozenset({Role.ADMIN})),
]


def navigation_for(user: CurrentUser | None) -> list[NavItem]:
    if user is None:
        return []
    return [item for item in NAVIGATION if item.roles & user.roles]
