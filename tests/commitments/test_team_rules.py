"""Team promises' rules (issue 13): exactly one owner, who may act, picking up, rescheduling, and kept on time against
the first due moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casemgmt.commitments.rules import (
    Actor,
    AlreadyPickedUp,
    ClosedCommitment,
    CommitmentState,
    CommitmentStatus,
    Fulfil,
    Owners,
    apply,
    may_act,
    validate_owner,
    validate_pick_up,
    validate_reassignment,
    validate_reschedule,
)
from casemgmt.errors import Forbidden, InvalidInput

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
SZW, DSO = 7, 8


def test_exactly_one_owner() -> None:
    validate_owner(5, None)
    validate_owner(None, "SZW")
    with pytest.raises(InvalidInput) as both:
        validate_owner(5, "SZW")
    assert both.value.by_field() == {"owner_service": "Kies een medewerker of een team als eigenaar, niet allebei."}
    for neither in ((None, None), (None, "  ")):
        with pytest.raises(InvalidInput) as refused:
            validate_owner(*neither)
        assert set(refused.value.by_field()) == {"owner_id"}


PROMISE = Owners(made_by_id=1, owner_id=2)
TEAM_PROMISE = Owners(made_by_id=1, owner_service_id=SZW)


@pytest.mark.parametrize(
    ("actor", "promise", "allowed"),
    [
        (Actor(2), PROMISE, True),  # the owner
        (Actor(1), PROMISE, True),  # the maker (a KCC agent's own callback)
        (Actor(3, is_dossier_assignee=True), PROMISE, True),
        (Actor(3, is_admin=True), PROMISE, True),
        (Actor(3), PROMISE, False),  # anyone else, a KCC agent included: the role gives no right of its own
        (Actor(3, service_ids=frozenset({SZW})), PROMISE, False),  # a person's promise: the team does not count
        (Actor(3, service_ids=frozenset({SZW})), TEAM_PROMISE, True),  # a member of the owning team
        (Actor(3, service_ids=frozenset({DSO})), TEAM_PROMISE, False),
        (Actor(1), TEAM_PROMISE, True),
    ],
)
def test_who_may_act(actor: Actor, promise: Owners, allowed: bool) -> None:
    assert may_act(actor, promise) is allowed


def test_picking_up() -> None:
    assert validate_pick_up("open", None, SZW, 3, frozenset({SZW})) == SZW
    with pytest.raises(Forbidden):
        validate_pick_up("open", None, SZW, 3, frozenset({DSO}))
    with pytest.raises(Forbidden):  # a person's promise without a team: nobody picks it up
        validate_pick_up("open", 2, None, 3, frozenset({SZW}))
    with pytest.raises(AlreadyPickedUp, match="al opgepakt door een collega") as taken:
        validate_pick_up("open", 4, SZW, 3, frozenset({SZW}))
    assert taken.value.status_code == 409
    with pytest.raises(AlreadyPickedUp, match="al opgepakt door u"):
        validate_pick_up("open", 3, SZW, 3, frozenset({SZW}))
    with pytest.raises(ClosedCommitment):
        validate_pick_up("fulfilled", None, SZW, 3, frozenset({SZW}))


def test_rescheduling_needs_a_future_moment_and_a_reason() -> None:
    due = NOW + timedelta(days=1)
    assert validate_reschedule("open", due, NOW + timedelta(days=3), "  Klant is op vakantie ", NOW) == (
        "Klant is op vakantie"
    )
    with pytest.raises(InvalidInput) as both:
        validate_reschedule("open", due, NOW - timedelta(minutes=1), " ", NOW)
    assert set(both.value.by_field()) == {"due_at", "reason"}
    with pytest.raises(InvalidInput) as same:
        validate_reschedule("open", due, due, "Reden", NOW)
    assert set(same.value.by_field()) == {"due_at"}
    with pytest.raises(InvalidInput) as long:
        validate_reschedule("open", due, NOW + timedelta(days=2), "r" * 501, NOW)
    assert set(long.value.by_field()) == {"reason"}
    with pytest.raises(ClosedCommitment):
        validate_reschedule("cancelled", due, NOW + timedelta(days=2), "Reden", NOW)
    with pytest.raises(ValueError):
        validate_reschedule("open", due, datetime(2027, 1, 1), "Reden", NOW)


def test_handing_over_to_a_team() -> None:
    assert validate_reassignment("open", 2, None, "Team neemt over", new_service_id=SZW) == "Team neemt over"
    with pytest.raises(InvalidInput) as same_team:
        validate_reassignment("open", None, None, "Reden", current_service_id=SZW, new_service_id=SZW)
    assert set(same_team.value.by_field()) == {"owner_service"}
    assert validate_reassignment("open", None, 2, "Ik pak het", current_service_id=SZW) == "Ik pak het"


def test_a_rescheduled_promise_kept_after_its_first_due_moment_is_late() -> None:
    first, moved = NOW, NOW + timedelta(days=3)
    state = CommitmentState(CommitmentStatus.OPEN, due_at=moved, first_due_at=first)
    kept = apply(state, Fulfil(note="Gebeld"), NOW + timedelta(days=1))  # before the new moment, after the first
    assert kept.status == CommitmentStatus.FULFILLED and kept.kept_on_time is False
    never_moved = CommitmentState(CommitmentStatus.OPEN, due_at=moved)
    assert apply(never_moved, Fulfil(note="Gebeld"), NOW + timedelta(days=1)).kept_on_time is True
