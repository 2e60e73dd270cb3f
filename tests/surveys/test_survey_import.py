"""The survey import service: all-or-nothing per file, skip_invalid, separators and BOM, every kind of bad row with its
line and field, checks against the database in bulk (one query per chunk), and a 100,000-row file."""

from __future__ import annotations

import io
import time
from datetime import date

import pytest
from sqlalchemy import event, func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.audit.services import AuditLog
from casemgmt.surveys import questionnaire
from casemgmt.surveys.csv_format import parse_survey_bytes, parse_survey_csv
from casemgmt.surveys.importer import SurveyImportRejected, import_survey_rows
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from tests.factories import create_client, create_dossier
from tests.surveys.conftest import HEADER, survey_csv

pytestmark = pytest.mark.anyio


@pytest.fixture
async def dossier_refs(db, make_user) -> list[str]:
    casemanager = await make_user("casemanager")
    async with db() as session, session.begin():
        client = await create_client(session)
        return [(await create_dossier(session, client, casemanager.id)).ref for _ in range(3)]


async def run_import(db, data: bytes, **options):
    """Import in one transaction, like the web layer and the CLI: rolled back when rejected."""
    async with db() as session, session.begin():
        return await import_survey_rows(session, parse_survey_bytes(data), **options)


async def stored(db) -> list[SurveyResponse]:
    async with db() as session:
        return list((await session.scalars(select(SurveyResponse).order_by(SurveyResponse.respondent_id))).all())


async def reasons_of(db) -> dict[str, list[str]]:
    async with db() as session:
        rows = (
            await session.execute(
                select(SurveyResponse.respondent_id, survey_reasons.c.code)
                .join(survey_reasons, survey_reasons.c.response_id == SurveyResponse.id)
                .order_by(SurveyResponse.respondent_id, survey_reasons.c.code)
            )
        ).all()
    found: dict[str, list[str]] = {}
    for respondent, code in rows:
        found.setdefault(respondent, []).append(code)
    return found


def valid_rows(refs: list[str]) -> list[str]:
    return [
        f"R-1,2026-03-04,ja,8,,meteen,,bewoner,vrouw,35-44,hbo,{refs[0]},",
        f"R-2,05-03-2026,ja,4,niet_in_een_keer|kastje_muur,doorverbonden,meer_dan_3,bedrijf,man,65+,wo,{refs[1]},"
        '"Drie keer doorverbonden, niemand belde terug"',
        "R-3,2026-03-06,ja,,,zelf_terugbellen,,,,,,,",
        f"R-4,2026-03-07,nee,,,,,,,,,{refs[0]},",
    ]


async def test_a_valid_file_is_imported_with_reasons_and_dossier_links(app, db, dossier_refs):
    async with db() as session, session.begin():
        report = await import_survey_rows(
            session,
            parse_survey_bytes(survey_csv(*valid_rows(dossier_refs))),
            audit=AuditLog(session, actor=None, request_id="test"),
            source="bureau.csv",
        )
    assert (report.imported, report.errors, report.rows) == (4, [], 4)
    rows = await stored(db)
    assert [r.respondent_id for r in rows] == ["R-1", "R-2", "R-3", "R-4"]
    first, second, third, fourth = rows
    assert (first.contact_date, first.remembered_contact, first.grade, first.helped_at_once) == (
        date(2026, 3, 4),
        True,
        8,
        "meteen",
    )
    assert second.comment == "Drie keer doorverbonden, niemand belde terug"
    assert (second.transfer_count, second.respondent_type, second.age_band) == ("meer_dan_3", "bedrijf", "65+")
    assert third.grade is None and third.dossier_id is None
    assert fourth.remembered_contact is False and fourth.grade is None
    async with db() as session:
        ids = dict((await session.execute(select(SurveyResponse.respondent_id, SurveyResponse.dossier_id))).all())
        from casemgmt.dossiers.models import Dossier

        refs = dict((await session.execute(select(Dossier.ref, Dossier.id))).all())
    assert ids["R-1"] == refs[dossier_refs[0]] and ids["R-2"] == refs[dossier_refs[1]]
    assert await reasons_of(db) == {"R-2": ["kastje_muur", "niet_in_een_keer"]}
    assert {r.import_batch for r in rows} == {report.batch}
    async with db() as session:
        [audit] = (await session.scalars(select(AuditEvent).where(AuditEvent.object_type == "survey_responses"))).all()
    assert audit.action == "import" and audit.object_id == report.batch and "4 enquêteantwoorden" in audit.detail
    assert "bureau.csv" in audit.detail


async def test_any_invalid_row_writes_nothing_and_every_invalid_line_is_reported(app, db, dossier_refs):
    data = survey_csv(
        *valid_rows(dossier_refs),
        "R-5,2026-03-08,ja,11,,,,,,,,,",  # line 6: grade 11
        "R-6,2026-03-08,ja,5,lang_wachten|te_duur,,,,,,,,",  # line 7: unknown reason
        "R-7,2026-03-08,ja,7,,,,,,,,D-1999-99999,",  # line 8: a dossier that does not exist
        "R-8,2026-03-08,ja,7,,,,,,,,,",
    )
    with pytest.raises(SurveyImportRejected) as rejected:
        await run_import(db, data)
    report = rejected.value.report
    assert report.imported == 0
    assert [(e.line, e.field) for e in report.errors] == [(6, "grade"), (7, "reasons"), (8, "dossier_ref")]
    assert "'11'" in report.errors[0].message
    assert "te_duur" in report.errors[1].message
    assert "D-1999-99999" in report.errors[2].message and "bestaat niet" in report.errors[2].message
    assert report.invalid_lines == 3
    assert rejected.value.status_code == 422
    assert await stored(db) == []
    assert await reasons_of(db) == {}


async def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(app, db, dossier_refs):
    data = survey_csv(
        *valid_rows(dossier_refs),
        "R-5,2026-03-08,ja,11,,,,,,,,,",
        "R-6,2026-03-08,ja,5,lang_wachten|te_duur,,,,,,,,",
        "R-7,2026-03-08,ja,7,,,,,,,,D-1999-99999,",
        "R-8,2026-03-08,ja,3,lang_wachten,,,,,,,,",
    )
    report = await run_import(db, data, skip_invalid=True)
    assert report.imported == 5
    assert [(e.line, e.field) for e in report.errors] == [(6, "grade"), (7, "reasons"), (8, "dossier_ref")]
    assert [r.respondent_id for r in await stored(db)] == ["R-1", "R-2", "R-3", "R-4", "R-8"]
    assert (await reasons_of(db))["R-8"] == ["lang_wachten"]


async def test_semicolons_and_a_bom_are_accepted(app, db, dossier_refs):
    rows = [row for row in valid_rows(dossier_refs) if '"' not in row]  # the quoted comment holds a comma
    report = await run_import(db, survey_csv(*rows, separator=";", bom=True))
    assert report.imported == 3 and report.errors == []
    assert [r.respondent_id for r in await stored(db)] == ["R-1", "R-3", "R-4"]


async def test_an_unknown_column_rejects_the_file_on_line_1(app, db):
    data = survey_csv("R-1,2026-03-04,ja,8,,meteen,,bewoner,vrouw,35-44,hbo,,,extra", header=HEADER + ",postcode")
    with pytest.raises(SurveyImportRejected) as rejected:
        await run_import(db, data)
    assert [(e.line, e.field) for e in rejected.value.report.errors] == [(1, "postcode")]
    with pytest.raises(SurveyImportRejected):
        await run_import(db, data, skip_invalid=True)  # no row can be read without a valid header
    assert await stored(db) == []


async def test_a_file_that_cannot_be_read_to_the_end_is_refused_even_when_skipping(app, db):
    rows = survey_csv("R-1,2026-03-04,ja,8,,,,,,,,,", "R-2,2026-03-04,ja,8,,,,,,,,,")
    broken = rows + b"R-3,2026-03-04,ja,8,,,,,,,,,\xff\xfe\r\n" + b"R-4,2026-03-04,ja,8,,,,,,,,,\r\n"
    with pytest.raises(SurveyImportRejected) as rejected:
        await run_import(db, broken, skip_invalid=True)
    assert rejected.value.report.unreadable
    assert [(e.line, e.field) for e in rejected.value.report.errors] == [(4, None)]
    assert "UTF-8" in rejected.value.report.errors[0].message
    assert await stored(db) == []


async def test_respondent_ids_already_in_the_database_are_reported(app, db, dossier_refs):
    await run_import(db, survey_csv(*valid_rows(dossier_refs)[:2]))
    data = survey_csv("R-9,2026-04-01,ja,9,,,,,,,,,", "R-2,2026-04-01,ja,9,,,,,,,,,")
    with pytest.raises(SurveyImportRejected) as rejected:
        await run_import(db, data)
    [error] = rejected.value.report.errors
    assert (error.line, error.field) == (3, "respondent_id")
    assert "R-2" in error.message and "al in de database" in error.message
    assert [r.respondent_id for r in await stored(db)] == ["R-1", "R-2"]


async def test_an_error_in_a_later_chunk_still_rolls_back_the_earlier_chunks(app, db):
    rows = [f"R-{i:03d},2026-03-04,ja,{1 + i % 10},,,,,,,,," for i in range(1, 10)]
    rows.append("R-010,2026-03-04,ja,12,,,,,,,,,")  # the last line is wrong
    with pytest.raises(SurveyImportRejected) as rejected:
        await run_import(db, survey_csv(*rows), chunk_size=3)
    assert [(e.line, e.field) for e in rejected.value.report.errors] == [(11, "grade")]
    assert await stored(db) == []


async def test_the_database_is_queried_per_chunk_not_per_row(app, db, dossier_refs):
    refs = dossier_refs
    rows = [
        f"R-{i:05d},2026-03-04,ja,{1 + i % 10},{'lang_wachten' if i % 10 < 6 else ''},,,,,,,{refs[i % 3]},"
        for i in range(2500)
    ]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
    try:
        report = await run_import(db, survey_csv(*rows), chunk_size=1000)
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", count)
    assert report.imported == 2500
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    # 3 chunks: one respondent-id query each, and the dossier refs only once (remembered afterwards)
    assert len(selects) == 3 + 1
    # multi-row inserts: a handful of statements for 2,500 responses and their reasons, never one per row
    assert len(inserts) <= 12
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(SurveyResponse)) == 2500
        assert await session.scalar(select(func.count()).select_from(survey_reasons)) == 1500


def generate_csv(rows: int, refs: list[str]) -> str:
    reasons = list(questionnaire.REASONS)
    helped = list(questionnaire.HELPED_AT_ONCE)
    lines = [HEADER]
    for i in range(rows):
        if i % 20 == 0:
            lines.append(f"R{i:07d},2026-{1 + i % 12:02d}-{1 + i % 28:02d},nee,,,,,,,,,,")
            continue
        grade = 1 + i % 10
        given = "|".join(reasons[(i + k) % 10] for k in range(i % 3)) if grade <= 6 else ""
        ref = refs[i % len(refs)] if i % 4 == 0 else ""
        lines.append(
            f"R{i:07d},{1 + i % 28:02d}-{1 + i % 12:02d}-2026,ja,{grade},{given},{helped[i % 5]},"
            f"{'meer_dan_3' if i % 5 == 1 else ''},bewoner,vrouw,45-54,mbo,{ref},opmerking {i}"
        )
    return "\n".join(lines) + "\n"


async def test_a_hundred_thousand_rows_import_in_reasonable_time(app, db, dossier_refs, capsys):
    text = generate_csv(100_000, dossier_refs)
    started = time.perf_counter()
    progress: list[int] = []
    async with db() as session, session.begin():
        report = await import_survey_rows(
            session, parse_survey_csv(io.StringIO(text, newline="")), progress=progress.append
        )
    elapsed = time.perf_counter() - started
    assert (report.imported, report.errors) == (100_000, [])
    assert progress[-1] == 100_001 and len(progress) >= 100  # after every chunk of 1,000
    assert progress == sorted(progress)
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(SurveyResponse)) == 100_000
        linked = await session.scalar(select(func.count()).where(SurveyResponse.dossier_id.is_not(None)))
    assert linked == len([i for i in range(100_000) if i % 20 and i % 4 == 0])
    assert elapsed < 30.0
    with capsys.disabled():
        dialect = app.state.engine.dialect.name
        print(f"\nsurvey import ({dialect}): 100,000 rows in {elapsed:.2f} s = {100_000 / elapsed:,.0f} rows/s")
