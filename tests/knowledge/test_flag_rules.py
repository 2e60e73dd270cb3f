"""The rules of a flag, without HTTP or a database: the kind by code or Dutch label, the note required for "klopt
niet" and "onduidelijk", the owner's resolution required."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.errors import InvalidInput
from casemgmt.knowledge import flag_rules
from casemgmt.knowledge.rules import MAX_FLAG_NOTE, FlagKind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("wrong", FlagKind.WRONG),
        ("klopt niet", FlagKind.WRONG),
        ("  Klopt   NIET ", FlagKind.WRONG),
        ("onduidelijk", FlagKind.UNCLEAR),
        ("unclear", FlagKind.UNCLEAR),
        ("Ontbreekt", FlagKind.MISSING),
        ("missing", FlagKind.MISSING),
    ],
)
def test_the_kind_by_code_or_dutch_label(text: str, kind: FlagKind) -> None:
    assert flag_rules.kind_of(text) is kind


@given(st.text(max_size=30))
def test_anything_else_is_no_kind(text: str) -> None:
    known = {"wrong", "unclear", "missing", "klopt niet", "onduidelijk", "ontbreekt"}
    if " ".join(text.split()).casefold() not in known:
        assert flag_rules.kind_of(text) is None


def test_a_note_is_required_for_wrong_and_unclear_only() -> None:
    for kind in ("wrong", "onduidelijk"):
        with pytest.raises(InvalidInput) as refused:
            flag_rules.check_flag(kind, "   ")
        assert refused.value.by_field() == {"note": flag_rules.NOTE_MISSING}
    assert flag_rules.check_flag("ontbreekt", "") == flag_rules.FlagInput(FlagKind.MISSING, "")
    assert flag_rules.check_flag("klopt niet", " Het loket is verhuisd. ").note == "Het loket is verhuisd."


def test_every_problem_at_once() -> None:
    with pytest.raises(InvalidInput) as refused:
        flag_rules.check_flag("fout", "x" * (MAX_FLAG_NOTE + 1))
    assert refused.value.by_field() == {"kind": flag_rules.UNKNOWN_KIND, "note": flag_rules.NOTE_TOO_LONG}


def test_the_resolution_is_required_and_bounded() -> None:
    with pytest.raises(InvalidInput) as empty:
        flag_rules.check_resolution(" ")
    assert empty.value.by_field() == {"resolution": flag_rules.RESOLUTION_MISSING}
    with pytest.raises(InvalidInput):
        flag_rules.check_resolution("x" * (MAX_FLAG_NOTE + 1))
    assert flag_rules.check_resolution(" Tekst aangepast. ") == "Tekst aangepast."
    assert flag_rules.label_of("unclear") == "onduidelijk" and flag_rules.label_of("iets") == "iets"
