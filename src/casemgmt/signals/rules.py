"""Dossier signals (signalen): which warnings a dossier raises, from facts the service aggregates in SQL.

Pure function over `DossierFacts`; the codes are part of the API (`GET /api/v1/dossiers/{id}` → ``signals``):

- ``overdue_commitment`` — an open commitment of the dossier is past its due moment;
- ``ping_pong`` — a handoff went to a service that handed the dossier off within the previous 30 days;
- ``many_handoffs`` — 3 or more handoffs (counted as in `casemgmt.handoffs.rules`: requested or accepted);
- ``escalation_overdue`` — an open escalation is past its service norm;
- ``no_recent_contact`` — the dossier is not closed and there has been no contact with the client for 10 business
  days: `business_days_between(last contact, now) >= 10`, counting from the opening when there was no contact yet
  (or when the last contact predates the opening).

The historical signals (ping-pong, many handoffs) stay on a closed dossier; the others cannot arise on one (closing is
refused with open commitments or escalations) or are explicitly limited to dossiers that are not closed.
Signals are returned in the order of `SIGNAL_CODES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from casemgmt.directory.calendar import business_days_between

OVERDUE_COMMITMENT = "overdue_commitment"
PING_PONG = "ping_pong"
MANY_HANDOFFS = "many_handoffs"
ESCALATION_OVERDUE = "escalation_overdue"
NO_RECENT_CONTACT = "no_recent_contact"

SIGNAL_CODES: tuple[str, ...] = (OVERDUE_COMMITMENT, PING_PONG, MANY_HANDOFFS, ESCALATION_OVERDUE, NO_RECENT_CONTACT)

MANY_HANDOFFS_THRESHOLD = 3
NO_CONTACT_BUSINESS_DAYS = 10
CLOSED_STATUS = "closed"

SIGNAL_LABELS: Mapping[str, str] = {
    OVERDUE_COMMITMENT: "Toezegging over tijd",
    PING_PONG: "Pingpong tussen diensten",
    MANY_HANDOFFS: f"{MANY_HANDOFFS_THRESHOLD} of meer overdrachten",
    ESCALATION_OVERDUE: "Escalatie over de norm",
    NO_RECENT_CONTACT: f"{NO_CONTACT_BUSINESS_DAYS} werkdagen geen contact met de klant",
}


@dataclass(frozen=True)
class DossierFacts:
    """Pre-aggregated facts of one dossier (one query for a whole worklist, no N+1)."""

    status: str
    opened_at: datetime
    last_contact_at: datetime | None = None
    has_overdue_commitment: bool = False
    handoff_count: int = 0
    ping_pong: bool = False
    has_overdue_escalation: bool = False


def has_no_recent_contact(facts: DossierFacts, now: datetime) -> bool:
    """Not closed, and 10 or more business days since the last contact (or since opening, without contacts).

    A contact from before the opening (a KCC call later linked to the dossier) counts from the opening instead, so a
    dossier opened today never starts out with this signal.
    """
    if facts.status == CLOSED_STATUS:
        return False
    since = facts.opened_at if facts.last_contact_at is None else max(facts.last_contact_at, facts.opened_at)
    return business_days_between(since, now) >= NO_CONTACT_BUSINESS_DAYS


def dossier_signals(facts: DossierFacts, now: datetime) -> list[str]:
    """The signal codes the dossier raises at `now`, in `SIGNAL_CODES` order. `now` must be timezone-aware."""
    raised = {
        OVERDUE_COMMITMENT: facts.has_overdue_commitment,
        PING_PONG: facts.ping_pong,
        MANY_HANDOFFS: facts.handoff_count >= MANY_HANDOFFS_THRESHOLD,
        ESCALATION_OVERDUE: facts.has_overdue_escalation,
        NO_RECENT_CONTACT: has_no_recent_contact(facts, now),
    }
    return [code for code in SIGNAL_CODES if raised[code]]
