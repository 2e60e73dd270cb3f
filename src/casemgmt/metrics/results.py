"""The typed results of the measures engine and the survey figures: what ``engine.pilot_metrics`` and
``survey.survey_metrics`` return, what the dashboard and the exports read by attribute, and what the API answers.

msgspec Structs, so Litestar serialises them itself and ``/schema/openapi.json`` describes the response. Field
order is the JSON key order of issue 5's document, and every field is always present (None serialises as null):
``tests/metrics/test_metrics_contract.py`` holds the documents as they were before these types and checks the
responses against them. Figures withheld by disclosure control (``metrics/disclosure.py``) are null, and the
documents name them in ``suppressed``. The share fields of ``CohortMeasures`` and ``Comparison`` are the catalogue's
share codes in its order (``pilots/measures.py``; checked by ``tests/metrics/test_catalogue.py``).
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from casemgmt.metrics.disclosure import THRESHOLD

T = TypeVar("T")


def _member(struct: Any, code: str, kind: type[T]) -> T:
    """The field ``code`` of ``struct`` when it is a ``kind`` (a share, a mean); KeyError otherwise."""
    member = getattr(struct, code, None)
    if not isinstance(member, kind):
        raise KeyError(code)
    return member


class Result(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of the result types: immutable, and ``to_json()`` gives the API document as plain values."""

    def to_json(self) -> Any:
        return msgspec.to_builtins(self)

    @classmethod
    def from_json(cls, document: Any) -> Any:
        """The typed result of an API document (the dashboard's tests build documents as JSON)."""
        return msgspec.convert(document, cls)


# ------------------------------------------------------------------------------------------------ per cohort


class ShareFigure(Result, frozen=True):
    """A share with its count, n, 95% Wilson interval and the pilot's target (judged: met/missed/undecided); all
    but the target null when withheld (``metrics/disclosure.py``)."""

    count: int | None
    n: int | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    target: float | None
    target_status: str | None


class MeanFigure(Result, frozen=True):
    value: float | None
    n: int | None


class Quartiles(Result, frozen=True):
    median: float | None
    q1: float | None
    q3: float | None
    n: int | None


class CohortMeasures(Result, frozen=True):
    satisfied_share: ShareFigure
    helped_at_once_share: ShareFigure
    resolved_in_one_go_share: ShareFigure
    transfer_share: ShareFigure
    multiple_transfer_share: ShareFigure
    on_time_share: ShareFigure
    escalation_within_norm_share: ShareFigure
    ping_pong_share: ShareFigure
    resolved_share: ShareFigure
    kept_promises_share: ShareFigure
    handoffs_per_dossier: MeanFigure
    contacts_per_dossier: MeanFigure
    days_to_close: Quartiles

    def share(self, code: str) -> ShareFigure:
        """The share measure ``code`` (a catalogue share code)."""
        return _member(self, code, ShareFigure)

    def mean(self, code: str) -> MeanFigure:
        return _member(self, code, MeanFigure)


class CohortCost(Result, frozen=True):
    hours: float | None
    cost_total: float | None
    cost_per_dossier: float | None
    cost_per_resolved_dossier: float | None


class CohortFigures(Result, frozen=True):
    dossiers: int | None
    closed: int | None
    resolved: int | None
    measures: CohortMeasures
    cost: CohortCost


class Cohorts(Result, frozen=True):
    pilot: CohortFigures
    control: CohortFigures

    def of(self, cohort: str) -> CohortFigures:
        """The cohort ``pilot`` or ``control``."""
        if cohort not in ("pilot", "control"):
            raise KeyError(cohort)
        figures: CohortFigures = getattr(self, cohort)
        return figures


# ------------------------------------------------------------------------------------------------ pilot vs control


class ShareComparison(Result, frozen=True):
    """Pilot − control for a share: Newcombe interval, p-value, Holm-adjusted p-value (the primary's own)."""

    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_holm: float | None


class GradesComparison(Result, frozen=True):
    """Brunner–Munzel on the grades: P(pilot grade > control grade) + ½·P(tie)."""

    probability: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_holm: float | None
    n_pilot: int | None
    n_control: int | None


class Comparison(Result, frozen=True):
    satisfied_share: ShareComparison
    helped_at_once_share: ShareComparison
    resolved_in_one_go_share: ShareComparison
    transfer_share: ShareComparison
    multiple_transfer_share: ShareComparison
    on_time_share: ShareComparison
    escalation_within_norm_share: ShareComparison
    ping_pong_share: ShareComparison
    resolved_share: ShareComparison
    kept_promises_share: ShareComparison
    grades: GradesComparison

    def share(self, code: str) -> ShareComparison:
        return _member(self, code, ShareComparison)


class CostEffectiveness(Result, frozen=True):
    """The ICER on the primary outcome with its bootstrap interval; ``status`` ``defined``, ``undefined`` or
    ``suppressed`` (withheld: too few dossiers behind it or behind the primary outcome, ``metrics/disclosure.py``)."""

    outcome: str
    delta_cost_per_dossier: float | None
    delta_effect: float | None
    icer: float | None
    ci_low: float | None
    ci_high: float | None
    status: str


class MinimumDetectableDifference(Result, frozen=True):
    outcome: str
    per_arm_n: int | None
    detectable_difference: float | None


class PilotMetrics(Result, frozen=True):
    """``GET /api/v1/pilots/{slug}/metrics``: a pilot's measures per cohort over a period (issue 5)."""

    pilot: str
    date_from: str | None = msgspec.field(name="from")
    date_to: str | None = msgspec.field(name="to")
    primary_outcome: str
    cohorts: Cohorts
    comparison: Comparison
    cost_effectiveness: CostEffectiveness
    mde: MinimumDetectableDifference
    suppression_threshold: int = THRESHOLD
    suppressed: list[str] = msgspec.field(default_factory=list)
    """The paths withheld by disclosure control (``metrics/disclosure.py``); every field under them is null."""


# ------------------------------------------------------------------------------------------------ survey figures


class Interval(Result, frozen=True):
    value: float | None
    ci_low: float | None
    ci_high: float | None


class Breakdown(Result, frozen=True):
    count: int | None
    share: float | None


class SurveyMetrics(Result, frozen=True):
    """``GET /api/v1/metrics/survey``: satisfaction, reasons, helped at once and transfers of a selection."""

    respondents: int | None
    remembered: int | None
    graded: int | None
    satisfied: int | None
    dissatisfied: int | None
    satisfied_share: Interval
    reasons: dict[str, Breakdown]
    helped_at_once: dict[str, Breakdown]
    transfer_count: dict[str, Breakdown]
    suppression_threshold: int = THRESHOLD
    suppressed: list[str] = msgspec.field(default_factory=list)
    """The figures withheld by disclosure control (``metrics/disclosure.py``); they are null."""


# ------------------------------------------------------------------------------------------------ management trends


class TrendFigure(Result, frozen=True):
    """One group's figure over a month or the whole period: ``numerator`` of ``denominator`` with its ``value`` (the
    share, the mean, or for a count the count itself, whose denominator is null), a share's 95% Wilson interval;
    every number null when the cell is suppressed (``metrics/disclosure.py``)."""

    numerator: int | None
    denominator: int | None
    value: float | None
    share: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool


class TrendMonth(TrendFigure, frozen=True):
    month: str


class TrendLine(Result, frozen=True):
    group: str | None
    """The service code, topic code or channel; null for the row without one and for the municipality's total."""
    label: str
    is_total: bool
    """The municipality's total over the groups (and the one row of the satisfied share)."""
    period: TrendFigure | None
    """The figure over the whole period (null for measures whose units do not add up: the handoff measures)."""
    months: list[TrendMonth]


class TrendMeasureDocument(Result, frozen=True):
    label: str
    kind: str
    by: str
    target: float | None
    """The Masterplan's target (a minimum share), or null."""
    lower_is_better: bool
    rows: list[TrendLine]


class TrendsDocument(Result, frozen=True):
    """``GET /api/v1/trends``: per measure a line per group (``by``: service, topic or channel) over the months."""

    date_from: str | None = msgspec.field(name="from")
    date_to: str | None = msgspec.field(name="to")
    by: str
    months: list[str]
    suppression_threshold: int
    measures: dict[str, TrendMeasureDocument]
