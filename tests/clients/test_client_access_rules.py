"""Need to know for client data, the plain rules (``clients/access.py``): who sees the full record, the reason
(doelbinding) and how long it holds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.auth.roles import Role
from casemgmt.clients.access import (
    MAX_REASON,
    MIN_REASON,
    ClientAccess,
    check_reason,
    client_access,
    grant_start,
    last_digits,
)

FULL, LIMITED, NONE = ClientAccess.FULL, ClientAccess.LIMITED, ClientAccess.NONE


@pytest.mark.parametrize(
    ("roles", "involved", "registered", "reason", "expected"),
    [
        ({Role.KCC_AGENT}, False, False, False, FULL),  # routing every caller is the KCC's job
        ({Role.ADMIN}, False, False, False, FULL),
        ({Role.CASEMANAGER}, True, False, False, FULL),  # on one of the client's dossiers (now or before)
        ({Role.ACCOUNTMANAGER}, True, False, False, FULL),
        ({Role.CASEMANAGER}, False, False, False, LIMITED),
        ({Role.ACCOUNTMANAGER}, False, False, False, LIMITED),
        ({Role.CASEMANAGER}, False, True, False, FULL),  # registered the client: typed the data in
        ({Role.ACCOUNTMANAGER}, False, False, True, FULL),  # stated a reason today
        ({Role.EVALUATOR}, False, False, False, NONE),
        ({Role.EVALUATOR}, True, True, True, NONE),  # nothing makes an evaluator see personal data
        ({Role.EVALUATOR, Role.CASEMANAGER}, False, False, False, LIMITED),  # the employee role counts
        (set(), False, False, False, NONE),
    ],
)
def test_who_sees_the_full_record(roles, involved, registered, reason, expected) -> None:  # type: ignore[no-untyped-def]
    assert client_access(roles, involved=involved, registered=registered, reason_given=reason) is expected


@given(
    roles=st.sets(st.sampled_from(list(Role))),
    involved=st.booleans(),
    registered=st.booleans(),
    reason=st.booleans(),
)
def test_the_limited_view_is_only_for_uninvolved_caseworkers(roles, involved, registered, reason) -> None:  # type: ignore[no-untyped-def]
    access = client_access(roles, involved=involved, registered=registered, reason_given=reason)
    if access is LIMITED:
        assert roles & {Role.CASEMANAGER, Role.ACCOUNTMANAGER} and not roles & {Role.KCC_AGENT, Role.ADMIN}
        assert not (involved or registered or reason)
    if access is NONE:
        assert not roles - {Role.EVALUATOR}


def test_last_digits() -> None:
    assert last_digits("123456782") == "782"
    assert last_digits("12345678") == "678"  # a KvK number
    assert last_digits(None) is None and last_digits("") is None


def test_a_reason_is_required_and_bounded() -> None:
    assert check_reason("  Klant belt over   zijn aanvraag\n") == ("Klant belt over zijn aanvraag", [])
    for raw, message in [
        (None, "Geef aan waarom"),
        ("   ", "Geef aan waarom"),
        ("kort", f"ten minste {MIN_REASON}"),
        ("x" * (MAX_REASON + 1), f"ten hoogste {MAX_REASON}"),
    ]:
        text, errors = check_reason(raw)
        assert text is None and [e.field for e in errors] == ["reden"]
        assert message in errors[0].message
    assert check_reason("x" * MAX_REASON)[0] == "x" * MAX_REASON
    assert check_reason("y" * MIN_REASON)[0] == "y" * MIN_REASON


def test_a_reason_holds_for_the_rest_of_the_dutch_day() -> None:
    # winter (UTC+1) and summer (UTC+2): the day starts at midnight in The Hague
    assert grant_start(datetime(2026, 1, 15, 22, 30, tzinfo=UTC)) == datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    assert grant_start(datetime(2026, 1, 15, 23, 30, tzinfo=UTC)) == datetime(2026, 1, 15, 23, 0, tzinfo=UTC)
    assert grant_start(datetime(2026, 7, 1, 8, 0, tzinfo=UTC)) == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        grant_start(datetime(2026, 7, 1, 8, 0))
