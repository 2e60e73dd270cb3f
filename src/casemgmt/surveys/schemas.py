"""The survey API's shapes: one recorded response, and the import report."""

from __future__ import annotations

from datetime import date

import msgspec

from casemgmt.surveys.csv_format import SurveyAnswers


class SurveyResponseOut(SurveyAnswers, frozen=True):
    """A response in the shape of the CSV contract (``reasons`` as a list, ``remembered_contact`` ``ja``/``nee``)."""

    id: int
    respondent_id: str
    contact_date: date
    remembered_contact: str
    grade: int | None
    reasons: list[str]


class SurveyRowErrorOut(msgspec.Struct):
    """What is wrong where: ``line`` (header = 1), ``field`` (the column; ``null`` for the line or the file)."""

    line: int | None
    field: str | None
    message: str


class SurveyImportReportOut(msgspec.Struct):
    """How many responses were imported, and every error (422: nothing imported)."""

    imported: int
    errors: list[SurveyRowErrorOut]
