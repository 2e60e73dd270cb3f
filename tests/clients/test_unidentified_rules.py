"""The rules for unidentified clients (issue 12) without HTTP or a database: a name and a way to reach them, no
identifier; identifying them later with a BSN that passes the 11-proof."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.clients import rules


def fields(errors: list) -> set[str]:
    return {e.field for e in errors}


@pytest.mark.parametrize(
    ("phone", "email"), [("06 1234 5678", ""), ("", "buurman@example.nl"), ("070 123 4567", "a@b.nl")]
)
def test_a_name_and_one_way_to_reach_them_is_enough(phone: str, email: str) -> None:
    data, errors = rules.check_client(
        kind="unidentified", bsn=None, kvk=None, name="  De  buurman ", phone=phone, email=email
    )
    assert errors == []
    assert data is not None
    assert (data.kind, data.bsn, data.kvk, data.name, data.name_normalised) == (
        "unidentified",
        None,
        None,
        "De buurman",
        "de buurman",
    )


def test_without_phone_or_email_the_phone_is_named() -> None:
    data, errors = rules.check_client(kind="unidentified", bsn=None, kvk=None, name="De buurman")
    assert data is None
    assert [(e.field, e.message) for e in errors] == [("phone", rules.REACH_MESSAGE)]


def test_whitespace_is_no_way_to_reach_anyone() -> None:
    _, errors = rules.check_client(kind="unidentified", bsn="", kvk="", name="X Y", phone="   ", email=" ")
    assert fields(errors) == {"phone"}


def test_a_name_is_still_required_and_a_bad_email_is_still_refused() -> None:
    _, errors = rules.check_client(kind="unidentified", bsn=None, kvk=None, name=" ", email="geen-adres")
    assert fields(errors) == {"name", "email"}


def test_a_bsn_or_kvk_given_with_the_unidentified_kind_is_refused_not_dropped() -> None:
    _, errors = rules.check_client(
        kind="unidentified", bsn="123456782", kvk="12345678", name="Jan", phone="06 1234 5678"
    )
    assert fields(errors) == {"bsn", "kvk"}


def test_the_identified_kinds_are_unchanged() -> None:
    _, errors = rules.check_client(kind="person", bsn=None, kvk=None, name="Jan", phone="06 1234 5678")
    assert fields(errors) == {"bsn"}
    _, errors = rules.check_client(kind="stranger", bsn=None, kvk=None, name="Jan")
    assert fields(errors) == {"kind"}
    assert rules.KIND_LABELS["unidentified"] == "Niet geïdentificeerd"
    assert set(rules.KINDS) == {"person", "organisation"}


def test_identifying_needs_a_valid_bsn() -> None:
    assert rules.check_identification(kind="unidentified", merged=False, bsn="1234 56 782") == ("123456782", [])
    for bad in ("123456783", "000000000", "", None, "12345678"):
        bsn, errors = rules.check_identification(kind="unidentified", merged=False, bsn=bad)
        assert bsn is None and [(e.field, e.message) for e in errors] == [("bsn", rules.BSN_MESSAGE)]


@pytest.mark.parametrize("kind", ["person", "organisation"])
def test_only_an_unidentified_client_is_identified(kind: str) -> None:
    bsn, errors = rules.check_identification(kind=kind, merged=False, bsn="123456782")
    assert bsn is None and [(e.field, e.message) for e in errors] == [("bsn", rules.NOT_UNIDENTIFIED_MESSAGE)]


def test_a_merged_client_is_not_identified_again() -> None:
    bsn, errors = rules.check_identification(kind="unidentified", merged=True, bsn="123456782")
    assert bsn is None and [(e.field, e.message) for e in errors] == [("bsn", rules.MERGED_MESSAGE)]


@given(st.text(max_size=30))
def test_identification_accepts_exactly_what_the_bsn_rule_accepts(text: str) -> None:
    bsn, errors = rules.check_identification(kind="unidentified", merged=False, bsn=text)
    assert bsn == rules.normalise_bsn(text)
    assert (bsn is None) == bool(errors)
