"""Bulk import of survey responses from the survey CSV (issue 5), built on ``csv_format``'s streaming parser.

How it works, per file:

- rows are taken from the parser as a stream and handled in chunks of ``CHUNK_SIZE`` (1,000): per chunk one query
  finds respondent ids that already exist in the database, one query maps the new ``dossier_ref``s to dossier ids
  (refs found earlier are remembered), and the valid rows are written with one multi-row ``INSERT … RETURNING``
  plus one for their reasons. Nothing is queried or written per row.
- **all-or-nothing** (default): every invalid line is reported (field and reason), rows keep being checked after
  the first error so the report is complete, but from then on nothing more is written and
  ``SurveyImportRejected`` is raised at the end: the caller's transaction must roll back (the web layer answers
  422, which rolls back; the CLI's transaction block rolls back on the exception). So any invalid row → nothing
  written.
- **skip_invalid**: valid rows are written, invalid ones reported — except when the file itself cannot be read
  (a bad header, invalid UTF-8, broken quoting: ``RowError.fatal``): then no row can be trusted and the import is
  rejected as a whole, skip or not.
- every response of one import shares an ``import_batch`` id; one audit event records the import.

The progress callback receives the line number reached, after every chunk.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog
from casemgmt.dossiers.models import Dossier
from casemgmt.errors import Conflict, DomainError
from casemgmt.surveys.csv_format import ParsedRow, RowError
from casemgmt.surveys.models import SurveyResponse, survey_reasons

CHUNK_SIZE = 1000

Progress = Callable[[int], None]


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    batch: str | None = None
    rows: int = 0
    """Data rows read (valid and invalid)."""
    unreadable: bool = False
    """The file could not be read (a fatal error): rejected even when skipping invalid rows."""

    @property
    def invalid_lines(self) -> int:
        return len({error.line for error in self.errors})

    def as_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "errors": [error.as_dict() for error in self.errors]}


class SurveyImportRejected(DomainError):
    """The file had invalid rows and skip_invalid was off: nothing may be written (roll the transaction back)."""

    status_code = 422

    def __init__(self, report: ImportReport) -> None:
        if report.unreadable:
            message = "Niets geïmporteerd: het bestand kan niet (helemaal) worden gelezen. Verbeter het bestand."
        else:
            message = (
                f"Niets geïmporteerd: {report.invalid_lines} ongeldige regel(s). Verbeter het bestand of importeer "
                "alleen de geldige regels."
            )
        super().__init__(message)
        self.report = report


def response_values(row: ParsedRow, dossier_id: int | None) -> dict[str, Any]:
    """The ``survey_responses`` columns of one parsed row (without import metadata)."""
    return {
        "respondent_id": row.respondent_id,
        "contact_date": row.contact_date,
        "remembered_contact": row.remembered_contact,
        "grade": row.grade,
        "helped_at_once": row.helped_at_once,
        "transfer_count": row.transfer_count,
        "respondent_type": row.respondent_type,
        "gender": row.gender,
        "age_band": row.age_band,
        "education": row.education,
        "dossier_id": dossier_id,
        "comment": row.comment,
    }


def duplicate_error(line: int | None, respondent_id: str) -> RowError:
    return RowError(line, "respondent_id", f"Respondentnummer '{respondent_id}' staat al in de database.")


def unknown_dossier_error(line: int | None, ref: str) -> RowError:
    return RowError(line, "dossier_ref", f"Dossier '{ref}' bestaat niet.")


class DossierRefs:
    """Maps ``D-…`` references to dossier ids, one query per batch of new refs, remembering what it found."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.known: dict[str, int | None] = {}

    async def resolve(self, refs: Iterable[str]) -> dict[str, int | None]:
        wanted = {ref for ref in refs if ref not in self.known}
        if wanted:
            rows = await self.session.execute(select(Dossier.ref, Dossier.id).where(Dossier.ref.in_(wanted)))
            found: dict[str, int] = {ref: dossier_id for ref, dossier_id in rows.all()}
            for ref in wanted:
                self.known[ref] = found.get(ref)
        return self.known


async def existing_respondents(session: AsyncSession, respondent_ids: Sequence[str]) -> set[str]:
    if not respondent_ids:
        return set()
    rows = await session.scalars(
        select(SurveyResponse.respondent_id).where(SurveyResponse.respondent_id.in_(respondent_ids))
    )
    return set(rows.all())


async def import_survey_rows(
    session: AsyncSession,
    rows: Iterable[ParsedRow | RowError],
    *,
    skip_invalid: bool = False,
    entered_by_id: int | None = None,
    audit: AuditLog | None = None,
    source: str = "",
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportReport:
    """Import parsed survey rows (see the module docstring). Returns the report; raises ``SurveyImportRejected``
    when a row is invalid and ``skip_invalid`` is off (then the caller must roll back)."""
    report = ImportReport(batch=str(uuid.uuid4()))
    writer = _ChunkWriter(session, report, skip_invalid=skip_invalid, entered_by_id=entered_by_id)
    chunk: list[ParsedRow] = []
    last_line = 0
    seen_error_lines: set[int | None] = set()
    for item in rows:
        if isinstance(item, RowError):
            report.errors.append(item)
            if item.line not in seen_error_lines:
                seen_error_lines.add(item.line)
                if item.line != 1:
                    report.rows += 1
            if item.fatal:
                report.unreadable = True
            writer.writing = writer.writing and skip_invalid and not report.unreadable
            continue
        report.rows += 1
        last_line = item.line or last_line
        chunk.append(item)
        if len(chunk) >= chunk_size:
            await writer.write(chunk)
            chunk = []
            if progress:
                progress(last_line)
    if chunk:
        await writer.write(chunk)
    if progress:
        progress(last_line)
    report.errors.sort(key=lambda e: e.line or 0)
    if report.errors and (report.unreadable or not skip_invalid):
        report.imported = 0
        raise SurveyImportRejected(report)
    if audit is not None:
        audit.record(
            Action.IMPORT,
            "survey_responses",
            report.batch,
            detail=(
                f"{report.imported} enquêteantwoorden geïmporteerd"
                + (f" uit {source}" if source else "")
                + (f"; {report.invalid_lines} ongeldige regel(s) overgeslagen" if report.errors else "")
            ),
        )
    return report


class _ChunkWriter:
    def __init__(self, session: AsyncSession, report: ImportReport, *, skip_invalid: bool, entered_by_id: int | None):
        self.session = session
        self.report = report
        self.skip_invalid = skip_invalid
        self.entered_by_id = entered_by_id
        self.refs = DossierRefs(session)
        self.writing = True
        self.now = datetime.now(UTC)

    async def write(self, chunk: list[ParsedRow]) -> None:
        """Check one chunk against the database and, while writing, insert its valid rows."""
        duplicates = await existing_respondents(self.session, [row.respondent_id for row in chunk])
        dossier_ids = await self.refs.resolve(row.dossier_ref for row in chunk if row.dossier_ref)
        valid: list[ParsedRow] = []
        for row in chunk:
            problems = []
            if row.respondent_id in duplicates:
                problems.append(duplicate_error(row.line, row.respondent_id))
            if row.dossier_ref and dossier_ids.get(row.dossier_ref) is None:
                problems.append(unknown_dossier_error(row.line, row.dossier_ref))
            if problems:
                self.report.errors.extend(problems)
                self.writing = self.writing and self.skip_invalid
            else:
                valid.append(row)
        if not self.writing or not valid:
            return
        values = [
            {
                **response_values(row, dossier_ids.get(row.dossier_ref) if row.dossier_ref else None),
                "imported_at": self.now,
                "import_batch": self.report.batch,
                "entered_by_id": self.entered_by_id,
            }
            for row in valid
        ]
        table = cast(Table, SurveyResponse.__table__)
        try:
            result = await self.session.execute(insert(table).returning(table.c.id, table.c.respondent_id), values)
        except IntegrityError as exc:  # another import wrote the same respondent ids at the same moment
            raise Conflict(
                "Tegelijk met deze import zijn dezelfde respondentnummers vastgelegd; er is niets geïmporteerd. "
                "Probeer het opnieuw."
            ) from exc
        ids = {respondent_id: response_id for response_id, respondent_id in result.all()}
        reasons = [{"response_id": ids[row.respondent_id], "code": code} for row in valid for code in row.reasons]
        if reasons:
            await self.session.execute(insert(survey_reasons), reasons)
        self.report.imported += len(valid)
