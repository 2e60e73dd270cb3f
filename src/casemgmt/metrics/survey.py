"""Survey figures (``GET /api/v1/metrics/survey``): the seed questionnaire's answers counted in SQL.

- ``respondents``: every response in the selection, ``nee`` rows (contact not remembered) included — they are
  respondents without answers; ``remembered``: the ``ja`` rows; ``graded``: responses with a grade;
  ``satisfied`` = grade ≥ 7, ``dissatisfied`` = grade ≤ 6; ``satisfied_share`` = satisfied / graded with its 95%
  Wilson interval.
- ``reasons``: per reason code, the dissatisfied respondents who gave it (reasons of a respondent with grade ≥ 7 or
  without a grade are not counted), share over the dissatisfied respondents — a respondent may give several reasons,
  so the shares may add up to more than 1.
- ``helped_at_once`` / ``transfer_count``: per answer code, the respondents who gave it, share over the respondents
  who answered that question.
- Every code of the questionnaire is listed, with count 0 when nobody gave it; shares are None when their
  denominator is 0.

The selection: ``contact_date`` in the period; with ``pilot``, responses linked to a dossier enrolled in that pilot;
with ``cohort`` (``pilot``/``control``), only that cohort (of the given pilot, or of any pilot). Four queries
whatever the number of responses.

``disclosed_survey_metrics`` is what the API answers: the figures with disclosure control applied
(``metrics/disclosure.py``), one more query counting the graded responses of each pilot cohort in the selection, so
that a selection adding cohorts up cannot give back a cohort's withheld satisfied share. The API reads them through
the worker's figures cache (per selection and data version, as the pilot statistics).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.db import plan_with_parameter_values
from casemgmt.errors import FieldError, InvalidInput
from casemgmt.metrics import statistics as stats
from casemgmt.metrics.cache import FiguresCache
from casemgmt.metrics.disclosure import disclose_survey
from casemgmt.metrics.periods import Period
from casemgmt.metrics.results import Breakdown, Interval, SurveyMetrics
from casemgmt.pilots.models import Pilot, PilotEnrolment
from casemgmt.pilots.rules import COHORTS
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from casemgmt.surveys.questionnaire import HELPED_AT_ONCE, REASONS, SATISFIED_MIN_GRADE, TRANSFER_COUNT


def check_cohort(cohort: str | None) -> str | None:
    """``pilot``/``control`` or None; anything else → InvalidInput on field ``cohort``."""
    text = (cohort or "").strip().lower()
    if not text:
        return None
    if text not in COHORTS:
        message = f"Onbekend cohort '{cohort}'; kies 'pilot' of 'control'."
        raise InvalidInput(FieldError("cohort", message), message)
    return text


def _selection(period: Period, pilot: Pilot | None, cohort: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [period.dates(SurveyResponse.contact_date)]
    if pilot is not None or cohort is not None:
        enrolment = [PilotEnrolment.dossier_id == SurveyResponse.dossier_id]
        if pilot is not None:
            enrolment.append(PilotEnrolment.pilot_id == pilot.id)
        if cohort is not None:
            enrolment.append(PilotEnrolment.cohort == cohort)
        conditions.append(exists().where(and_(*enrolment)))
    return conditions


def _breakdown(codes: Mapping[str, str], counted: Mapping[str, int], denominator: int) -> dict[str, Breakdown]:
    return {
        code: Breakdown(
            count=counted.get(code, 0),
            share=counted.get(code, 0) / denominator if denominator else None,
        )
        for code in codes
    }


async def survey_metrics(
    session: AsyncSession, period: Period, pilot: Pilot | None = None, cohort: str | None = None
) -> SurveyMetrics:
    """The survey figures of issue 5 for the selection (see the module docstring)."""
    await plan_with_parameter_values(session)
    where = _selection(period, pilot, cohort)
    dissatisfied_clause = SurveyResponse.grade <= SATISFIED_MIN_GRADE - 1
    totals = (
        await session.execute(
            select(
                func.count().label("respondents"),
                func.count().filter(SurveyResponse.remembered_contact.is_(True)).label("remembered"),
                func.count().filter(SurveyResponse.grade.is_not(None)).label("graded"),
                func.count().filter(SurveyResponse.grade >= SATISFIED_MIN_GRADE).label("satisfied"),
                func.count().filter(dissatisfied_clause).label("dissatisfied"),
            ).where(*where)
        )
    ).one()
    reason_rows = await session.execute(
        select(survey_reasons.c.code, func.count(func.distinct(SurveyResponse.id)))
        .join(SurveyResponse, SurveyResponse.id == survey_reasons.c.response_id)
        .where(*where, dissatisfied_clause)
        .group_by(survey_reasons.c.code)
    )
    reasons = {code: int(number) for code, number in reason_rows}
    helped_rows = await session.execute(
        select(SurveyResponse.helped_at_once, func.count())
        .where(*where, SurveyResponse.helped_at_once.is_not(None))
        .group_by(SurveyResponse.helped_at_once)
    )
    helped = {code: int(number) for code, number in helped_rows}
    transfer_rows = await session.execute(
        select(SurveyResponse.transfer_count, func.count())
        .where(*where, SurveyResponse.transfer_count.is_not(None))
        .group_by(SurveyResponse.transfer_count)
    )
    transfers = {code: int(number) for code, number in transfer_rows}

    graded, satisfied, dissatisfied = int(totals.graded), int(totals.satisfied), int(totals.dissatisfied)
    satisfied_share = stats.share(satisfied, graded)
    return SurveyMetrics(
        respondents=int(totals.respondents),
        remembered=int(totals.remembered),
        graded=graded,
        satisfied=satisfied,
        dissatisfied=dissatisfied,
        satisfied_share=Interval(
            value=satisfied_share.value, ci_low=satisfied_share.ci_low, ci_high=satisfied_share.ci_high
        ),
        reasons=_breakdown(REASONS, reasons, dissatisfied),
        helped_at_once=_breakdown(HELPED_AT_ONCE, helped, sum(helped.values())),
        transfer_count=_breakdown(TRANSFER_COUNT, transfers, sum(transfers.values())),
    )


async def graded_per_cohort(
    session: AsyncSession, period: Period, pilot: Pilot | None = None, cohort: str | None = None
) -> list[int]:
    """The graded responses of each (pilot, cohort) inside the selection, in one GROUP BY; empty when the
    selection is one cohort of one pilot (it is then itself the cell, not a total of cells)."""
    if pilot is not None and cohort is not None:
        return []
    conditions = [period.dates(SurveyResponse.contact_date), SurveyResponse.grade.is_not(None)]
    if pilot is not None:
        conditions.append(PilotEnrolment.pilot_id == pilot.id)
    if cohort is not None:
        conditions.append(PilotEnrolment.cohort == cohort)
    rows = await session.execute(
        select(func.count())
        .select_from(SurveyResponse)
        .join(PilotEnrolment, PilotEnrolment.dossier_id == SurveyResponse.dossier_id)
        .where(*conditions)
        .group_by(PilotEnrolment.pilot_id, PilotEnrolment.cohort)
    )
    return [int(number) for (number,) in rows]


async def disclosed_survey_metrics(
    session: AsyncSession,
    period: Period,
    pilot: Pilot | None = None,
    cohort: str | None = None,
    cache: FiguresCache | None = None,
) -> SurveyMetrics:
    """``survey_metrics`` with disclosure control applied: what every reader gets. With ``cache`` the figures are
    computed once per selection and data version (``metrics/cache.py``); disclosure control runs on every answer."""

    async def compute() -> tuple[SurveyMetrics, tuple[int, ...]]:
        figures = await survey_metrics(session, period, pilot, cohort)
        return figures, tuple(await graded_per_cohort(session, period, pilot, cohort))

    if cache is None:
        figures, graded = await compute()
    else:
        pilot_part = (pilot.id, str(pilot.updated_at)) if pilot is not None else None
        key = ("survey", period.start, period.end, pilot_part, cohort)
        figures, graded = await cache.get(session, key, compute)
    return disclose_survey(figures, list(graded))
