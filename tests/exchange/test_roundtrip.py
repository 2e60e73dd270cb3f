"""Export → import into an empty database → export gives the same bytes, with every kind of record and Unicode."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from casemgmt.clients.models import Client
from casemgmt.contacts.models import Contact
from casemgmt.directory.calendar import local_date
from casemgmt.dossiers.models import Dossier
from casemgmt.exchange.export import ExportFilter
from casemgmt.exchange.importer import import_dossiers
from casemgmt.surveys.models import SurveyResponse
from casemgmt.synthetic.generator import generate
from tests.exchange.conftest import (
    AS_OF,
    NOTE_WITH_SEPARATOR,
    PILOT_SLUG,
    TRICKY,
    add_every_kind_of_record,
    count,
    export_lines,
    reset,
)

pytestmark = pytest.mark.anyio


async def test_round_trip_is_byte_identical(db) -> None:
    async with db() as session, session.begin():
        await reset(session)
        await generate(session, "small", seed=5, as_of=AS_OF)
        await add_every_kind_of_record(session)
    async with db() as session:
        first = await export_lines(session)
        before = {model: await count(session, model) for model in (Dossier, Client, SurveyResponse)}
        dossier_contacts = await session.scalar(
            select(func.count()).select_from(Contact).where(Contact.dossier_id.is_not(None))
        )
    assert len(first) == 102

    async with db() as session, session.begin():
        await reset(session)
        report = await import_dossiers(session, [line + "\n" for line in first], create_users=True, source="test")
    assert report.dossiers == 102
    assert report.records["contacts"] == dossier_contacts
    async with db() as session:
        second = await export_lines(session)
        assert await count(session, Dossier) == before[Dossier]

    assert second == first  # byte-identical lines, in the same order
    assert "\n".join(second).encode() == "\n".join(first).encode()


async def test_every_kind_of_record_and_unicode_survive(db) -> None:
    async with db() as session, session.begin():
        await reset(session)
        ref = await add_every_kind_of_record(session)
    async with db() as session:
        lines = await export_lines(session)
    line = json.loads(next(text for text in lines if ref in text))

    assert line["pilot"] == PILOT_SLUG and line["cohort"] == "pilot"
    assert line["client"]["kind"] == "person" and line["client"]["bsn"] == "111222333" and "kvk" not in line["client"]
    assert [r["valid_until"] for r in line["client"]["representatives"]] == ["2026-01-01", None]
    assert [(a["service"], a["until"] is None) for a in line["assignments"]] == [
        ("SZW", True),
        ("OCW", False),
        ("OCW", True),
    ]
    assert line["contacts"][0]["summary"] == TRICKY
    assert line["contacts"][1]["summary"] == NOTE_WITH_SEPARATOR
    assert [c["summary"] for c in line["contacts"][2:]] == ["Zelfde moment B", "Zelfde moment A"]  # by moment, then id
    assert sorted(c["status"] for c in line["commitments"]) == [
        "cancelled",
        "fulfilled",
        "fulfilled",
        "missed",
        "open",
        "open",
    ]
    assert {h["status"] for h in line["handoffs"]} == {"accepted", "declined", "cancelled", "requested"}
    assert [e["answered_by"] is None for e in line["escalations"]] == [False, True]
    assert len(line["time_entries"]) == 2
    surveys = {s["respondent_id"]: s for s in line["surveys"]}
    assert surveys["R-ü-2"]["reasons"] == ["niet_in_een_keer", "vaker_doorverbonden"]  # questionnaire order
    assert surveys["R-ü-3"]["remembered_contact"] == "nee" and surveys["R-ü-3"]["grade"] is None
    assert all(value.endswith("+00:00") for value in (line["opened_at"], line["contacts"][0]["occurred_at"]))
    organisation = json.loads(next(text for text in lines if "D-2026-09002" in text))
    assert organisation["client"]["kvk"] == "12345678" and "bsn" not in organisation["client"]
    assert organisation["outcome"] == "resolved" and organisation["pilot"] is None

    # the raw line keeps Unicode as UTF-8 (no \\u escapes) and escapes newlines, so one dossier is one line
    raw = next(text for text in lines if ref in text)
    assert "ĳ" in raw and "😀" in raw and "\n" not in raw

    async with db() as session, session.begin():
        await reset(session)
        await import_dossiers(session, [text + "\n" for text in lines], create_users=True)
    async with db() as session:
        assert await export_lines(session) == lines


async def test_export_filters_by_pilot_and_opening_date(db) -> None:
    async with db() as session, session.begin():
        await reset(session)
        await generate(session, "small", seed=3, as_of=AS_OF, pilot_dossiers=20)
    async with db() as session:
        everything = [json.loads(text) for text in await export_lines(session)]
        pilot = [json.loads(text) for text in await export_lines(session, ExportFilter(pilot=PILOT_SLUG))]
        window = [
            json.loads(text)
            for text in await export_lines(session, ExportFilter(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30)))
        ]
    assert len(pilot) == 20 and all(line["pilot"] == PILOT_SLUG for line in pilot)
    expected = [
        line["ref"]
        for line in everything
        if date(2026, 1, 1) <= local_date(datetime.fromisoformat(line["opened_at"])) <= date(2026, 6, 30)
    ]
    assert [line["ref"] for line in window] == expected and expected
