"""Trends for management (seed 3.2.3, "management monitors service"): five measures per service and month.

Every figure is aggregated in SQL (GROUP BY service, month; months bucketed as in ``periods.py``), over the whole
municipality — not just pilots — and shows pseudonymised counts only. Months are Europe/Amsterdam calendar months;
"due" means due by now, as in the measures engine (a promise whose due moment is still ahead is not judged yet).

| measure | service | month of | count / n |
| --- | --- | --- | --- |
| ``on_time_share`` | the commitment's service | its due moment | kept on time / due (cancelled before due left out) |
| ``escalation_within_norm_share`` | the escalation's service | its due moment | answered within the norm / due |
| ``handoffs_per_dossier`` | the handing-off service (``from_service``) | the request | handoffs / distinct dossiers |
| ``ping_pong_share`` | the handing-off service | the request | dossiers it sent back / distinct dossiers |
| ``satisfied_share`` | none: municipality-wide | ``contact_date`` | grade 7 or higher / responses with a grade |

Choices where the issue leaves room:

- **Handoffs per dossier** counts the handoffs that moved a dossier (requested or accepted; declined and cancelled
  ones never did) that a service requested in the month, over the number of distinct dossiers they concern: 1,0
  means every dossier the service handed off went once; higher means the service handed the same dossiers off
  repeatedly. The denominator is what the service handed off, because a service's other dossiers are not known here.
- **Ping-pong** is attributed to the service that sent a dossier *back*: a handoff from B to A is a ping-pong when
  A handed the dossier off within the 30 days before (``handoffs/rules.py``, the same EXISTS as the engine). Per
  service and month: of the distinct dossiers the service handed off, those where at least one such handoff was a
  ping-pong.
- **Satisfied share**: survey responses carry no service, so it is one municipality-wide row.
- **Suppression** (``metrics/disclosure.py``): a cell whose n is 1–4 shows no figure (``< 5, niet getoond``; in JSON
  ``value`` and ``count`` are null and ``suppressed`` is true), like the pilot dashboard. No row or column totals
  are shown, so no withheld cell is "a total minus the others"; handoffs per dossier and ping-pong share one n
  (the service's distinct dossiers), so they are withheld together.
- A commitment without a service is shown in a row "Zonder dienst".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from casemgmt.commitments.models import Commitment
from casemgmt.db import plan_with_parameter_values
from casemgmt.directory.models import Service
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from casemgmt.metrics.disclosure import THRESHOLD, small
from casemgmt.metrics.engine import COUNTED_HANDOFF_STATUSES, commitments_due_clause, sent_back_clause
from casemgmt.metrics.periods import Period, month_bucket, month_key
from casemgmt.metrics.results import TrendLine, TrendMeasureDocument, TrendMonth, TrendsDocument
from casemgmt.pilots.measures import BY_CODE, Measure
from casemgmt.surveys.models import SurveyResponse
from casemgmt.surveys.questionnaire import SATISFIED_MIN_GRADE

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_LATER_HANDOFF, _EARLIER_HANDOFF = aliased(Handoff), aliased(Handoff)

SUPPRESSION_THRESHOLD = THRESHOLD
"""Cells with fewer units than this show no figure (the one rule: ``metrics/disclosure.py``)."""

NO_SERVICE = ""
MUNICIPALITY = "GEMEENTE"
ROW_LABELS = {NO_SERVICE: "Zonder dienst", MUNICIPALITY: "Gemeente (alle diensten)"}

Kind = Literal["share", "mean"]


@dataclass(frozen=True)
class TrendDefinition:
    """A catalogue measure as the trends count it: per service and month (the label and definition say so)."""

    measure: Measure
    label: str
    by: str
    """How the rows are split, as a phrase: "per dienst van de toezegging"."""
    count_label: str
    n_label: str
    definition: str

    @property
    def code(self) -> str:
        return self.measure.code

    @property
    def kind(self) -> Kind:
        kind = self.measure.kind
        if kind == "share" or kind == "mean":
            return kind
        raise ValueError(f"{self.code}: trends show shares and means only")


DEFINITIONS: tuple[TrendDefinition, ...] = (
    TrendDefinition(
        BY_CODE["on_time_share"],
        "Toezeggingen op tijd nagekomen",
        "per dienst van de toezegging",
        "op tijd nagekomen",
        "toezeggingen die in de maand afliepen",
        "Toezeggingen waarvan het afgesproken moment in de maand lag (en al voorbij is), die op of vóór dat moment "
        "zijn nagekomen, gedeeld door alle toezeggingen die in de maand afliepen. Toezeggingen die vóór het "
        "afgesproken moment zijn ingetrokken tellen niet mee.",
    ),
    TrendDefinition(
        BY_CODE["escalation_within_norm_share"],
        "Escalaties binnen de norm beantwoord",
        "per dienst die de escalatie beantwoordt",
        "binnen de norm",
        "escalaties die in de maand afliepen",
        "Escalaties van het KCC waarvan de normtermijn van de dienst in de maand afliep (en al voorbij is), die "
        "binnen die termijn zijn beantwoord, gedeeld door alle escalaties die in de maand afliepen.",
    ),
    TrendDefinition(
        BY_CODE["handoffs_per_dossier"],
        "Overdrachten per dossier",
        "per dienst die overdraagt",
        "overdrachten",
        "dossiers",
        "Het aantal overdrachten (aangevraagd of geaccepteerd) dat de dienst in de maand deed, gedeeld door het "
        "aantal verschillende dossiers dat het betrof. 1,0 betekent dat elk dossier één keer werd overgedragen; "
        "hoger betekent dat dezelfde dossiers vaker werden doorgeschoven.",
    ),
    TrendDefinition(
        BY_CODE["ping_pong_share"],
        "Dossiers met pingpong",
        "per dienst die het dossier terugstuurt",
        "met pingpong",
        "overgedragen dossiers",
        "Van de dossiers die de dienst in de maand overdroeg: het deel dat de dienst terugstuurde naar een dienst "
        "die het dossier in de 30 dagen daarvoor zelf had overgedragen (A → B → A, van het kastje naar de muur).",
    ),
    TrendDefinition(
        BY_CODE["satisfied_share"],
        "Tevreden (rapportcijfer 7 of hoger)",
        "voor de hele gemeente (het tevredenheidsonderzoek kent geen dienst)",
        "tevreden",
        "antwoorden met een rapportcijfer",
        "Antwoorden op het tevredenheidsonderzoek met een rapportcijfer van 7 of hoger, gedeeld door alle "
        "antwoorden met een rapportcijfer, naar de datum van het klantcontact.",
    ),
)
DEFINITIONS_BY_CODE = {definition.code: definition for definition in DEFINITIONS}


@dataclass(frozen=True)
class TrendCell:
    month: date
    count: int
    n: int

    @property
    def suppressed(self) -> bool:
        return small(self.n)

    @property
    def value(self) -> float | None:
        """count / n, or None when there is nothing (n = 0) or the cell is suppressed."""
        if self.n == 0 or self.suppressed:
            return None
        return self.count / self.n

    def document(self) -> TrendMonth:
        return TrendMonth(
            month=month_key(self.month),
            count=None if self.suppressed else self.count,
            n=self.n,
            value=self.value,
            suppressed=self.suppressed,
        )


@dataclass(frozen=True)
class TrendRow:
    key: str
    cells: tuple[TrendCell, ...]

    @property
    def label(self) -> str:
        return ROW_LABELS.get(self.key, self.key)


@dataclass(frozen=True)
class TrendMeasure:
    definition: TrendDefinition
    rows: tuple[TrendRow, ...]

    @property
    def code(self) -> str:
        return self.definition.code


@dataclass(frozen=True)
class Trends:
    period: Period
    months: tuple[date, ...]
    measures: tuple[TrendMeasure, ...]

    def document(self) -> TrendsDocument:
        """The ``GET /api/v1/trends`` response."""
        return TrendsDocument(
            date_from=self.period.as_json()["from"],
            date_to=self.period.as_json()["to"],
            months=[month_key(month) for month in self.months],
            suppression_threshold=SUPPRESSION_THRESHOLD,
            measures={
                measure.code: TrendMeasureDocument(
                    label=measure.definition.label,
                    kind=measure.definition.kind,
                    by=measure.definition.by,
                    rows=[
                        TrendLine(
                            service=None if row.key == MUNICIPALITY else (row.key or None),
                            label=row.label,
                            months=[cell.document() for cell in row.cells],
                        )
                        for row in measure.rows
                    ],
                )
                for measure in self.measures
            },
        )


def _rows(period: Period, found: Iterable[Any]) -> tuple[TrendRow, ...]:
    """Rows per service (sorted by code, "Zonder dienst" last) with a cell for every month of the period, from
    ``(service, month, count, n)`` rows of a GROUP BY."""
    cells: dict[str, dict[str, tuple[int, int]]] = {}
    for row in found:
        key = row.service if row.service is not None else NO_SERVICE
        cells.setdefault(key, {})[row.month] = (int(row.count), int(row.n))
    ordered = sorted(cells, key=lambda key: (key == NO_SERVICE, key))
    return tuple(
        TrendRow(
            key,
            tuple(TrendCell(month, *cells[key].get(month_key(month), (0, 0))) for month in period.months()),
        )
        for key in ordered
    )


async def _grouped(session: AsyncSession, inner: Any, count: Any, n: Any) -> list[Any]:
    c = inner.c
    query = select(c.service, c.month, count.label("count"), n.label("n")).group_by(c.service, c.month)
    return list((await session.execute(query)).all())


async def _due_per_service(
    session: AsyncSession, period: Period, model: Any, done: Any, due: Any, *, without_service: bool, due_at: Any = None
) -> list[Any]:
    """(count, n) per service and month of the events of ``model`` (commitments, escalations) ``due`` in the
    period: ``done`` (kept on time, within the norm) over all. ``without_service``: keep events without one."""
    inner = (
        select(
            Service.code.label("service"),
            month_bucket(model.due_at if due_at is None else due_at, period).label("month"),
            done.label("done"),
        )
        .select_from(model)
        .join(Service, Service.id == model.service_id, isouter=without_service)
        .where(due)
        .subquery()
    )
    return await _grouped(session, inner, func.count().filter(inner.c.done.is_(True)), func.count())


async def _on_time(session: AsyncSession, period: Period, now: datetime) -> list[Any]:
    due = commitments_due_clause(period, now)
    return await _due_per_service(
        session, period, Commitment, Commitment.kept_on_time, due, without_service=True, due_at=Commitment.first_due_at
    )


async def _escalations(session: AsyncSession, period: Period, now: datetime) -> list[Any]:
    due = and_(period.moments(Escalation.due_at), Escalation.due_at <= now)
    return await _due_per_service(session, period, Escalation, Escalation.within_norm, due, without_service=False)


def _handoffs_subquery(session: AsyncSession, period: Period) -> Any:
    later, earlier = _LATER_HANDOFF, _EARLIER_HANDOFF
    dialect = session.bind.dialect.name
    ping_pong = select(earlier.id).where(sent_back_clause(dialect, later, earlier)).exists()
    return (
        select(
            Service.code.label("service"),
            month_bucket(later.requested_at, period).label("month"),
            later.dossier_id.label("dossier_id"),
            case((ping_pong, later.dossier_id), else_=None).label("ping_pong_dossier"),
        )
        .select_from(later)
        .join(Service, Service.id == later.from_service_id)
        .where(later.status.in_(COUNTED_HANDOFF_STATUSES), period.moments(later.requested_at))
        .subquery()
    )


async def _handoffs(session: AsyncSession, period: Period) -> tuple[list[Any], list[Any]]:
    """(handoffs per dossier rows, ping-pong rows) from one subquery of the period's counted handoffs."""
    inner = _handoffs_subquery(session, period)
    c = inner.c
    rows = (
        await session.execute(
            select(
                c.service,
                c.month,
                func.count().label("handoffs"),
                func.count(c.dossier_id.distinct()).label("dossiers"),
                func.count(c.ping_pong_dossier.distinct()).label("ping_pong"),
            ).group_by(c.service, c.month)
        )
    ).all()
    per_dossier = [_Row(r.service, r.month, r.handoffs, r.dossiers) for r in rows]
    ping_pong = [_Row(r.service, r.month, r.ping_pong, r.dossiers) for r in rows]
    return per_dossier, ping_pong


async def _satisfied(session: AsyncSession, period: Period) -> list[Any]:
    inner = (
        select(
            month_bucket(SurveyResponse.contact_date, period, moments=False).label("month"),
            SurveyResponse.grade.label("grade"),
        )
        .where(SurveyResponse.grade.is_not(None), period.dates(SurveyResponse.contact_date))
        .subquery()
    )
    rows = (
        await session.execute(
            select(
                inner.c.month,
                func.count().filter(inner.c.grade >= SATISFIED_MIN_GRADE).label("count"),
                func.count().label("n"),
            ).group_by(inner.c.month)
        )
    ).all()
    return [_Row(MUNICIPALITY, r.month, r._mapping["count"], r.n) for r in rows]  # ``r.count`` is tuple.count


@dataclass(frozen=True)
class _Row:
    service: str | None
    month: str
    count: int
    n: int


async def management_trends(session: AsyncSession, period: Period, now: datetime) -> Trends:
    """The five trend measures per service and month of ``period``, judged at ``now`` (aware)."""
    await plan_with_parameter_values(session)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    handoffs, ping_pong = await _handoffs(session, period)
    found = {
        "on_time_share": await _on_time(session, period, now),
        "escalation_within_norm_share": await _escalations(session, period, now),
        "handoffs_per_dossier": handoffs,
        "ping_pong_share": ping_pong,
        "satisfied_share": await _satisfied(session, period),
    }
    measures = tuple(TrendMeasure(definition, _rows(period, found[definition.code])) for definition in DEFINITIONS)
    return Trends(period, tuple(period.months()), measures)
