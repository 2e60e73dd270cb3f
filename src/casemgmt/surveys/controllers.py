"""Survey API (``/api/v1/surveys``, ``/api/v1/surveys/import``) and the pages Tevredenheid invoeren / importeren.

Admins and evaluators only. The import endpoints answer with the import report: 200 ``{"imported", "errors"}``, or
422 with the same shape and nothing written (the request's transaction rolls back on a 4xx). The upload page shows
the upload's progress with ``/static/app/upload.js`` (no inline scripts) and the summary afterwards; without
JavaScript it is a plain multipart form that answers with the summary page.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.openapi.spec import Schema
from litestar.params import Body, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from casemgmt.auth.guards import requires_role
from casemgmt.auth.roles import Role
from casemgmt.db import DbSession
from casemgmt.errors import InvalidInput
from casemgmt.surveys import questionnaire
from casemgmt.surveys.csv_format import COLUMNS
from casemgmt.surveys.dependencies import Surveys
from casemgmt.surveys.importer import ImportReport, SurveyImportRejected
from casemgmt.surveys.schemas import SurveyImportReportOut, SurveyResponseOut
from casemgmt.web.openapi import CONFLICT, closed_object
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.routes import file_import, page_form

TAGS = ["tevredenheid"]
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
"""A survey file of 100,000 rows is about 10 MB; room to spare, but bounded."""
MAX_ERRORS_SHOWN = 500
"""The page lists this many errors (the API returns all of them)."""

survey_roles = requires_role(Role.ADMIN, Role.EVALUATOR)


def _report_response(report: ImportReport, status_code: int) -> Response[SurveyImportReportOut]:
    body = msgspec.convert(report.as_json(), SurveyImportReportOut)
    return Response(body, status_code=status_code, media_type=MediaType.JSON)


# ====================================================================== API


@file_import(
    "/api/v1/surveys/import",
    TAGS,
    "Import survey responses from a CSV body (text/csv); all-or-nothing unless skip_invalid=true",
    [survey_roles],
    MAX_UPLOAD_BYTES,
    SurveyImportReportOut,
    "Invalid rows (or an unreadable file): nothing imported",
    CONFLICT,
)
async def api_import(
    request: Request[Any, Any, Any],
    surveys: Surveys,
    skip_invalid: FromQuery[bool] = False,
) -> Response[SurveyImportReportOut]:
    body = await request.body()
    try:
        report = await surveys.import_csv(body, skip_invalid=skip_invalid, source="API")
    except SurveyImportRejected as exc:
        return _report_response(exc.report, 422)
    return _report_response(report, 200)


@post(
    "/api/v1/surveys",
    tags=TAGS,
    summary="Record one survey response (fields as the CSV columns, reasons as a list)",
    guards=[survey_roles],
    status_code=201,
)
async def api_create(
    data: Annotated[
        dict[str, Any],
        # the columns of the CSV import, each checked by the questionnaire's rules; any other key is refused
        Body(schema_extra=closed_object({column: Schema() for column in COLUMNS})),
    ],
    surveys: Surveys,
) -> SurveyResponseOut:
    return SurveyResponseOut(**await surveys.create(data))


API_HANDLERS: list[Any] = [api_import, api_create]


# ====================================================================== pages: one response


def _blank_answers() -> dict[str, Any]:
    answers: dict[str, Any] = {column: "" for column in COLUMNS}
    answers["reasons"] = []
    return answers


def _form_context(answers: dict[str, Any], errors: dict[str, str] | None = None, saved: str = "") -> dict[str, Any]:
    return {"answers": answers, "errors": errors or {}, "saved": saved, "q": questionnaire}


@get("/tevredenheid/nieuw", name="surveys.new", guards=[survey_roles], include_in_schema=False)
async def new_response(request: Request[Any, Any, Any]) -> Template:
    return page_or_fragment(request, "surveys/new.html", "surveys/_form.html", _form_context(_blank_answers()))


@page_form("/tevredenheid/nieuw", "surveys.create", survey_roles)
async def create_response(
    request: Request[Any, Any, Any], surveys: Surveys, db_session: DbSession
) -> Template | Redirect:
    form = await request.form()
    answers: dict[str, Any] = {column: str(form.get(column) or "").strip() for column in COLUMNS if column != "reasons"}
    answers["reasons"] = [str(code) for code in form.getall("reasons")] if "reasons" in form else []
    try:
        saved = await surveys.create(answers)
    except InvalidInput as exc:
        await db_session.rollback()
        errors: dict[str, str] = {}
        for error in exc.errors:
            errors[error.field] = f"{errors[error.field]} {error.message}" if error.field in errors else error.message
        return page_or_fragment(
            request, "surveys/new.html", "surveys/_form.html", _form_context(answers, errors), status_code=422
        )
    message = f"Het antwoord van respondent {saved['respondent_id']} is opgeslagen."
    if wants_fragment(request):
        return Template("surveys/_form.html", context=_form_context(_blank_answers(), saved=message))
    flash(request, message, category="success")
    return Redirect("/tevredenheid/nieuw", status_code=303)


# ====================================================================== pages: import


def _import_context(report: ImportReport | None, rejected: bool = False, problem: str = "") -> dict[str, Any]:
    return {
        "report": report,
        "rejected": rejected,
        "problem": problem,
        "errors_shown": report.errors[:MAX_ERRORS_SHOWN] if report else [],
        "labels": questionnaire.FIELD_LABELS,
        "columns": COLUMNS,
    }


@get("/tevredenheid/import", name="surveys.import", guards=[survey_roles], include_in_schema=False)
async def import_page(request: Request[Any, Any, Any]) -> Template:
    return page_or_fragment(request, "surveys/import.html", "surveys/_import_result.html", _import_context(None))


@post(
    "/tevredenheid/import",
    name="surveys.import_upload",
    guards=[survey_roles],
    include_in_schema=False,
    request_max_body_size=MAX_UPLOAD_BYTES,
)
async def import_upload(request: Request[Any, Any, Any], surveys: Surveys) -> Template:
    form = await request.form()
    upload = form.get("bestand")
    skip_invalid = form.get("skip_invalid") == "ja"

    def answer(context: dict[str, Any], status_code: int) -> Template:
        return page_or_fragment(
            request, "surveys/import.html", "surveys/_import_result.html", context, status_code=status_code
        )

    if not isinstance(upload, UploadFile) or not upload.filename:
        return answer(_import_context(None, problem="Kies een CSV-bestand om te importeren."), 422)
    data = await upload.read()
    try:
        report = await surveys.import_csv(data, skip_invalid=skip_invalid, source=upload.filename)
    except SurveyImportRejected as exc:
        return answer(_import_context(exc.report, rejected=True), 422)
    return answer(_import_context(report), 200)


PAGE_HANDLERS: list[Any] = [new_response, create_response, import_page, import_upload]
