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


ALL_ROLES = frozenset(Role)

NAVIGATION: list[NavItem] = [
    NavItem("Start", "/", ALL_ROLES),
]


def navigation_for(user: CurrentUser | None) -> list[NavItem]:
    if user is None:
        return []
    return [item for item in NAVIGATION if item.roles & user.roles]
