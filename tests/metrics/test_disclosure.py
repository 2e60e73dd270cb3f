"""The disclosure rule as plain functions (``metrics/disclosure.py``): primary suppression at 1–4 units, secondary
suppression of what a withheld cell could be derived from, complementary suppression of months, survey margins."""

from __future__ import annotations

import pytest

from casemgmt.metrics import disclosure as d
from casemgmt.metrics.results import PilotMetrics, SurveyMetrics
from casemgmt.pilots.measures import SHARE_CODES


@pytest.mark.parametrize(("n", "withheld"), [(None, False), (0, False), (1, True), (4, True), (5, False), (50, False)])
def test_small_is_one_to_four_units(n, withheld) -> None:
    assert d.small(n) is withheld


def share(count: int, n: int) -> dict:
    value = count / n if n else None
    return {
        "count": count,
        "n": n,
        "value": value,
        "ci_low": value,
        "ci_high": value,
        "target": 0.8,
        "target_status": None,
    }


def cohort(dossiers: int, closed: int, resolved: int) -> dict:
    return {
        "dossiers": dossiers,
        "closed": closed,
        "resolved": resolved,
        "measures": {
            **{code: share(10, 20) for code in SHARE_CODES},
            "resolved_share": share(resolved, closed),
            "handoffs_per_dossier": {"value": 1.0, "n": dossiers},
            "contacts_per_dossier": {"value": 2.0, "n": dossiers},
            "days_to_close": {"median": 5.0, "q1": 3.0, "q3": 8.0, "n": closed},
        },
        "cost": {
            "hours": 10.0,
            "cost_total": 1000.0,
            "cost_per_dossier": 1000.0 / dossiers,
            "cost_per_resolved_dossier": 1000.0 / resolved if resolved else None,
        },
    }


def metrics(pilot: dict, control: dict) -> PilotMetrics:
    comparison = {"difference": 0.1, "ci_low": 0.0, "ci_high": 0.2, "p_value": 0.5, "p_holm": 0.5}
    return PilotMetrics.from_json(
        {
            "pilot": "p",
            "from": None,
            "to": None,
            "primary_outcome": "resolved_share",
            "cohorts": {"pilot": pilot, "control": control},
            "comparison": {
                **{code: comparison for code in SHARE_CODES},
                "grades": {
                    "probability": 0.5,
                    "ci_low": 0.4,
                    "ci_high": 0.6,
                    "p_value": 0.5,
                    "p_holm": 0.5,
                    "n_pilot": 20,
                    "n_control": 20,
                },
            },
            "cost_effectiveness": {
                "outcome": "resolved_share",
                "delta_cost_per_dossier": 10.0,
                "delta_effect": 0.1,
                "icer": 100.0,
                "ci_low": 1.0,
                "ci_high": 200.0,
                "status": "defined",
            },
            "mde": {"outcome": "resolved_share", "per_arm_n": 4, "detectable_difference": 0.5},
        }
    )


def test_three_of_four_resolved_withholds_everything_it_could_be_derived_from() -> None:
    result = d.disclose_pilot_metrics(metrics(cohort(7, 4, 3), cohort(10, 8, 4)))
    withheld = set(result.suppressed)
    assert {
        "cohorts.pilot.measures.resolved_share",
        "cohorts.pilot.resolved",
        "cohorts.pilot.closed",
        "cohorts.pilot.measures.days_to_close",
        "cohorts.pilot.cost.cost_per_resolved_dossier",
        "comparison.resolved_share",
        "cost_effectiveness",
        "mde",
    } <= withheld
    pilot = result.cohorts.pilot
    assert (pilot.resolved, pilot.closed, pilot.measures.resolved_share.count) == (None, None, None)
    assert pilot.measures.resolved_share.target == 0.8  # the pilot file's, not a figure
    assert pilot.cost.cost_per_resolved_dossier is None and pilot.cost.cost_total == 1000.0  # 7 dossiers: shown
    assert result.comparison.resolved_share.difference is None
    assert result.cost_effectiveness.status == "suppressed" and result.cost_effectiveness.icer is None
    assert result.mde.per_arm_n is None and result.mde.detectable_difference is None
    # what has nothing to do with it stays
    assert result.cohorts.control.resolved == 4 and result.comparison.on_time_share.difference == 0.1
    assert "comparison.grades" not in withheld and result.comparison.grades.n_pilot == 20
    assert d.disclose_pilot_metrics(result) == result  # idempotent


def test_few_dossiers_withhold_their_count_and_cost_and_so_the_icer() -> None:
    result = d.disclose_pilot_metrics(metrics(cohort(20, 10, 6), cohort(4, 0, 0)))
    withheld = set(result.suppressed)
    assert {"cohorts.control.dossiers", "cohorts.control.cost.cost_total", "cost_effectiveness"} <= withheld
    assert "cohorts.control.closed" not in withheld  # 0 closed: no data, nothing to hide
    assert result.cohorts.control.cost.cost_per_resolved_dossier is None
    assert "cohorts.control.cost.cost_per_resolved_dossier" in withheld
    assert "comparison.resolved_share" not in withheld and "mde" not in withheld


def test_nothing_small_withholds_nothing() -> None:
    result = d.disclose_pilot_metrics(metrics(cohort(20, 10, 0), cohort(30, 5, 5)))
    assert result.suppressed == []
    assert result.cohorts.pilot.cost.cost_per_resolved_dossier is None  # 0 resolved of 10: shown as such


@pytest.mark.parametrize(
    ("cells", "total_withheld", "expected"),
    [
        ([(5, 5), (3, 3), (5, 5)], False, [True, True, False]),  # 3 alone would be total − the others
        ([(6, 6), (3, 3), (5, 5)], False, [False, True, True]),  # the smallest shown month goes with it
        ([(3, 3), (2, 2), (9, 9)], False, [True, True, False]),  # together 5: may be known as a group
        ([(0, 0), (4, 4), (6, 6)], False, [False, True, True]),  # an empty month cannot hide anything
        ([(8, 2), (8, 8)], False, [True, True]),  # 8 responses from 2 dossiers
        ([(2, 2), (0, 0)], True, [True, False]),
        ([(6, 6), (7, 7)], False, [False, False]),
    ],
)
def test_months_never_leave_a_small_remainder(cells, total_withheld, expected) -> None:
    assert d.months(cells, total_withheld) == expected


def test_margins() -> None:
    assert d.margin_withheld([3, 20])  # total − 20 gives the 3 back
    assert not d.margin_withheld([3, 4, 20])  # 7 together
    assert not d.margin_withheld([6, 20])
    assert not d.margin_withheld([])


def survey(graded: int, satisfied: int) -> SurveyMetrics:
    breakdown = {"count": 1, "share": 0.5}
    return SurveyMetrics.from_json(
        {
            "respondents": graded + 2,
            "remembered": graded + 1,
            "graded": graded,
            "satisfied": satisfied,
            "dissatisfied": graded - satisfied,
            "satisfied_share": {"value": satisfied / graded, "ci_low": 0.1, "ci_high": 0.9},
            "reasons": {"anders": breakdown},
            "helped_at_once": {"meteen": {"count": 8, "share": 1.0}},
            "transfer_count": {"1": {"count": 2, "share": 1.0}},
        }
    )


def test_survey_figures_withhold_small_cells_and_margins() -> None:
    result = d.disclose_survey(survey(3, 2))
    assert (result.graded, result.satisfied, result.satisfied_share.value) == (None, None, None)
    assert result.respondents == 5 and result.helped_at_once["meteen"].count == 8
    assert result.transfer_count["1"].count is None  # 2 answers
    assert result.reasons["anders"].count is None
    margin = d.disclose_survey(survey(23, 17), parts=[3, 20])  # a pilot's both cohorts, one of them small
    assert margin.satisfied is None and "satisfied_share" in margin.suppressed
    assert d.disclose_survey(survey(23, 17), parts=[8, 15]).satisfied == 17


# ------------------------------------------------------------------------------------------- tables with margins


def test_a_table_withholds_small_cells_and_what_would_give_them_back() -> None:
    from casemgmt.metrics.disclosure import table_withheld

    # two groups × three months; SZW's February has 3: withheld, and with it the smallest shown part of its row
    # (January, 8: else the row total 11 + 0 minus 8 gives 3) and of its column (OCW's February, 5)
    found = table_withheld([[8, 3, 0], [0, 5, 0]])
    assert found.cells == ((True, True, False), (False, True, False))
    assert found.rows == (False, False) and found.columns == (False, False, False) and not found.total


def test_a_table_shows_what_no_subtraction_reveals() -> None:
    from casemgmt.metrics.disclosure import table_withheld

    # two small cells in one column: together 6 units, so the column total does not give either back; their rows
    # each lose one more part though (else the row total minus the shown part gives the small cell)
    found = table_withheld([[20, 3], [30, 3]])
    assert found.cells == ((True, True), (True, True))
    assert found.rows == (False, False) and found.columns == (False, False)
    assert table_withheld([[20, 30], [40, 50]]).cells == ((False, False), (False, False))
    assert table_withheld([]).cells == () and not table_withheld([]).total


def test_a_small_total_goes_with_its_parts() -> None:
    from casemgmt.metrics.disclosure import table_withheld

    found = table_withheld([[2, 1]])
    assert found.cells == ((True, True),) and found.rows == (True,) and found.total
    # a group whose row total is small while other groups are large: the row totals' margin gets company
    found = table_withheld([[2, 1], [40, 50], [30, 20]])
    assert found.rows[0] and sum(found.rows) == 2  # the smallest other row total (50) goes too
