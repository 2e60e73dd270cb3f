"""Evaluator pages: the pilots (``/pilots``), a pilot's dashboard (``/pilots/{slug}``) and management trends
(``/trends``, ``GET /api/v1/trends``). For evaluators and admins only; nothing here shows personal data.

The period filter is a GET form (bookmarkable, works without JavaScript); with htmx it replaces only the dashboard
region (``hx-get`` + ``hx-push-url``) and updates a small live region next to the form out of band, so screen
readers hear "figures for … updated" instead of the whole dashboard. ``from`` after ``to`` answers 422 with a Dutch
message (the page, the fragment and the API alike).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from litestar.response import Stream, Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.guards import requires_role
from casemgmt.auth.roles import Role
from casemgmt.dashboard import formatting as fmt
from casemgmt.dashboard.definitions import ALL_MEASURES, BY_CODE, METHOD_NOTES
from casemgmt.dashboard.exports import TREND_COLUMNS, trend_export_definitions, trend_rows
from casemgmt.dashboard.monthly import pilot_monthly
from casemgmt.dashboard.presentation import TrendView, build_dashboard, monthly_measures, trend_view, trends_summary
from casemgmt.dashboard.trends import DEFINITIONS as TREND_DEFINITIONS
from casemgmt.dashboard.trends import (
    GROUPING_LABELS,
    GROUPINGS,
    SUPPRESSION_THRESHOLD,
    Grouping,
    Trends,
    management_trends,
)
from casemgmt.db import DbSession
from casemgmt.directory.calendar import local_date
from casemgmt.errors import FieldError, InvalidInput, NotFound
from casemgmt.metrics import exports
from casemgmt.metrics.cache import figures_cache_of, pilot_key
from casemgmt.metrics.controllers import XLSX_MEDIA_TYPE
from casemgmt.metrics.engine import pilot_metrics
from casemgmt.metrics.periods import Period, last_twelve_months, parse_period
from casemgmt.metrics.results import TrendsDocument
from casemgmt.pilots.models import Pilot, PilotEnrolment
from casemgmt.pilots.rules import CONTROL, PILOT
from casemgmt.web.formatting import iso_day, parse_day
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.parameters import DateFrom, DateTo, choice

requires_evaluator = requires_role(Role.EVALUATOR, Role.ADMIN)
"""Pilot figures and trends: evaluators (management, audit office) and functional administrators."""


def now() -> datetime:
    return datetime.now(UTC)


# ====================================================================== the pilots


@dataclass(frozen=True)
class PilotRow:
    pilot: Pilot
    pilot_dossiers: int
    control_dossiers: int

    @property
    def period_text(self) -> str:
        return f"{fmt.day(self.pilot.start_date)} tot en met {fmt.day(self.pilot.end_date)}"

    @property
    def primary_label(self) -> str:
        definition = BY_CODE.get(self.pilot.primary_outcome)
        return definition.label if definition else self.pilot.primary_outcome


async def pilot_overview(session: AsyncSession) -> list[PilotRow]:
    """Every pilot with its enrolled dossiers per cohort (one aggregate query; the services load with it)."""
    counts = (
        select(
            PilotEnrolment.pilot_id.label("pilot_id"),
            func.count().filter(PilotEnrolment.cohort == PILOT).label("pilot"),
            func.count().filter(PilotEnrolment.cohort == CONTROL).label("control"),
        )
        .group_by(PilotEnrolment.pilot_id)
        .subquery()
    )
    rows = await session.execute(
        select(Pilot, func.coalesce(counts.c.pilot, 0), func.coalesce(counts.c.control, 0))
        .outerjoin(counts, counts.c.pilot_id == Pilot.id)
        .order_by(Pilot.start_date, Pilot.slug)
    )
    return [PilotRow(pilot, int(in_pilot), int(in_control)) for pilot, in_pilot, in_control in rows]


@get("/pilots", name="dashboard.pilots", guards=[requires_evaluator], include_in_schema=False)
async def pilots_page(db_session: DbSession) -> Template:
    return Template("dashboard/pilots.html", context={"rows": await pilot_overview(db_session)})


# ====================================================================== a pilot's dashboard


def default_pilot_period(pilot: Pilot, today: date) -> Period:
    """The whole pilot so far: from its start up to today (or its end, when that has passed)."""
    return Period(pilot.start_date, min(pilot.end_date, max(today, pilot.start_date)))


def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The period asked for, each day as ``jjjj-mm-dd`` whether the browser's date picker sent it or someone typed
    ``dd-mm-jjjj`` (a browser without a picker)."""
    return {key: iso_day(request.query_params.get(key) or "") for key in ("from", "to")}


PAGE_BAD_DAY = "'{text}' is geen geldige datum; vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-02-2026."
"""The pages' message for an unreadable day: the format the date picker shows, not the API's."""


def _page_errors(form: dict[str, str], errors: dict[str, str]) -> dict[str, str]:
    """The period's errors for the page: an unreadable day named in the UI's format."""
    return {
        field: PAGE_BAD_DAY.format(text=form[field]) if field in form and form[field] and not parse_day(form[field])
        else message
        for field, message in errors.items()
    }  # fmt: skip


async def _period_page(
    request: Request[Any, Any, Any],
    templates: tuple[str, str],
    default: Period,
    context: dict[str, Any],
    figures: Callable[[Period], Awaitable[dict[str, Any]]],
) -> Template:
    """A page with the period filter: the period asked for (the default's ends where empty) and its ``figures``,
    or 422 with the Dutch messages next to the fields. htmx requests get only the region (``templates[1]``)."""
    form = _form(request)
    context = {
        "form": form,
        "default": default,
        "errors": {},
        "period": None,
        "fragment": wants_fragment(request),
        "fmt": fmt,
        **context,
    }
    try:
        period = parse_period(form["from"], form["to"], default)
        found = await figures(period)
    except InvalidInput as exc:
        context["errors"] = _page_errors(form, exc.by_field())
        status = 422
    else:
        context.update(period=period, form=period.query_values(), **found)
        status = 200
    return page_or_fragment(request, *templates, context, status_code=status)


@get("/pilots/{slug:str}", name="dashboard.pilot", guards=[requires_evaluator], include_in_schema=False)
async def pilot_dashboard(request: Request[Any, Any, Any], db_session: DbSession, slug: FromPath[str]) -> Template:
    """The evaluator dashboard of one pilot; htmx requests (the period filter) get only the dashboard region."""
    pilot = await db_session.scalar(select(Pilot).where(Pilot.slug == slug))
    if pilot is None:
        raise NotFound(f"Pilot '{slug}' bestaat niet.")
    moment = now()

    async def computed(period: Period) -> tuple[Any, Any]:
        metrics = await pilot_metrics(db_session, pilot, period.start, period.end, moment)
        monthly = await pilot_monthly(db_session, pilot, period, moment, monthly_measures(pilot.primary_outcome))
        return metrics, monthly

    async def figures(period: Period) -> dict[str, Any]:
        # once per pilot, period and data version (metrics/cache.py); the rendering is this request's own
        key = pilot_key("dashboard", pilot, period.start, period.end)
        metrics, monthly = await figures_cache_of(request.app.state).get(db_session, key, lambda: computed(period))
        view = build_dashboard(metrics, monthly)
        return {
            "view": view,
            "summary": f"Cijfers over {fmt.day(period.start)} tot en met {fmt.day(period.end)}: "
            f"{view.dossiers_text(PILOT)} dossiers in de pilotgroep en {view.dossiers_text(CONTROL)} in de "
            "controlegroep.",
            "downloads": urlencode(period.query_values()),
        }

    context: dict[str, Any] = {
        "pilot": pilot,
        "view": None,
        "primary": BY_CODE.get(pilot.primary_outcome),
        "measures": ALL_MEASURES,
        "notes": METHOD_NOTES,
    }
    templates = ("dashboard/pilot.html", "dashboard/_pilot_region.html")
    return await _period_page(request, templates, default_pilot_period(pilot, local_date(moment)), context, figures)


# ====================================================================== trends


def check_grouping(value: str | None) -> Grouping:
    """``by``: service (default), topic or channel; anything else → InvalidInput on ``by``."""
    chosen = (value or "service").strip().lower()
    for grouping in GROUPINGS:
        if chosen == grouping:
            return grouping
    raise InvalidInput([FieldError("by", BAD_GROUPING.format(value=value))])


BAD_GROUPING = "Onbekende indeling '{value}'; kies 'service' (dienst), 'topic' (onderwerp) of 'channel' (kanaal)."


@get("/trends", name="dashboard.trends", guards=[requires_evaluator], include_in_schema=False)
async def trends_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    """Management trends per service, topic or channel and month (default: per service, the last twelve months)."""
    moment = now()
    asked = (request.query_params.get("by") or "").strip()
    try:
        by = check_grouping(asked)
    except InvalidInput as exc:
        by, grouping_errors = "service", exc.by_field()
    else:
        grouping_errors = {}

    async def figures(period: Period) -> dict[str, Any]:
        if grouping_errors:
            raise InvalidInput([FieldError("by", grouping_errors["by"])])
        trends = await cached_trends(request.app.state, db_session, period, moment, by)
        months = len(trends.months)
        views = [trend_view(measure, trends.months) for measure in trends.measures]
        return {
            "trends": trends,
            "views": views,
            "sections": _sections(views),
            "summary_table": trends_summary(trends),
            "summary": f"Trends over {fmt.day(period.start)} tot en met {fmt.day(period.end)}, "
            f"{GROUPING_LABELS[by].lower()}: {months} {'maand' if months == 1 else 'maanden'}.",
            "downloads": _download_query(period, by),
        }

    context: dict[str, Any] = {
        "trends": None,
        "views": [],
        "sections": [],
        "definitions": TREND_DEFINITIONS,
        "threshold": SUPPRESSION_THRESHOLD,
        "groupings": [(key, label) for key, label in GROUPING_LABELS.items()],
        "by": asked or "service",
    }
    templates = ("dashboard/trends.html", "dashboard/_trends_region.html")
    return await _period_page(request, templates, last_twelve_months(local_date(moment)), context, figures)


def _sections(views: list[TrendView]) -> list[tuple[str, list[TrendView]]]:
    """The trend views under their section headings, in order."""
    sections: dict[str, list[TrendView]] = {}
    for view in views:
        sections.setdefault(view.section, []).append(view)
    return list(sections.items())


def _download_query(period: Period, by: str) -> str:
    return urlencode({**period.query_values(), "by": by})


TRENDS_DESCRIPTION = (
    "Per Europe/Amsterdam month and per group (`by`: `service`, the default; `topic`; `channel`): the KCC's "
    "measures (inbound contacts, helped at once, resolved in one go, transfer and multiple-transfer share, failed "
    "transfers, callbacks kept on time) and, by service only, commitments kept on time, escalations within norm, "
    "handoffs per dossier and ping-pong share; the satisfied share municipality-wide. Every figure is "
    "`{numerator, denominator, value, share, ci_low, ci_high, suppressed}` (95% Wilson interval); a row per group, "
    "the municipality's total (`is_total`), the whole period per row (`period`) where units add up, the Masterplan "
    "target per measure. Cells under 5 units, and the cells that would give them back, are suppressed (all numbers "
    "null). Default period: the last twelve months. `from` after `to`, or an unknown `by`, answers 422."
)


async def cached_trends(state: State, session: DbSession, period: Period, moment: datetime, by: Grouping) -> Trends:
    """``management_trends`` once per period, grouping and data version (metrics/cache.py): the Trends page, its
    downloads and the API read the same figures until something is written or a minute has passed."""
    key = ("trends", period.start, period.end, by)
    return await figures_cache_of(state).get(session, key, lambda: management_trends(session, period, moment, by))


async def _trends(
    state: State, db_session: DbSession, date_from: str | None, date_to: str | None, by: str | None
) -> Trends:
    """The trends the query asks for; one 422 naming every wrong field (``by``, then the period)."""
    errors: list[FieldError] = []
    grouping: Grouping = "service"
    try:
        grouping = check_grouping(by)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    moment = now()
    try:
        period = parse_period(date_from, date_to, last_twelve_months(local_date(moment)))
    except InvalidInput as exc:
        errors.extend(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return await cached_trends(state, db_session, period, moment, grouping)


ByParameter = Annotated[str | None, choice(GROUPINGS, description="Rows per service (default), topic or channel")]


@get(
    "/api/v1/trends",
    name="api.trends",
    guards=[requires_evaluator],
    tags=["trends"],
    summary="Management trends per month and service, topic or channel (evaluator, admin)",
    description=TRENDS_DESCRIPTION,
)
async def trends_api(
    state: State,
    db_session: DbSession,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    by: ByParameter = None,
) -> TrendsDocument:
    return (await _trends(state, db_session, date_from, date_to, by)).document()


def _export_name(trends: Trends) -> str:
    period = trends.period.as_json()
    return f"trends-{trends.by}-{period['from']}_{period['to']}"


def _csv(trends: Trends, variant: str | None) -> Stream:
    chosen = (variant or "").strip().lower()
    if chosen not in exports.VARIANTS:
        raise InvalidInput([FieldError("variant", f"Onbekende variant '{variant}'; alleen 'excel-nl' bestaat.")])
    return Stream(
        exports.csv_chunks(TREND_COLUMNS, trend_rows(trends), chosen),
        media_type="text/csv",  # Litestar adds "; charset=utf-8"
        headers={"Content-Disposition": f'attachment; filename="{_export_name(trends)}.csv"'},
    )


def _xlsx(trends: Trends) -> Response[bytes]:
    return Response(
        exports.xlsx_bytes("Trends", TREND_COLUMNS, trend_rows(trends), trend_export_definitions()),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{_export_name(trends)}.xlsx"'},
    )


VariantParameter = Annotated[str | None, choice(exports.VARIANTS)]
_CSV_RESPONSE = {
    200: ResponseSpec(
        str, media_type="text/csv; charset=utf-8", description="The trends as CSV", generate_examples=False
    )
}
_XLSX_RESPONSE = {
    200: ResponseSpec(bytes, media_type=XLSX_MEDIA_TYPE, description="The trends as XLSX", generate_examples=False)
}


@get(
    "/api/v1/trends/export.csv",
    name="api.trends.csv",
    guards=[requires_evaluator],
    tags=["trends"],
    summary="Management trends as CSV, one row per measure, group and month (variant=excel-nl: ';', BOM, commas)",
    responses=_CSV_RESPONSE,
)
async def trends_csv_api(
    state: State,
    db_session: DbSession,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    by: ByParameter = None,
    variant: VariantParameter = None,
) -> Stream:
    return _csv(await _trends(state, db_session, date_from, date_to, by), variant)


@get(
    "/api/v1/trends/export.xlsx",
    name="api.trends.xlsx",
    guards=[requires_evaluator],
    tags=["trends"],
    summary="Management trends as XLSX, with a sheet of definitions",
    responses=_XLSX_RESPONSE,
)
async def trends_xlsx_api(
    state: State, db_session: DbSession, date_from: DateFrom = None, date_to: DateTo = None, by: ByParameter = None
) -> Response[bytes]:
    return _xlsx(await _trends(state, db_session, date_from, date_to, by))


@get("/trends/export.csv", name="dashboard.trends.csv", guards=[requires_evaluator], include_in_schema=False)
async def trends_csv_page(
    state: State,
    db_session: DbSession,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    by: ByParameter = None,
    variant: VariantParameter = None,
) -> Stream:
    """The same CSV as the API, for the download links of the Trends page (signed in, no token)."""
    return _csv(await _trends(state, db_session, date_from, date_to, by), variant)


@get("/trends/export.xlsx", name="dashboard.trends.xlsx", guards=[requires_evaluator], include_in_schema=False)
async def trends_xlsx_page(
    state: State, db_session: DbSession, date_from: DateFrom = None, date_to: DateTo = None, by: ByParameter = None
) -> Response[bytes]:
    return _xlsx(await _trends(state, db_session, date_from, date_to, by))


PAGE_HANDLERS: list[Any] = [pilots_page, pilot_dashboard, trends_page, trends_csv_page, trends_xlsx_page]
API_HANDLERS: list[Any] = [trends_api, trends_csv_api, trends_xlsx_api]
