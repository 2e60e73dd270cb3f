"""From the measures engine's document to what the evaluator dashboard shows: cards, charts, tables, texts.

Pure functions over the ``GET /api/v1/pilots/{slug}/metrics`` document (``metrics/engine.py``) and the monthly
figures (``monthly.py``); no database, no HTTP. Every number a table shows carries the path of the figure it comes
from (``cohorts.pilot.measures.satisfied_share.value``, ``monthly.resolved_share.control.2026-03.value``) and its
unrounded value, so tests and evaluators can check the page against the API.

Suppression is decided by ``metrics/disclosure.py`` (the one rule for every page, API and export), never here:
each public function reads the disclosed document (``disclose_pilot_metrics``, idempotent) and shows a withheld
figure as "< 5 dossiers, niet getoond"; the months use ``disclosure.months`` (a month withheld only so that it
cannot be got back from the period total reads "niet getoond, anders terug te rekenen"). A withheld figure's n is
withheld with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from casemgmt.dashboard import charts
from casemgmt.dashboard import formatting as fmt
from casemgmt.dashboard.definitions import (
    BY_CODE,
    COHORT_LABELS,
    OTHER_MEASURES,
    SHARE_MEASURES,
    STATUS_LABELS,
    MeasureDefinition,
)
from casemgmt.dashboard.monthly import COHORTS, MonthFigure
from casemgmt.dashboard.trends import (
    MASTERPLAN,
    MUNICIPALITY,
    TrendCell,
    TrendMeasure,
    TrendRow,
    Trends,
)
from casemgmt.metrics import disclosure
from casemgmt.metrics.disclosure import disclose_pilot_metrics
from casemgmt.metrics.periods import month_key
from casemgmt.metrics.results import (
    CohortMeasures,
    GradesComparison,
    MeanFigure,
    PilotMetrics,
    Quartiles,
    ShareComparison,
    ShareFigure,
)
from casemgmt.metrics.statistics import sample_size_per_arm

SUPPRESSION_THRESHOLD = disclosure.THRESHOLD
SUPPRESSED = "< 5 dossiers, niet getoond"
SUPPRESSED_COMPLEMENT = "niet getoond, anders terug te rekenen"
"""A month withheld although it holds 5 or more units: shown, it would give a withheld month back."""
FEWER = "minder dan 5"
NO_DATA = "geen gegevens"


# --------------------------------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Datum:
    """One figure in a table: its Dutch text, where it is in the metrics document (``cohorts.pilot.measures.…``,
    or ``monthly.…`` for the monthly figures) and its unrounded value (None when missing or suppressed)."""

    text: str
    path: str
    value: float | int | None
    suppressed: bool = False


@dataclass(frozen=True)
class Cell:
    parts: tuple[str | Datum, ...]
    header: bool = False

    @classmethod
    def label(cls, text: str) -> Cell:
        return cls((text,), header=True)

    @classmethod
    def text(cls, text: str) -> Cell:
        return cls((text,))

    @classmethod
    def figure(
        cls, text: str, path: str, value: float | int | None, suppressed: bool = False, note: str = SUPPRESSED
    ) -> Cell:
        if suppressed:
            return cls((Datum(note, path, None, suppressed=True),))
        return cls((Datum(text if value is not None else fmt.MISSING, path, value),))


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


# --------------------------------------------------------------------------------------------------- cards


@dataclass(frozen=True)
class Figure:
    cohort: str
    cohort_label: str
    path: str
    """Where ``value`` is in the metrics document."""
    value: float | None
    value_text: str
    interval_text: str
    detail_text: str
    n: int | None
    status: str | None
    status_label: str
    suppressed: bool
    has_data: bool


@dataclass(frozen=True)
class ComparisonView:
    path: str
    difference_text: str
    interval_text: str
    p_text: str
    p_holm_text: str
    is_primary: bool
    suppressed: bool
    has_data: bool


@dataclass(frozen=True)
class GradesView:
    probability_text: str
    interval_text: str
    p_text: str
    p_holm_text: str


@dataclass(frozen=True)
class Card:
    definition: MeasureDefinition
    primary: bool
    target_text: str
    figures: tuple[Figure, ...]
    comparison: ComparisonView | None
    grades: GradesView | None = None

    @property
    def code(self) -> str:
        return self.definition.code


def target_text(definition: MeasureDefinition, target: float | None) -> str:
    if target is None:
        return ""
    if definition.lower_is_better:
        return f"Norm: hoogstens {fmt.percent(target, 0)}"
    return f"Norm: {fmt.percent(target, 0)}"


def _status_label(status: str | None, has_target: bool, has_data: bool) -> str:
    if status is not None:
        return STATUS_LABELS[status]
    if not has_target:
        return "geen norm"
    return NO_DATA if not has_data else "nog onbeslist"


def share_figure(definition: MeasureDefinition, cohort: str, data: ShareFigure, suppressed: bool) -> Figure:
    n = data.n
    has_data = bool(n) and data.value is not None
    path = f"cohorts.{cohort}.measures.{definition.code}.value"
    if suppressed:
        value_text, interval, detail = SUPPRESSED, "", ""
    elif not has_data:
        value_text, interval, detail = NO_DATA, "", ""
    else:
        value_text = fmt.percent(data.value)
        interval = f"95%-interval {fmt.percent_range(data.ci_low, data.ci_high)}"
        detail = f"{data.count} van {n} {definition.n_unit}".strip()
    status = None if suppressed else data.target_status
    return Figure(
        cohort=cohort,
        cohort_label=COHORT_LABELS[cohort],
        path=path,
        value=None if suppressed else data.value,
        value_text=value_text,
        interval_text=interval,
        detail_text=detail,
        n=n,
        status=status,
        status_label=SUPPRESSED if suppressed else _status_label(status, data.target is not None, has_data),
        suppressed=suppressed,
        has_data=has_data,
    )


def other_figure(definition: MeasureDefinition, cohort: str, data: MeanFigure | Quartiles, suppressed: bool) -> Figure:
    n = data.n
    field = "median" if isinstance(data, Quartiles) else "value"
    path = f"cohorts.{cohort}.measures.{definition.code}.{field}"
    raw = data.median if isinstance(data, Quartiles) else data.value
    has_data = bool(n) and raw is not None
    interval, detail = "", ""
    if suppressed:
        value_text = SUPPRESSED
    elif not has_data:
        value_text = NO_DATA
    elif isinstance(data, Quartiles):
        value_text = f"{fmt.number(raw, 1)} werkdagen (mediaan)"
        interval = f"kwartielen {fmt.number(data.q1, 1)} tot {fmt.number(data.q3, 1)} werkdagen"
        detail = f"{n} {definition.n_unit}"
    else:
        value_text = fmt.number(raw, 1)
        detail = f"gemiddeld over {n} {definition.n_unit}"
    return Figure(
        cohort=cohort,
        cohort_label=COHORT_LABELS[cohort],
        path=path,
        value=None if suppressed else raw,
        value_text=value_text,
        interval_text=interval,
        detail_text=detail,
        n=n,
        status=None,
        status_label="",
        suppressed=suppressed,
        has_data=has_data,
    )


def comparison_view(code: str, data: ShareComparison, suppressed: bool, primary: str) -> ComparisonView:
    has_data = data.difference is not None
    return ComparisonView(
        path=f"comparison.{code}",
        difference_text=fmt.points(data.difference),
        interval_text=fmt.points_range(data.ci_low, data.ci_high),
        p_text=fmt.p_value(data.p_value),
        p_holm_text=fmt.p_value(data.p_holm),
        is_primary=code == primary,
        suppressed=suppressed,
        has_data=has_data and not suppressed,
    )


def grades_view(data: GradesComparison) -> GradesView | None:
    if data.probability is None:
        return None
    return GradesView(
        probability_text=fmt.number(data.probability, 2),
        interval_text=f"{fmt.number(data.ci_low, 2)} tot {fmt.number(data.ci_high, 2)}"
        if data.ci_low is not None
        else fmt.MISSING,
        p_text=fmt.p_value(data.p_value),
        p_holm_text=fmt.p_value(data.p_holm),
    )


def _target(metrics: PilotMetrics, code: str) -> float | None:
    """A share's target (the pilot file's, the same on both cohorts)."""
    return metrics.cohorts.pilot.measures.share(code).target


def _other(measures: CohortMeasures, code: str) -> MeanFigure | Quartiles:
    return measures.days_to_close if code == "days_to_close" else measures.mean(code)


def build_cards(metrics: PilotMetrics) -> list[Card]:
    """A card per measure: every share (primary outcome first), then the means and the time to close."""
    metrics = disclose_pilot_metrics(metrics)
    withheld = set(metrics.suppressed)
    primary = metrics.primary_outcome
    cohorts = metrics.cohorts
    cards: list[Card] = []
    shares = sorted(SHARE_MEASURES, key=lambda d: d.code != primary)
    for definition in shares:
        figures = tuple(
            share_figure(
                definition,
                cohort,
                cohorts.of(cohort).measures.share(definition.code),
                f"cohorts.{cohort}.measures.{definition.code}" in withheld,
            )
            for cohort in COHORTS
        )
        target = _target(metrics, definition.code)
        grades = None
        if definition.code == "satisfied_share":
            grades = grades_view(metrics.comparison.grades)
        cards.append(
            Card(
                definition,
                definition.code == primary,
                target_text(definition, target),
                figures,
                comparison_view(
                    definition.code,
                    metrics.comparison.share(definition.code),
                    f"comparison.{definition.code}" in withheld,
                    primary,
                ),
                grades,
            )
        )
    for definition in OTHER_MEASURES:
        figures = tuple(
            other_figure(
                definition,
                cohort,
                _other(cohorts.of(cohort).measures, definition.code),
                f"cohorts.{cohort}.measures.{definition.code}" in withheld,
            )
            for cohort in COHORTS
        )
        cards.append(Card(definition, False, "", figures, None))
    return cards


# --------------------------------------------------------------------------------------------------- bar chart


def comparison_bars(metrics: PilotMetrics, cards: Sequence[Card]) -> charts.BarChart:
    metrics = disclose_pilot_metrics(metrics)
    groups = []
    for card in cards:
        if card.definition.kind != "share":
            continue
        bars = []
        for figure in card.figures:
            data = metrics.cohorts.of(figure.cohort).measures.share(card.code)
            shown = figure.has_data and not figure.suppressed
            bars.append(
                charts.BarInput(
                    series=figure.cohort,
                    value=data.value if shown else None,
                    ci_low=data.ci_low if shown else None,
                    ci_high=data.ci_high if shown else None,
                    note=SUPPRESSED if figure.suppressed else NO_DATA,
                )
            )
        target = _target(metrics, card.code)
        groups.append(charts.GroupInput(card.code, card.definition.label, tuple(bars), target))
    return charts.bar_chart(groups)


def comparison_table(metrics: PilotMetrics, cards: Sequence[Card]) -> Table:
    metrics = disclose_pilot_metrics(metrics)
    rows = []
    for card in cards:
        if card.definition.kind != "share":
            continue
        row: list[Cell] = [Cell.label(card.definition.label)]
        for figure in card.figures:
            data = metrics.cohorts.of(figure.cohort).measures.share(card.code)
            base = f"cohorts.{figure.cohort}.measures.{card.code}"
            if figure.suppressed:
                row += [Cell.figure("", f"{base}.value", None, True), Cell.text(""), Cell.text("")]
                continue
            low, high = data.ci_low, data.ci_high
            interval: Cell = Cell.text(fmt.MISSING)
            if low is not None and high is not None:
                interval = Cell(
                    (
                        Datum(fmt.percent(low), f"{base}.ci_low", low),
                        " tot ",
                        Datum(fmt.percent(high), f"{base}.ci_high", high),
                    )
                )
            row += [
                Cell.figure(fmt.percent(data.value), f"{base}.value", data.value),
                interval,
                Cell.figure(fmt.number(figure.n, 0), f"{base}.n", figure.n),
            ]
        target = _target(metrics, card.code)
        row.append(
            Cell.figure(card.target_text.removeprefix("Norm: "), f"cohorts.pilot.measures.{card.code}.target", target)
        )
        rows.append(tuple(row))
    return Table(
        key="vergelijking",
        caption="Pilotgroep en controlegroep per maatstaf: aandeel, 95%-interval en aantal (n)",
        headers=(
            "Maatstaf",
            "Pilotgroep",
            "95%-interval pilotgroep",
            "n pilotgroep",
            "Controlegroep",
            "95%-interval controlegroep",
            "n controlegroep",
            "Norm",
        ),
        rows=tuple(rows),
    )


# --------------------------------------------------------------------------------------------------- months


@dataclass(frozen=True)
class MonthlyView:
    measure: str
    label: str
    chart: charts.LineChart
    table: Table


def month_categories(months: Sequence[date]) -> list[tuple[str, ...]]:
    """Chart labels: the short month name, with the year under the first month and under every January."""
    return [
        (fmt.month_short(month), str(month.year)) if index == 0 or month.month == 1 else (fmt.month_short(month),)
        for index, month in enumerate(months)
    ]


def monthly_view(
    measure: str, figures: Mapping[str, Sequence[MonthFigure]], total_withheld: Mapping[str, bool] | None = None
) -> MonthlyView:
    """The months of one measure; ``total_withheld``: per cohort, whether the period's figure is withheld (then
    so is every month with data; otherwise ``disclosure.months`` keeps the months from giving a withheld one back)."""
    definition = BY_CODE[measure]
    months = [figure.month for figure in figures[COHORTS[0]]]
    withheld = {
        cohort: disclosure.months(
            [(f.n, f.dossiers) for f in figures[cohort]], bool((total_withheld or {}).get(cohort))
        )
        for cohort in COHORTS
    }
    series = [
        charts.SeriesInput(
            cohort,
            COHORT_LABELS[cohort],
            [None if hidden else f.value for f, hidden in zip(figures[cohort], withheld[cohort], strict=True)],
            style=cohort,
        )
        for cohort in COHORTS
    ]
    chart = charts.line_chart(month_categories(months), series)
    rows = []
    for index, month in enumerate(months):
        row: list[Cell] = [Cell.label(fmt.month_name(month))]
        for cohort in COHORTS:
            figure = figures[cohort][index]
            path = f"monthly.{measure}.{cohort}.{month_key(month)}"
            suppressed = withheld[cohort][index]
            primary = disclosure.small(figure.n) or disclosure.small(figure.dossiers)
            note = SUPPRESSED if primary else SUPPRESSED_COMPLEMENT
            row.append(Cell.figure(fmt.percent(figure.value), f"{path}.value", figure.value, suppressed, note))
            row.append(Cell.figure(fmt.number(figure.n, 0), f"{path}.n", figure.n, suppressed, "niet getoond"))
        rows.append(tuple(row))
    table = Table(
        key=f"maanden-{measure}",
        caption=f"{definition.label} per maand: pilotgroep en controlegroep, met aantal (n)",
        headers=("Maand", "Pilotgroep", "n pilotgroep", "Controlegroep", "n controlegroep"),
        rows=tuple(rows),
    )
    return MonthlyView(measure, definition.label, chart, table)


# --------------------------------------------------------------------------------------------------- cost


@dataclass(frozen=True)
class CostView:
    table: Table
    icer_text: str
    icer_reason: str
    delta_text: str
    defined: bool


def cost_table(metrics: PilotMetrics) -> Table:
    metrics = disclose_pilot_metrics(metrics)
    withheld = set(metrics.suppressed)
    rows = []
    for cohort in COHORTS:
        data = metrics.cohorts.of(cohort)
        cost = data.cost
        path = f"cohorts.{cohort}.cost"
        dossiers_path = f"cohorts.{cohort}.dossiers"
        cells = [
            Cell.label(COHORT_LABELS[cohort]),
            Cell.figure(fmt.number(data.dossiers, 0), dossiers_path, data.dossiers, dossiers_path in withheld),
        ]
        for field, text in (
            ("hours", fmt.number(cost.hours, 1)),
            ("cost_total", fmt.euro(cost.cost_total)),
            ("cost_per_dossier", fmt.euro(cost.cost_per_dossier)),
            ("cost_per_resolved_dossier", fmt.euro(cost.cost_per_resolved_dossier)),
        ):
            value = getattr(cost, field)
            cells.append(Cell.figure(text, f"{path}.{field}", value, f"{path}.{field}" in withheld))
        rows.append(tuple(cells))
    return Table(
        key="kosten",
        caption="Kosten per groep (uren × uurtarief, plus vaste pilotkosten voor de pilotgroep)",
        headers=("Groep", "Dossiers", "Uren", "Totale kosten", "Kosten per dossier", "Kosten per opgelost dossier"),
        rows=tuple(rows),
    )


ICER_SUPPRESSED = (
    "in de pilotgroep of de controlegroep rusten de kosten of de primaire uitkomst op minder dan 5 dossiers; uit "
    "de ICER zouden die niet getoonde cijfers terug te rekenen zijn."
)


def cost_view(metrics: PilotMetrics) -> CostView:
    metrics = disclose_pilot_metrics(metrics)
    ce = metrics.cost_effectiveness
    outcome = BY_CODE[ce.outcome or metrics.primary_outcome]
    suppressed = "cost_effectiveness" in metrics.suppressed
    delta = ""
    if not suppressed and ce.delta_cost_per_dossier is not None and ce.delta_effect is not None:
        delta = (
            f"Verschil in kosten per dossier (pilot − controle): {fmt.euro(ce.delta_cost_per_dossier)}; "
            f"verschil in {outcome.label.lower()}: {fmt.points(ce.delta_effect)}."
        )
    if suppressed:
        return CostView(cost_table(metrics), "niet getoond", ICER_SUPPRESSED, "", False)
    if ce.status == "defined" and ce.icer is not None:
        text = f"{fmt.euro(ce.icer)} per extra {outcome.outcome_unit}"
        reason = f"95%-interval (bootstrap): {fmt.euro(ce.ci_low)} tot {fmt.euro(ce.ci_high)}."
        return CostView(cost_table(metrics), text, reason, delta, True)
    return CostView(cost_table(metrics), "niet gedefinieerd", icer_undefined_reason(metrics), delta, False)


def icer_undefined_reason(metrics: PilotMetrics) -> str:
    """Why there is no ICER, in plain Dutch."""
    ce = metrics.cost_effectiveness
    outcome = BY_CODE[ce.outcome or metrics.primary_outcome]
    if ce.delta_effect is None:
        return (
            f"In de pilotgroep of de controlegroep is voor geen enkel dossier bekend of het een "
            f"{outcome.outcome_unit} is; zonder twee groepen valt er niets te vergelijken."
        )
    comparison = metrics.comparison.share(outcome.code)
    low, high = comparison.ci_low, comparison.ci_high
    if outcome.code != "satisfied_share" and low is not None and high is not None and low <= 0 <= high:
        return (
            f"Het verschil in {outcome.label.lower()} tussen pilot- en controlegroep "
            f"({fmt.points(comparison.difference)}, 95%-interval {fmt.points_range(low, high)}) kan ook nul "
            f"zijn. Zonder aantoonbaar effect is er geen prijs per extra {outcome.outcome_unit}."
        )
    return (
        f"Het verschil in {outcome.label.lower()} per dossier is niet duidelijk genoeg: het 95%-interval van het "
        f"effect bevat nul, of de kosteneffectiviteit is in te veel herhaalde steekproeven onbegrensd. Zonder "
        f"aantoonbaar effect is er geen prijs per extra {outcome.outcome_unit}."
    )


# --------------------------------------------------------------------------------------------------- MDE


def mde_text(metrics: PilotMetrics) -> list[str]:
    """The minimum detectable difference in plain Dutch (and, with a target, how many dossiers reaching it needs)."""
    metrics = disclose_pilot_metrics(metrics)
    mde = metrics.mde
    outcome = BY_CODE[mde.outcome or metrics.primary_outcome]
    n = mde.per_arm_n
    difference = mde.detectable_difference
    unit = outcome.n_unit
    if "mde" in metrics.suppressed or n is None:
        return [
            f"Niet getoond: in de pilotgroep of de controlegroep rust {outcome.label.lower()} op minder dan 5 "
            f"{unit}, en uit het minimaal aantoonbare verschil zou dat cijfer terug te rekenen zijn."
        ]
    if n < 2:
        texts = [
            f"Er zijn nog te weinig {unit} (n = {n} per groep) om iets te zeggen over een verschil in "
            f"{outcome.label.lower()}."
        ]
    elif difference is None:
        texts = [f"Met {n} {unit} per groep is zelfs een stijging tot 100% {outcome.label.lower()} niet aantoonbaar."]
    else:
        texts = [
            f"Met {n} {unit} per groep is alleen een verschil van {fmt.number(difference * 100, 0)} procentpunt of "
            f"meer in {outcome.label.lower()} aantoonbaar (met 80% kans, bij een tweezijdige toets op 5%). Kleinere "
            f"verschillen kunnen bestaan, maar zijn met deze aantallen niet van toeval te onderscheiden."
        ]
    control = metrics.cohorts.control.measures.share(outcome.code)
    target, baseline = control.target, control.value
    if target is not None and baseline is not None and 0 < baseline < target < 1:
        needed = sample_size_per_arm(baseline, target)
        if needed is not None:
            texts.append(
                f"Om een stijging van {fmt.percent(baseline, 0)} (de controlegroep) naar {fmt.percent(target, 0)} "
                f"(de norm) aan te tonen zijn ongeveer {fmt.number(needed, 0)} {unit} per groep nodig."
            )
    return texts


# --------------------------------------------------------------------------------------------------- the whole


@dataclass(frozen=True)
class DashboardView:
    metrics: PilotMetrics
    cards: tuple[Card, ...]
    bars: charts.BarChart
    bars_table: Table
    monthly: tuple[MonthlyView, ...]
    cost: CostView
    mde: tuple[str, ...]
    primary: MeasureDefinition
    dossiers: Mapping[str, int | None]
    """Per cohort, the dossiers opened in the period; None when withheld (fewer than 5)."""

    def dossiers_text(self, cohort: str) -> str:
        count = self.dossiers[cohort]
        return FEWER if count is None else fmt.number(count, 0)


def monthly_measures(primary: str) -> list[str]:
    """The trend lines: the primary outcome and the satisfied share (once when they are the same)."""
    return list(dict.fromkeys([primary, "satisfied_share"]))


def build_dashboard(metrics: PilotMetrics, monthly: Mapping[str, Mapping[str, Sequence[MonthFigure]]]) -> DashboardView:
    metrics = disclose_pilot_metrics(metrics)
    withheld = set(metrics.suppressed)
    cards = build_cards(metrics)

    def totals(measure: str) -> dict[str, bool]:
        return {cohort: f"cohorts.{cohort}.measures.{measure}" in withheld for cohort in COHORTS}

    return DashboardView(
        metrics=metrics,
        cards=tuple(cards),
        bars=comparison_bars(metrics, cards),
        bars_table=comparison_table(metrics, cards),
        monthly=tuple(monthly_view(measure, monthly[measure], totals(measure)) for measure in monthly),
        cost=cost_view(metrics),
        mde=tuple(mde_text(metrics)),
        primary=BY_CODE[metrics.primary_outcome],
        dossiers={cohort: metrics.cohorts.of(cohort).dossiers for cohort in COHORTS},
    )


# --------------------------------------------------------------------------------------------------- trends


@dataclass(frozen=True)
class TrendView:
    code: str
    label: str
    definition: str
    by: str
    section: str
    target: float | None
    chart: charts.LineChart
    table: Table
    kind: str
    legend: tuple[tuple[str, str, str], ...]
    """(label, "line", style) per line, for the legend macro."""
    chart_note: str
    """What the chart leaves out (the smaller groups) when it does."""

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        return f"Streefwaarde {MASTERPLAN}: {fmt.percent(self.target, 0)} of meer."


TICKS = {"share": charts.share_ticks, "mean": charts.number_ticks, "count": charts.count_ticks}
"""The axis labels per kind of trend measure."""

CHART_LINES = 8
"""At most this many lines in a trend chart: the municipality's total and the largest groups (the table has all)."""


def _trend_text(kind: str, value: float | None) -> str:
    if kind == "share":
        return fmt.percent(value)
    return fmt.number(value, 0 if kind == "count" else 2)


def _group_path(row: TrendRow) -> str:
    return row.key or "zonder-groep"


def _trend_cell(
    code: str, kind: str, row: TrendRow, cell: TrendCell, moment: str, *, interval: bool, with_n: bool = True
) -> Cell:
    """A figure with its n (a count is its own n; ``with_n`` False leaves it out) and, for a share over the whole
    period (``interval``), its 95% interval."""
    path = f"measures.{code}.{_group_path(row)}.{moment}"
    if cell.suppressed:
        return Cell((Datum(TREND_SUPPRESSED, f"{path}.value", None, suppressed=True),))
    figure = Datum(_trend_text(kind, cell.value), f"{path}.value", cell.value)
    if kind == "count":
        return Cell((figure,))
    n = Datum(fmt.number(cell.n, 0), f"{path}.denominator", cell.n)
    if interval and cell.interval and kind == "share":
        low, high = cell.interval
        bounds = (
            Datum(fmt.percent(low), f"{path}.ci_low", low),
            "–",
            Datum(fmt.percent(high), f"{path}.ci_high", high),
        )
        return Cell((figure, " (", *bounds, *(("; n = ", n) if with_n else ()), ")"))
    return Cell((figure, " (n = ", n, ")") if with_n else (figure,))


def _chart_rows(measure: TrendMeasure) -> list[TrendRow]:
    """The municipality's total and the largest groups (by their n over the period), in the table's order."""
    groups = [row for row in measure.rows if not row.is_total]
    if len(measure.rows) <= CHART_LINES:
        return list(measure.rows)
    largest = sorted(groups, key=lambda row: -sum(cell.n for cell in row.cells))[: CHART_LINES - 1]
    return [row for row in measure.rows if row.is_total or row in largest]


def trend_view(measure: TrendMeasure, months: Sequence[date]) -> TrendView:
    """A line per group over the months, and the table behind it (months × groups, each cell with its n; the whole
    period in the last row where the units add up)."""
    d = measure.definition
    shown = _chart_rows(measure)
    series = [charts.SeriesInput(_group_path(row), row.label, [cell.value for cell in row.cells]) for row in shown]
    chart = charts.line_chart(
        month_categories(months),
        series,
        y_max=1.0 if d.kind == "share" else None,
        tick_format=TICKS[d.kind],
    )
    rows: list[tuple[Cell, ...]] = []
    for index, month in enumerate(months):
        rows.append(
            (
                Cell.label(fmt.month_name(month)),
                *(
                    _trend_cell(d.code, d.kind, row, row.cells[index], month_key(month), interval=False)
                    for row in measure.rows
                ),
            )
        )
    if measure.rows and all(row.total for row in measure.rows):
        rows.append(
            (
                Cell.label("Hele periode"),
                *(
                    _trend_cell(d.code, d.kind, row, row.total, "period", interval=True)
                    for row in measure.rows
                    if row.total
                ),
            )
        )
    n_text = "" if d.kind == "count" else f" ({d.count_label} / {d.n_label}; n = {d.n_label})"
    table = Table(
        key=f"trend-{d.code}",
        caption=f"{d.label} per maand, {measure.by_text}{n_text}",
        headers=("Maand", *(row.label for row in measure.rows)),
        rows=tuple(rows),
    )
    legend = tuple((s.label, "line", s.style) for s in chart.series)
    left_out = len(measure.rows) - len(shown)
    note = (
        f"De grafiek toont het totaal en de {len(shown) - 1} grootste; de {left_out} andere staan in de tabel."
        if left_out
        else ""
    )
    return TrendView(
        d.code, d.label, d.definition, measure.by_text, d.section, d.target, chart, table, d.kind, legend, note
    )


TREND_SUPPRESSED = "< 5, niet getoond"


def trends_summary(trends: Trends) -> Table:
    """The whole period at a glance: a row per group (the municipality's total last), a column per measure whose
    units add up, each share with its interval and n; the Masterplan's targets in the last row."""
    measures = [m for m in trends.measures if m.definition.additive and not m.definition.municipal]
    keys: dict[str, str] = {}
    for measure in measures:
        for group in measure.rows:
            keys.setdefault(group.key, group.label)
    ordered = sorted(keys, key=lambda key: key == MUNICIPALITY)
    rows: list[tuple[Cell, ...]] = []
    for key in ordered:
        cells: list[Cell] = [Cell.label(keys[key])]
        for measure in measures:
            found = next((r for r in measure.rows if r.key == key), None)
            if found is None or found.total is None:
                cells.append(Cell.text(fmt.MISSING))
            else:
                cells.append(
                    _trend_cell(
                        measure.code, measure.definition.kind, found, found.total, "period", interval=True, with_n=False
                    )
                )
        rows.append(tuple(cells))
    rows.append(
        (
            Cell.label(f"Streefwaarde {MASTERPLAN}"),
            *(
                Cell.text(f"{fmt.percent(m.definition.target, 0)} of meer" if m.definition.target else "")
                for m in measures
            ),
        )
    )
    return Table(
        key="trends-overzicht",
        caption=f"De hele periode {trends.by_label.lower()}: elk aandeel met het 95%-betrouwbaarheidsinterval; het "
        "aantal waarover het is berekend staat in de rij 'Hele periode' van de tabel van de maatstaf",
        headers=(trends.by_noun, *(m.definition.label for m in measures)),
        rows=tuple(rows),
    )
