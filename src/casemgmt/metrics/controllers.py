"""Metrics API: pilot measures, survey figures and the pilot exports (``/api/v1``, bearer token).

Who may read them: **evaluators and admins** (``requires_role(EVALUATOR, ADMIN)``); every other role gets 403 and
an anonymous caller 401. The figures are pseudonymous, but they are pilot evaluation material: KCC agents,
casemanagers and accountmanagers have no need to know them (DESIGN.md "need to know"), and the per-dossier export
links pseudonyms to outcomes and costs. Every export writes one audit event (action ``export``, object ``pilot``)
naming the table, format and period; reading aggregated figures is not logged (no personal data).

Query parameters: ``from``/``to`` as ``YYYY-MM-DD`` (inclusive, Europe/Amsterdam; either may be left out; ``from``
after ``to`` → 422); exports also take ``table=measures|dossiers`` (default ``measures``) and
``variant=excel-nl`` (CSV only: ``;``, BOM, decimal commas).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Stream

from casemgmt.audit.dependencies import Audit
from casemgmt.audit.services import Action
from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_role
from casemgmt.auth.roles import Role
from casemgmt.db import DbSession
from casemgmt.errors import FieldError, InvalidInput
from casemgmt.metrics import exports
from casemgmt.metrics.engine import dossier_figures, pilot_metrics
from casemgmt.metrics.periods import Period, parse_period
from casemgmt.metrics.results import PilotMetrics, SurveyMetrics
from casemgmt.metrics.survey import check_cohort, survey_metrics
from casemgmt.pilots.models import Pilot
from casemgmt.pilots.services import PilotService

TAGS = ["metrics"]
requires_metrics_reader = requires_role(Role.EVALUATOR, Role.ADMIN)
"""Evaluators and admins read pilot figures and exports."""

DateFrom = Annotated[str | None, QueryParameter(name="from", description="YYYY-MM-DD, inclusive")]
DateTo = Annotated[str | None, QueryParameter(name="to", description="YYYY-MM-DD, inclusive")]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def metrics_get(path: str, summary: str, **options: Any) -> get:
    """A metrics route: tagged ``metrics``, for evaluators and admins only."""
    return get(path, tags=TAGS, summary=summary, guards=[requires_metrics_reader], **options)


async def _pilot(db_session: DbSession, actor: Actor, audit: Audit, slug: str) -> Pilot:
    return await PilotService(db_session, actor, audit).pilot(slug)


@metrics_get(
    "/api/v1/pilots/{slug:str}/metrics",
    "Pilot measures per cohort, pilot versus control, cost-effectiveness (evaluators and admins)",
)
async def api_pilot_metrics(
    slug: FromPath[str],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> PilotMetrics:
    period = parse_period(date_from, date_to)
    pilot = await _pilot(db_session, actor, audit, slug)
    return await pilot_metrics(db_session, pilot, period.start, period.end, datetime.now(UTC))


@metrics_get(
    "/api/v1/metrics/survey",
    "Survey figures: satisfaction, reasons, helped at once, transfers (evaluators and admins)",
)
async def api_survey_metrics(
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    pilot: FromQuery[str | None] = None,
    cohort: FromQuery[str | None] = None,
) -> SurveyMetrics:
    errors: list[FieldError] = []
    period = Period()
    chosen_cohort = None
    try:
        period = parse_period(date_from, date_to)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    try:
        chosen_cohort = check_cohort(cohort)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    if errors:
        raise InvalidInput(errors)
    chosen_pilot = await _pilot(db_session, actor, audit, pilot) if pilot else None
    return await survey_metrics(db_session, period, chosen_pilot, chosen_cohort)


def _export_options(table: str | None, variant: str | None) -> tuple[str, str]:
    errors: list[FieldError] = []
    chosen_table = (table or "measures").strip().lower()
    if chosen_table not in exports.TABLES:
        errors.append(FieldError("table", f"Onbekende tabel '{table}'; kies 'measures' of 'dossiers'."))
    chosen_variant = (variant or "").strip().lower()
    if chosen_variant not in exports.VARIANTS:
        errors.append(FieldError("variant", f"Onbekende variant '{variant}'; alleen 'excel-nl' bestaat."))
    if errors:
        raise InvalidInput(errors)
    return chosen_table, chosen_variant


async def _export_table(
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    slug: FromPath[str],
    date_from: str | None,
    date_to: str | None,
    table: str,
    file_format: str,
) -> tuple[str, tuple[str, ...], list[list[exports.Cell]]]:
    period = parse_period(date_from, date_to)
    pilot = await _pilot(db_session, actor, audit, slug)
    now = datetime.now(UTC)
    if table == "measures":
        metrics = await pilot_metrics(db_session, pilot, period.start, period.end, now)
        header, rows = exports.table(table, metrics, None)
    else:
        figures = await dossier_figures(db_session, pilot, period.start, period.end, now)
        header, rows = exports.table(table, None, figures)
    span = f"{period.start or 'begin'}_{period.end or 'nu'}"
    audit.record(
        Action.EXPORT,
        "pilot",
        pilot.id,
        detail=f"export {table} ({file_format}) van pilot {pilot.slug}, periode {span}, {len(rows)} rijen",
    )
    return f"{pilot.slug}-{table}-{span}", header, rows


@metrics_get(
    "/api/v1/pilots/{slug:str}/export.csv",
    "Pilot measures or per-dossier table as CSV (variant=excel-nl: ';', BOM, decimal commas)",
    responses={
        200: ResponseSpec(
            str, media_type="text/csv; charset=utf-8", description="The table as CSV", generate_examples=False
        )
    },
)
async def api_export_csv(
    slug: FromPath[str],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    table: FromQuery[str | None] = None,
    variant: FromQuery[str | None] = None,
) -> Stream:
    chosen_table, chosen_variant = _export_options(table, variant)
    name, header, rows = await _export_table(
        db_session, actor, audit, slug, date_from, date_to, chosen_table, f"csv {chosen_variant}".strip()
    )
    return Stream(
        exports.csv_chunks(header, rows, chosen_variant),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@metrics_get(
    "/api/v1/pilots/{slug:str}/export.xlsx",
    "Pilot measures or per-dossier table as XLSX, with a sheet of definitions",
)
async def api_export_xlsx(
    slug: FromPath[str],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    table: FromQuery[str | None] = None,
    variant: FromQuery[str | None] = None,
) -> Response[bytes]:
    chosen_table, _ = _export_options(table, variant)
    name, header, rows = await _export_table(db_session, actor, audit, slug, date_from, date_to, chosen_table, "xlsx")
    title = "Maatregelen" if chosen_table == "measures" else "Dossiers"
    return Response(
        exports.xlsx_bytes(title, header, rows),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


API_HANDLERS: list[Any] = [api_pilot_metrics, api_survey_metrics, api_export_csv, api_export_xlsx]
PAGE_HANDLERS: list[Any] = []
