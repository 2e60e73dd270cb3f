"""``casemgmt generate`` and ``casemgmt dossiers export|import``, run against the test database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casemgmt.dossiers.models import Dossier
from tests.exchange.conftest import AS_OF, jsonl, make_staff, reset, valid_line, written_counts
from tests.worlds.commands import run

pytestmark = pytest.mark.anyio


async def test_generate_export_import_round_trip(app, migrated, db, tmp_path: Path) -> None:
    async with db() as session, session.begin():
        await reset(session, pilots=False)  # generate loads the pilot from pilots/ itself
    generated = run(migrated, "generate", "--size", "small", "--seed", "9", "--as-of", AS_OF.isoformat())
    assert generated.returncode == 0, generated.stderr
    assert "100 dossiers" in generated.stdout and "2.000 klantcontacten" in generated.stdout
    first = tmp_path / "first.jsonl"
    exported = run(migrated, "dossiers", "export", str(first))
    assert exported.returncode == 0, exported.stderr
    assert "100 dossier(s) geëxporteerd" in exported.stdout

    async with db() as session, session.begin():
        await reset(session)
    refused = run(migrated, "dossiers", "import", str(first))  # employees are gone: refused without --create-users
    assert refused.returncode == 2
    assert "Onbekende medewerker" in refused.stderr and "Niets geïmporteerd" in refused.stderr
    imported = run(migrated, "dossiers", "import", str(first), "--create-users")
    assert imported.returncode == 0, imported.stderr
    assert "100 dossier(s) geïmporteerd" in imported.stdout
    second = tmp_path / "second.jsonl"
    assert run(migrated, "dossiers", "export", str(second)).returncode == 0
    assert second.read_bytes() == first.read_bytes()


async def test_import_with_an_invalid_line_exits_2_and_writes_nothing(app, migrated, db, tmp_path: Path) -> None:
    async with db() as session, session.begin():
        await make_staff(session)
        before = await written_counts(session)
    bad = valid_line("D-2026-08002", "111222333")
    bad["contacts"][0]["occurred_at"] = "2026-10-01 09:00"
    file = tmp_path / "dossiers.jsonl"
    file.write_bytes(jsonl(valid_line("D-2026-08001"), bad, valid_line("D-2026-08003", "123456783")))
    result = run(migrated, "dossiers", "import", str(file))
    assert result.returncode == 2
    assert "regel 2: contacts[0].occurred_at:" in result.stderr
    assert "regel 3: client.bsn: Ongeldig BSN (elfproef)" in result.stderr
    assert "Niets geïmporteerd: 2 ongeldige regel(s)" in result.stderr
    async with db() as session:
        assert await written_counts(session) == before
        assert await session.scalar(select(func.count()).select_from(Dossier)) == 0


async def test_export_of_an_unknown_pilot_exits_2(app, migrated, tmp_path: Path) -> None:
    result = run(migrated, "dossiers", "export", str(tmp_path / "x.jsonl"), "--pilot", "bestaat-niet")
    assert result.returncode == 2
    assert "Onbekende pilot 'bestaat-niet'" in result.stderr


async def test_export_to_standard_output(app, migrated, db) -> None:
    async with db() as session, session.begin():
        await make_staff(session)
    from casemgmt.exchange.importer import import_dossiers

    async with db() as session, session.begin():
        await import_dossiers(session, jsonl(valid_line()).splitlines(True))
    result = run(migrated, "dossiers", "export", "-")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["ref"] for line in result.stdout.splitlines()] == ["D-2026-08001"]
