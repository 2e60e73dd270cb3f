"""Words and formats (issue 15): one day format in the UI (dd-mm-jjjj, as the browsers' date pickers show it, both
spellings read back), and a ``tel:`` link for every phone number shown."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from casemgmt.web.formatting import DAY_FORMAT_HINT, display_phone, iso_day, parse_day, phone_link, tel_href

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-09", date(2026, 3, 9)),  # what <input type="date"> sends
        ("09-03-2026", date(2026, 3, 9)),  # what is typed where the browser has no picker
        ("9-3-2026", date(2026, 3, 9)),
        (" 31-12-2025 ", date(2025, 12, 31)),
        ("31-02-2026", None),
        ("2026/03/09", None),
        ("morgen", None),
        ("", None),
    ],
)
def test_parse_day_reads_the_picker_and_the_typed_format(text: str, expected: date | None) -> None:
    assert parse_day(text) == expected


def test_iso_day_normalises_readable_days_and_keeps_the_rest() -> None:
    assert iso_day("09-03-2026") == "2026-03-09"
    assert iso_day("2026-03-09") == "2026-03-09"
    assert iso_day(" gisteren ") == "gisteren" and iso_day("") == ""
    assert DAY_FORMAT_HINT == "dd-mm-jjjj"


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("070 353 30 00", "tel:+31703533000"),
        ("06-1234 5678", "tel:+31612345678"),
        ("+31 (0)70 353 75 11", "tel:+31703537511"),
        ("+32 2 555 12 12", "tel:+3225551212"),
        ("14 070", "tel:14070"),  # the municipality's short number: its digits
        ("", ""),
        ("onbekend", ""),
    ],
)
def test_tel_href(phone: str, href: str) -> None:
    assert tel_href(phone) == href


def test_phone_link_dials_e164_shows_the_dutch_way_and_escapes() -> None:
    assert str(phone_link("070 353 30 00")) == (
        '<a class="utrecht-link utrecht-link--telephone" href="tel:+31703533000">070 353 3000</a>'
    )
    assert str(phone_link("+31612345678", "dossier-facts__tel")) == (
        '<a class="utrecht-link utrecht-link--telephone dossier-facts__tel" href="tel:+31612345678">06 12345678</a>'
    )
    assert str(phone_link("+32 2 555 12 12")).endswith('href="tel:+3225551212">+32 2 555 12 12</a>')
    assert str(phone_link("14 070")).endswith('href="tel:14070">14 070</a>')
    assert display_phone("0703533000") == "070 353 3000" and display_phone("geen") == "geen"
    assert str(phone_link("<b>onbekend</b>")) == "&lt;b&gt;onbekend&lt;/b&gt;"
    assert str(phone_link(None)) == ""


def test_every_phone_number_in_the_templates_goes_through_the_phone_filter() -> None:
    """No hand-made ``tel:`` link (``tel:{{ x | replace(' ', '') }}`` dialled "070-…" as typed, not E.164) and no
    phone number printed raw: a number is ``| phone`` (the link) or, where a link cannot go (inside a label or an
    option), ``| phone_text`` (the Dutch display)."""
    hand_made, raw = [], []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        name = template.relative_to(TEMPLATES).as_posix()
        hand_made += [name for _ in re.findall(r'href="tel:', text)]
        for expression in re.findall(r"\{\{(.*?)\}\}", text, re.S):
            code = re.sub(r'"[^"]*"|\'[^\']*\'', '""', expression)  # string literals (labels, field names) aside
            for shown in re.finditer(r"(?<![\w.])(?:\w+\.)+\w*phone\w*\b", code):
                after, before = code[shown.end() :], code[: shown.start()]
                if shown.group(0).startswith(("form.", "values.", "errors.", "limits.")) or re.search(
                    r"\bif\s*$", before
                ):
                    continue  # a form's own value, or a test whether there is a number
                if not re.match(r"\s*\)?\s*\|\s*phone(_text)?\b", after):
                    raw.append(f"{name}: {shown.group(0)}")
    assert not hand_made, hand_made
    assert not raw, raw
