"""The notification rules, pure: defaults, the settings check, the texts (no personal data), keys, links and the
coordinators' "3× late" threshold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.errors import InvalidInput
from casemgmt.notifications import rules
from casemgmt.notifications.rules import ALWAYS_ON, Delivery, Kind

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def test_every_kind_has_a_label_and_a_default() -> None:
    assert set(rules.KIND_LABELS) == set(Kind) == set(rules.DEFAULT_DELIVERY)
    assert all(rules.DEFAULT_DELIVERY[kind] is not Delivery.OFF for kind in Kind)


def test_overdue_is_always_on() -> None:
    assert {Kind.COMMITMENT_OVERDUE, Kind.ESCALATION_OVERDUE} == ALWAYS_ON
    for kind in ALWAYS_ON:
        assert rules.is_written(kind, {kind.value: "off"})  # a stored "off" counts as the default
    assert not rules.is_written(Kind.COMMITMENT_DUE_TODAY, {"commitment_due_today": "off"})
    assert rules.delivery_of(Kind.HANDOFF_ACCEPTED, {"handoff_accepted": "email"}) is Delivery.EMAIL
    assert rules.delivery_of(Kind.HANDOFF_ACCEPTED, {"handoff_accepted": "nonsense"}) is Delivery.APP


def test_all_settings_names_every_kind() -> None:
    settings = rules.all_settings({"dossier_contact": "off"})
    assert list(settings) == [kind.value for kind in Kind]
    assert settings["dossier_contact"] == "off" and settings["escalation_assigned"] == "email"


def test_validate_settings_names_every_wrong_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.validate_settings(
            {"bestaat_niet": "app", "dossier_contact": "sms", "commitment_overdue": "off", "handoff_declined": "email"}
        )
    assert refused.value.by_field() == {
        "settings.bestaat_niet": rules.UNKNOWN_KIND,
        "settings.dossier_contact": rules.UNKNOWN_DELIVERY,
        "settings.commitment_overdue": rules.NOT_OFF,
    }
    assert rules.validate_settings({"handoff_declined": "email"}) == {Kind.HANDOFF_DECLINED: Delivery.EMAIL}


@given(st.sampled_from(list(Kind)), st.text(max_size=20), st.datetimes(timezones=st.just(UTC)))
def test_texts_name_the_dossier_and_the_moment_only(kind: Kind, ref: str, due: datetime) -> None:
    text = rules.text_of(kind, dossier_ref=ref or None, due_at=due)
    assert text and len(text) <= rules.MAX_TEXT
    if ref and kind not in rules.NOT_ON_A_DOSSIER:
        assert ref in text


def test_a_text_for_the_team_says_so() -> None:
    text = rules.text_of(Kind.COMMITMENT_ASSIGNED, dossier_ref="D-2026-0001", due_at=NOW, team="SZW")
    assert text == "Een toezegging (dossier D-2026-0001) is toegewezen aan uw dienst SZW, uiterlijk 04-12-2026 11:00."
    assert rules.text_of(Kind.ESCALATION_ANSWERED) == "Uw escalatie is beantwoord."


def test_keys_are_per_person_kind_object_and_day() -> None:
    day = NOW.date()
    key = rules.key_of(Kind.COMMITMENT_OVERDUE, "commitment", 7, 3, day)
    assert key == "commitment_overdue:commitment:7:3:2026-12-04"
    assert key != rules.key_of(Kind.COMMITMENT_OVERDUE, "commitment", 7, 3, day + timedelta(days=1))
    assert key != rules.key_of(Kind.COMMITMENT_OVERDUE, "commitment", 7, 4, day)
    # the Amsterdam day: 23:30 UTC on 4 December is already 5 December there
    assert rules.day_of(datetime(2026, 12, 4, 23, 30, tzinfo=UTC)).isoformat() == "2026-12-05"


def test_links() -> None:
    assert rules.link_of("escalation", 5, 9) == "/escalaties/5"
    assert rules.link_of("commitment", 5, 9) == "/dossiers/9"
    assert rules.link_of("commitment", 5, None) == "/werkvoorraad"
    assert rules.link_of("handoff", 5, 9) == "/dossiers/9"


def test_coordinators_hear_of_a_team_promise_three_times_late() -> None:
    made = NOW - timedelta(days=6)
    due = made + timedelta(days=2)  # a two-day term
    assert not rules.reaches_coordinators(made, due, made + timedelta(days=5, hours=23))  # late, not 3× yet
    assert rules.reaches_coordinators(made, due, made + timedelta(days=6))  # waited three terms
    assert not rules.reaches_coordinators(made, made, made)  # due at once: not 3× late at once


def test_the_bell_label() -> None:
    assert rules.Unread(0).label == "Meldingen"
    assert rules.Unread(3).label == "Meldingen (3)"
