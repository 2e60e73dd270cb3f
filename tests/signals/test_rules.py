"""Dossier signals from pre-aggregated facts: each code alone, the 10-business-day contact rule, closed dossiers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.signals.rules import (
    ESCALATION_OVERDUE,
    MANY_HANDOFFS,
    NO_RECENT_CONTACT,
    OVERDUE_COMMITMENT,
    PING_PONG,
    SIGNAL_CODES,
    SIGNAL_LABELS,
    DossierFacts,
    dossier_signals,
    has_no_recent_contact,
)

NOW = datetime(2025, 2, 17, 10, 0, tzinfo=AMSTERDAM)  # Monday
RECENT = datetime(2025, 2, 14, 10, 0, tzinfo=AMSTERDAM)  # the Friday before
OPENED = datetime(2024, 11, 4, 9, 0, tzinfo=AMSTERDAM)


def facts(**changes: object) -> DossierFacts:
    base: dict[str, object] = {"status": "in_progress", "opened_at": OPENED, "last_contact_at": RECENT}
    base.update(changes)
    return DossierFacts(**base)  # type: ignore[arg-type]


def test_a_quiet_healthy_dossier_has_no_signals() -> None:
    assert dossier_signals(facts(), NOW) == []


def test_overdue_commitment() -> None:
    assert dossier_signals(facts(has_overdue_commitment=True), NOW) == [OVERDUE_COMMITMENT]


def test_ping_pong() -> None:
    assert dossier_signals(facts(ping_pong=True), NOW) == [PING_PONG]


@pytest.mark.parametrize(("count", "expected"), [(0, []), (2, []), (3, [MANY_HANDOFFS]), (7, [MANY_HANDOFFS])])
def test_many_handoffs_from_three(count: int, expected: list[str]) -> None:
    assert dossier_signals(facts(handoff_count=count), NOW) == expected


def test_escalation_overdue() -> None:
    assert dossier_signals(facts(has_overdue_escalation=True), NOW) == [ESCALATION_OVERDUE]


def test_no_recent_contact_after_10_business_days() -> None:
    last_contact = datetime(2025, 2, 3, 15, 0, tzinfo=AMSTERDAM)  # Monday two weeks earlier
    assert dossier_signals(facts(last_contact_at=last_contact), datetime(2025, 2, 14, 16, tzinfo=UTC)) == []  # 9
    assert dossier_signals(facts(last_contact_at=last_contact), NOW) == [NO_RECENT_CONTACT]  # 10


def test_no_recent_contact_counts_business_days_not_calendar_days() -> None:
    # Last contact Tuesday 22 April 2025; Koningsdag is on Saturday that year but Bevrijdingsdag (5 May) is a
    # lustrum holiday and Ascension Day is 29 May: 14 calendar days later only 9 business days have passed.
    last_contact = datetime(2025, 4, 22, 11, tzinfo=AMSTERDAM)
    assert not has_no_recent_contact(facts(last_contact_at=last_contact), datetime(2025, 5, 6, 11, tzinfo=AMSTERDAM))
    assert has_no_recent_contact(facts(last_contact_at=last_contact), datetime(2025, 5, 7, 9, tzinfo=AMSTERDAM))


def test_without_contacts_it_counts_from_the_opening() -> None:
    opened = datetime(2025, 2, 3, 9, tzinfo=AMSTERDAM)
    assert dossier_signals(facts(opened_at=opened, last_contact_at=None), NOW) == [NO_RECENT_CONTACT]
    assert dossier_signals(facts(opened_at=RECENT, last_contact_at=None), NOW) == []


def test_a_contact_from_before_the_opening_counts_from_the_opening() -> None:
    kcc_call = datetime(2025, 1, 6, 9, tzinfo=AMSTERDAM)
    assert dossier_signals(facts(opened_at=RECENT, last_contact_at=kcc_call), NOW) == []


def test_closed_dossiers_do_not_wait_for_contact_but_keep_their_history() -> None:
    long_ago = datetime(2024, 6, 3, 9, tzinfo=AMSTERDAM)
    closed = facts(status="closed", opened_at=long_ago, last_contact_at=long_ago, ping_pong=True, handoff_count=4)
    assert dossier_signals(closed, NOW) == [PING_PONG, MANY_HANDOFFS]
    for status in ("open", "in_progress", "waiting"):
        assert NO_RECENT_CONTACT in dossier_signals(facts(status=status, last_contact_at=long_ago), NOW)


def test_all_signals_in_code_order() -> None:
    everything = facts(
        has_overdue_commitment=True,
        ping_pong=True,
        handoff_count=3,
        has_overdue_escalation=True,
        last_contact_at=datetime(2025, 1, 2, 9, tzinfo=AMSTERDAM),
    )
    assert dossier_signals(everything, NOW) == list(SIGNAL_CODES)
    assert SIGNAL_CODES == (
        "overdue_commitment",
        "ping_pong",
        "many_handoffs",
        "escalation_overdue",
        "no_recent_contact",
    )


def test_every_code_has_a_dutch_label() -> None:
    assert set(SIGNAL_LABELS) == set(SIGNAL_CODES)
    assert SIGNAL_LABELS[NO_RECENT_CONTACT] == "10 werkdagen geen contact met de klant"
    assert SIGNAL_LABELS[MANY_HANDOFFS] == "3 of meer overdrachten"
    assert all(label[0].isupper() or label[0].isdigit() for label in SIGNAL_LABELS.values())


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        dossier_signals(facts(), datetime(2025, 2, 17, 10))
