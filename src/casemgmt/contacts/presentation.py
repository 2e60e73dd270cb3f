"""How contacts (and the dossiers they belong to) read in Dutch on the pages: the dossier labels plus channels,
directions, outcomes and why we ask. Passed to the contact and dossier-page templates as ``fmt``."""

from __future__ import annotations

from dataclasses import dataclass, field

from casemgmt.contacts import rules
from casemgmt.dossiers.presentation import Formatting


@dataclass(frozen=True)
class ContactFormatting(Formatting):
    channel: dict[str, str] = field(default_factory=lambda: dict(rules.CHANNEL_LABELS))
    direction: dict[str, str] = field(default_factory=lambda: dict(rules.DIRECTION_LABELS))
    contact_outcome: dict[str, str] = field(default_factory=lambda: dict(rules.OUTCOME_LABELS))
    why: dict[str, str] = field(default_factory=lambda: dict(rules.WHY_WE_ASK))


FMT = ContactFormatting()
