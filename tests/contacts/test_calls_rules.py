"""Issue 13's contact rules without HTTP or a database: the promise of a callback, the shape of transfer attempts,
the topic of an inbound contact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from casemgmt.commitments.rules import MAX_DESCRIPTION
from casemgmt.contacts.rules import (
    OUTCOME_LABELS,
    PROMISE_MAX,
    TRANSFERS_MAX,
    PromiseInput,
    TransferAttempt,
    check_promise,
    check_topic,
    check_transfers,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def fields(errors: list) -> list[str]:  # type: ignore[type-arg]
    return [e.field for e in errors]


def test_a_callback_outcome_requires_the_promise_text() -> None:
    assert fields(check_promise("callback_promised", None, NOW)) == ["commitment.description"]
    assert fields(check_promise("callback_promised", PromiseInput("   "), NOW)) == ["commitment.description"]
    assert check_promise("callback_promised", PromiseInput("Ik bel u morgen terug."), NOW) == []
    message = check_promise("callback_promised", None, NOW)[0].message
    assert message == "Noteer wat de klant is toegezegd, in de woorden van het gesprek"


def test_the_promise_belongs_to_the_callback_outcome_only() -> None:
    assert check_promise("resolved", None, NOW) == []
    assert fields(check_promise("resolved", PromiseInput("Ik bel terug"), NOW)) == ["commitment"]


def test_the_promise_is_due_in_the_future_and_within_its_limit() -> None:
    past = PromiseInput("Ik bel terug", due_at=NOW - timedelta(minutes=1))
    assert fields(check_promise("callback_promised", past, NOW)) == ["commitment.due_at"]
    assert check_promise("callback_promised", PromiseInput("Ik bel terug", due_at=NOW + timedelta(hours=1)), NOW) == []
    long = PromiseInput("x" * (PROMISE_MAX + 1))
    assert fields(check_promise("callback_promised", long, NOW)) == ["commitment.description"]
    assert PROMISE_MAX == MAX_DESCRIPTION  # the promise becomes a commitment's description


def test_an_anonymous_caller_cannot_be_promised_a_callback() -> None:
    errors = check_promise("callback_promised", PromiseInput("Ik bel terug"), NOW, anonymous=True)
    assert fields(errors) == ["commitment"] and "leg de beller vast als klant" in errors[0].message


def test_transfer_attempts_name_a_service_and_whether_they_connected() -> None:
    assert check_transfers("transferred", None) == []
    assert check_transfers("transferred", [TransferAttempt("SZW", None, True)]) == []
    errors = check_transfers("transferred", [TransferAttempt("SZW", "Werk en Inkomen", True), TransferAttempt(" ")])
    assert fields(errors) == ["transfers[1].service", "transfers[1].connected"]
    too_many = [TransferAttempt("SZW", None, True)] * (TRANSFERS_MAX + 1)
    assert fields(check_transfers("transferred", too_many)) == ["transfers"]


def test_a_failed_transfer_has_an_attempt_that_failed() -> None:
    assert OUTCOME_LABELS["transfer_failed"] == "Doorverbinden mislukt"
    assert fields(check_transfers("transfer_failed", [TransferAttempt("SZW", None, True)])) == ["transfers"]
    one_failed = [TransferAttempt("SZW", None, True), TransferAttempt("DSO", None, False)]
    assert check_transfers("transfer_failed", one_failed) == []
    assert check_transfers("transfer_failed", []) == []  # the attempts may go untold


def test_an_inbound_contact_names_its_topic() -> None:
    assert fields(check_topic("in", None)) == ["topic"]
    assert fields(check_topic("in", "  ")) == ["topic"]
    assert check_topic("in", "bijstand") == []
    assert check_topic("out", None) == []  # outbound may omit it
