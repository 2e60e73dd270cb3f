"""``casemgmt surveys import FILE [--skip-invalid]``, run as a real process against the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from casemgmt.surveys.models import SurveyResponse
from tests.surveys.conftest import survey_csv
from tests.worlds.commands import run

pytestmark = pytest.mark.anyio

ROWS = (
    "R-1,2026-03-04,ja,8,,meteen,,bewoner,vrouw,35-44,hbo,,",
    "R-2,2026-03-05,ja,4,kastje_muur|lang_wachten,doorverbonden,2,,,,,,",
    "R-3,2026-03-06,ja,11,,,,,,,,,",
    "R-4,2026-03-06,ja,5,,,,,,,,D-2020-00001,",
)


async def count(db) -> int:
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


async def test_an_invalid_file_lists_every_line_writes_nothing_and_exits_2(app, migrated, db, tmp_path: Path):
    path = tmp_path / "enquete.csv"
    path.write_bytes(survey_csv(*ROWS, separator=";", bom=True))
    result = run(migrated, "surveys", "import", str(path))
    assert result.returncode == 2
    assert "Fout op regel 4, grade: Rapportcijfer '11' is ongeldig" in result.stderr
    assert "Fout op regel 5, dossier_ref: Dossier 'D-2020-00001' bestaat niet." in result.stderr
    assert "Niets geïmporteerd: 2 ongeldige regel(s)" in result.stderr
    assert "Importeren" in result.stderr  # the progress bar
    assert await count(db) == 0


async def test_skip_invalid_imports_the_valid_rows(app, migrated, db, tmp_path: Path):
    path = tmp_path / "enquete.csv"
    path.write_bytes(survey_csv(*ROWS))
    result = run(migrated, "surveys", "import", "--skip-invalid", str(path))
    assert result.returncode == 0, result.stderr
    assert "2 enquêteantwoorden geïmporteerd uit enquete.csv; 2 ongeldige regel(s) overgeslagen" in result.stdout
    assert "Fout op regel 4, grade" in result.stderr
    assert await count(db) == 2
    again = run(migrated, "surveys", "import", str(tmp_path / "enquete.csv"))
    assert again.returncode == 2 and "Respondentnummer 'R-1' staat al in de database." in again.stderr
    assert await count(db) == 2
