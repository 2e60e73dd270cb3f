"""``casemgmt pilots load``, run as a real process against the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from casemgmt.pilots.models import Pilot
from tests.pilots.conftest import pilot_text
from tests.worlds.commands import run

pytestmark = pytest.mark.anyio


async def test_loads_the_projects_pilots_folder_by_default_and_again_without_duplicates(app, migrated, db) -> None:
    first = run(migrated, "pilots", "load")
    assert first.returncode == 0, first.stderr
    assert "Pilot multiservice-szw-ocw-dso aangemaakt." in first.stdout
    second = run(migrated, "pilots", "load")
    assert second.returncode == 0, second.stderr
    assert "Pilot multiservice-szw-ocw-dso ongewijzigd." in second.stdout
    async with db() as session:
        pilots = (await session.scalars(select(Pilot))).all()
    assert [p.slug for p in pilots] == ["multiservice-szw-ocw-dso"]
    assert pilots[0].service_codes == ["DSO", "OCW", "SZW"]
    assert pilots[0].source_file == "multiservice-szw-ocw-dso.toml"


async def test_an_invalid_file_names_file_line_field_and_reason_and_exits_2(app, migrated, db, tmp_path: Path) -> None:
    (tmp_path / "goed.toml").write_text(pilot_text(slug="goed"), encoding="utf-8")
    bad = pilot_text(slug="fout").replace("kcc_agent = 55", "kcc_agent = -55")
    (tmp_path / "fout.toml").write_text(bad, encoding="utf-8")
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if text.startswith("kcc_agent"))

    result = run(migrated, "pilots", "load", str(tmp_path))
    assert result.returncode == 2
    assert f"fout.toml:{line}: rates.kcc_agent: moet minstens 0 zijn (nu -55)." in result.stderr
    assert "Niet geladen:" in result.stderr and "fout.toml" in result.stderr
    assert "Pilot goed aangemaakt." in result.stdout
    async with db() as session:
        assert (await session.scalars(select(Pilot.slug))).all() == ["goed"]

    fixed = run(migrated, "pilots", "load", str(tmp_path / "fout.toml"))
    assert fixed.returncode == 2  # still invalid when loaded on its own
    (tmp_path / "fout.toml").write_text(pilot_text(slug="fout"), encoding="utf-8")
    fixed = run(migrated, "pilots", "load", str(tmp_path))
    assert fixed.returncode == 0, fixed.stderr
    assert "Pilot fout aangemaakt." in fixed.stdout and "Pilot goed ongewijzigd." in fixed.stdout


async def test_help_lists_the_pilot_and_survey_commands(migrated) -> None:
    result = run(migrated, "--help")
    assert result.returncode == 0
    assert "pilots" in result.stdout and "surveys" in result.stdout
    assert run(migrated, "pilots", "load", "--help").returncode == 0
