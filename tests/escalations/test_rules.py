"""Escalation rules without HTTP or database: text limits, and what a reusable answer must be (issue 11)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.errors import Conflict, InvalidInput
from casemgmt.escalations.rules import (
    CONFIRM_MESSAGE,
    MAX_ANSWER,
    MAX_QUERY,
    MAX_QUESTION,
    MAX_TITLE,
    KnownOfClient,
    validate_answer,
    validate_query,
    validate_question,
    validate_reusable,
)

JAN = KnownOfClient(
    name="Jan de Vries", bsn="111222333", phone="06 1234 5678", email="jan@example.nl", dossier_ref="D-2026-00012"
)
GENERAL = ("Paspoort vernieuwen vanuit het buitenland", "Aanvragen via de ambassade; pasfoto meesturen.")


def test_question_and_answer_have_a_maximum_length() -> None:
    assert validate_question("q" * MAX_QUESTION) == "q" * MAX_QUESTION
    with pytest.raises(InvalidInput) as caught:
        validate_question("q" * (MAX_QUESTION + 1))
    assert caught.value.by_field() == {"question": f"De vraag is te lang ({MAX_QUESTION + 1} tekens, maximaal 4000)"}
    with pytest.raises(InvalidInput) as answer:
        validate_answer("open", "a" * (MAX_ANSWER + 1))
    assert list(answer.value.by_field()) == ["answer"]


def test_a_reusable_answer_is_general_text_confirmed_without_personal_data() -> None:
    text = validate_reusable("answered", f"  {GENERAL[0]} ", GENERAL[1], True, JAN)
    assert (text.title, text.answer) == GENERAL
    with pytest.raises(InvalidInput) as unconfirmed:
        validate_reusable("answered", *GENERAL, False, JAN)
    assert unconfirmed.value.by_field() == {"no_personal_data": CONFIRM_MESSAGE}
    with pytest.raises(InvalidInput) as everything:
        validate_reusable("answered", "", "a" * (MAX_ANSWER + 1), False)
    assert set(everything.value.by_field()) == {"title", "answer", "no_personal_data"}
    with pytest.raises(InvalidInput) as long_title:
        validate_reusable("answered", "t" * (MAX_TITLE + 1), GENERAL[1], True)
    assert list(long_title.value.by_field()) == ["title"]


def test_only_an_answered_escalation_gets_a_reusable_answer() -> None:
    with pytest.raises(Conflict):
        validate_reusable("open", *GENERAL, True)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Mag JAN DE   VRIES een paspoort?", ["naam"]),
        ("BSN 111 222 333 opgeven", ["BSN"]),
        ("Bel 06-1234-5678", ["telefoonnummer"]),
        ("Mail Jan@Example.nl", ["e-mailadres"]),
        ("Zie d-2026-00012", ["dossiernummer"]),
        ("Nummer 123456782 klopt", ["BSN"]),  # any number passing the 11-proof, not only the client's
        ("Bel 14070 of kijk op denhaag.nl", []),
        ("Nummer 123456789 (geen geldig BSN)", []),
    ],
)
def test_the_clients_data_are_found_in_the_text(text, what) -> None:
    assert JAN.named_in(text) == what


def test_a_text_naming_the_client_is_refused_on_its_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_reusable("answered", GENERAL[0], "Jan de Vries moet langskomen.", True, JAN)
    assert list(caught.value.by_field()) == ["answer"]
    assert "(naam)" in caught.value.by_field()["answer"]


@given(st.text(max_size=MAX_QUERY))
def test_a_search_within_the_limit_gives_its_words(q: str) -> None:
    assert validate_query(q) == q.lower().split()


def test_a_search_beyond_the_limit_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_query("x" * (MAX_QUERY + 1))
    assert list(caught.value.by_field()) == ["q"]
