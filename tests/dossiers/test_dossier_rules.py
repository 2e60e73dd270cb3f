"""The dossier's domain rules without HTTP or a database: status machine, reference format, caseload cap."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.dossiers import rules
from casemgmt.dossiers.rules import (
    CLOSED,
    IN_PROGRESS,
    OPEN,
    WAITING,
    allowed_next_statuses,
    caseload_refusal,
    check_reason,
    check_status_change,
    check_subject,
    format_reference,
    next_reference,
    parse_reference,
)

LEGAL = {
    (OPEN, IN_PROGRESS),
    (OPEN, WAITING),
    (OPEN, CLOSED),
    (IN_PROGRESS, WAITING),
    (IN_PROGRESS, CLOSED),
    (WAITING, IN_PROGRESS),
    (WAITING, CLOSED),
}


@pytest.mark.parametrize("current", rules.STATUSES)
@pytest.mark.parametrize("target", rules.STATUSES)
def test_status_machine_allows_exactly_the_documented_moves(current: str, target: str) -> None:
    outcome = "resolved" if target == CLOSED and current != CLOSED else None
    errors = check_status_change(current, target, outcome)
    if current == target or (current, target) in LEGAL:
        assert errors == []
    else:
        assert [e.field for e in errors] == ["status"]


def test_closed_is_final_with_a_dutch_message() -> None:
    errors = check_status_change(CLOSED, OPEN, None)
    assert errors[0].message == "Dit dossier is gesloten; de status kan niet meer worden gewijzigd"
    assert allowed_next_statuses(CLOSED) == []


def test_waiting_and_in_progress_go_back_and_forth() -> None:
    assert allowed_next_statuses(IN_PROGRESS) == [WAITING, CLOSED]
    assert allowed_next_statuses(WAITING) == [IN_PROGRESS, CLOSED]
    assert allowed_next_statuses(OPEN) == [IN_PROGRESS, WAITING, CLOSED]


def test_illegal_move_names_what_is_allowed() -> None:
    (error,) = check_status_change(IN_PROGRESS, OPEN, None)
    assert "wel naar: Wacht op reactie, Gesloten" in error.message


@pytest.mark.parametrize("outcome", rules.OUTCOMES)
def test_closing_with_each_outcome_is_fine(outcome: str) -> None:
    assert check_status_change(IN_PROGRESS, CLOSED, outcome) == []


def test_closing_needs_a_known_outcome() -> None:
    assert [e.field for e in check_status_change(OPEN, CLOSED, None)] == ["outcome"]
    (error,) = check_status_change(OPEN, CLOSED, "happy")
    assert error.field == "outcome" and "Onbekende uitkomst 'happy'" in error.message


def test_an_outcome_only_when_closing() -> None:
    (error,) = check_status_change(OPEN, IN_PROGRESS, "resolved")
    assert error.message == "Een uitkomst hoort alleen bij het sluiten van een dossier"
    assert check_status_change(OPEN, None, "resolved")[0].field == "outcome"


def test_unknown_status() -> None:
    (error,) = check_status_change(OPEN, "archived", None)
    assert error.field == "status" and "Onbekende status 'archived'" in error.message


def test_reference_format() -> None:
    assert format_reference(2026, 1) == "D-2026-00001"
    assert format_reference(2026, 99999) == "D-2026-99999"
    assert parse_reference("D-2026-00042") == (2026, 42)
    assert parse_reference("d-2026-00042") == (2026, 42)
    for wrong in ("D-2026-0042", "D-26-00042", "X-2026-00042", "D-2026-000420", ""):
        assert parse_reference(wrong) is None
    with pytest.raises(ValueError):
        format_reference(2026, 100000)
    with pytest.raises(ValueError):
        format_reference(2026, 0)


def test_next_reference_counts_per_year() -> None:
    assert next_reference(2026, None) == "D-2026-00001"
    assert next_reference(2026, "D-2026-00041") == "D-2026-00042"
    assert next_reference(2027, "D-2026-00041") == "D-2027-00001"  # a new year starts at 1


@given(st.integers(min_value=2000, max_value=2999), st.integers(min_value=1, max_value=99999))
def test_reference_round_trip(year: int, number: int) -> None:
    assert parse_reference(format_reference(year, number)) == (year, number)


def test_caseload_cap_message_names_the_cap() -> None:
    assert caseload_refusal("Carla", 24, 25) is None
    assert caseload_refusal("Carla", 0, None) is None
    assert caseload_refusal("Carla", 25, 25) == "Casemanager Carla heeft al 25 open dossiers (maximum 25)"
    assert caseload_refusal("Carla", 0, 0) == "Casemanager Carla heeft al 0 open dossiers (maximum 0)"


def test_subject_and_reason() -> None:
    assert check_subject("Schulden") == []
    assert check_subject("  ")[0].message == "Vul het onderwerp van het dossier in"
    assert "te lang" in check_subject("x" * 301)[0].message
    assert check_reason("", required=True)[0].field == "reason"
    assert check_reason("", required=False) == []
    assert check_reason("Ziek", required=True) == []
