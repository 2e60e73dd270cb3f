"""Disclosure control: which figures of a result are withheld, decided once, for every page, API and export.

Pure functions, no database, no HTTP. The dashboard (``dashboard/presentation.py``), the metrics API
(``metrics/controllers.py``), the measures export (``metrics/exports.py``), the survey figures and the management
trends all ask this module; none of them decides suppression itself.

**The rule** (threshold ``THRESHOLD`` = 5):

1. *Primary*: a figure computed over 1–4 units — dossiers, closed dossiers, inbound contacts, commitments,
   escalations, survey responses; its ``n`` — is withheld (``small(n)``). A monthly figure also when fewer than 5
   distinct dossiers are behind it. Zero units is "no data", not a secret: it is shown as such.
2. *Withheld means withheld entirely*: the count, the n, the value, the interval and the target status (a share's
   count is its value × n; its n is the count of another cell, e.g. the closed dossiers).
3. *Secondary*: every figure from which a withheld one could be computed with the figures still shown is withheld
   too, until nothing changes:

   - the count of a withheld share wherever it appears again: ``resolved`` and ``closed`` for ``resolved_share``
     (closed is also the n of the time to close);
   - ratios with a withheld numerator or denominator: ``cost_per_resolved_dossier`` = cost total / resolved, so it
     goes when ``resolved_share`` or the cost total is withheld — also when it is empty, because "no figure" says
     "0 resolved";
   - differences: the pilot-versus-control comparison of a share (difference, interval, p-values) when either
     cohort's share is withheld; the grades comparison (its n are the graded responses) with ``satisfied_share``;
   - the ICER (cost difference, effect difference, ratio, interval) when either cohort's primary outcome or cost is
     withheld; its status then reads ``suppressed``;
   - the minimum detectable difference (its baseline is the control's share, its n the smaller arm's) when either
     cohort's primary outcome is withheld;
   - totals and margins: parts that add up to a shown total (the months of a period, the cohorts of a pilot's
     survey figures) must not leave a withheld part as "the total minus the others". When the withheld parts
     together hold 1–4 units, more parts are withheld (months: the smallest shown ones first, ``months``) or the
     total is (``margin_withheld``). Withheld parts that together hold 5 or more units may be derived as a group:
     a figure over 5 or more units is what the rule allows. A table with margins both ways (the trends: groups ×
     months, the period per group, the municipality per month) is handled by ``table_withheld``, along every row,
     every column and both margins until nothing changes.

**Paths.** The pilot metrics document names what it withholds in ``suppressed``: ``cohorts.pilot.dossiers``,
``cohorts.pilot.measures.resolved_share``, ``cohorts.pilot.cost.cost_per_resolved_dossier``,
``comparison.resolved_share``, ``comparison.grades``, ``cost_effectiveness``, ``mde`` …; every field under a
withheld path is null. Targets (from the pilot file) and labels are never withheld.

**Not covered** (written down so nobody assumes it): periods are chosen freely, so figures of two overlapping
periods can be subtracted (March minus 1–20 March); the per-dossier export is pseudonymised microdata for the
evaluator's own analysis (one row per dossier, every export audited), not a table of aggregates, and is left whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace

from casemgmt.pilots.measures import SHARE_CODES
from casemgmt.pilots.rules import CONTROL, PILOT

if TYPE_CHECKING:
    from casemgmt.metrics.results import CohortFigures, PilotMetrics, SurveyMetrics

THRESHOLD = 5
"""Figures over fewer units than this (but more than none) are withheld."""

MARKER = "< 5"
"""The short Dutch marker of a withheld figure (pages and the XLSX/CSV stay empty plus the ``suppressed`` flag)."""

COHORTS: tuple[str, str] = (PILOT, CONTROL)
MEANS = ("handoffs_per_dossier", "contacts_per_dossier")
COST_FIELDS = ("hours", "cost_total", "cost_per_dossier", "cost_per_resolved_dossier")
SUPPRESSED_STATUS = "suppressed"


def small(n: int | None) -> bool:
    """Whether a figure over ``n`` units is withheld by the primary rule: some, but fewer than ``THRESHOLD``."""
    return n is not None and 0 < n < THRESHOLD


# --------------------------------------------------------------------------------------------------- totals


def months(cells: Sequence[tuple[int, int]], total_withheld: bool = False) -> list[bool]:
    """Which parts of a total to withhold; ``cells`` are ``(n, dossiers)`` per part (a month), in order.

    Primary: a part over 1–4 units or 1–4 dossiers. Then, unless the total itself is withheld, complementary
    suppression: while the withheld parts hold 1–4 units or 1–4 dossiers together (so "total minus the shown parts"
    would give them back), the shown part with the fewest units (the earliest of equals) is withheld as well. The
    dossiers of several parts are added up, which may count a dossier twice (the distinct count is not known here).
    """
    withheld = [small(n) or small(dossiers) for n, dossiers in cells]
    if total_withheld:
        return [w or n > 0 for w, (n, _) in zip(withheld, cells, strict=True)]
    while small(sum(n for w, (n, _) in zip(withheld, cells, strict=True) if w)) or small(
        sum(dossiers for w, (_, dossiers) in zip(withheld, cells, strict=True) if w)
    ):
        shown = [(n, index) for index, (n, _) in enumerate(cells) if not withheld[index] and n > 0]
        if not shown:  # cannot happen when the total is shown (it would be small itself); stay safe anyway
            return [w or n > 0 for w, (n, _) in zip(withheld, cells, strict=True)]
        withheld[min(shown)[1]] = True
    return withheld


def margin_withheld(parts: Iterable[int]) -> bool:
    """Whether a total over ``parts`` (their n) must be withheld because the withheld parts among them (1–4 units
    each) together hold 1–4 units: the total minus the shown parts would give them back."""
    return small(sum(n for n in parts if small(n)))


@dataclass(frozen=True)
class TableWithheld:
    """What to withhold of a table of counts with its margins (``table_withheld``)."""

    cells: tuple[tuple[bool, ...], ...]
    rows: tuple[bool, ...]
    """The row totals (a group over the whole period)."""
    columns: tuple[bool, ...]
    """The column totals (the municipality in one month)."""
    total: bool


def _complete(parts: Sequence[int], withheld: list[bool], total_withheld: bool) -> bool:
    """Complementary suppression along one line of a table: while the withheld parts of a shown total hold 1–4
    units together, withhold the shown part with the fewest units (the first of equals). True when it changed."""
    changed = False
    while not total_withheld and small(sum(n for w, n in zip(withheld, parts, strict=True) if w)):
        shown = [(n, index) for index, n in enumerate(parts) if not withheld[index] and n > 0]
        if not shown:
            break
        withheld[min(shown)[1]] = True
        changed = True
    return changed


def table_withheld(cells: Sequence[Sequence[int]]) -> TableWithheld:
    """The cells (groups × months, their n), row totals, column totals and grand total to withhold.

    Primary: every cell or total over 1–4 units. Secondary, until nothing changes: along every row (the months of a
    group and its period total), every column (the groups of a month and the municipality's month) and both margins
    (row totals and column totals against the grand total), withheld parts that together hold 1–4 units under a
    shown total get company (``_complete``), so no withheld figure is "the total minus the others" in either
    direction — also not across the groupings by service, topic and channel, which share the column totals.
    """
    rows = [list(row) for row in cells]
    width = len(rows[0]) if rows else 0
    row_totals = [sum(row) for row in rows]
    column_totals = [sum(row[j] for row in rows) for j in range(width)]
    grand = sum(row_totals)
    cell_w = [[small(n) for n in row] for row in rows]
    row_w = [small(n) for n in row_totals]
    column_w = [small(n) for n in column_totals]
    total_w = small(grand)
    changed = True
    while changed:
        changed = False
        for i, row in enumerate(rows):
            changed |= _complete(row, cell_w[i], row_w[i])
        for j in range(width):
            column = [cell_w[i][j] for i in range(len(rows))]
            if _complete([row[j] for row in rows], column, column_w[j]):
                for i, withheld in enumerate(column):
                    cell_w[i][j] = withheld
                changed = True
        changed |= _complete(row_totals, row_w, total_w)
        changed |= _complete(column_totals, column_w, total_w)
    return TableWithheld(tuple(tuple(row) for row in cell_w), tuple(row_w), tuple(column_w), total_w)


# --------------------------------------------------------------------------------------------------- pilot metrics


def pilot_suppression(metrics: PilotMetrics) -> frozenset[str]:
    """The paths of ``metrics`` to withhold (primary and secondary), together with those it already names."""
    out: set[str] = set(metrics.suppressed)
    for cohort in COHORTS:
        figures = metrics.cohorts.of(cohort)
        out |= _primary(cohort, figures)
    primary = metrics.primary_outcome
    changed = True
    while changed:  # secondary suppression to a fixed point
        before = len(out)
        for cohort in COHORTS:
            base = f"cohorts.{cohort}"
            if f"{base}.measures.resolved_share" in out or f"{base}.closed" in out:
                out |= {f"{base}.resolved", f"{base}.closed", f"{base}.measures.resolved_share"}
                out |= {f"{base}.measures.days_to_close", f"{base}.cost.cost_per_resolved_dossier"}
            if f"{base}.cost.cost_total" in out:
                out.add(f"{base}.cost.cost_per_resolved_dossier")
            if f"{base}.dossiers" in out:
                out |= {f"{base}.cost.{field}" for field in COST_FIELDS}
        for code in SHARE_CODES:
            if any(f"cohorts.{cohort}.measures.{code}" in out for cohort in COHORTS):
                out.add(f"comparison.{code}")
        if "comparison.satisfied_share" in out:
            out.add("comparison.grades")
        if any(
            f"cohorts.{cohort}.measures.{primary}" in out or f"cohorts.{cohort}.cost.cost_total" in out
            for cohort in COHORTS
        ):
            out.add("cost_effectiveness")
        if any(f"cohorts.{cohort}.measures.{primary}" in out for cohort in COHORTS):
            out.add("mde")
        changed = len(out) != before
    return frozenset(out)


def _primary(cohort: str, figures: CohortFigures) -> set[str]:
    base = f"cohorts.{cohort}"
    measures = figures.measures
    out = {f"{base}.measures.{code}" for code in SHARE_CODES if small(measures.share(code).n)}
    out |= {f"{base}.measures.{code}" for code in MEANS if small(measures.mean(code).n)}
    if small(measures.days_to_close.n):
        out.add(f"{base}.measures.days_to_close")
    if small(figures.dossiers):
        out.add(f"{base}.dossiers")
    if small(figures.closed):
        out.add(f"{base}.closed")
    return out


def _cleared(struct: Any, keep: Iterable[str] = ()) -> Any:
    """``struct`` with every field null except those in ``keep``."""
    kept = set(keep)
    return replace(struct, **{name: None for name in struct.__struct_fields__ if name not in kept})


def disclose_pilot_metrics(metrics: PilotMetrics) -> PilotMetrics:
    """``metrics`` with every withheld figure null and ``suppressed`` naming them (sorted). Idempotent."""
    out = pilot_suppression(metrics)
    cohorts = metrics.cohorts
    for cohort in COHORTS:
        base = f"cohorts.{cohort}"
        figures = cohorts.of(cohort)
        measures = figures.measures
        changes: dict[str, Any] = {}
        for code in (*SHARE_CODES, *MEANS, "days_to_close"):
            if f"{base}.measures.{code}" in out:
                changes[code] = _cleared(getattr(measures, code), keep=("target",))
        cost = _cleared(figures.cost, keep=[f for f in COST_FIELDS if f"{base}.cost.{f}" not in out])
        counts = {name: None for name in ("dossiers", "closed", "resolved") if f"{base}.{name}" in out}
        cohorts = replace(
            cohorts, **{cohort: replace(figures, measures=replace(measures, **changes), cost=cost, **counts)}
        )
    comparison = metrics.comparison
    cleared = {code: _cleared(comparison.share(code)) for code in SHARE_CODES if f"comparison.{code}" in out}
    if "comparison.grades" in out:
        cleared["grades"] = _cleared(comparison.grades)
    effectiveness = metrics.cost_effectiveness
    if "cost_effectiveness" in out:
        effectiveness = replace(_cleared(effectiveness, keep=("outcome",)), status=SUPPRESSED_STATUS)
    mde = _cleared(metrics.mde, keep=("outcome",)) if "mde" in out else metrics.mde
    return replace(
        metrics,
        cohorts=cohorts,
        comparison=replace(comparison, **cleared),
        cost_effectiveness=effectiveness,
        mde=mde,
        suppressed=sorted(out),
    )


# --------------------------------------------------------------------------------------------------- survey figures


def disclose_survey(metrics: SurveyMetrics, parts: Iterable[int] = ()) -> SurveyMetrics:
    """The survey figures with what the rule withholds null and named in ``suppressed``.

    ``parts``: the graded responses of each pilot cohort inside the selection (empty when the selection is one
    cohort of one pilot): the pilot dashboard shows each cohort's satisfied share, so a selection that adds them up
    withholds its own when a withheld cohort could be got back from it (``margin_withheld``)."""
    out: set[str] = set(metrics.suppressed)
    if small(metrics.respondents):
        out |= {"respondents", "remembered"}
    if small(metrics.remembered):
        out.add("remembered")
    if small(metrics.graded) or margin_withheld(parts):
        out |= {"graded", "satisfied", "dissatisfied", "satisfied_share"}
    if "satisfied_share" in out or small(metrics.dissatisfied):
        out.add("reasons")  # shares over the dissatisfied; their counts bound it
    for name in ("helped_at_once", "transfer_count"):
        breakdown = getattr(metrics, name)
        if small(sum(item.count or 0 for item in breakdown.values())):
            out.add(name)
    changes: dict[str, Any] = {}
    for name in ("respondents", "remembered", "graded", "satisfied", "dissatisfied"):
        if name in out:
            changes[name] = None
    if "satisfied_share" in out:
        changes["satisfied_share"] = _cleared(metrics.satisfied_share)
    for name in ("reasons", "helped_at_once", "transfer_count"):
        if name in out:
            changes[name] = {code: _cleared(item) for code, item in getattr(metrics, name).items()}
    return replace(metrics, **changes, suppressed=sorted(out))
