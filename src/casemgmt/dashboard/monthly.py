"""A pilot's outcomes per month and cohort, for the trend lines of the evaluator dashboard (GROUP BY month in SQL).

Each month's figure is what the measures engine (``metrics/engine.py``) gives for that month alone — the part of the
chosen period that lies in the month — so a point on a trend line can always be checked against
``GET /api/v1/pilots/{slug}/metrics?from=<first day>&to=<last day>``:

- ``resolved_share``: dossiers of the cohort opened in the month and closed; of those, closed ``resolved``;
- ``satisfied_share``: survey responses with a grade by ``contact_date`` in the month, linked to a dossier of the
  cohort; of those, grade 7 or higher;
- ``kept_promises_share``: dossiers of the cohort opened in the month with commitments due in that same month (due by
  now, not cancelled before their due moment); of those, the dossiers whose due commitments were all kept on time.

Besides count and n every figure carries ``dossiers``: how many distinct dossiers are behind it, which decides
suppression on the dashboard (fewer than 5 → not shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.commitments.models import Commitment
from casemgmt.db import plan_with_parameter_values
from casemgmt.dossiers.models import Dossier
from casemgmt.metrics.engine import CLOSED, RESOLVED, commitments_due_clause
from casemgmt.metrics.periods import Period, month_bucket, month_key
from casemgmt.pilots.models import Pilot, PilotEnrolment
from casemgmt.pilots.rules import CONTROL, PILOT, PRIMARY_OUTCOMES
from casemgmt.surveys.models import SurveyResponse
from casemgmt.surveys.questionnaire import SATISFIED_MIN_GRADE

MONTHLY_MEASURES = PRIMARY_OUTCOMES
COHORTS = (PILOT, CONTROL)


@dataclass(frozen=True)
class MonthFigure:
    month: date
    count: int
    n: int
    dossiers: int
    value: float | None


Monthly = dict[str, list[MonthFigure]]
"""cohort → one figure per month of the period, in order."""


def _fill(period: Period, rows: Iterable[Any]) -> Monthly:
    """Figures for every cohort and month from ``(cohort, month, count, n, dossiers)`` rows; missing cells are 0."""
    found = {(row.cohort, row.month): row for row in rows}
    result: Monthly = {}
    for cohort in COHORTS:
        figures = []
        for month in period.months():
            row = found.get((cohort, month_key(month)))
            count, n, dossiers = (int(row.count), int(row.n), int(row.dossiers)) if row else (0, 0, 0)
            figures.append(MonthFigure(month, count, n, dossiers, count / n if n else None))
        result[cohort] = figures
    return result


async def _resolved(session: AsyncSession, pilot: Pilot, period: Period) -> Monthly:
    inner = (
        select(
            PilotEnrolment.cohort.label("cohort"),
            month_bucket(Dossier.opened_at, period).label("month"),
            Dossier.status.label("status"),
            Dossier.outcome.label("outcome"),
        )
        .join(PilotEnrolment, PilotEnrolment.dossier_id == Dossier.id)
        .where(PilotEnrolment.pilot_id == pilot.id, period.moments(Dossier.opened_at))
        .subquery()
    )
    closed = inner.c.status == CLOSED
    rows = await session.execute(
        select(
            inner.c.cohort,
            inner.c.month,
            func.count().filter(and_(closed, inner.c.outcome == RESOLVED)).label("count"),
            func.count().filter(closed).label("n"),
            func.count().filter(closed).label("dossiers"),
        ).group_by(inner.c.cohort, inner.c.month)
    )
    return _fill(period, rows)


async def _satisfied(session: AsyncSession, pilot: Pilot, period: Period) -> Monthly:
    inner = (
        select(
            PilotEnrolment.cohort.label("cohort"),
            month_bucket(SurveyResponse.contact_date, period, moments=False).label("month"),
            SurveyResponse.grade.label("grade"),
            SurveyResponse.dossier_id.label("dossier_id"),
        )
        .join(PilotEnrolment, PilotEnrolment.dossier_id == SurveyResponse.dossier_id)
        .where(
            PilotEnrolment.pilot_id == pilot.id,
            SurveyResponse.grade.is_not(None),
            period.dates(SurveyResponse.contact_date),
        )
        .subquery()
    )
    rows = await session.execute(
        select(
            inner.c.cohort,
            inner.c.month,
            func.count().filter(inner.c.grade >= SATISFIED_MIN_GRADE).label("count"),
            func.count().label("n"),
            func.count(inner.c.dossier_id.distinct()).label("dossiers"),
        ).group_by(inner.c.cohort, inner.c.month)
    )
    return _fill(period, rows)


async def _kept_promises(session: AsyncSession, pilot: Pilot, period: Period, now: datetime) -> Monthly:
    commitments = (
        select(
            PilotEnrolment.cohort.label("cohort"),
            Dossier.id.label("dossier_id"),
            month_bucket(Dossier.opened_at, period).label("opened_month"),
            month_bucket(Commitment.first_due_at, period).label("due_month"),
            case((Commitment.kept_on_time.is_(True), 1), else_=0).label("kept"),
        )
        .select_from(Commitment)
        .join(Dossier, Dossier.id == Commitment.dossier_id)
        .join(PilotEnrolment, PilotEnrolment.dossier_id == Dossier.id)
        .where(
            PilotEnrolment.pilot_id == pilot.id, period.moments(Dossier.opened_at), commitments_due_clause(period, now)
        )
        .subquery()
    )
    per_dossier = (
        select(
            commitments.c.cohort,
            commitments.c.opened_month.label("month"),
            commitments.c.dossier_id,
            func.min(commitments.c.kept).label("all_kept"),
        )
        .where(commitments.c.opened_month == commitments.c.due_month)
        .group_by(commitments.c.cohort, commitments.c.opened_month, commitments.c.dossier_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            per_dossier.c.cohort,
            per_dossier.c.month,
            func.count().filter(per_dossier.c.all_kept == 1).label("count"),
            func.count().label("n"),
            func.count().label("dossiers"),
        ).group_by(per_dossier.c.cohort, per_dossier.c.month)
    )
    return _fill(period, rows)


async def pilot_monthly(
    session: AsyncSession, pilot: Pilot, period: Period, now: datetime, measures: Iterable[str]
) -> dict[str, Monthly]:
    """measure → cohort → figures per month, for the requested measures (a subset of ``MONTHLY_MEASURES``)."""
    await plan_with_parameter_values(session)
    result: dict[str, Monthly] = {}
    for measure in dict.fromkeys(measures):
        if measure == "resolved_share":
            result[measure] = await _resolved(session, pilot, period)
        elif measure == "satisfied_share":
            result[measure] = await _satisfied(session, pilot, period)
        elif measure == "kept_promises_share":
            result[measure] = await _kept_promises(session, pilot, period, now)
        else:
            raise ValueError(f"no monthly figures for {measure!r}")
    return result
