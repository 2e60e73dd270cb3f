"""The klantcontact rules without HTTP or a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casemgmt.contacts.rules import (
    CHANNEL_LABELS,
    CHANNELS,
    EXTERNAL_REF_MAX,
    EXTERNAL_REFS_MAX,
    OUTCOMES,
    WHY_WE_ASK,
    ContactInput,
    as_utc,
    check_anonymous,
    check_contact,
    clean_external_refs,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def contact(**changes: object) -> ContactInput:
    values: dict[str, object] = {
        "channel": "phone",
        "direction": "in",
        "outcome": "resolved",
        "transfers": 0,
        "summary": "Vraag over de bijstand beantwoord.",
        "subject": "",
        "occurred_at": None,
    }
    values.update(changes)
    return ContactInput(**values)  # type: ignore[arg-type]


def fields(data: ContactInput) -> list[str]:
    return [e.field for e in check_contact(data, NOW)]


def test_a_valid_contact_has_no_errors() -> None:
    assert check_contact(contact(), NOW) == []
    for channel in CHANNELS:
        for outcome in OUTCOMES:
            assert check_contact(contact(channel=channel, outcome=outcome, direction="out"), NOW) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"channel": None}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"outcome": "happy"}, "outcome"),
        ({"transfers": -1}, "transfers"),
        ({"transfers": 21}, "transfers"),
        ({"transfers": None}, "transfers"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"subject": "x" * 201}, "subject"),
        ({"occurred_at": NOW + timedelta(minutes=1)}, "occurred_at"),
    ],
)
def test_each_bad_value_is_named(changes: dict[str, object], field: str) -> None:
    assert fields(contact(**changes)) == [field]


def test_limits_are_inclusive() -> None:
    assert check_contact(contact(transfers=20, summary="x" * 4000, subject="y" * 200, occurred_at=NOW), NOW) == []


def test_future_message_is_dutch() -> None:
    (error,) = check_contact(contact(occurred_at=NOW + timedelta(hours=1)), NOW)
    assert error.message == "Het moment ligt in de toekomst"


def test_moment_without_offset_is_dutch_local_time() -> None:
    # 29 November: CET (UTC+1); 1 July: CEST (UTC+2)
    assert as_utc(datetime(2026, 11, 29, 13, 0)) == NOW
    assert as_utc(datetime(2026, 7, 1, 14, 0)) == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    # 12:30 local is 11:30 UTC, before NOW: not in the future
    assert check_contact(contact(occurred_at=datetime(2026, 11, 29, 12, 30)), NOW) == []


def test_every_question_says_why_it_is_asked() -> None:
    for name in ("channel", "direction", "service", "occurred_at", "outcome", "transfers", "summary", "subject"):
        assert WHY_WE_ASK[name]
    assert WHY_WE_ASK["transfers"] == "Zo zien we of bellers van het kastje naar de muur gaan."


def test_every_channel_of_issue_12_is_accepted_with_a_dutch_label() -> None:
    assert CHANNELS == ("phone", "desk", "email", "web", "letter", "chat", "sms", "social")
    assert [CHANNEL_LABELS[c] for c in ("chat", "sms", "social")] == ["Chat", "Sms", "Social media"]
    for channel in CHANNELS:
        assert check_contact(contact(channel=channel), NOW) == []
    assert [e.field for e in check_contact(contact(channel="fax"), NOW)] == ["channel"]


def test_external_refs_are_trimmed_and_kept_in_order() -> None:
    assert clean_external_refs(["  DB-2026-11873 ", "TV-2025-0418"]) == (["DB-2026-11873", "TV-2025-0418"], [])
    assert clean_external_refs(None) == ([], [])
    assert clean_external_refs(["x" * EXTERNAL_REF_MAX]) == (["x" * EXTERNAL_REF_MAX], [])


@pytest.mark.parametrize(
    ("refs", "fragment"),
    [
        (["  "], "mag niet leeg zijn"),
        (["x" * (EXTERNAL_REF_MAX + 1)], "te lang (65 tekens, maximaal 64)"),
        (["DB-1", " DB-1 "], "'DB-1' staat er twee keer in"),
        (["DB\n1"], "op één regel"),
        ([f"R{i}" for i in range(EXTERNAL_REFS_MAX + 1)], f"Maximaal {EXTERNAL_REFS_MAX} kenmerken"),
    ],
)
def test_bad_external_refs_name_the_field(refs: list[str], fragment: str) -> None:
    _, errors = clean_external_refs(refs)
    assert [e.field for e in errors] == ["external_refs"] and fragment in errors[0].message


def test_an_anonymous_contact_has_no_dossier() -> None:
    assert check_anonymous(dossier_id=None) == []
    assert [e.field for e in check_anonymous(dossier_id=7)] == ["dossier_id"]
