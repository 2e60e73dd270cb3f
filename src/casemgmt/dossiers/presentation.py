"""How dossiers read in Dutch on the pages: labels and local times.

Passed to the dossier templates as ``fmt``; kept out of the shared Jinja set-up so this concept owns it. The contact
concept extends it with its own labels (``contacts/presentation.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.dossiers import rules as dossier_rules

ROLE_LABELS = {"casemanager": "Casemanager", "accountmanager": "Accountmanager"}


def local(moment: datetime | None, with_time: bool = True) -> str:
    """A moment as Dutch local time, e.g. ``29-11-2026 14:05``."""
    if moment is None:
        return ""
    moment = moment.astimezone(AMSTERDAM)
    return moment.strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")


def iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


@dataclass(frozen=True)
class Formatting:
    status: dict[str, str] = field(default_factory=lambda: dict(dossier_rules.STATUS_LABELS))
    dossier_outcome: dict[str, str] = field(default_factory=lambda: dict(dossier_rules.OUTCOME_LABELS))
    role: dict[str, str] = field(default_factory=lambda: dict(ROLE_LABELS))

    @staticmethod
    def local(moment: datetime | None, with_time: bool = True) -> str:
        return local(moment, with_time)

    @staticmethod
    def iso(moment: datetime | None) -> str:
        return iso(moment)

    @staticmethod
    def service_options(services: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(code, f"{code} – {name}") for code, name in services]


FMT = Formatting()
