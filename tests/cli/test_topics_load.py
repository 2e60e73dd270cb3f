"""``casemgmt topics load [FILE]`` and ``casemgmt departments load [FILE]``: idempotent, from the repo's files or a
given one; a bad file loads nothing and exits 2 naming the entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from casemgmt.directory.models import Department, Topic
from tests.worlds.commands import run

pytestmark = pytest.mark.anyio


async def test_topics_load_is_idempotent(app, migrated, db) -> None:
    async with db() as s, s.begin():  # start from none (the test world loads the reference lists)
        await s.execute(delete(Topic))
        await s.execute(delete(Department))
    first = run(migrated, "topics", "load")
    assert first.returncode == 0, first.stderr
    assert "nieuw" in first.stdout
    async with db() as s:
        codes = set((await s.scalars(select(Topic.code))).all())
    assert {"bijstand", "schuldhulp", "parkeervergunning", "paspoort-id-kaart", "vog", "leerlingenvervoer"} <= codes
    assert {"bouwvergunning", "afval"} <= codes
    second = run(migrated, "topics", "load")
    assert second.returncode == 0 and f"0 nieuw, 0 bijgewerkt, {len(codes)} ongewijzigd" in second.stdout
    async with db() as s:
        assert await s.scalar(select(func.count()).select_from(Topic)) == len(codes)
    departments = [run(migrated, "departments", "load") for _ in range(2)]
    assert all(d.returncode == 0 for d in departments), departments[0].stderr
    async with db() as s:
        names = (await s.scalars(select(Department.name))).all()
    assert len(names) == len(set(names)) and "Werk en Inkomen" in names


async def test_a_file_renames_by_code_and_keeps_deactivated_topics(app, migrated, db, tmp_path: Path) -> None:
    async with db() as s, s.begin():
        topic = await s.scalar(select(Topic).where(Topic.code == "afval"))
        topic.is_active = False
    file = tmp_path / "onderwerpen.toml"
    file.write_text('[DSO]\nafval = "Afval, grofvuil en containers"\nbomen = "Bomen en groen"\n', encoding="utf-8")
    result = run(migrated, "topics", "load", str(file))
    assert result.returncode == 0, result.stderr
    assert "1 nieuw, 1 bijgewerkt, 0 ongewijzigd" in result.stdout
    async with db() as s:
        afval = await s.scalar(select(Topic).where(Topic.code == "afval"))
        assert (afval.name, afval.is_active) == ("Afval, grofvuil en containers", False)  # loading never reactivates
        assert await s.scalar(select(Topic.name).where(Topic.code == "bomen")) == "Bomen en groen"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[XYZ]\nbomen = "Bomen"\n', "[XYZ]"),
        ('[DSO]\n"Bomen!" = "Bomen"\n', "kleine letters"),
        ('[DSO]\nbomen = ""\n', "Vul de naam"),
        ("[DSO\n", "geen geldig TOML"),
    ],
)
async def test_a_bad_file_loads_nothing(app, migrated, db, tmp_path: Path, text: str, says: str) -> None:
    file = tmp_path / "onderwerpen.toml"
    file.write_text('[SZW]\nnieuw-onderwerp = "Nieuw"\n' + text, encoding="utf-8")
    result = run(migrated, "topics", "load", str(file))
    assert result.returncode == 2 and says in result.stderr, result.stderr
    async with db() as s:
        assert await s.scalar(select(Topic).where(Topic.code == "nieuw-onderwerp")) is None
