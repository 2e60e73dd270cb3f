"""The authenticated employee as seen by request handlers: who, which roles, which services."""

from __future__ import annotations

from dataclasses import dataclass

from casemgmt.auth.models import User
from casemgmt.auth.roles import Role


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    name: str
    phone: str
    roles: frozenset[Role]
    service_codes: tuple[str, ...]

    @classmethod
    def from_user(cls, user: User) -> CurrentUser:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            phone=user.phone,
            roles=frozenset(Role(r) for r in user.roles),
            service_codes=tuple(user.service_codes),
        )

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def primary_role(self) -> Role:
        """The role named in audit events and used to choose the start page."""
        for role in (Role.ADMIN, Role.CASEMANAGER, Role.ACCOUNTMANAGER, Role.KCC_AGENT, Role.EVALUATOR):
            if role in self.roles:
                return role
        raise ValueError("user without roles")

    @property
    def sorted_roles(self) -> list[Role]:
        return sorted(self.roles, key=list(Role).index)
