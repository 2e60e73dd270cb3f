"""Correcting a client's details, as plain rules (issue 12): postcodes, phone numbers, birth dates, the address typed
as one text, merging a correction into the stored details, and what a search query for a phone number or a
postcode with house number means."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.clients import rules
from casemgmt.clients.rules import Address, ClientDetails

TODAY = date(2026, 12, 3)


# postcode ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("2511 AB", "2511AB"), ("2511ab", "2511AB"), (" 1012 jk ", "1012JK"), ("9999ZZ", "9999ZZ")]
)
def test_postcode_is_stored_normalised_and_shown_with_a_space(typed: str, stored: str) -> None:
    assert rules.normalise_postcode(typed) == stored
    assert rules.format_postcode(stored) == f"{stored[:4]} {stored[4:]}"


@pytest.mark.parametrize(
    "typed",
    ["0511 AB", "2511 SA", "2511 sd", "2511SS", "251 AB", "25111 AB", "2511 A", "2511 ABC", "2511  AB", "ABCD 12", ""],
)
def test_invalid_postcodes(typed: str) -> None:
    assert rules.normalise_postcode(typed) is None


def test_an_invalid_postcode_is_a_field_error_with_the_prefix() -> None:
    address, errors = rules.check_address(street="Spui", house_number="70", postcode="0511 AB", prefix="address.")
    assert address is None and [(e.field, e.message) for e in errors] == [("address.postcode", rules.POSTCODE_MESSAGE)]


@pytest.mark.parametrize("number", ["0", "-1", "100000", "12a", "٣", "1.5"])
def test_house_number_must_be_1_to_99999(number: str) -> None:
    _, errors = rules.check_address(house_number=number)
    assert [e.field for e in errors] == ["house_number"]


def test_address_is_cleaned() -> None:
    address, errors = rules.check_address(
        street="  Lange   Poten ", house_number=" 1 ", addition="-a", postcode="2511cl", city=" Den  Haag"
    )
    assert errors == []
    assert address == Address("Lange Poten", 1, "A", "2511CL", "Den Haag")
    assert address.text == "Lange Poten 1A, 2511 CL Den Haag"
    assert rules.check_address()[0] == Address() and Address().empty


# phone numbers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("070-1234567", "+31701234567", "070 123 4567"),
        ("+31 70 123 4567", "+31701234567", "070 123 4567"),
        ("0031 70 123 4567", "+31701234567", "070 123 4567"),
        ("(070) 123 45 67", "+31701234567", "070 123 4567"),
        ("0612345678", "+31612345678", "06 12345678"),
        ("+32 2 555 12 12", "+3225551212", "+32 2 555 12 12"),
    ],
)
def test_phone_numbers_are_stored_in_e164_and_shown_in_national_format(typed: str, stored: str, shown: str) -> None:
    assert rules.check_phone(typed) == (stored, [])
    assert rules.format_phone(stored) == shown


@pytest.mark.parametrize("typed", ["06 1", "12345", "070 123 45678", "bel me", "06-1234-567x", "+99 123", "0" * 41])
def test_invalid_phone_numbers(typed: str) -> None:
    stored, errors = rules.check_phone(typed)
    assert stored == "" and [(e.field, e.message) for e in errors] == [("phone", "Ongeldig telefoonnummer")]


def test_no_phone_number_is_fine_and_a_number_kept_as_typed_is_shown_as_it_is() -> None:
    assert rules.check_phone("  ") == ("", [])
    assert rules.format_phone("bel via de buren") == "bel via de buren"


@given(st.text(max_size=30))
def test_phone_normalisation_never_raises_and_is_stable(text: str) -> None:
    stored = rules.normalise_phone(text)
    if stored is not None:
        assert stored.startswith("+") and rules.normalise_phone(stored) == stored


# birth date, channel, time ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-12-04", rules.BIRTH_DATE_FUTURE),
        ("1899-12-31", rules.BIRTH_DATE_TOO_EARLY),
        ("3-12-1980", rules.DATE_MESSAGE),
        ("1980-02-30", rules.DATE_MESSAGE),
    ],
)
def test_birth_date_not_in_the_future_nor_before_1900(value: str, message: str) -> None:
    assert rules.check_birth_date(value, today=TODAY) == (None, [rules.FieldError("birth_date", message)])


def test_birth_date_today_1900_and_none_are_fine() -> None:
    assert rules.check_birth_date("2026-12-03", today=TODAY) == (TODAY, [])
    assert rules.check_birth_date(date(1900, 1, 1), today=TODAY) == (date(1900, 1, 1), [])
    assert rules.check_birth_date("", today=TODAY) == (None, [])


def test_preferred_channel_and_time() -> None:
    assert list(rules.PREFERRED_CHANNELS.values()) == ["Telefoon", "E-mail", "Brief", "Balie"]
    assert rules.check_preferred_channel("letter") == ("letter", [])
    assert rules.check_preferred_channel("") == (None, [])
    assert [e.field for e in rules.check_preferred_channel("fax")[1]] == ["preferred_channel"]
    assert rules.check_preferred_time("  na  17.00 uur ") == ("na 17.00 uur", [])
    assert [e.field for e in rules.check_preferred_time("x" * 101)[1]] == ["preferred_time"]


# an address typed as one text (the migration, the exchange format's old files) -----------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Straat 12a, 2511 AB Den Haag", Address("Straat", 12, "A", "2511AB", "Den Haag")),
        ("Laan van Meerdervoort 1a\n2517 AA Den Haag", Address("Laan van Meerdervoort", 1, "A", "2517AA", "Den Haag")),
        ("Spui 70, Den Haag", Address("Spui", 70, "", "", "Den Haag")),
        ("Spui 70", Address("Spui", 70)),
        ("2e Schuytstraat 12 bis, 2517 XD Den Haag", Address("2e Schuytstraat", 12, "BIS", "2517XD", "Den Haag")),
        ("Keizersgracht 12-III, Amsterdam", Address("Keizersgracht", 12, "III", "", "Amsterdam")),
        ("", Address()),
    ],
)
def test_address_text_is_split_into_parts(text: str, parts: Address) -> None:
    assert rules.parse_address_text(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "Spui <1>",
        "Plein 1940-45 3, 1234 AB X",
        "Spui 70, 0511 AB Den Haag",  # a postcode that is none
        "245 East 84th Street, New York, NY 10028, Verenigde Staten",
        "bij de kerk",
    ],
)
def test_what_does_not_read_as_an_address_goes_whole_into_the_street(text: str) -> None:
    assert rules.parse_address_text(text) == Address(street=text)


@given(st.text(max_size=80))
def test_splitting_loses_nothing(text: str) -> None:
    parts = rules.parse_address_text(text)
    if parts.house_number is None:
        assert parts == Address(street=text.strip()) or (parts == Address() and not text.strip())
    else:
        for piece in (parts.street, parts.city):
            assert piece in " ".join(text.split())


# merging a correction ---------------------------------------------------------------------------------------------

CURRENT = ClientDetails(
    name="Jan de Vries",
    phone="+31701234567",
    email="",
    address=Address("Spui", 70, "", "2511BT", "Den Haag"),
    birth_date=None,
    preferred_channel=None,
    preferred_time="",
)


def test_only_the_fields_sent_change_and_only_what_differs_is_recorded() -> None:
    change, errors = rules.check_patch(
        CURRENT, {"phone": "070-1234567", "address": {"house_number": 72}, "preferred_channel": "letter"}, today=TODAY
    )
    assert errors == [] and change is not None
    assert change.changed == ["address", "preferred_channel"]  # the phone is the same number, typed differently
    assert change.before == {
        "address": {"street": "Spui", "house_number": 70, "addition": "", "postcode": "2511BT", "city": "Den Haag"},
        "preferred_channel": None,
    }
    assert change.after["address"]["house_number"] == 72 and change.after["preferred_channel"] == "letter"
    assert change.columns == {
        "street": "Spui",
        "house_number": 72,
        "house_number_addition": "",
        "postcode": "2511BT",
        "city": "Den Haag",
        "preferred_channel": "letter",
    }


def test_a_new_name_also_changes_its_searched_form_and_dates_are_recorded_as_text() -> None:
    change, _ = rules.check_patch(CURRENT, {"name": " Jan  de  Wit ", "birth_date": "1970-05-01"}, today=TODAY)
    assert change is not None
    assert change.columns == {"name": "Jan de Wit", "name_normalised": "jan de wit", "birth_date": date(1970, 5, 1)}
    assert change.after == {"name": "Jan de Wit", "birth_date": "1970-05-01"}


def test_null_or_empty_empties_an_optional_field() -> None:
    change, _ = rules.check_patch(CURRENT, {"phone": None, "address": None}, today=TODAY)
    assert change is not None and change.after == {"phone": "", "address": Address().as_json()}


def test_nothing_sent_or_nothing_different_is_an_empty_change() -> None:
    for sent in ({}, {"name": "Jan de Vries", "phone": "+31 70 123 4567", "address": {"postcode": "2511 bt"}}):
        change, errors = rules.check_patch(CURRENT, sent, today=TODAY)
        assert errors == [] and change is not None and change.after == {} and change.columns == {}


def test_every_wrong_field_is_named_and_nothing_is_merged() -> None:
    change, errors = rules.check_patch(
        CURRENT,
        {
            "name": "  ",
            "phone": "06 1",
            "email": "jan@",
            "address": {"postcode": "2511 SS", "house_number": 0},
            "birth_date": "2030-01-01",
        },
        today=TODAY,
    )
    assert change is None
    assert {e.field for e in errors} == {
        "name",
        "phone",
        "email",
        "address.postcode",
        "address.house_number",
        "birth_date",
    }


# search queries ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["070-1234567", "+31 70 123 4567", "0031701234567", "070 123 45 67"])
def test_a_phone_number_in_any_format_is_a_phone_query(typed: str) -> None:
    assert rules.classify_query(typed) == rules.Query("phone", "+31701234567")


@pytest.mark.parametrize(
    ("typed", "number", "addition"),
    [("2511 AB 12", 12, ""), ("2511ab 12a", 12, "A"), ("2511AB 12-b", 12, "B"), ("2511 ab, 12 bis", 12, "BIS")],
)
def test_a_postcode_with_house_number_is_an_address_query(typed: str, number: int, addition: str) -> None:
    assert rules.classify_query(typed) == rules.Query("postcode", "2511AB", house_number=number, addition=addition)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("123456782", "bsn"), ("0612", "name"), ("2511 AB", "name"), ("0511 AB 12", "name"), ("D-2026-00001", "ref")],
)
def test_other_queries_keep_their_meaning(typed: str, kind: str) -> None:
    assert rules.classify_query(typed).kind == kind
