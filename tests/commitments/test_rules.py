"""Commitment rules: the open → fulfilled | missed | cancelled life cycle, kept on time, overdue, due moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from casemgmt.commitments.rules import (
    ALLOWED_TRANSITIONS,
    KIND_LABELS,
    MAX_NOTE,
    MAX_REASON,
    STATUS_LABELS,
    Action,
    Cancel,
    ClosedCommitment,
    CommitmentKind,
    CommitmentState,
    CommitmentStatus,
    Fulfil,
    Miss,
    apply,
    can_transition,
    default_due,
    is_due_today,
    is_overdue,
    resolve_due,
    state_of,
    validate_due,
    validate_kind,
    validate_reassignment,
)
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.errors import Conflict, InvalidInput

DUE = datetime(2025, 2, 6, 16, 0, tzinfo=UTC)  # Thursday 17:00 CET
BEFORE = DUE - timedelta(hours=3)
AFTER = DUE + timedelta(minutes=1)


def open_commitment() -> CommitmentState:
    return CommitmentState.opened(DUE)


# -- transitions -----------------------------------------------------------------------------------------------------


def test_fulfilled_on_time_with_a_contact() -> None:
    state = apply(open_commitment(), Fulfil(contact_id=42), BEFORE)
    assert state.status == CommitmentStatus.FULFILLED
    assert state.kept_on_time is True
    assert state.closed_at == BEFORE
    assert state.fulfilling_contact_id == 42
    assert state.note == ""
    assert state.due_at == DUE


def test_fulfilled_exactly_at_the_due_moment_is_on_time() -> None:
    assert apply(open_commitment(), Fulfil(note="Teruggebeld"), DUE).kept_on_time is True


def test_fulfilled_after_the_due_moment_is_late() -> None:
    state = apply(open_commitment(), Fulfil(note="  Alsnog teruggebeld  "), AFTER)
    assert state.status == CommitmentStatus.FULFILLED
    assert state.kept_on_time is False
    assert state.note == "Alsnog teruggebeld"
    assert state.fulfilling_contact_id is None


def test_on_time_compares_instants_not_wall_clocks() -> None:
    # 17:30 in Amsterdam is 16:30 UTC: after a 16:00 UTC due moment.
    late_local = datetime(2025, 2, 6, 17, 30, tzinfo=AMSTERDAM)
    state = apply(open_commitment(), Fulfil(note="Gebeld"), late_local)
    assert state.kept_on_time is False
    assert state.closed_at == datetime(2025, 2, 6, 16, 30, tzinfo=UTC)
    assert state.closed_at is not None and state.closed_at.tzinfo is UTC


def test_fulfil_needs_a_contact_or_a_note() -> None:
    with pytest.raises(InvalidInput) as caught:
        apply(open_commitment(), Fulfil(note="   "), BEFORE)
    assert caught.value.status_code == 422
    assert "klantcontact" in caught.value.by_field()["note"]


def test_missed_needs_a_note_and_is_never_on_time() -> None:
    state = apply(open_commitment(), Miss(note="Medewerker ziek, klant is doorverwezen"), BEFORE)
    assert state.status == CommitmentStatus.MISSED
    assert state.kept_on_time is False
    assert state.closed_at == BEFORE
    assert state.note == "Medewerker ziek, klant is doorverwezen"
    with pytest.raises(InvalidInput) as caught:
        apply(open_commitment(), Miss(note=""), BEFORE)
    assert caught.value.by_field() == {"note": "Geef aan waarom de toezegging niet meer kan worden nagekomen."}


def test_cancelled_needs_a_reason_and_has_no_on_time_verdict() -> None:
    state = apply(open_commitment(), Cancel(reason="Klant heeft de aanvraag ingetrokken"), AFTER)
    assert state.status == CommitmentStatus.CANCELLED
    assert state.kept_on_time is None
    assert state.closed_at == AFTER
    assert state.note == "Klant heeft de aanvraag ingetrokken"
    with pytest.raises(InvalidInput) as caught:
        apply(open_commitment(), Cancel(reason=" \n "), BEFORE)
    assert set(caught.value.by_field()) == {"reason"}


@pytest.mark.parametrize(
    "closed",
    [
        CommitmentState(CommitmentStatus.FULFILLED, DUE, BEFORE, True, "Gebeld"),
        CommitmentState(CommitmentStatus.MISSED, DUE, BEFORE, False, "Kan niet meer"),
        CommitmentState(CommitmentStatus.CANCELLED, DUE, BEFORE, None, "Niet meer nodig"),
    ],
)
@pytest.mark.parametrize("action", [Fulfil(contact_id=1), Miss(note="x"), Cancel(reason="x"), Fulfil()])
def test_any_action_on_a_closed_commitment_is_a_conflict(closed: CommitmentState, action: Action) -> None:
    with pytest.raises(ClosedCommitment) as caught:
        apply(closed, action, AFTER)
    assert isinstance(caught.value, Conflict)
    assert caught.value.status_code == 409
    assert caught.value.status == closed.status
    assert "al afgesloten" in caught.value.message


def test_apply_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        apply(open_commitment(), Fulfil(contact_id=1), datetime(2025, 2, 6, 12))


def test_transition_table_only_leaves_open() -> None:
    assert ALLOWED_TRANSITIONS[CommitmentStatus.OPEN] == {
        CommitmentStatus.FULFILLED,
        CommitmentStatus.MISSED,
        CommitmentStatus.CANCELLED,
    }
    for status in CommitmentStatus:
        assert not can_transition(status, CommitmentStatus.OPEN)
        if status != CommitmentStatus.OPEN:
            assert not any(can_transition(status, target) for target in CommitmentStatus)
    assert can_transition("open", "fulfilled")
    assert not can_transition("open", "deleted")
    assert not can_transition("archived", "open")


def test_labels_cover_every_kind_and_status() -> None:
    assert set(KIND_LABELS) == set(CommitmentKind)
    assert set(STATUS_LABELS) == set(CommitmentStatus)
    assert KIND_LABELS["callback"] == "Terugbelafspraak"


# -- derived at read time --------------------------------------------------------------------------------------------


def test_overdue_is_open_and_strictly_past_due() -> None:
    assert is_overdue("open", DUE, AFTER)
    assert not is_overdue("open", DUE, DUE)
    assert not is_overdue("open", DUE, BEFORE)
    for status in ("fulfilled", "missed", "cancelled"):
        assert not is_overdue(status, DUE, AFTER)
    assert state_of("open", DUE, AFTER) == "overdue"
    assert state_of("open", DUE, BEFORE) == "open"
    assert state_of(CommitmentStatus.MISSED, DUE, AFTER) == "missed"


def test_due_today_uses_the_amsterdam_date() -> None:
    morning = datetime(2025, 2, 6, 8, 0, tzinfo=AMSTERDAM)
    assert is_due_today("open", DUE, morning)
    assert not is_due_today("open", DUE, AFTER)  # overdue, not "due today"
    assert not is_due_today("fulfilled", DUE, morning)
    assert not is_due_today("open", DUE, morning - timedelta(days=1))
    # 23:30 UTC on 5 February is already 6 February in Amsterdam.
    assert is_due_today("open", DUE, datetime(2025, 2, 5, 23, 30, tzinfo=UTC))


# -- due moments -----------------------------------------------------------------------------------------------------


def test_callback_default_is_two_business_days_at_17_amsterdam() -> None:
    made = datetime(2025, 4, 17, 11, 0, tzinfo=AMSTERDAM)  # Thursday before Good Friday and Easter Monday
    assert default_due("callback", made) == datetime(2025, 4, 23, 15, 0, tzinfo=UTC)
    assert default_due(CommitmentKind.CALLBACK, made, callback_term_days=1) == datetime(2025, 4, 22, 15, tzinfo=UTC)


@pytest.mark.parametrize("kind", ["information", "action", "appointment"])
def test_other_kinds_have_no_default_due(kind: str) -> None:
    made = datetime(2025, 2, 4, 10, tzinfo=UTC)
    assert default_due(kind, made) is None
    with pytest.raises(InvalidInput) as caught:
        resolve_due(kind, None, made)
    assert set(caught.value.by_field()) == {"due_at"}


def test_resolve_due_prefers_the_explicit_moment() -> None:
    made = datetime(2025, 2, 4, 10, tzinfo=UTC)
    explicit = datetime(2025, 2, 20, 12, tzinfo=AMSTERDAM)
    assert resolve_due("callback", explicit, made) == datetime(2025, 2, 20, 11, tzinfo=UTC)
    assert resolve_due("callback", None, made, 3) == datetime(2025, 2, 7, 16, tzinfo=UTC)


def test_due_in_the_past_is_refused() -> None:
    now = datetime(2025, 2, 4, 10, tzinfo=UTC)
    with pytest.raises(InvalidInput) as caught:
        validate_due(now - timedelta(seconds=1), now)
    assert caught.value.by_field() == {"due_at": "Het afgesproken moment ligt in het verleden"}
    assert validate_due(now, now) == now
    with pytest.raises(InvalidInput):
        resolve_due("action", now - timedelta(days=1), now)


def test_naive_due_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        validate_due(datetime(2025, 3, 1, 12), datetime(2025, 2, 4, 10, tzinfo=UTC))


def test_validate_kind() -> None:
    assert validate_kind("appointment") is CommitmentKind.APPOINTMENT
    with pytest.raises(InvalidInput) as caught:
        validate_kind("promise")
    assert caught.value.by_field() == {"kind": "Kies een soort toezegging."}


# -- owner changes ---------------------------------------------------------------------------------------------------


def test_owner_change_needs_a_reason_and_another_owner() -> None:
    assert validate_reassignment("open", 1, 2, "  Collega neemt het over tijdens verlof ") == (
        "Collega neemt het over tijdens verlof"
    )
    with pytest.raises(InvalidInput) as no_reason:
        validate_reassignment("open", 1, 2, "   ")
    assert set(no_reason.value.by_field()) == {"reason"}
    with pytest.raises(InvalidInput) as same_owner:
        validate_reassignment("open", 1, 1, "Reden")
    assert set(same_owner.value.by_field()) == {"owner_id"}
    with pytest.raises(ClosedCommitment):
        validate_reassignment("fulfilled", 1, 2, "Reden")


# -- properties ------------------------------------------------------------------------------------------------------

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
texts = st.one_of(st.sampled_from(["", "  ", "\t\n", "Klant teruggebeld", "Niet meer nodig"]), st.text(max_size=12))
contact_ids = st.one_of(st.none(), st.integers(min_value=1, max_value=10_000))


@given(
    due_offset=st.one_of(
        st.just(timedelta(0)),
        st.sampled_from([timedelta(microseconds=1), -timedelta(microseconds=1)]),
        st.timedeltas(min_value=timedelta(days=-10), max_value=timedelta(days=10)),
    ),
    contact_id=contact_ids,
    note=texts,
)
def test_kept_on_time_exactly_when_fulfilled_at_or_before_due(
    due_offset: timedelta, contact_id: int | None, note: str
) -> None:
    due = START + due_offset
    try:
        state = apply(CommitmentState.opened(due), Fulfil(contact_id=contact_id, note=note), START)
    except InvalidInput:
        assert contact_id is None and not note.strip()
        return
    assert state.kept_on_time is (START <= due)


class CommitmentLedger(RuleBasedStateMachine):
    """Any sequence of making, fulfilling, missing, cancelling and reassigning commitments while time passes.

    A simple model (the expected status of each commitment) runs beside the rules; every illegal action must raise
    and leave the stored state exactly as it was.
    """

    commitments = Bundle("commitments")

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.ledger: dict[int, CommitmentState] = {}
        self.expected: dict[int, CommitmentStatus] = {}
        self.made = 0

    @rule(target=commitments, due_in=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=6)))
    def make(self, due_in: timedelta) -> int:
        due = validate_due(self.now + due_in, self.now)
        key = self.made
        self.made += 1
        self.ledger[key] = CommitmentState.opened(due)
        self.expected[key] = CommitmentStatus.OPEN
        return key

    @rule(target=commitments)
    def make_callback(self) -> int:
        due = resolve_due("callback", None, self.now)
        assert due > self.now
        key = self.made
        self.made += 1
        self.ledger[key] = CommitmentState.opened(due)
        self.expected[key] = CommitmentStatus.OPEN
        return key

    @rule(step=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)))
    def time_passes(self, step: timedelta) -> None:
        self.now += step

    @rule(key=commitments)
    def clock_reaches_the_due_moment(self, key: int) -> None:
        # Acting exactly at the due moment is the boundary of "on time".
        self.now = max(self.now, self.ledger[key].due_at)

    def _act(self, key: int, action: Action, valid_input: bool, target: CommitmentStatus) -> None:
        before = self.ledger[key]
        snapshot = CommitmentState(**vars(before))
        if self.expected[key] != CommitmentStatus.OPEN:
            with pytest.raises(ClosedCommitment):
                apply(before, action, self.now)
        elif not valid_input:
            with pytest.raises(InvalidInput):
                apply(before, action, self.now)
        else:
            after = apply(before, action, self.now)
            assert after.status == target
            assert can_transition(before.status, after.status)
            assert after.closed_at == self.now
            assert after.due_at == before.due_at
            self.ledger[key] = after
            self.expected[key] = target
            return
        assert self.ledger[key] is before
        assert before == snapshot

    @rule(key=commitments, contact_id=contact_ids, note=texts)
    def fulfil(self, key: int, contact_id: int | None, note: str) -> None:
        valid = contact_id is not None or bool(note.strip())
        self._act(key, Fulfil(contact_id=contact_id, note=note), valid, CommitmentStatus.FULFILLED)

    @rule(key=commitments, note=texts)
    def miss(self, key: int, note: str) -> None:
        self._act(key, Miss(note=note), bool(note.strip()), CommitmentStatus.MISSED)

    @rule(key=commitments, reason=texts)
    def cancel(self, key: int, reason: str) -> None:
        self._act(key, Cancel(reason=reason), bool(reason.strip()), CommitmentStatus.CANCELLED)

    @rule(key=commitments, reason=texts)
    def reassign(self, key: int, reason: str) -> None:
        status = self.ledger[key].status
        if status != CommitmentStatus.OPEN:
            with pytest.raises(ClosedCommitment):
                validate_reassignment(status, 1, 2, reason)
        elif not reason.strip():
            with pytest.raises(InvalidInput):
                validate_reassignment(status, 1, 2, reason)
        else:
            assert validate_reassignment(status, 1, 2, reason) == reason.strip()

    @rule(key=consumes(commitments))
    def forget_handle(self, key: int) -> None:
        # Losing the test's handle on a commitment must not lose the commitment itself.
        assert key in self.ledger

    @invariant()
    def nothing_disappears(self) -> None:
        assert len(self.ledger) == self.made
        assert set(self.ledger) == set(range(self.made))

    @invariant()
    def statuses_follow_the_model(self) -> None:
        for key, state in self.ledger.items():
            assert state.status == self.expected[key]

    @invariant()
    def kept_on_time_means_fulfilled_at_or_before_due(self) -> None:
        for state in self.ledger.values():
            if state.status == CommitmentStatus.OPEN:
                assert state.closed_at is None
                assert state.kept_on_time is None
                continue
            assert state.closed_at is not None
            if state.status == CommitmentStatus.FULFILLED:
                assert state.kept_on_time is (state.closed_at <= state.due_at)
            elif state.status == CommitmentStatus.MISSED:
                assert state.kept_on_time is False
            else:
                assert state.kept_on_time is None
            assert (state.kept_on_time is True) == (
                state.status == CommitmentStatus.FULFILLED and state.closed_at <= state.due_at
            )

    @invariant()
    def overdue_only_while_open(self) -> None:
        for state in self.ledger.values():
            overdue = is_overdue(state.status, state.due_at, self.now)
            assert overdue == (state.status == CommitmentStatus.OPEN and self.now > state.due_at)


CommitmentLedger.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_commitment_ledger = CommitmentLedger.TestCase


def test_notes_and_reasons_have_a_maximum_length() -> None:
    """Limits everywhere (issue 11): at the limit accepted, one character more refused naming the field; the state
    stays untouched."""
    opened = CommitmentState.opened(DUE)
    assert apply(opened, Fulfil(note="n" * MAX_NOTE), BEFORE).note == "n" * MAX_NOTE
    assert apply(opened, Cancel(reason=f"  {'r' * MAX_REASON}  "), BEFORE).note == "r" * MAX_REASON
    for action, field in (
        (Fulfil(contact_id=7, note="n" * (MAX_NOTE + 1)), "note"),
        (Miss(note="n" * (MAX_NOTE + 1)), "note"),
        (Cancel(reason="r" * (MAX_REASON + 1)), "reason"),
    ):
        with pytest.raises(InvalidInput) as caught:
            apply(opened, action, BEFORE)
        assert list(caught.value.by_field()) == [field]
        assert "is te lang" in caught.value.by_field()[field]
    assert validate_reassignment("open", 1, 2, "r" * MAX_REASON) == "r" * MAX_REASON
    with pytest.raises(InvalidInput) as caught:
        validate_reassignment("open", 1, 2, "r" * (MAX_REASON + 1))
    assert caught.value.by_field() == {
        "reason": f"De reden is te lang ({MAX_REASON + 1} tekens, maximaal {MAX_REASON})"
    }
