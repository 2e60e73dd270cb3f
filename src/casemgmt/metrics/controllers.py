"""Metrics API: pilot measures, survey figures and the pilot exports (``/api/v1``, bearer token).

Who may read them: **evaluators and admins** (``requires_role(EVALUATOR, ADMIN)``); every other role gets 403 and
an anonymous caller 401. The figures are pseudonymous, but they are pilot evaluation material: KCC agents,
casemanagers and accountmanagers have no need to know them (DESIGN.md "need to know"), and the per-dossier export
links pseudonyms to outcomes and costs. Every export writes one audit event (action ``export``, object ``pilot``)
naming the table, format and period; reading aggregated figures is not logged (no personal data).

Every figure answered or exported passes disclosure control (``metrics/disclosure.py``): withheld figures are null
in JSON, empty in the measures export (with its ``suppressed`` column set), and named in ``suppressed``.

Query parameters: ``from``/``to`` as ``YYYY-MM-DD`` (inclusive, Europe/Amsterdam; either may be left out; ``from``
after ``to`` → 422); exports also take ``table=measures|dossiers`` (default ``measures``) and
``variant=excel-nl`` (CSV only: ``;``, BOM, decimal commas).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery
from litestar.response import Stream

from casemgmt.audit.services import Action
from casemgmt.auth.guards import requires_role
from casemgmt.auth.roles import Role
from casemgmt.errors import FieldError, InvalidInput
from casemgmt.metrics import exports
from casemgmt.metrics.cache import cached_pilot_metrics, figures_cache_of
from casemgmt.metrics.disclosure import disclose_pilot_metrics
from casemgmt.metrics.engine import dossier_figures, pilot_metrics
from casemgmt.metrics.periods import Period, parse_period
from casemgmt.metrics.results import PilotMetrics, SurveyMetrics
from casemgmt.metrics.survey import check_cohort, disclosed_survey_metrics
from casemgmt.pilots.dependencies import Pilots
from casemgmt.pilots.rules import COHORTS
from casemgmt.pilots.services import PilotService
from casemgmt.web.openapi import NOT_FOUND
from casemgmt.web.parameters import DateFrom, DateTo, choice

TAGS = ["metrics"]
requires_metrics_reader = requires_role(Role.EVALUATOR, Role.ADMIN)
"""Evaluators and admins read pilot figures and exports."""


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def metrics_get(path: str, summary: str, **options: Any) -> get:
    """A metrics route: tagged ``metrics``, for evaluators and admins only."""
    return get(path, tags=TAGS, summary=summary, guards=[requires_metrics_reader], **options)


async def provide_period(date_from: DateFrom = None, date_to: DateTo = None) -> Period:
    return parse_period(date_from, date_to)


AskedPeriod = NamedDependency[Period]
"""The period of the ``from``/``to`` query parameters (``period``): 422 before the handler runs when invalid."""


@dataclass(frozen=True)
class ExportRequest:
    """What an export asks for: the table, the CSV variant (``""`` for plain CSV) and the period."""

    table: str
    variant: str
    period: Period


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


async def provide_export_request(
    date_from: DateFrom = None,
    date_to: DateTo = None,
    table: Annotated[str | None, choice(("", *exports.TABLES))] = None,
    variant: Annotated[str | None, choice(exports.VARIANTS)] = None,
) -> ExportRequest:
    """The export's options, checked before its period (one 422 for both options, then one for the period)."""
    chosen_table, chosen_variant = _export_options(table, variant)
    return ExportRequest(chosen_table, chosen_variant, parse_period(date_from, date_to))


Export = NamedDependency[ExportRequest]
"""The export request of the query parameters ``table``, ``variant``, ``from`` and ``to`` (``export``)."""


def pilot_export(path: str, summary: str, **options: Any) -> get:
    """A pilot export route: a metrics route whose handler gets the checked ``export`` request."""
    return metrics_get(path, summary, dependencies={"export": Provide(provide_export_request)}, **options)


@metrics_get(
    "/api/v1/pilots/{slug:str}/metrics",
    "Pilot measures per cohort, pilot versus control, cost-effectiveness (evaluators and admins)",
    dependencies={"period": Provide(provide_period)},
)
async def api_pilot_metrics(
    request: Request[Any, Any, Any], slug: FromPath[str], pilots: Pilots, period: AskedPeriod
) -> PilotMetrics:
    pilot = await pilots.pilot(slug)
    cache = figures_cache_of(request.app.state)
    metrics = await cached_pilot_metrics(cache, pilots.session, pilot, period.start, period.end, datetime.now(UTC))
    return disclose_pilot_metrics(metrics)


@metrics_get(
    "/api/v1/metrics/survey",
    "Survey figures: satisfaction, reasons, helped at once, transfers (evaluators and admins)",
    responses=NOT_FOUND,  # an unknown pilot
)
async def api_survey_metrics(
    request: Request[Any, Any, Any],
    pilots: Pilots,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    pilot: FromQuery[str | None] = None,
    cohort: Annotated[str | None, choice(("", *COHORTS))] = None,
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
    chosen_pilot = await pilots.pilot(pilot) if pilot else None
    cache = figures_cache_of(request.app.state)
    return await disclosed_survey_metrics(pilots.session, period, chosen_pilot, chosen_cohort, cache)


async def _export_table(
    pilots: PilotService, slug: str, export: ExportRequest, file_format: str
) -> tuple[str, tuple[str, ...], list[list[exports.Cell]]]:
    """The export's file name (without extension), header and rows; writes the export's audit event."""
    period, table = export.period, export.table
    pilot = await pilots.pilot(slug)
    now = datetime.now(UTC)
    if table == "measures":
        metrics = await pilot_metrics(pilots.session, pilot, period.start, period.end, now)
        header, rows = exports.table(table, metrics, None)
    else:
        figures = await dossier_figures(pilots.session, pilot, period.start, period.end, now)
        header, rows = exports.table(table, None, figures)
    span = f"{period.start or 'begin'}_{period.end or 'nu'}"
    pilots.audit.record(
        Action.EXPORT,
        "pilot",
        pilot.id,
        detail=f"export {table} ({file_format}) van pilot {pilot.slug}, periode {span}, {len(rows)} rijen",
    )
    return f"{pilot.slug}-{table}-{span}", header, rows


@pilot_export(
    "/api/v1/pilots/{slug:str}/export.csv",
    "Pilot measures or per-dossier table as CSV (variant=excel-nl: ';', BOM, decimal commas)",
    responses={
        200: ResponseSpec(
            str, media_type="text/csv; charset=utf-8", description="The table as CSV", generate_examples=False
        )
    },
)
async def api_export_csv(slug: FromPath[str], pilots: Pilots, export: Export) -> Stream:
    return await _csv_file(pilots, slug, export)


async def _csv_file(pilots: PilotService, slug: str, export: ExportRequest) -> Stream:
    """The export as a CSV download (API and dashboard alike), audited by ``_export_table``."""
    name, header, rows = await _export_table(pilots, slug, export, f"csv {export.variant}".strip())
    return Stream(
        exports.csv_chunks(header, rows, export.variant),
        media_type="text/csv",  # Litestar adds "; charset=utf-8"
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@pilot_export(
    "/api/v1/pilots/{slug:str}/export.xlsx",
    "Pilot measures or per-dossier table as XLSX, with a sheet of definitions",
    responses={
        200: ResponseSpec(
            bytes, media_type=XLSX_MEDIA_TYPE, description="The table as an XLSX workbook", generate_examples=False
        )
    },
)
async def api_export_xlsx(slug: FromPath[str], pilots: Pilots, export: Export) -> Response[bytes]:
    return await _xlsx_file(pilots, slug, export)


async def _xlsx_file(pilots: PilotService, slug: str, export: ExportRequest) -> Response[bytes]:
    """The export as an XLSX download (API and dashboard alike), audited by ``_export_table``."""
    name, header, rows = await _export_table(pilots, slug, export, "xlsx")
    title = "Maatregelen" if export.table == "measures" else "Dossiers"
    return Response(
        exports.xlsx_bytes(title, header, rows),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def page_export(path: str, name: str) -> get:
    """A download link of the pilot dashboard: the same file as the API, through the signed-in session (evaluators
    and admins), outside the OpenAPI document like the other pages."""
    return get(
        path,
        name=name,
        guards=[requires_metrics_reader],
        include_in_schema=False,
        dependencies={"export": Provide(provide_export_request)},
    )


@page_export("/pilots/{slug:str}/export.csv", "dashboard.pilot.csv")
async def pilot_export_csv_page(slug: FromPath[str], pilots: Pilots, export: Export) -> Stream:
    """The CSV of ``/api/v1/pilots/{slug}/export.csv`` for the dashboard's download links (no bearer token)."""
    return await _csv_file(pilots, slug, export)


@page_export("/pilots/{slug:str}/export.xlsx", "dashboard.pilot.xlsx")
async def pilot_export_xlsx_page(slug: FromPath[str], pilots: Pilots, export: Export) -> Response[bytes]:
    """The XLSX of ``/api/v1/pilots/{slug}/export.xlsx`` for the dashboard's download links."""
    return await _xlsx_file(pilots, slug, export)


API_HANDLERS: list[Any] = [api_pilot_metrics, api_survey_metrics, api_export_csv, api_export_xlsx]
PAGE_HANDLERS: list[Any] = [pilot_export_csv_page, pilot_export_xlsx_page]
