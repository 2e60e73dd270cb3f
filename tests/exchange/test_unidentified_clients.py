"""Unidentified clients in the dossier file (issue 12): the line carries the kind ``unidentified`` and neither
number; export → import → export keeps them, and the lines of one file naming the same caller share one client."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from casemgmt.clients.models import Client
from casemgmt.exchange.importer import import_dossiers
from casemgmt.exchange.schema import LineError, ParsedLine, parse_line
from tests.exchange.conftest import export_lines, jsonl, make_staff, reset, valid_line

NOW = datetime(2026, 11, 1, tzinfo=UTC)
CALLER = {"kind": "unidentified", "bsn": None, "name": "Buurvrouw Prinsegracht", "phone": "06 2847 1935"}


def unidentified_line(ref: str, **client: Any) -> dict[str, Any]:
    line = valid_line(ref)
    line["client"].update(CALLER)
    line["client"].pop("bsn")
    line["client"].update(client)
    return line


def client_errors(**client: Any) -> list[tuple[str | None, str]]:
    result = parse_line(json.dumps(unidentified_line("D-2026-08001", **client)), 1, NOW)
    if isinstance(result, ParsedLine):
        return []
    return [(error.path, error.message) for error in result if isinstance(error, LineError)]


def test_an_unidentified_client_has_no_number_but_a_way_to_reach_them() -> None:
    assert client_errors() == []
    assert client_errors(phone="", email="buurvrouw@example.nl") == []
    assert client_errors(bsn="123456782", kvk="12345678") == [
        ("client.bsn", "Een niet-geïdentificeerde klant heeft geen BSN."),
        ("client.kvk", "Een niet-geïdentificeerde klant heeft geen KvK-nummer."),
    ]
    assert client_errors(phone=" ", email="") == [
        ("client.phone", "Een niet-geïdentificeerde klant heeft een telefoonnummer of e-mailadres.")
    ]


@pytest.mark.anyio
async def test_round_trip_keeps_the_kind_and_one_client_per_caller(db) -> None:
    lines = [
        unidentified_line("D-2026-08001"),
        unidentified_line("D-2026-08002"),  # the same caller again
        unidentified_line("D-2026-08003", name="Dhr. Kramer", phone="", email="kramer@example.nl"),
        valid_line("D-2026-08004"),
    ]
    async with db() as session, session.begin():
        await reset(session)
        await make_staff(session)
        report = await import_dossiers(session, jsonl(*lines).splitlines(True))
    assert report.dossiers == 4 and report.clients_created == 3 and report.clients_reused == 1
    async with db() as session:
        kinds = sorted((c.kind, c.bsn, c.name) for c in await session.scalars(select(Client)))
        first = await export_lines(session)
    assert kinds == [
        ("person", "123456782", "Anna de Boer"),
        ("unidentified", None, "Buurvrouw Prinsegracht"),
        ("unidentified", None, "Dhr. Kramer"),
    ]
    exported = [json.loads(line)["client"] for line in first]
    assert [c["kind"] for c in exported] == ["unidentified", "unidentified", "unidentified", "person"]
    assert "bsn" not in exported[0] and "kvk" not in exported[0]

    async with db() as session, session.begin():
        await reset(session)
        await make_staff(session)
        await import_dossiers(session, [line + "\n" for line in first])
    async with db() as session:
        assert await export_lines(session) == first
