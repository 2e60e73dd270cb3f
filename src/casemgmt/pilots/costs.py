"""The pilot cost model (DESIGN.md "cost per dossier"), as pure functions the measures engine calls or mirrors in SQL.

- **Labour**: every time entry costs its hours × the pilot's hourly rate for the entry's role (``TimeEntry.role``,
  fixed when the entry was made). Minutes are summed per role first and multiplied once, so the figure does not
  drift with the number of entries.
- **Fixed costs** (training, a coordinator, …) belong to the pilot as a whole and are spread evenly over the dossiers
  in the pilot cohort: each pilot-cohort dossier carries ``sum(amounts) / number of pilot-cohort dossiers``. A dossier
  in the control cohort carries no fixed pilot costs — it gets the municipality's usual service.
- A role without a rate in the pilot file is priced at 0 and its hours are reported as ``unpriced_hours``, so a
  missing rate shows up instead of silently lowering the cost.
- **Per cohort**: cost per dossier = total cost / dossiers; cost per resolved dossier = total cost / dossiers closed
  ``resolved`` (None when there are none, never a division by zero).

Amounts are euros as floats; round only for display.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from casemgmt.pilots.rules import PILOT

MINUTES_PER_HOUR = 60


@dataclass(frozen=True)
class DossierCost:
    hours: float
    labour: float
    fixed: float
    unpriced_hours: float = 0.0

    @property
    def total(self) -> float:
        return self.labour + self.fixed


@dataclass(frozen=True)
class CohortCost:
    dossiers: int
    resolved: int
    hours: float
    cost_total: float
    cost_per_dossier: float | None
    cost_per_resolved_dossier: float | None


def minutes_by_role(entries: Iterable[tuple[str, int]]) -> dict[str, int]:
    """``(role, minutes)`` pairs summed per role."""
    totals: dict[str, int] = defaultdict(int)
    for role, minutes in entries:
        totals[role] += minutes
    return dict(totals)


def labour_cost(entries: Iterable[tuple[str, int]], rates: Mapping[str, float]) -> DossierCost:
    """Hours and labour cost of ``(role, minutes)`` time entries at the pilot's ``rates`` (EUR/hour per role)."""
    per_role = minutes_by_role(entries)
    minutes = sum(per_role.values())
    priced = sum(m * float(rates[role]) for role, m in per_role.items() if role in rates)
    unpriced = sum(m for role, m in per_role.items() if role not in rates)
    return DossierCost(
        hours=minutes / MINUTES_PER_HOUR,
        labour=priced / MINUTES_PER_HOUR,
        fixed=0.0,
        unpriced_hours=unpriced / MINUTES_PER_HOUR,
    )


def fixed_cost_total(fixed_costs: Iterable[Mapping[str, object]]) -> float:
    """The sum of a pilot's ``[[fixed_costs]]`` amounts."""
    total = 0.0
    for item in fixed_costs:
        total += float(item["amount"])  # type: ignore[arg-type]  # validated by the pilot definition
    return total


def fixed_cost_per_dossier(fixed_costs: Iterable[Mapping[str, object]], pilot_cohort_dossiers: int) -> float:
    """The fixed costs each pilot-cohort dossier carries (0 when the pilot cohort is still empty)."""
    if pilot_cohort_dossiers <= 0:
        return 0.0
    return fixed_cost_total(fixed_costs) / pilot_cohort_dossiers


def dossier_cost(
    entries: Iterable[tuple[str, int]], cohort: str, rates: Mapping[str, float], fixed_per_dossier: float
) -> DossierCost:
    """One dossier's cost: its labour, plus the fixed share when it is in the pilot cohort."""
    labour = labour_cost(entries, rates)
    fixed = fixed_per_dossier if cohort == PILOT else 0.0
    return DossierCost(hours=labour.hours, labour=labour.labour, fixed=fixed, unpriced_hours=labour.unpriced_hours)


def dossier_costs(
    dossiers: Mapping[int, tuple[str, Iterable[tuple[str, int]]]],
    rates: Mapping[str, float],
    fixed_costs: Iterable[Mapping[str, object]],
) -> dict[int, DossierCost]:
    """The cost of every enrolled dossier of one pilot: ``{dossier_id: (cohort, [(role, minutes), …])}``.

    The fixed costs are spread over the pilot-cohort dossiers given here, so pass every dossier of the pilot cohort
    that should share them (the whole pilot, not one period, unless the engine decides otherwise)."""
    pilot_dossiers = sum(1 for cohort, _ in dossiers.values() if cohort == PILOT)
    per_dossier = fixed_cost_per_dossier(list(fixed_costs), pilot_dossiers)
    return {
        dossier_id: dossier_cost(entries, cohort, rates, per_dossier)
        for dossier_id, (cohort, entries) in dossiers.items()
    }


def cohort_cost(costs: Iterable[DossierCost], resolved: int) -> CohortCost:
    """Totals of one cohort: hours, total cost, cost per dossier and per resolved dossier."""
    items = list(costs)
    total = sum(c.total for c in items)
    return CohortCost(
        dossiers=len(items),
        resolved=resolved,
        hours=sum(c.hours for c in items),
        cost_total=total,
        cost_per_dossier=total / len(items) if items else None,
        cost_per_resolved_dossier=total / resolved if resolved else None,
    )
