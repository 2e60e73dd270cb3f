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
from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.guards import requires_role
from casemgmt.auth.roles import Role
from casemgmt.dashboard import formatting as fmt
from casemgmt.dashboard.definitions import ALL_MEASURES, BY_CODE, METHOD_NOTES
from casemgmt.dashboard.monthly import pilot_monthly
from casemgmt.dashboard.presentation import build_dashboard, monthly_measures, trend_view
from casemgmt.dashboard.trends import DEFINITIONS as TREND_DEFINITIONS
from casemgmt.dashboard.trends import SUPPRESSION_THRESHOLD, management_trends
from casemgmt.db import DbSession
from casemgmt.directory.calendar import local_date
from casemgmt.errors import InvalidInput, NotFound
from casemgmt.metrics.engine import pilot_metrics
from casemgmt.metrics.periods import Period, last_twelve_months, parse_period
from casemgmt.metrics.results import TrendsDocument
from casemgmt.pilots.models import Pilot, PilotEnrolment
from casemgmt.pilots.rules import CONTROL, PILOT
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.parameters import DateFrom, DateTo

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
    return {key: (request.query_params.get(key) or "").strip() for key in ("from", "to")}


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
    except InvalidInput as exc:
        context["errors"] = exc.by_field()
        status = 422
    else:
        context.update(period=period, form=period.query_values(), **await figures(period))
        status = 200
    return page_or_fragment(request, *templates, context, status_code=status)


@get("/pilots/{slug:str}", name="dashboard.pilot", guards=[requires_evaluator], include_in_schema=False)
async def pilot_dashboard(request: Request[Any, Any, Any], db_session: DbSession, slug: FromPath[str]) -> Template:
    """The evaluator dashboard of one pilot; htmx requests (the period filter) get only the dashboard region."""
    pilot = await db_session.scalar(select(Pilot).where(Pilot.slug == slug))
    if pilot is None:
        raise NotFound(f"Pilot '{slug}' bestaat niet.")
    moment = now()

    async def figures(period: Period) -> dict[str, Any]:
        metrics = await pilot_metrics(db_session, pilot, period.start, period.end, moment)
        monthly = await pilot_monthly(db_session, pilot, period, moment, monthly_measures(pilot.primary_outcome))
        view = build_dashboard(metrics, monthly)
        return {
            "view": view,
            "summary": f"Cijfers over {fmt.day(period.start)} tot en met {fmt.day(period.end)}: "
            f"{view.dossiers_text(PILOT)} dossiers in de pilotgroep en {view.dossiers_text(CONTROL)} in de "
            "controlegroep.",
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


@get("/trends", name="dashboard.trends", guards=[requires_evaluator], include_in_schema=False)
async def trends_page(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    """Management trends per service and month (default: the last twelve months)."""
    moment = now()

    async def figures(period: Period) -> dict[str, Any]:
        trends = await management_trends(db_session, period, moment)
        months = len(trends.months)
        return {
            "trends": trends,
            "views": [trend_view(measure, trends.months) for measure in trends.measures],
            "summary": f"Trends over {fmt.day(period.start)} tot en met {fmt.day(period.end)}: "
            f"{months} {'maand' if months == 1 else 'maanden'}.",
        }

    context: dict[str, Any] = {
        "trends": None,
        "views": [],
        "definitions": TREND_DEFINITIONS,
        "threshold": SUPPRESSION_THRESHOLD,
    }
    templates = ("dashboard/trends.html", "dashboard/_trends_region.html")
    return await _period_page(request, templates, last_twelve_months(local_date(moment)), context, figures)


@get(
    "/api/v1/trends",
    name="api.trends",
    guards=[requires_evaluator],
    tags=["trends"],
    summary="Management trends per service and month (evaluator, admin)",
    description="Commitments kept on time, escalations within norm, handoffs per dossier, ping-pong share (per "
    "service) and satisfied share (municipality-wide) per Europe/Amsterdam month. Default period: the last twelve "
    "months. Cells with n below 5 are suppressed (value and count null). `from` after `to` answers 422.",
)
async def trends_api(
    db_session: DbSession,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> TrendsDocument:
    moment = now()
    period = parse_period(date_from, date_to, last_twelve_months(local_date(moment)))
    return (await management_trends(db_session, period, moment)).document()


PAGE_HANDLERS: list[Any] = [pilots_page, pilot_dashboard, trends_page]
API_HANDLERS: list[Any] = [trends_api]
