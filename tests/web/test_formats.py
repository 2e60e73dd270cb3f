"""Words and formats (issue 15): one day format in the UI (dd-mm-jjjj, as the browsers' date pickers show it, both
spellings read back), and a ``tel:`` link for every phone number shown."""

from __future__ import annotations

from datetime import date

import pytest

from casemgmt.web.formatting import DAY_FORMAT_HINT, iso_day, parse_day, phone_link, tel_href


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


def test_phone_link_shows_the_number_as_written_and_escapes() -> None:
    assert str(phone_link("070 353 30 00")) == (
        '<a class="utrecht-link utrecht-link--telephone" href="tel:+31703533000">070 353 30 00</a>'
    )
    assert str(phone_link("<b>onbekend</b>")) == "&lt;b&gt;onbekend&lt;/b&gt;"
    assert str(phone_link(None)) == ""
