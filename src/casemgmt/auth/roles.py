"""The roles of DESIGN.md. A user may hold several."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    KCC_AGENT = "kcc_agent"
    CASEMANAGER = "casemanager"
    ACCOUNTMANAGER = "accountmanager"
    EVALUATOR = "evaluator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.KCC_AGENT: "KCC-medewerker",
    Role.CASEMANAGER: "Casemanager",
    Role.ACCOUNTMANAGER: "Accountmanager",
    Role.EVALUATOR: "Evaluator",
    Role.ADMIN: "Functioneel beheerder",
}

EMPLOYEE_ROLES = frozenset(Role) - {Role.EVALUATOR}
"""Roles that work with personal data (everyone but the evaluator)."""
