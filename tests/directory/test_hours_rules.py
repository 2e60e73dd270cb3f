"""The rules of a service's opening hours (``directory.hours``) and details (``directory.norms``), without HTTP or a
database: reading the reference texts, the checks with their Dutch messages at the field, the one-line text, and
"nu open" / "gesloten" in Europe/Amsterdam with public holidays closed."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from casemgmt.directory.hours import (
    HoursInput,
    Interval,
    check_hours,
    describe,
    open_state,
    parse_reference_hours,
)
from casemgmt.directory.norms import check_norm, check_service_details
from casemgmt.directory.reference import REFERENCE_SERVICES

WEEK = [Interval(day, time(8, 30), time(17, 0)) for day in range(5)]


def test_reference_texts_are_read() -> None:
    assert parse_reference_hours("ma-vr 08:30-17:00") == WEEK
    kcc = parse_reference_hours("ma-vr 08:00-18:00, do tot 20:00")
    assert [(i.weekday, i.opens, i.closes) for i in kcc] == [
        (0, time(8), time(18)),
        (1, time(8), time(18)),
        (2, time(8), time(18)),
        (3, time(8), time(20)),
        (4, time(8), time(18)),
    ]
    assert parse_reference_hours("za 10:00-12:00, ma 9.00-12.00") == [
        Interval(0, time(9), time(12)),
        Interval(5, time(10), time(12)),
    ]
    assert parse_reference_hours("") == []
    for definition in REFERENCE_SERVICES:  # every reference text reads
        assert parse_reference_hours(definition.hours)


@pytest.mark.parametrize(
    "text", ["ma-vr 17:00-08:30", "elke dag", "vr-ma 08:00-17:00", "do tot 20:00", "ma 25:00-26:00"]
)
def test_unreadable_reference_texts_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read opening hours"):
        parse_reference_hours(text)


def test_describe_writes_runs_of_days() -> None:
    assert describe(WEEK) == "ma-vr 08:30-17:00"
    assert describe(parse_reference_hours("ma-vr 08:00-18:00, do tot 20:00")) == (
        "ma-wo 08:00-18:00, do 08:00-20:00, vr 08:00-18:00"
    )
    split = [Interval(3, time(8), time(12)), Interval(3, time(18), time(20))]
    assert describe(split) == "do 08:00-12:00 en 18:00-20:00"
    assert describe([]) == "gesloten"


def entry(weekday: str, opens: str, closes: str, n: int = 0) -> HoursInput:
    return HoursInput(weekday, opens, closes, f"opening_hours[{n}]")


def test_good_hours_pass_with_two_intervals_a_day() -> None:
    intervals, errors = check_hours(
        [
            entry("thursday", "18:00", "20:00", 0),
            entry("Donderdag", "08:00", "12:00", 1),
            entry("ma", "8.30", "17:00", 2),
        ]
    )
    assert errors == []
    assert intervals == [
        Interval(0, time(8, 30), time(17)),
        Interval(3, time(8), time(12)),
        Interval(3, time(18), time(20)),
    ]
    # one interval may start where the other ends
    assert check_hours([entry("monday", "08:00", "12:00", 0), entry("monday", "12:00", "17:00", 1)])[1] == []


@pytest.mark.parametrize(
    ("entries", "field", "message"),
    [
        ([entry("monday", "17:00", "08:30")], "opening_hours[0].closes", "De sluitingstijd moet na de openingstijd"),
        ([entry("monday", "09:00", "09:00")], "opening_hours[0].closes", "De sluitingstijd moet na de openingstijd"),
        ([entry("funday", "08:00", "17:00")], "opening_hours[0].weekday", "Onbekende weekdag 'funday'"),
        ([entry("monday", "8 uur", "17:00")], "opening_hours[0].opens", "Vul een openingstijd in als uu:mm"),
        ([entry("monday", "08:00", "24:00")], "opening_hours[0].closes", "Vul een sluitingstijd in als uu:mm"),
        (
            [entry("friday", "08:00", "13:00", 0), entry("friday", "12:00", "17:00", 1)],
            "opening_hours[1].opens",
            "Overlapt met 08:00-13:00 op vrijdag",
        ),
        (
            [
                entry("friday", "08:00", "09:00", 0),
                entry("friday", "10:00", "11:00", 1),
                entry("fr", "12:00", "13:00", 2),
            ],
            "opening_hours[2].weekday",
            "Onbekende weekdag",
        ),
        (
            [
                entry("friday", "08:00", "09:00", 0),
                entry("friday", "10:00", "11:00", 1),
                entry("vr", "12:00", "13:00", 2),
            ],
            "opening_hours[2].opens",
            "hoogstens 2 blokken",
        ),
    ],
)
def test_bad_hours_are_refused_at_their_field(entries: list[HoursInput], field: str, message: str) -> None:
    _, errors = check_hours(entries)
    assert [e.field for e in errors] == [field] and message in errors[0].message, errors


def test_open_state_in_amsterdam_and_closed_on_holidays() -> None:
    # Monday 7 December 2026, 09:00 in Amsterdam (CET, UTC+1)
    assert open_state(WEEK, datetime(2026, 12, 7, 8, 0, tzinfo=UTC)).text == "Nu open (tot 17:00)"
    assert open_state(WEEK, datetime(2026, 12, 7, 7, 29, tzinfo=UTC)).is_open is False  # 08:29
    assert open_state(WEEK, datetime(2026, 12, 7, 16, 0, tzinfo=UTC)).is_open is False  # 17:00: just closed
    assert open_state(WEEK, datetime(2026, 12, 5, 10, 0, tzinfo=UTC)).text == "Gesloten"  # a Saturday
    christmas = open_state(WEEK, datetime(2026, 12, 25, 10, 0, tzinfo=UTC))  # a Friday, Eerste Kerstdag
    assert christmas.is_open is False and christmas.text.startswith("Gesloten (") and "erstdag" in christmas.text
    # summer time: 16:30 UTC is 18:30 CEST on Thursday 2 July 2026, open on the Thursday evening only
    kcc = parse_reference_hours("ma-vr 08:00-18:00, do tot 20:00")
    assert open_state(kcc, datetime(2026, 7, 2, 16, 30, tzinfo=UTC)).is_open
    assert not open_state(kcc, datetime(2026, 7, 3, 16, 30, tzinfo=UTC)).is_open
    with pytest.raises(ValueError):
        open_state(WEEK, datetime(2026, 12, 7, 9, 0))  # naive


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "De escalatienorm is minstens 1 werkdag"),
        (-2, "De escalatienorm is minstens 1 werkdag"),
        ("", "Vul de escalatienorm in als een geheel aantal werkdagen"),
        ("drie", "Vul de escalatienorm in als een geheel aantal werkdagen"),
        ("2.5", "Vul de escalatienorm in als een geheel aantal werkdagen"),
        (61, "De escalatienorm is hoogstens 60 werkdagen"),
        (True, "Vul de escalatienorm in als een geheel aantal werkdagen"),
    ],
)
def test_bad_norms(value: object, message: str) -> None:
    _, errors = check_norm(value, "escalation_norm_days", "escalatienorm")
    assert [(e.field, e.message) for e in errors] == [("escalation_norm_days", message)]


def test_service_details() -> None:
    details, errors = check_service_details(" Sociale Zaken ", "070 353 7500", "szw@gemeente.nl", "2", 4)
    assert errors == [] and details.name == "Sociale Zaken" and details.escalation_norm_days == 4
    assert check_service_details("KCC", "14070", "", 2, 1)[1] == []  # the municipal short number
    _, errors = check_service_details("", "12", "geen-adres", 0, 1)
    assert [e.field for e in errors] == ["name", "phone", "email", "callback_term_days"]
