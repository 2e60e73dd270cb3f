"""The search box's rules (clients/rules.py): what a query is (one matcher per kind), the folded name and family
name the search ranks by."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.clients import rules
from casemgmt.clients.models import Client
from casemgmt.references.rules import clean_external_refs, lookup_forms


@pytest.mark.parametrize(
    ("raw", "kind", "text"),
    [
        ("123 456 782", "bsn", "123456782"),
        ("12345678", "kvk", "12345678"),
        ("1234 5678", "kvk", "12345678"),
        ("d-2026-00012", "ref", "D-2026-00012"),
        ("DB-2026-11873", "name", "db-2026-11873"),  # text: a reference of another system, or a name
        ("TV-2025-0418", "name", "tv-2025-0418"),
        ("  Öztürk ", "name", "ozturk"),
        ("De  Graaf", "name", "de graaf"),
    ],
)
def test_classify_each_kind(raw: str, kind: str, text: str) -> None:
    query = rules.classify_query(raw)
    assert (query.kind, query.text, query.searchable) == (kind, text, True)
    assert query.raw == " ".join(raw.split())


def test_a_mistyped_bsn_is_not_searched_but_seven_digits_are_text() -> None:
    wrong = rules.classify_query("123456783")
    assert wrong.kind == "name" and wrong.looks_like_bsn and not wrong.searchable
    assert rules.classify_query("1234567").searchable  # e.g. a reference of another system


@pytest.mark.parametrize(
    ("name", "folded", "family"),
    [
        ("Michael de Graaf", "michael de graaf", "graaf"),
        ("Ayşe Öztürk", "ayse ozturk", "ozturk"),
        ("Anna van der Berg", "anna van der berg", "berg"),
        ("Jan Peter ten Brink", "jan peter ten brink", "brink"),
        ("Hans Boersma", "hans boersma", "boersma"),
        ("Zoë IJsselstein-Ĳzerman", "zoe ijsselstein-ijzerman", "ijsselstein-ijzerman"),
        ("Bjørn Straße", "bjorn strasse", "strasse"),
        ("Cher", "cher", "cher"),
        ("  Karel   Appel ", "karel appel", "appel"),
        ("Jan van", "jan van", "van"),  # only particles after the first word: the last word
    ],
)
def test_fold_and_family_name(name: str, folded: str, family: str) -> None:
    assert rules.fold(name) == folded
    assert rules.family_name_key(name) == family
    assert rules.search_keys(name) == {
        "name_normalised": rules.normalise_name(name),
        "name_folded": folded,
        "family_name_folded": family,
    }


def test_a_query_drops_the_particles_for_the_family_name() -> None:
    assert rules.name_prefix_queries("de graaf") == ("graaf", "de graaf")
    assert rules.name_prefix_queries("van der") == ("", "van der")
    assert rules.name_prefix_queries("graaf") == ("graaf", "graaf")


def test_the_model_keeps_its_search_keys_when_the_name_changes() -> None:
    client = Client(kind="person", name="Ayşe Öztürk")
    assert (client.name_folded, client.family_name_folded) == ("ayse ozturk", "ozturk")
    client.name = "Michael de Graaf"
    assert (client.name_folded, client.family_name_folded) == ("michael de graaf", "graaf")


@given(st.text(max_size=60))
def test_fold_is_idempotent_and_lower_case(text: str) -> None:
    folded = rules.fold(text)
    assert rules.fold(folded) == folded
    assert folded == folded.strip()
    assert rules.family_name_key(text) in folded


def test_references_are_looked_up_as_typed_and_in_capitals() -> None:
    assert lookup_forms(" db-2026-11873 ") == ["db-2026-11873", "DB-2026-11873"]
    assert lookup_forms("DB-2026-11873") == ["DB-2026-11873"]
    assert lookup_forms("") == [] and lookup_forms("x" * 65) == []


def test_dossier_references_are_cleaned_like_contacts() -> None:
    assert clean_external_refs([" DB-2026-11873 ", "TV-2025-0418"], record_type="dossier") == (
        ["DB-2026-11873", "TV-2025-0418"],
        [],
    )
    _, errors = clean_external_refs([f"R-{n}" for n in range(21)], record_type="dossier")
    assert errors[0].field == "external_refs" and "per dossier" in errors[0].message
    _, errors = clean_external_refs(["A", "A", "", "x" * 65, "a\tb"], record_type="dossier")
    assert {"twee keer", "leeg", "te lang", "één regel"} <= {
        word for word in ("twee keer", "leeg", "te lang", "één regel") if word in errors[0].message
    }
