"""The client rules without HTTP or a database: BSN (11-proof), KvK, names, pseudonyms, queries, representatives."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.clients import rules
from tests.factories import valid_bsn


@pytest.mark.parametrize("value", ["123456782", "111222333", "1234 56 782", "123.456.782", " 111222333 "])
def test_valid_bsn(value: str) -> None:
    assert rules.is_valid_bsn(value)
    assert rules.normalise_bsn(value) == rules.compact_number(value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("123456783", "wrong check digit"),
        ("000000000", "passes the arithmetic but is no BSN"),
        ("12345678a", "letters"),
        ("abcdefghi", "letters"),
        ("12345678", "8 digits"),
        ("1234567820", "10 digits"),
        ("", "empty"),
        ("１２３４５６７８２", "full-width digits"),
    ],
)
def test_invalid_bsn(value: str, why: str) -> None:
    assert not rules.is_valid_bsn(value), why
    client, errors = rules.check_client(kind="person", bsn=value, kvk=None, name="Jan")
    assert client is None
    assert [(e.field, e.message) for e in errors] == [("bsn", "Ongeldig BSN (elfproef)")]


def test_eight_digits_are_not_padded_to_a_valid_bsn() -> None:
    # stdnum would accept "12345672" by padding it with a leading zero: 012345672 is a valid BSN.
    assert rules.is_valid_bsn("012345672")
    assert not rules.is_valid_bsn("12345672")


@given(st.integers(min_value=1, max_value=10_000))
def test_factory_bsns_are_valid(n: int) -> None:
    assert rules.is_valid_bsn(valid_bsn(n))


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_bsn_rule_is_the_11_proof(digits: str) -> None:
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    assert rules.is_valid_bsn(digits) == (total % 11 == 0 and digits != "000000000")


@pytest.mark.parametrize(("value", "expected"), [("12345678", "12345678"), ("1234 5678", "12345678")])
def test_valid_kvk(value: str, expected: str) -> None:
    assert rules.normalise_kvk(value) == expected


@pytest.mark.parametrize("value", ["1234567", "123456789", "1234567a", "", None])
def test_invalid_kvk(value: str | None) -> None:
    assert rules.normalise_kvk(value) is None
    client, errors = rules.check_client(kind="organisation", bsn=None, kvk=value, name="Bakkerij")
    assert client is None
    assert [(e.field, e.message) for e in errors] == [("kvk", "Ongeldig KvK-nummer (8 cijfers)")]


def test_check_client_cleans_and_collects_every_error() -> None:
    client, errors = rules.check_client(
        kind="person", bsn="1234 56 782", kvk="99999999", name="  Jan   de  Vries ", email=" jan@example.nl "
    )
    assert errors == []
    assert client is not None
    assert (client.bsn, client.kvk, client.name, client.email) == ("123456782", None, "Jan de Vries", "jan@example.nl")
    assert client.name_normalised == "jan de vries"
    _, errors = rules.check_client(kind="person", bsn="123456783", kvk=None, name=" ", email="geen-adres")
    assert {e.field: e.message for e in errors} == {
        "bsn": "Ongeldig BSN (elfproef)",
        "name": "Naam is verplicht",
        "email": "Ongeldig e-mailadres",
    }
    _, errors = rules.check_client(kind="robot", bsn=None, kvk=None, name="X")
    assert [e.field for e in errors] == ["kind"]


def test_name_normalisation() -> None:
    assert rules.normalise_name("  Jan\tDE   Vries\n") == "jan de vries"


def test_pseudonyms_are_random_and_unambiguous() -> None:
    pseudonyms = {rules.new_pseudonym() for _ in range(500)}
    assert len(pseudonyms) == 500
    for pseudonym in pseudonyms:
        assert pseudonym.startswith("K-") and len(pseudonym) == 12
        assert not set(pseudonym[2:]) - set(rules.PSEUDONYM_ALPHABET)
        assert not set(pseudonym) & set("01OI")


def test_mask_bsn_shows_only_the_last_three_digits() -> None:
    assert rules.mask_bsn("123456782") == "******782"
    assert rules.mask_bsn(None) == ""


@pytest.mark.parametrize(
    ("raw", "kind", "text", "searchable"),
    [
        ("123 456 782", "bsn", "123456782", True),
        ("d-2026-00012", "ref", "D-2026-00012", True),
        ("D-2026", "ref", "D-2026", True),
        ("  Jan  de ", "name", "jan de", True),
        ("j", "name", "j", False),
        ("123456783", "name", "123456783", False),  # a mistyped BSN is not searched as a name
        ("", "name", "", False),
    ],
)
def test_classify_query(raw: str, kind: str, text: str, searchable: bool) -> None:
    query = rules.classify_query(raw)
    assert (query.kind, query.text, query.searchable) == (kind, text, searchable)


def test_check_representative() -> None:
    today = date(2026, 3, 2)
    rep, errors = rules.check_representative(
        name="Sanne Bakker", organisation="Wijkteam", relation="maatschappelijk werker", today=today
    )
    assert errors == [] and rep is not None
    assert rep.valid_from == today and rep.valid_until is None
    rep, errors = rules.check_representative(
        name="", organisation="", relation="", email="x", valid_from="2026-03-10", valid_until="2026-03-01", today=today
    )
    assert rep is None
    assert {e.field for e in errors} == {"name", "organisation", "relation", "email", "valid_until"}
    _, errors = rules.check_representative(
        name="A", organisation="B", relation="C", valid_from="10-03-2026", today=today
    )
    assert [(e.field, e.message) for e in errors] == [("valid_from", rules.DATE_MESSAGE)]
