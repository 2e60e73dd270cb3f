"""The measures engine: every pilot figure of DESIGN.md ("The measures") per pilot, cohort and period, in SQL.

``pilot_metrics(session, pilot, date_from, date_to, now)`` returns the ``GET /api/v1/pilots/{slug}/metrics``
document of issue 5; ``dossier_figures(...)`` returns the per-dossier table behind the exports. Counting happens in
the database (GROUP BY cohort with conditional counts, and window aggregates per cohort over the per-dossier
figures); a fixed number of queries runs whatever the number of dossiers. Only the statistics that need per-dossier
vectors read one row per dossier (the ICER bootstrap needs each dossier's cost and outcome; the quartiles of
time-to-close need each closed dossier's dates), and those rows carry their cohort's totals, so the per-dossier
figures are computed once. Brunner–Munzel reads the grade distribution (one row per cohort and grade). The
mathematics is ``statistics.py``.

What counts where (issue 5 "Periods"; choices made where the issue leaves room are marked *):

- **Dossier-level figures** — dossiers, closed, resolved, ``resolved_share``, ``ping_pong_share``,
  ``kept_promises_share``, handoffs and contacts per dossier, time to close, cost — are over the cohort's dossiers
  *opened* in the period. The dossier's whole story goes with it: its outcome, all its counted handoffs, all its
  contacts (*any direction, any date*), all its time entries (*cost is the dossier's cost, whatever the entry
  date*; "time entries by date" applies where hours are reported per month) and its latest survey grade.
- **Event-level shares** are over the events of *every* dossier enrolled in the cohort, by the event's own date:
  inbound contacts that *occurred* in the period (``helped_at_once_share``, ``resolved_in_one_go_share``,
  ``transfer_share``, ``multiple_transfer_share``), commitments *due* in the period (``on_time_share``), escalations
  *due* in the period (``escalation_within_norm_share``), survey responses by ``contact_date``
  (``satisfied_share``, and the grades compared with Brunner–Munzel).
- *"Due" means due by ``now``*: a commitment or escalation whose due moment is still ahead is not yet judged (a
  period reaching into the future counts nothing undecided, and early successes are not counted before the
  failures that can only show at the due moment). A commitment cancelled before its due moment is left out
  (DESIGN.md); one cancelled after it counts as not kept.
- ``kept_promises_share``: dossiers opened in the period with at least one commitment due in the period, and of
  those the dossiers whose due commitments were all kept on time (``kept_on_time`` true).
- Ping-pong: a counted handoff (requested/accepted) to service X while another counted handoff of the same dossier
  *from* X was requested within the 30 days before it, bounds included (``handoffs/rules.py``), as an EXISTS
  subquery over the handoffs table.
- **Cost**: each time entry's hours × the pilot's rate for the entry's role (a CASE over the rate map; a role
  without a rate costs 0), plus the pilot's fixed costs spread evenly over *all* dossiers of the pilot cohort (the
  whole pilot, not one period, so the periods of a pilot add up); control dossiers carry no fixed costs.
  ``cost_per_resolved_dossier`` = the cohort's total cost / its resolved dossiers.
- **Targets** come from the pilot file. For the shares where lower is better (``transfer_share``,
  ``multiple_transfer_share``, ``ping_pong_share``) a target is a maximum: *it is judged on the complement* (share
  ≤ t ⇔ 1 − share ≥ 1 − t), so ``met`` still means "significantly better than the target".
- **Comparison**: pilot − control for every share (Newcombe interval, p-value); Holm over the secondary comparisons
  (every share but the primary outcome, plus the grades); the primary's ``p_holm`` is its own p-value. The grades
  comparison sits under ``comparison["grades"]`` as ``{"probability", "ci_low", "ci_high", "p_value", "p_holm",
  "n_pilot", "n_control"}`` (probability = P(pilot grade > control grade) + ½·P(tie); None values below 5 grades per
  arm).
- **ICER** on the primary outcome over the cohort's dossiers (opened in the period) *for which that outcome is
  defined*: closed dossiers for ``resolved_share`` (resolved = 1), dossiers with commitments due for
  ``kept_promises_share`` (all kept = 1), dossiers with a graded survey response for ``satisfied_share`` (the
  latest grade ≥ 7 = 1); each with its own cost. Bootstrap with 2,000 resamples and a fixed seed, dossiers ordered by
  id. ``delta_cost_per_dossier`` is therefore over those dossiers.
- **MDE** for the primary outcome: baseline = the control share (the pilot's when the control has no data);
  ``per_arm_n`` = the smaller arm's n for that outcome (*the n of the measure, not the number of dossiers*: only
  closed dossiers can be resolved); with one arm empty, the other arm's n (what equal arms of that size could
  detect).

Empty cohorts give None values (and 0 counts), never an error; ``from`` after ``to`` raises InvalidInput (422).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.db import plan_with_parameter_values
from casemgmt.directory.calendar import business_days_between, local_date
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from casemgmt.handoffs.rules import COUNTED_STATUSES, PING_PONG_WINDOW
from casemgmt.metrics import statistics as stats
from casemgmt.metrics.periods import Period
from casemgmt.metrics.results import (
    CohortCost,
    CohortFigures,
    CohortMeasures,
    Cohorts,
    Comparison,
    CostEffectiveness,
    GradesComparison,
    MeanFigure,
    MinimumDetectableDifference,
    PilotMetrics,
    Quartiles,
    ShareComparison,
    ShareFigure,
)
from casemgmt.pilots.costs import MINUTES_PER_HOUR, fixed_cost_per_dossier
from casemgmt.pilots.measures import LOWER_IS_BETTER, SHARE_CODES
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
from casemgmt.pilots.rules import CONTROL, PILOT
from casemgmt.surveys.models import SurveyResponse
from casemgmt.surveys.questionnaire import SATISFIED_MIN_GRADE
from casemgmt.web.structs import copied

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_LATER_HANDOFF, _EARLIER_HANDOFF = aliased(Handoff), aliased(Handoff)

COHORT_ORDER: tuple[str, str] = (PILOT, CONTROL)
SHARE_MEASURE_CODES: tuple[str, ...] = SHARE_CODES
"""The share measures in the catalogue's order (``pilots/measures.py``)."""

CLOSED = "closed"
RESOLVED = "resolved"
INBOUND = "in"
CANCELLED = "cancelled"
_COUNTED = tuple(sorted(COUNTED_STATUSES))


# ------------------------------------------------------------------------------------------------ pure helpers


def primary_outcome_value(
    measure: str, *, status: str, outcome: str | None, commitments_due: int, commitments_kept: int, grade: int | None
) -> int | None:
    """A dossier's 0/1 result on a dossier-level primary outcome, or None when it is not defined for the dossier."""
    if measure == "resolved_share":
        return None if status != CLOSED else int(outcome == RESOLVED)
    if measure == "kept_promises_share":
        return None if commitments_due == 0 else int(commitments_kept == commitments_due)
    if measure == "satisfied_share":
        return None if grade is None else int(grade >= SATISFIED_MIN_GRADE)
    raise ValueError(f"{measure} is not a dossier-level outcome")


def judged_target_status(measure: str, count: int, n: int, target: float | None) -> str | None:
    """``statistics.target_status``, with the target of a lower-is-better share read as a maximum."""
    if target is None or n == 0:
        return None
    if measure in LOWER_IS_BETTER:
        return stats.target_status(n - count, n, 1.0 - float(target))
    return stats.target_status(count, n, float(target))


def share_figure(measure: str, count: int, n: int, target: float | None) -> ShareFigure:
    return copied(
        ShareFigure,
        stats.share(count, n),
        target=None if target is None else float(target),
        target_status=judged_target_status(measure, count, n, target),
    )


def mde_inputs(primary_pilot: tuple[int, int], primary_control: tuple[int, int]) -> tuple[float | None, int]:
    """(baseline share, per-arm n) for the minimum detectable difference from the primary's (count, n) per arm."""
    (count_p, n_p), (count_c, n_c) = primary_pilot, primary_control
    baseline = count_c / n_c if n_c else (count_p / n_p if n_p else None)
    per_arm = min(n_p, n_c) if n_p and n_c else max(n_p, n_c)
    return baseline, per_arm


# ------------------------------------------------------------------------------------------------ SQL building


def _before(dialect: str, column: Any, window: timedelta) -> ColumnElement[Any]:
    """SQL: the moment ``window`` before the (UTC) moment in ``column``, comparable with stored moments."""
    if dialect == "postgresql":
        return column - literal(window)
    # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC); shift the whole seconds and keep the fraction as it was.
    seconds = int(window.total_seconds())
    return func.strftime("%Y-%m-%d %H:%M:%S", column, f"-{seconds} seconds").op("||")(func.substr(column, 20))


def _commitments_due(period: Period, now: datetime) -> ColumnElement[bool]:
    """Commitments due in the period and by now, without those cancelled before their due moment. The due moment is
    the one first promised (``first_due_at``): a rescheduled promise counts where and as it was first due, and its
    ``kept_on_time`` is judged against that moment too (``commitments/rules.py``)."""
    return and_(
        period.moments(Commitment.first_due_at),
        Commitment.first_due_at <= now,
        or_(Commitment.status != CANCELLED, Commitment.closed_at >= Commitment.first_due_at),
    )


def _sent_back(dialect: str, later: Any, earlier: Any) -> ColumnElement[bool]:
    """SQL: the handoff ``later`` sends its dossier back to where the counted handoff ``earlier`` came from, within
    the ping-pong window before it, bounds included (``handoffs/rules.py``)."""
    return and_(
        earlier.dossier_id == later.dossier_id,
        earlier.id != later.id,
        earlier.status.in_(_COUNTED),
        earlier.from_service_id == later.to_service_id,
        earlier.requested_at <= later.requested_at,
        earlier.requested_at >= _before(dialect, later.requested_at, PING_PONG_WINDOW),
    )


def _labour_expression(rates: Mapping[str, float]) -> ColumnElement[Any]:
    """SQL: an entry's minutes × its role's hourly rate (EUR·min/h; divide by 60 for euros)."""
    if not rates:
        return literal(0.0, Float)
    rate = case(
        *((TimeEntry.role == role, literal(float(value), Float)) for role, value in sorted(rates.items())),
        else_=literal(0.0, Float),
    )
    return TimeEntry.minutes * rate


def dossier_figures_query(
    pilot: Pilot,
    period: Period,
    now: datetime,
    dialect: str,
    *,
    with_pseudonym: bool = False,
) -> Select[Any]:
    """One row per dossier of the pilot opened in the period, with its dossier-level figures (see module doc)."""
    enrolled = select(PilotEnrolment.dossier_id).where(PilotEnrolment.pilot_id == pilot.id)
    contacts = (
        select(
            Contact.dossier_id.label("dossier_id"),
            func.count().label("contacts"),
            func.count().filter(Contact.direction == INBOUND).label("inbound"),
        )
        .where(Contact.dossier_id.in_(enrolled))
        .group_by(Contact.dossier_id)
        .subquery("dossier_contacts")
    )
    # Per dossier, through the (dossier_id, requested_at) index: grouping the handoffs of the pilot's dossiers made
    # PostgreSQL scan the whole table at ``large`` (42 ms, against 4 ms this way). The other child tables keep their
    # GROUP BY: correlated subqueries for them measured slower at ``medium`` (88 ms against 64 ms).
    handoffs = (
        select(func.count())
        .select_from(Handoff)
        .where(Handoff.dossier_id == Dossier.id, Handoff.status.in_(_COUNTED))
        .correlate(Dossier)
        .scalar_subquery()
    )
    commitments = (
        select(
            Commitment.dossier_id.label("dossier_id"),
            func.count().label("due"),
            func.count().filter(Commitment.kept_on_time.is_(True)).label("kept"),
        )
        .where(Commitment.dossier_id.in_(enrolled), _commitments_due(period, now))
        .group_by(Commitment.dossier_id)
        .subquery("dossier_commitments")
    )
    time = (
        select(
            TimeEntry.dossier_id.label("dossier_id"),
            func.sum(TimeEntry.minutes).label("minutes"),
            func.sum(_labour_expression(pilot.rates)).label("labour"),
        )
        .where(TimeEntry.dossier_id.in_(enrolled))
        .group_by(TimeEntry.dossier_id)
        .subquery("dossier_time")
    )
    later, earlier = _LATER_HANDOFF, _EARLIER_HANDOFF
    ping_pong = (
        select(later.id)
        .join(earlier, _sent_back(dialect, later, earlier))
        .where(later.dossier_id == Dossier.id, later.status.in_(_COUNTED))
        .exists()
    )
    columns: list[Any] = [
        Dossier.id.label("dossier_id"),
        PilotEnrolment.cohort.label("cohort"),
        Dossier.opened_at.label("opened_at"),
        Dossier.closed_at.label("closed_at"),
        Dossier.status.label("status"),
        Dossier.outcome.label("outcome"),
        func.coalesce(contacts.c.inbound, 0).label("inbound_contacts"),
        func.coalesce(contacts.c.contacts, 0).label("contacts"),
        handoffs.label("handoffs"),
        case((ping_pong, 1), else_=0).label("ping_pong"),
        func.coalesce(commitments.c.due, 0).label("commitments_due"),
        func.coalesce(commitments.c.kept, 0).label("commitments_kept"),
        func.coalesce(time.c.minutes, 0).label("minutes"),
        func.coalesce(time.c.labour, 0.0).label("labour"),
    ]
    latest_grade = (
        select(SurveyResponse.grade)
        .where(SurveyResponse.dossier_id == Dossier.id, SurveyResponse.grade.is_not(None))
        .order_by(SurveyResponse.contact_date.desc(), SurveyResponse.id.desc())
        .limit(1)
        .correlate(Dossier)
        .scalar_subquery()
    )
    columns.append(latest_grade.label("grade"))
    if with_pseudonym:
        columns.append(Client.pseudonym.label("pseudonym"))
    query = (
        select(*columns)
        .select_from(Dossier)
        .join(PilotEnrolment, PilotEnrolment.dossier_id == Dossier.id)
        .outerjoin(contacts, contacts.c.dossier_id == Dossier.id)
        .outerjoin(commitments, commitments.c.dossier_id == Dossier.id)
        .outerjoin(time, time.c.dossier_id == Dossier.id)
        .where(PilotEnrolment.pilot_id == pilot.id, period.moments(Dossier.opened_at))
    )
    if with_pseudonym:
        query = query.join(Client, Client.id == Dossier.client_id)
    return query.order_by(Dossier.id)


def _enrolled_events(pilot: Pilot, event_dossier: Any) -> Any:
    return and_(PilotEnrolment.dossier_id == event_dossier, PilotEnrolment.pilot_id == pilot.id)


# ------------------------------------------------------------------------------------------------ the engine


SHARE_COUNTS: dict[str, tuple[str, str]] = {
    "helped_at_once_share": ("helped_at_once", "inbound"),
    "resolved_in_one_go_share": ("resolved_in_one_go", "inbound"),
    "transfer_share": ("transferred", "inbound"),
    "multiple_transfer_share": ("transferred_more", "inbound"),
    "on_time_share": ("commitments_on_time", "commitments_due"),
    "escalation_within_norm_share": ("escalations_within_norm", "escalations_due"),
    "ping_pong_share": ("ping_pong", "dossiers"),
    "resolved_share": ("resolved", "closed"),
    "kept_promises_share": ("kept_promises", "with_commitments_due"),
}
"""(count, n) of every share measure but ``satisfied_share`` (read from the grades), by counter name."""


@dataclass
class _Cohort:
    """One cohort's counters by name (the labels of the count queries, read by ``_read_counters``), its labour
    (EUR·min/h) and its grade distribution; a counter no query returned is 0."""

    n: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    labour: float = 0.0
    grades: dict[int, int] = field(default_factory=dict)

    def counts(self) -> dict[str, tuple[int, int]]:
        """(count, n) per share measure."""
        graded = sum(self.grades.values())
        satisfied = sum(number for grade, number in self.grades.items() if grade >= SATISFIED_MIN_GRADE)
        return {
            "satisfied_share": (satisfied, graded),
            **{measure: (self.n[count], self.n[n]) for measure, (count, n) in SHARE_COUNTS.items()},
        }

    def grade_list(self) -> list[int]:
        return [grade for grade, number in sorted(self.grades.items()) for _ in range(number)]


def _read_counters(cohorts: Mapping[str, _Cohort], rows: Iterable[Any], prefix: str = "") -> None:
    """Every query that counts per cohort has one shape: a ``cohort`` column and one column per counter, labelled
    ``prefix`` + the counter's name; each row's counters go to its cohort (a NULL sum counts 0)."""
    for row in rows:
        if (c := cohorts.get(row.cohort)) is None:
            continue
        for label, value in row._mapping.items():
            if label.startswith(prefix) and label != "cohort":
                c.n[label.removeprefix(prefix)] = int(value or 0)


def with_cohort_totals(figures: Select[Any]) -> Select[Any]:
    """The per-dossier rows, each also carrying its cohort's dossier-level totals (window aggregates over the
    cohort, labelled ``cohort_`` + the counter): one query yields both the rows the ICER and the quartiles need and
    the counts, instead of computing the per-dossier figures twice."""
    # MATERIALIZED: computed once; as a plain subquery PostgreSQL inlines it and evaluates the per-dossier
    # subqueries (ping-pong, handoffs) again for every window aggregate that reads them.
    f = figures.order_by(None).cte("dossier_figures").prefix_with("MATERIALIZED").c
    closed = f.status == CLOSED
    due = f.commitments_due > 0
    totals = {
        "dossiers": func.count(),
        "closed": func.count().filter(closed),
        "resolved": func.count().filter(and_(closed, f.outcome == RESOLVED)),
        "ping_pong": func.count().filter(f.ping_pong == 1),
        "handoffs": func.sum(f.handoffs),
        "contacts": func.sum(f.contacts),
        "with_commitments_due": func.count().filter(due),
        "kept_promises": func.count().filter(and_(due, f.commitments_kept == f.commitments_due)),
        "minutes": func.sum(f.minutes),
    }
    return select(
        *f,
        *(aggregate.over(partition_by=f.cohort).label(f"cohort_{name}") for name, aggregate in totals.items()),
        func.sum(f.labour).over(partition_by=f.cohort).label("labour_of_cohort"),
    ).order_by(f.dossier_id)


async def _cohort_counts(
    session: AsyncSession, pilot: Pilot, period: Period, now: datetime, per_dossier: Sequence[Any]
) -> dict[str, _Cohort]:
    """Every count of both cohorts: the dossier-level totals from the rows of ``with_cohort_totals`` (each row holds
    its cohort's), then three GROUP BY cohort queries for the events and one of the grade distribution."""
    cohorts = {cohort: _Cohort() for cohort in COHORT_ORDER}
    totals = {row.cohort: row for row in per_dossier}  # every row of a cohort holds its totals
    _read_counters(cohorts, totals.values(), prefix="cohort_")
    for cohort, row in totals.items():
        if c := cohorts.get(cohort):
            c.labour = float(row.labour_of_cohort or 0.0)

    def counted(model: Any, where: ColumnElement[bool], **counters: Any) -> Select[Any]:
        """The counters (labelled expressions) per cohort over the events of ``model`` in enrolled dossiers."""
        return (
            select(PilotEnrolment.cohort, *(expression.label(name) for name, expression in counters.items()))
            .select_from(model)
            .join(PilotEnrolment, _enrolled_events(pilot, model.dossier_id))
            .where(where)
            .group_by(PilotEnrolment.cohort)
        )

    inbound = and_(Contact.direction == INBOUND, period.moments(Contact.occurred_at))
    resolved = Contact.outcome == RESOLVED
    for query in (
        counted(
            Contact,
            inbound,
            inbound=func.count(),
            helped_at_once=func.count().filter(and_(resolved, Contact.transfers == 0)),
            resolved_in_one_go=func.count().filter(resolved),
            transferred=func.count().filter(Contact.transfers >= 1),
            transferred_more=func.count().filter(Contact.transfers >= 2),
        ),
        counted(
            Commitment,
            _commitments_due(period, now),
            commitments_due=func.count(),
            commitments_on_time=func.count().filter(Commitment.kept_on_time.is_(True)),
        ),
        counted(
            Escalation,
            and_(period.moments(Escalation.due_at), Escalation.due_at <= now),
            escalations_due=func.count(),
            escalations_within_norm=func.count().filter(Escalation.within_norm.is_(True)),
        ),
    ):
        _read_counters(cohorts, await session.execute(query))

    grade_rows = await session.execute(
        select(PilotEnrolment.cohort, SurveyResponse.grade, func.count().label("number"))
        .select_from(SurveyResponse)
        .join(PilotEnrolment, _enrolled_events(pilot, SurveyResponse.dossier_id))
        .where(SurveyResponse.grade.is_not(None), period.dates(SurveyResponse.contact_date))
        .group_by(PilotEnrolment.cohort, SurveyResponse.grade)
    )
    for row in grade_rows:
        if c := cohorts.get(row.cohort):
            c.grades[int(row.grade)] = int(row.number)
    return cohorts


async def pilot_cohort_size(session: AsyncSession, pilot: Pilot) -> int:
    """All dossiers in the pilot's pilot cohort (any period): they share the fixed costs."""
    total = await session.scalar(
        select(func.count())
        .select_from(PilotEnrolment)
        .where(PilotEnrolment.pilot_id == pilot.id, PilotEnrolment.cohort == PILOT)
    )
    return int(total or 0)


def _cost(c: _Cohort, cohort: str, fixed_per_dossier: float) -> CohortCost:
    dossiers, resolved = c.n["dossiers"], c.n["resolved"]
    fixed = fixed_per_dossier * dossiers if cohort == PILOT else 0.0
    total = c.labour / MINUTES_PER_HOUR + fixed
    return CohortCost(
        hours=c.n["minutes"] / MINUTES_PER_HOUR,
        cost_total=total,
        cost_per_dossier=total / dossiers if dossiers else None,
        cost_per_resolved_dossier=total / resolved if resolved else None,
    )


def _mean(total: int, n: int) -> MeanFigure:
    return MeanFigure(value=total / n if n else None, n=n)


async def pilot_metrics(
    session: AsyncSession, pilot: Pilot, date_from: date | None, date_to: date | None, now: datetime
) -> PilotMetrics:
    """The metrics of issue 5 for ``pilot`` over ``date_from``..``date_to`` (inclusive, either None for open) as
    judged at ``now`` (aware). Raises InvalidInput when ``date_from`` is after ``date_to``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    period = Period(date_from, date_to)
    await plan_with_parameter_values(session)
    dialect = session.get_bind().dialect.name
    primary = pilot.primary_outcome
    targets = pilot.targets or {}

    per_dossier = (await session.execute(with_cohort_totals(dossier_figures_query(pilot, period, now, dialect)))).all()
    cohorts = await _cohort_counts(session, pilot, period, now, per_dossier)
    fixed_per_dossier = fixed_cost_per_dossier(pilot.fixed_costs or [], await pilot_cohort_size(session, pilot))

    close_days: dict[str, list[int]] = {cohort: [] for cohort in COHORT_ORDER}
    icer_pairs: dict[str, list[tuple[float, int]]] = {cohort: [] for cohort in COHORT_ORDER}
    for row in per_dossier:
        if row.cohort not in close_days:
            continue
        if row.status == CLOSED and row.closed_at is not None:
            close_days[row.cohort].append(business_days_between(row.opened_at, row.closed_at))
        outcome = primary_outcome_value(
            primary,
            status=row.status,
            outcome=row.outcome,
            commitments_due=int(row.commitments_due),
            commitments_kept=int(row.commitments_kept),
            grade=row.grade,
        )
        if outcome is not None:
            cost = float(row.labour) / MINUTES_PER_HOUR + (fixed_per_dossier if row.cohort == PILOT else 0.0)
            icer_pairs[row.cohort].append((cost, outcome))

    counts = {cohort: cohorts[cohort].counts() for cohort in COHORT_ORDER}

    def cohort_figures(cohort: str) -> CohortFigures:
        c = cohorts[cohort]
        quartiles = stats.median_quartiles(close_days[cohort])
        measures = CohortMeasures(
            **{
                measure: share_figure(measure, *counts[cohort][measure], targets.get(measure))
                for measure in SHARE_MEASURE_CODES
            },
            handoffs_per_dossier=_mean(c.n["handoffs"], c.n["dossiers"]),
            contacts_per_dossier=_mean(c.n["contacts"], c.n["dossiers"]),
            days_to_close=copied(Quartiles, quartiles),
        )
        return CohortFigures(
            dossiers=c.n["dossiers"],
            closed=c.n["closed"],
            resolved=c.n["resolved"],
            measures=measures,
            cost=_cost(c, cohort, fixed_per_dossier),
        )

    icer = stats.icer_bootstrap(icer_pairs[PILOT], icer_pairs[CONTROL])
    baseline, per_arm = mde_inputs(counts[PILOT][primary], counts[CONTROL][primary])
    bounds = period.as_json()
    return PilotMetrics(
        pilot=pilot.slug,
        date_from=bounds["from"],
        date_to=bounds["to"],
        primary_outcome=primary,
        cohorts=Cohorts(pilot=cohort_figures(PILOT), control=cohort_figures(CONTROL)),
        comparison=_comparison(counts, cohorts, primary),
        cost_effectiveness=copied(CostEffectiveness, icer, outcome=primary),
        mde=MinimumDetectableDifference(
            outcome=primary,
            per_arm_n=per_arm,
            detectable_difference=stats.minimum_detectable_difference(baseline, per_arm),
        ),
    )


def _comparison(
    counts: Mapping[str, Mapping[str, tuple[int, int]]], cohorts: Mapping[str, _Cohort], primary: str
) -> Comparison:
    """Pilot − control per share and the grades; Holm over the secondary p-values, the primary's p as its own."""
    shares = {
        measure: stats.compare_shares(*counts[PILOT][measure], *counts[CONTROL][measure])
        for measure in SHARE_MEASURE_CODES
    }
    pilot_grades, control_grades = cohorts[PILOT].grade_list(), cohorts[CONTROL].grade_list()
    grades = stats.compare_grades(pilot_grades, control_grades)
    p_values = {measure: result.p_value for measure, result in shares.items()}
    p_values["grades"] = grades.p_value if grades else None
    p_holm: dict[str, float | None] = dict.fromkeys(p_values)
    p_holm.update(stats.holm({key: value for key, value in p_values.items() if key != primary}))
    if primary in p_holm:
        p_holm[primary] = p_values[primary]
    return Comparison(
        **{measure: copied(ShareComparison, result, p_holm=p_holm[measure]) for measure, result in shares.items()},
        grades=GradesComparison(
            probability=grades.probability if grades else None,
            ci_low=grades.ci_low if grades else None,
            ci_high=grades.ci_high if grades else None,
            p_value=grades.p_value if grades else None,
            p_holm=p_holm["grades"],
            n_pilot=len(pilot_grades),
            n_control=len(control_grades),
        ),
    )


# ------------------------------------------------------------------------------------------------ per-dossier table


@dataclass(frozen=True)
class DossierFigures:
    """One row of the per-dossier export (pseudonymised: no names, no BSNs)."""

    pseudonym: str
    cohort: str
    opened: date
    closed: date | None
    outcome: str | None
    inbound_contacts: int
    handoffs: int
    commitments_due: int
    commitments_kept_on_time: int
    hours: float
    cost: float
    grade: int | None


async def dossier_figures(
    session: AsyncSession, pilot: Pilot, date_from: date | None, date_to: date | None, now: datetime
) -> list[DossierFigures]:
    """The per-dossier table of the pilot's dossiers opened in the period (one query, plus the cohort size for the
    fixed-cost share), ordered by cohort (pilot first) and dossier id."""
    await plan_with_parameter_values(session)
    period = Period(date_from, date_to)
    dialect = session.get_bind().dialect.name
    fixed = fixed_cost_per_dossier(pilot.fixed_costs or [], await pilot_cohort_size(session, pilot))
    query = dossier_figures_query(pilot, period, now, dialect, with_pseudonym=True)
    # "pilot" sorts after "control": descending puts the pilot cohort first.
    query = query.order_by(None).order_by(PilotEnrolment.cohort.desc(), Dossier.id)
    rows = (await session.execute(query)).all()
    return [
        DossierFigures(
            pseudonym=row.pseudonym,
            cohort=row.cohort,
            opened=local_date(row.opened_at),
            closed=local_date(row.closed_at) if row.closed_at else None,
            outcome=row.outcome,
            inbound_contacts=int(row.inbound_contacts),
            handoffs=int(row.handoffs),
            commitments_due=int(row.commitments_due),
            commitments_kept_on_time=int(row.commitments_kept),
            hours=int(row.minutes) / MINUTES_PER_HOUR,
            cost=float(row.labour) / MINUTES_PER_HOUR + (fixed if row.cohort == PILOT else 0.0),
            grade=None if row.grade is None else int(row.grade),
        )
        for row in rows
    ]


# Public names for the SQL building blocks other metric modules (the dashboard's trends and monthly series) share,
# so every screen counts due commitments and ping-pong exactly as the engine does.
COUNTED_HANDOFF_STATUSES = _COUNTED
commitments_due_clause = _commitments_due
sent_back_clause = _sent_back

__all__: Sequence[str] = (
    "COUNTED_HANDOFF_STATUSES",
    "LOWER_IS_BETTER",
    "SHARE_MEASURE_CODES",
    "DossierFigures",
    "commitments_due_clause",
    "dossier_figures",
    "dossier_figures_query",
    "pilot_metrics",
    "primary_outcome_value",
    "sent_back_clause",
)
