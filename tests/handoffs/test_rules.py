"""Handoff rules: a valid request with context, requested → accepted | declined | cancelled, ping-pong, visits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.errors import Conflict, InvalidInput
from casemgmt.handoffs.rules import (
    MAX_CONTEXT_LENGTH,
    MAX_REASON_LENGTH,
    MIN_CONTEXT_LENGTH,
    STATUS_LABELS,
    Accept,
    Cancel,
    ClosedHandoff,
    Decline,
    HandoffAction,
    HandoffEvent,
    HandoffState,
    HandoffStatus,
    apply,
    dossier_has_ping_pong,
    handoff_count,
    is_ping_pong,
    ping_pong_events,
    services_visited,
    validate_request,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CONTEXT = "Klant heeft schulden en een lopende aanvraag bijstand; bel eerst de schuldhulpverlener."


def event(frm: str, to: str, days: float, status: str = "accepted") -> HandoffEvent:
    return HandoffEvent(from_service=frm, to_service=to, at=T0 + timedelta(days=days), status=status)


# -- the request -----------------------------------------------------------------------------------------------------


def test_valid_request_is_cleaned() -> None:
    request = validate_request(to_service="DSO", holding_service="SZW", reason="  Parkeerplaats  ", context=CONTEXT)
    assert request.to_service == "DSO"
    assert request.reason == "Parkeerplaats"
    assert request.context == CONTEXT


def test_context_needs_at_least_30_characters_after_trimming() -> None:
    exactly = "x" * MIN_CONTEXT_LENGTH
    assert validate_request(to_service=2, holding_service=1, reason="r", context=f"  {exactly}  ").context == exactly
    with pytest.raises(InvalidInput) as caught:
        validate_request(to_service=2, holding_service=1, reason="r", context="  " + "x" * 29 + "      ")
    assert caught.value.status_code == 422
    message = caught.value.by_field()["context"]
    assert "minstens 30 tekens" in message
    assert set(caught.value.by_field()) == {"context"}


def test_handoff_to_the_service_that_holds_the_question_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_request(to_service="SZW", holding_service="SZW", reason="Graag overnemen", context=CONTEXT)
    assert caught.value.by_field() == {"to_service": "Deze dienst heeft de vraag al"}
    with pytest.raises(InvalidInput):
        validate_request(to_service=3, holding_service=3, reason="Graag overnemen", context=CONTEXT)
    # Without a holding service (nobody has it yet) any service may receive it.
    assert validate_request(to_service="SZW", holding_service=None, reason="r", context=CONTEXT).to_service == "SZW"


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_request(to_service="  ", holding_service="SZW", reason=" ", context="kort")
    assert set(caught.value.by_field()) == {"to_service", "reason", "context"}
    with pytest.raises(InvalidInput) as missing:
        validate_request(to_service=None, holding_service="SZW", reason="r", context=CONTEXT)
    assert set(missing.value.by_field()) == {"to_service"}


def test_reason_and_context_have_a_maximum_length() -> None:
    longest = validate_request(
        to_service=2, holding_service=1, reason="r" * MAX_REASON_LENGTH, context="c" * MAX_CONTEXT_LENGTH
    )
    assert (len(longest.reason), len(longest.context)) == (MAX_REASON_LENGTH, MAX_CONTEXT_LENGTH)
    with pytest.raises(InvalidInput) as caught:
        validate_request(to_service=2, holding_service=1, reason="r" * (MAX_REASON_LENGTH + 1), context="c" * 4_500_000)
    assert caught.value.by_field() == {
        "reason": f"De reden is te lang ({MAX_REASON_LENGTH + 1} tekens, maximaal {MAX_REASON_LENGTH})",
        "context": f"De toelichting is te lang (4500000 tekens, maximaal {MAX_CONTEXT_LENGTH})",
    }
    with pytest.raises(InvalidInput) as declined:
        apply(HandoffState.requested(), Decline(reason="x" * (MAX_REASON_LENGTH + 1)), T0)
    assert set(declined.value.by_field()) == {"reason"}


# -- the life cycle --------------------------------------------------------------------------------------------------


def test_accept() -> None:
    state = apply(HandoffState.requested(), Accept(), T0)
    assert state == HandoffState(HandoffStatus.ACCEPTED, decided_at=T0, decision_reason="")


def test_decline_needs_a_reason() -> None:
    state = apply(HandoffState.requested(), Decline(reason="  Hoort bij OCW, niet bij ons "), T0)
    assert state.status == HandoffStatus.DECLINED
    assert state.decision_reason == "Hoort bij OCW, niet bij ons"
    assert state.decided_at == T0
    with pytest.raises(InvalidInput) as caught:
        apply(HandoffState.requested(), Decline(reason=""), T0)
    assert set(caught.value.by_field()) == {"reason"}


def test_cancel() -> None:
    assert apply(HandoffState.requested(), Cancel(), T0).status == HandoffStatus.CANCELLED


@pytest.mark.parametrize("status", [HandoffStatus.ACCEPTED, HandoffStatus.DECLINED, HandoffStatus.CANCELLED])
@pytest.mark.parametrize("action", [Accept(), Decline(reason="Niet voor ons"), Cancel()])
def test_only_requested_handoffs_can_be_decided(status: HandoffStatus, action: HandoffAction) -> None:
    state = HandoffState(status, decided_at=T0)
    with pytest.raises(ClosedHandoff) as caught:
        apply(state, action, T0 + timedelta(hours=1))
    assert isinstance(caught.value, Conflict)
    assert caught.value.status_code == 409
    assert "al afgehandeld" in caught.value.message
    assert state == HandoffState(status, decided_at=T0)


def test_apply_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        apply(HandoffState.requested(), Accept(), datetime(2025, 3, 3, 9))


def test_status_labels_are_dutch_and_complete() -> None:
    assert set(STATUS_LABELS) == set(HandoffStatus)
    assert STATUS_LABELS["declined"] == "Geweigerd"


# -- ping-pong -------------------------------------------------------------------------------------------------------


def test_szw_dso_szw_within_30_days_is_ping_pong() -> None:
    events = [event("SZW", "DSO", 0), event("DSO", "SZW", 12)]
    assert is_ping_pong(events[:1], "SZW", T0 + timedelta(days=12))
    assert dossier_has_ping_pong(events)
    assert ping_pong_events(events) == [events[1]]


def test_exactly_30_days_still_counts() -> None:
    assert dossier_has_ping_pong([event("SZW", "DSO", 0), event("DSO", "SZW", 30)])


def test_after_30_days_it_is_no_ping_pong() -> None:
    assert not dossier_has_ping_pong([event("SZW", "DSO", 0), event("DSO", "SZW", 31)])
    assert not dossier_has_ping_pong(
        [event("SZW", "DSO", 0), HandoffEvent("DSO", "SZW", T0 + timedelta(days=30, seconds=1), "accepted")]
    )


def test_a_b_c_is_no_ping_pong() -> None:
    events = [event("SZW", "DSO", 0), event("DSO", "OCW", 3)]
    assert not dossier_has_ping_pong(events)
    assert not is_ping_pong(events, "DPZ", T0 + timedelta(days=5))


def test_a_later_return_after_a_long_stay_is_fine_but_a_quick_one_is_not() -> None:
    events = [event("SZW", "DSO", 0), event("DSO", "OCW", 40), event("OCW", "SZW", 45)]
    assert not dossier_has_ping_pong(events)  # SZW handed it off 45 days ago
    assert dossier_has_ping_pong([*events, event("SZW", "OCW", 50)])  # OCW handed it off 5 days ago


def test_is_ping_pong_looks_only_at_the_past_window() -> None:
    history = [event("SZW", "DSO", 10)]
    assert not is_ping_pong(history, "SZW", T0 + timedelta(days=5))  # the other handoff is later
    assert is_ping_pong(history, "SZW", T0 + timedelta(days=10))
    assert not is_ping_pong(history, "SZW", T0 + timedelta(days=15), window=timedelta(days=3))


def test_declined_and_cancelled_handoffs_neither_make_nor_set_up_ping_pong() -> None:
    # SZW's handoff to DSO was declined: the dossier never left SZW, so a later DSO → SZW is no ping-pong.
    assert not dossier_has_ping_pong([event("SZW", "DSO", 0, "declined"), event("DSO", "SZW", 2)])
    assert not dossier_has_ping_pong([event("SZW", "DSO", 0, "cancelled"), event("DSO", "SZW", 2)])
    # The returning handoff was declined: it did not bounce the client.
    assert not dossier_has_ping_pong([event("SZW", "DSO", 0), event("DSO", "SZW", 2, "declined")])
    # A pending request counts from the moment it is made.
    assert dossier_has_ping_pong([event("SZW", "DSO", 0), event("DSO", "SZW", 2, "requested")])


def test_input_order_does_not_matter() -> None:
    events = [event("DSO", "SZW", 12), event("SZW", "DSO", 0)]
    assert dossier_has_ping_pong(events)
    assert services_visited(events) == ["SZW", "DSO", "SZW"]


# -- count and visits ------------------------------------------------------------------------------------------------


def test_services_visited_in_order_without_consecutive_duplicates() -> None:
    events = [event("SZW", "DSO", 0), event("DSO", "SZW", 12), event("SZW", "OCW", 20, "declined")]
    assert services_visited(events) == ["SZW", "DSO", "SZW"]
    assert services_visited([event("KCC", "SZW", 0), event("SZW", "DSO", 1), event("DSO", "OCW", 2)]) == [
        "KCC",
        "SZW",
        "DSO",
        "OCW",
    ]
    assert services_visited([]) == []
    assert services_visited([event("SZW", "DSO", 0, "cancelled")]) == []


def test_handoff_count_counts_requested_and_accepted() -> None:
    events = [
        event("SZW", "DSO", 0),
        event("DSO", "OCW", 1, "requested"),
        event("DSO", "DPZ", 2, "declined"),
        event("DSO", "KCC", 3, "cancelled"),
    ]
    assert handoff_count(events) == 2


services = st.sampled_from(["KCC", "SZW", "OCW", "DSO", "DPZ"])
statuses = st.sampled_from(list(HandoffStatus))
events_strategy = st.lists(
    st.builds(
        HandoffEvent,
        from_service=services,
        to_service=services,
        at=st.integers(min_value=0, max_value=120 * 24).map(lambda hours: T0 + timedelta(hours=hours)),
        status=statuses,
    ),
    max_size=8,
)


@given(events=events_strategy, data=st.data())
def test_figures_ignore_order_and_uncounted_handoffs(events: list[HandoffEvent], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(events))
    counted = [e for e in events if e.status in ("requested", "accepted")]
    assert dossier_has_ping_pong(shuffled) == dossier_has_ping_pong(events) == dossier_has_ping_pong(counted)
    assert handoff_count(events) == len(counted)
    visited = services_visited(events)
    assert all(a != b for a, b in pairwise(visited))


@given(events=events_strategy)
def test_ping_pong_means_a_return_to_a_recent_sender(events: list[HandoffEvent]) -> None:
    counted = [e for e in events if e.status in ("requested", "accepted")]
    expected = any(
        other is not e and other.from_service == e.to_service and timedelta(0) <= e.at - other.at <= timedelta(days=30)
        for e in counted
        for other in counted
    )
    assert dossier_has_ping_pong(events) == expected
