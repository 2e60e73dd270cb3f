"""The cost model: hours × the rate of the entry's role + fixed costs spread over the pilot cohort's dossiers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casemgmt.pilots.costs import (
    CohortCost,
    DossierCost,
    cohort_cost,
    dossier_cost,
    dossier_costs,
    fixed_cost_per_dossier,
    fixed_cost_total,
    labour_cost,
    minutes_by_role,
)

RATES = {"casemanager": 78.0, "accountmanager": 72.0, "kcc_agent": 55.0}
FIXED = [{"label": "Training", "amount": 12000}, {"label": "Coördinator", "amount": 8000.5}]


def test_labour_is_hours_times_the_rate_of_each_entrys_role():
    # 90 min casemanager (1.5 h × 78 = 117) + 30 min accountmanager (0.5 h × 72 = 36) + 12 min KCC (0.2 h × 55 = 11)
    cost = labour_cost([("casemanager", 60), ("casemanager", 30), ("accountmanager", 30), ("kcc_agent", 12)], RATES)
    assert cost.hours == pytest.approx(2.2)
    assert cost.labour == pytest.approx(117 + 36 + 11)
    assert cost.fixed == 0
    assert cost.unpriced_hours == 0


def test_minutes_are_summed_per_role_before_pricing():
    assert minutes_by_role([("casemanager", 20), ("accountmanager", 5), ("casemanager", 25)]) == {
        "casemanager": 45,
        "accountmanager": 5,
    }
    # 3 × 20 minutes at 78 €/h is exactly 78, not 77.99999…
    assert labour_cost([("casemanager", 20)] * 3, RATES).labour == 78.0


def test_a_role_without_a_rate_is_reported_as_unpriced_not_silently_dropped():
    cost = labour_cost([("casemanager", 60), ("admin", 45)], RATES)
    assert cost.labour == 78.0
    assert cost.hours == pytest.approx(1.75)
    assert cost.unpriced_hours == pytest.approx(0.75)


def test_fixed_costs_are_spread_evenly_over_the_pilot_cohort():
    assert fixed_cost_total(FIXED) == 20000.5
    assert fixed_cost_per_dossier(FIXED, 4) == pytest.approx(5000.125)
    assert fixed_cost_per_dossier(FIXED, 0) == 0.0  # no pilot dossiers yet: nothing to carry it, no division by 0


def test_a_control_dossier_carries_no_fixed_pilot_costs():
    entries = [("casemanager", 120)]
    pilot = dossier_cost(entries, "pilot", RATES, fixed_per_dossier=5000.0)
    control = dossier_cost(entries, "control", RATES, fixed_per_dossier=5000.0)
    assert pilot == DossierCost(hours=2.0, labour=156.0, fixed=5000.0)
    assert control == DossierCost(hours=2.0, labour=156.0, fixed=0.0)
    assert pilot.total == 5156.0
    assert control.total == 156.0


def test_costs_of_a_pilot_per_dossier_and_per_cohort():
    dossiers = {
        1: ("pilot", [("casemanager", 60), ("accountmanager", 30)]),  # 78 + 36 = 114
        2: ("pilot", [("casemanager", 120)]),  # 156
        3: ("control", [("accountmanager", 60), ("kcc_agent", 60)]),  # 72 + 55 = 127
        4: ("control", []),  # 0
        5: ("pilot", []),  # 0
    }
    costs = dossier_costs(dossiers, RATES, FIXED)
    share = 20000.5 / 3  # three pilot-cohort dossiers
    assert costs[1].total == pytest.approx(114 + share)
    assert costs[2].total == pytest.approx(156 + share)
    assert costs[5].total == pytest.approx(share)
    assert costs[3].total == pytest.approx(127) and costs[3].fixed == 0
    assert costs[4].total == 0
    # the fixed costs are fully allocated to the pilot cohort, no more and no less
    assert sum(c.fixed for c in costs.values()) == pytest.approx(20000.5)

    pilot = cohort_cost([costs[1], costs[2], costs[5]], resolved=2)
    assert pilot == CohortCost(
        dossiers=3,
        resolved=2,
        hours=pytest.approx(3.5),
        cost_total=pytest.approx(270 + 20000.5),
        cost_per_dossier=pytest.approx((270 + 20000.5) / 3),
        cost_per_resolved_dossier=pytest.approx((270 + 20000.5) / 2),
    )
    control = cohort_cost([costs[3], costs[4]], resolved=0)
    assert control.cost_per_dossier == pytest.approx(63.5)
    assert control.cost_per_resolved_dossier is None  # nothing resolved: undefined, not an error
    empty = cohort_cost([], resolved=0)
    assert (empty.dossiers, empty.cost_total, empty.cost_per_dossier) == (0, 0, None)


@given(
    st.lists(
        st.tuples(st.sampled_from(["pilot", "control"]), st.lists(st.integers(1, 600), max_size=5)),
        min_size=1,
        max_size=30,
    ),
    st.floats(0, 1e6),
)
def test_fixed_costs_add_up_and_never_reach_the_control_cohort(arms, amount):
    dossiers = {i: (cohort, [("casemanager", m) for m in minutes]) for i, (cohort, minutes) in enumerate(arms, start=1)}
    costs = dossier_costs(dossiers, RATES, [{"label": "x", "amount": amount}])
    pilot_ids = [i for i, (cohort, _) in dossiers.items() if cohort == "pilot"]
    assert all(costs[i].fixed == 0 for i in dossiers if i not in pilot_ids)
    if pilot_ids:
        assert sum(costs[i].fixed for i in pilot_ids) == pytest.approx(amount, rel=1e-9, abs=1e-6)
    for i, (_, entries) in dossiers.items():
        assert costs[i].labour == pytest.approx(sum(m for _, m in entries) * 78 / 60)
