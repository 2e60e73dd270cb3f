"""The measures engine on the hand-built pilot of ``tests/worlds/metrics.py``: every share per cohort, dossier-level
figures, cost, comparison, ICER, MDE, periods and empty cohorts (expected values are worked out in that file)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casemgmt.errors import InvalidInput
from casemgmt.metrics import statistics as stats
from casemgmt.metrics.engine import (
    LOWER_IS_BETTER,
    SHARE_MEASURE_CODES,
    dossier_figures,
    judged_target_status,
    mde_inputs,
    pilot_metrics,
    primary_outcome_value,
)
from casemgmt.metrics.periods import Period
from tests.factories import create_client
from tests.worlds.metrics import FROM, NOW, TARGETS, TO, dossier_at, enrol, make_pilot, mar

pytestmark = pytest.mark.anyio

EXPECTED_COUNTS = {
    "pilot": {
        "satisfied_share": (3, 4),
        "helped_at_once_share": (3, 6),
        "resolved_in_one_go_share": (4, 6),
        "transfer_share": (2, 6),
        "multiple_transfer_share": (1, 6),
        "on_time_share": (4, 6),
        "escalation_within_norm_share": (1, 2),
        "ping_pong_share": (1, 4),
        "resolved_share": (2, 3),
        "kept_promises_share": (2, 4),
    },
    "control": {
        "satisfied_share": (1, 2),
        "helped_at_once_share": (1, 3),
        "resolved_in_one_go_share": (1, 3),
        "transfer_share": (2, 3),
        "multiple_transfer_share": (1, 3),
        "on_time_share": (1, 2),
        "escalation_within_norm_share": (0, 1),
        "ping_pong_share": (1, 3),
        "resolved_share": (1, 2),
        "kept_promises_share": (1, 2),
    },
}


async def metrics_of(db, pilot, date_from=FROM, date_to=TO, now=NOW):
    async with db() as session:
        return (await pilot_metrics(session, pilot, date_from, date_to, now)).to_json()


async def test_document_has_the_contract_shape(db, built):
    result = await metrics_of(db, built.pilot)
    assert set(result) == {
        "pilot",
        "from",
        "to",
        "primary_outcome",
        "cohorts",
        "comparison",
        "cost_effectiveness",
        "mde",
        "suppression_threshold",
        "suppressed",
    }
    assert result["suppressed"] == []  # the engine computes everything; disclosure control withholds (API, pages)
    assert (result["pilot"], result["from"], result["to"]) == ("proef", "2026-03-01", "2026-03-31")
    assert result["primary_outcome"] == "resolved_share"
    for cohort in ("pilot", "control"):
        c = result["cohorts"][cohort]
        assert set(c) == {"dossiers", "closed", "resolved", "measures", "cost"}
        assert set(c["measures"]) == {
            *SHARE_MEASURE_CODES,
            "handoffs_per_dossier",
            "contacts_per_dossier",
            "days_to_close",
        }
        for measure in SHARE_MEASURE_CODES:
            assert set(c["measures"][measure]) == {
                "count",
                "n",
                "value",
                "ci_low",
                "ci_high",
                "target",
                "target_status",
            }
        assert set(c["cost"]) == {"hours", "cost_total", "cost_per_dossier", "cost_per_resolved_dossier"}
    for measure in SHARE_MEASURE_CODES:
        assert set(result["comparison"][measure]) == {"difference", "ci_low", "ci_high", "p_value", "p_holm"}
    assert set(result["comparison"]["grades"]) == {
        "probability",
        "ci_low",
        "ci_high",
        "p_value",
        "p_holm",
        "n_pilot",
        "n_control",
    }
    assert set(result["cost_effectiveness"]) == {
        "outcome",
        "delta_cost_per_dossier",
        "delta_effect",
        "icer",
        "ci_low",
        "ci_high",
        "status",
    }
    assert set(result["mde"]) == {"outcome", "per_arm_n", "detectable_difference"}


@pytest.mark.parametrize("cohort", ["pilot", "control"])
async def test_every_share_counts_what_was_computed_by_hand(db, built, cohort):
    result = await metrics_of(db, built.pilot)
    measures = result["cohorts"][cohort]["measures"]
    got = {measure: (measures[measure]["count"], measures[measure]["n"]) for measure in SHARE_MEASURE_CODES}
    assert got == EXPECTED_COUNTS[cohort]


@pytest.mark.parametrize("cohort", ["pilot", "control"])
async def test_shares_carry_wilson_intervals_and_target_status(db, built, cohort):
    result = await metrics_of(db, built.pilot)
    for measure, (count, n) in EXPECTED_COUNTS[cohort].items():
        m = result["cohorts"][cohort]["measures"][measure]
        expected = stats.share(count, n)
        assert (m["value"], m["ci_low"], m["ci_high"]) == (expected.value, expected.ci_low, expected.ci_high)
        assert m["target"] == TARGETS.get(measure)
        if measure not in TARGETS:
            assert m["target_status"] is None
        elif measure in LOWER_IS_BETTER:
            assert m["target_status"] == stats.target_status(n - count, n, 1 - TARGETS[measure])
        else:
            assert m["target_status"] == stats.target_status(count, n, TARGETS[measure])


async def test_dossier_level_figures(db, built):
    result = await metrics_of(db, built.pilot)
    pilot, control = result["cohorts"]["pilot"], result["cohorts"]["control"]
    assert (pilot["dossiers"], pilot["closed"], pilot["resolved"]) == (4, 3, 2)
    assert (control["dossiers"], control["closed"], control["resolved"]) == (3, 2, 1)
    assert pilot["measures"]["handoffs_per_dossier"] == {"value": 1.25, "n": 4}
    assert pilot["measures"]["contacts_per_dossier"] == {"value": 1.75, "n": 4}
    assert control["measures"]["handoffs_per_dossier"] == {"value": pytest.approx(4 / 3), "n": 3}
    assert control["measures"]["contacts_per_dossier"] == {"value": 1.0, "n": 3}
    # business days to close: pilot 4, 8, 2; control 10, 2
    assert pilot["measures"]["days_to_close"] == {"median": 4.0, "q1": 3.0, "q3": 6.0, "n": 3}
    assert control["measures"]["days_to_close"] == {"median": 6.0, "q1": 4.0, "q3": 8.0, "n": 2}


async def test_cost_is_hours_times_rates_plus_fixed_costs_spread_over_the_pilot_cohort(db, built):
    result = await metrics_of(db, built.pilot)
    pilot, control = result["cohorts"]["pilot"]["cost"], result["cohorts"]["control"]["cost"]
    # labour 345 + 4 dossiers × (9,000 / 5 pilot-cohort dossiers)
    assert pilot == {
        "hours": 5.0,
        "cost_total": pytest.approx(7545.0),
        "cost_per_dossier": pytest.approx(1886.25),
        "cost_per_resolved_dossier": pytest.approx(3772.5),
    }
    # a control dossier carries no fixed pilot costs: labour only
    assert control == {
        "hours": 3.0,
        "cost_total": pytest.approx(219.0),
        "cost_per_dossier": pytest.approx(73.0),
        "cost_per_resolved_dossier": pytest.approx(219.0),
    }


async def test_per_dossier_costs_and_figures(db, built):
    async with db() as session:
        rows = await dossier_figures(session, built.pilot, FROM, TO, NOW)
    by_pseudonym = {row.pseudonym: row for row in rows}
    pseudonym = {
        name: next(c.pseudonym for c in built.clients if c.id == d.client_id) for name, d in built.dossiers.items()
    }
    assert [row.cohort for row in rows] == ["pilot"] * 4 + ["control"] * 3
    assert set(by_pseudonym) == {pseudonym[name] for name in ("P1", "P2", "P3", "P4", "C1", "C2", "C3")}
    p1 = by_pseudonym[pseudonym["P1"]]
    assert (p1.opened, p1.closed, p1.outcome) == (date(2026, 3, 2), date(2026, 3, 6), "resolved")
    assert (p1.inbound_contacts, p1.handoffs, p1.commitments_due, p1.commitments_kept_on_time) == (3, 2, 2, 1)
    assert p1.hours == 3.0
    assert p1.cost == pytest.approx(228 + 1800)
    assert p1.grade == 3  # the latest graded response (April)
    assert by_pseudonym[pseudonym["P3"]].cost == pytest.approx(1800)  # kcc_agent has no rate
    assert by_pseudonym[pseudonym["P4"]].cost == pytest.approx(1800)  # no time: the fixed share only
    c1 = by_pseudonym[pseudonym["C1"]]
    assert c1.cost == pytest.approx(75) and c1.grade == 6
    assert by_pseudonym[pseudonym["C3"]].cost == 0.0
    assert by_pseudonym[pseudonym["P2"]].grade == 5


async def test_comparison_is_pilot_minus_control_with_holm_on_the_secondary_measures(db, built):
    result = await metrics_of(db, built.pilot)
    comparison = result["comparison"]
    for measure in SHARE_MEASURE_CODES:
        expected = stats.compare_shares(*EXPECTED_COUNTS["pilot"][measure], *EXPECTED_COUNTS["control"][measure])
        got = comparison[measure]
        assert (got["difference"], got["ci_low"], got["ci_high"], got["p_value"]) == (
            expected.difference,
            expected.ci_low,
            expected.ci_high,
            expected.p_value,
        )
    assert comparison["resolved_share"]["difference"] == pytest.approx(2 / 3 - 1 / 2)
    # the primary outcome is not corrected; the other nine shares (and the grades, here untestable) are one family
    assert comparison["resolved_share"]["p_holm"] == comparison["resolved_share"]["p_value"]
    secondary = {m: comparison[m]["p_value"] for m in SHARE_MEASURE_CODES if m != "resolved_share"}
    expected_holm = stats.holm(secondary)
    for measure, adjusted in expected_holm.items():
        assert comparison[measure]["p_holm"] == pytest.approx(adjusted)
    # fewer than 5 grades per arm: no Brunner–Munzel, but the sizes are shown
    assert comparison["grades"] == {
        "probability": None,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
        "p_holm": None,
        "n_pilot": 4,
        "n_control": 2,
    }


async def test_cost_effectiveness_and_mde_on_the_primary_outcome(db, built):
    result = await metrics_of(db, built.pilot)
    ce = result["cost_effectiveness"]
    # closed dossiers: pilot P1 (2028, 1), P2 (1917, 1), P3 (1800, 0); control C1 (75, 1), C2 (144, 0)
    assert ce["outcome"] == "resolved_share"
    assert ce["delta_cost_per_dossier"] == pytest.approx((2028 + 1917 + 1800) / 3 - (75 + 144) / 2)
    assert ce["delta_effect"] == pytest.approx(2 / 3 - 1 / 2)
    assert ce["status"] == "undefined"  # the effect's interval includes 0
    assert ce["icer"] is None and ce["ci_low"] is None and ce["ci_high"] is None
    assert result["mde"] == {
        "outcome": "resolved_share",
        "per_arm_n": 2,
        "detectable_difference": stats.minimum_detectable_difference(0.5, 2),
    }


async def test_a_clear_effect_gives_a_defined_icer_from_the_dossiers_in_id_order(db, casemanager):
    from tests.worlds.metrics import Arrange

    async with db() as session, session.begin():
        pilot = await make_pilot(session, fixed_costs=[{"label": "Training", "amount": 1200.0}])
        arrange = Arrange(session, casemanager.id)
        pairs: dict[str, list[tuple[float, int]]] = {"pilot": [], "control": []}
        for index in range(24):
            cohort = "pilot" if index % 2 == 0 else "control"
            resolved = cohort == "pilot" or index % 12 == 1  # pilot 12/12, control 2/12 (1 and 13)
            client = await create_client(session)
            dossier = await dossier_at(
                session, client, casemanager.id, mar(2 + index % 20), mar(25), "resolved" if resolved else "withdrawn"
            )
            await enrol(session, pilot, dossier, cohort)
            minutes = 60 + 15 * index
            await arrange.time(dossier, "casemanager", minutes)
            cost = minutes / 60 * 78 + (1200 / 12 if cohort == "pilot" else 0.0)
            pairs[cohort].append((cost, int(resolved)))
    result = await metrics_of(db, pilot)
    ce = result["cost_effectiveness"]
    expected = stats.icer_bootstrap(pairs["pilot"], pairs["control"])
    assert ce["status"] == "defined" == expected.status
    mean = {cohort: sum(cost for cost, _ in pairs[cohort]) / 12 for cohort in pairs}
    assert ce["delta_cost_per_dossier"] == pytest.approx(mean["pilot"] - mean["control"])
    assert ce["delta_effect"] == pytest.approx(1 - 2 / 12)
    assert ce["icer"] == pytest.approx((mean["pilot"] - mean["control"]) / (10 / 12))
    assert (ce["ci_low"], ce["ci_high"]) == (pytest.approx(expected.ci_low), pytest.approx(expected.ci_high))
    assert ce["ci_low"] <= ce["icer"] <= ce["ci_high"]
    again = await metrics_of(db, pilot)
    assert again["cost_effectiveness"] == ce  # fixed seed: the same figure twice
    assert result["mde"]["per_arm_n"] == 12
    assert result["mde"]["detectable_difference"] == stats.minimum_detectable_difference(2 / 12, 12)


async def test_grades_are_compared_with_brunner_munzel_in_the_holm_family(db, casemanager):
    from tests.worlds.metrics import Arrange

    pilot_grades, control_grades = [8, 9, 7, 10, 6, 8], [5, 6, 7, 4, 6]
    async with db() as session, session.begin():
        pilot = await make_pilot(session, primary_outcome="satisfied_share")
        arrange = Arrange(session, casemanager.id)
        for cohort, grades in (("pilot", pilot_grades), ("control", control_grades)):
            for grade in grades:
                dossier = await dossier_at(session, await create_client(session), casemanager.id, mar(3))
                await enrol(session, pilot, dossier, cohort)
                await arrange.response(dossier, date(2026, 3, 9), grade)
    result = await metrics_of(db, pilot)
    expected = stats.compare_grades(pilot_grades, control_grades)
    grades = result["comparison"]["grades"]
    assert grades["probability"] == pytest.approx(expected.probability)
    assert (grades["ci_low"], grades["ci_high"]) == (pytest.approx(expected.ci_low), pytest.approx(expected.ci_high))
    assert grades["p_value"] == pytest.approx(expected.p_value)
    assert (grades["n_pilot"], grades["n_control"]) == (6, 5)
    secondary = {m: result["comparison"][m]["p_value"] for m in SHARE_MEASURE_CODES if m != "satisfied_share"}
    secondary["grades"] = expected.p_value
    assert grades["p_holm"] == pytest.approx(stats.holm(secondary)["grades"])
    # satisfied_share is primary: uncorrected; its ICER runs on the dossiers with a grade
    satisfied = result["comparison"]["satisfied_share"]
    assert satisfied["p_holm"] == satisfied["p_value"]
    assert result["cost_effectiveness"]["delta_effect"] == pytest.approx(5 / 6 - 1 / 5)


async def test_the_period_decides_what_counts(db, built):
    # The whole pilot (no dates): P5 and the April events join, the commitment due in April too.
    everything = await metrics_of(db, built.pilot, None, None)
    assert (everything["from"], everything["to"]) == (None, None)
    pilot = everything["cohorts"]["pilot"]
    assert (pilot["dossiers"], pilot["closed"], pilot["resolved"]) == (5, 4, 3)
    assert (pilot["measures"]["on_time_share"]["count"], pilot["measures"]["on_time_share"]["n"]) == (4, 7)
    assert pilot["measures"]["helped_at_once_share"]["n"] == 8  # + P1 in April, P5 in February
    assert pilot["measures"]["satisfied_share"]["n"] == 5  # + P1's 3 in April
    assert pilot["cost"]["cost_total"] == pytest.approx(345 + 78 + 9000)  # all five pilot dossiers carry 1,800
    # April only: just the events dated then; no pilot dossier was opened in April.
    april = await metrics_of(db, built.pilot, date(2026, 4, 1), date(2026, 4, 30))
    pilot = april["cohorts"]["pilot"]
    assert pilot["dossiers"] == 0 and pilot["measures"]["resolved_share"]["value"] is None
    assert (pilot["measures"]["on_time_share"]["count"], pilot["measures"]["on_time_share"]["n"]) == (0, 1)
    assert (
        pilot["measures"]["escalation_within_norm_share"]["count"],
        pilot["measures"]["escalation_within_norm_share"]["n"],
    ) == (1, 1)
    assert pilot["cost"] == {
        "hours": 0.0,
        "cost_total": 0.0,
        "cost_per_dossier": None,
        "cost_per_resolved_dossier": None,
    }


async def test_period_bounds_are_amsterdam_dates(db, casemanager):
    async with db() as session, session.begin():
        pilot = await make_pilot(session)
        inside_early = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)  # 1 March 00:30 in Amsterdam
        inside_late = datetime(2026, 3, 31, 21, 59, tzinfo=UTC)  # 31 March 23:59 (CEST)
        outside = datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # 1 April 00:00 (CEST)
        for opened in (inside_early, inside_late, outside):
            dossier = await dossier_at(session, await create_client(session), casemanager.id, opened)
            await enrol(session, pilot, dossier, "pilot")
    result = await metrics_of(db, pilot)
    assert result["cohorts"]["pilot"]["dossiers"] == 2
    assert Period(FROM, TO).contains_moment(inside_early) and not Period(FROM, TO).contains_moment(outside)


async def test_commitments_and_escalations_count_once_due(db, built):
    # Judged on 11 March 12:00: k1 (5 Mar), k2 (10 Mar), k8 (3 Mar) and C2's (6 Mar) are due; later ones not yet.
    result = await metrics_of(db, built.pilot, now=datetime(2026, 3, 11, 11, 0, tzinfo=UTC))
    on_time = result["cohorts"]["pilot"]["measures"]["on_time_share"]
    assert (on_time["count"], on_time["n"]) == (2, 3)
    escalations = result["cohorts"]["pilot"]["measures"]["escalation_within_norm_share"]
    assert (escalations["count"], escalations["n"]) == (1, 1)
    kept = result["cohorts"]["pilot"]["measures"]["kept_promises_share"]
    assert (kept["count"], kept["n"]) == (0, 1)  # P1: k1 kept, k2 missed


async def test_empty_cohorts_give_nulls_not_errors(db, casemanager):
    async with db() as session, session.begin():
        nothing = await make_pilot(session, slug="leeg")
        one_sided = await make_pilot(session, slug="eenzijdig")
        dossier = await dossier_at(session, await create_client(session), casemanager.id, mar(3), mar(5), "resolved")
        await enrol(session, one_sided, dossier, "pilot")
    result = await metrics_of(db, nothing)
    for cohort in ("pilot", "control"):
        c = result["cohorts"][cohort]
        assert (c["dossiers"], c["closed"], c["resolved"]) == (0, 0, 0)
        for measure in SHARE_MEASURE_CODES:
            m = c["measures"][measure]
            assert (m["count"], m["n"], m["value"], m["ci_low"], m["ci_high"], m["target_status"]) == (
                0,
                0,
                None,
                None,
                None,
                None,
            )
        assert c["measures"]["days_to_close"] == {"median": None, "q1": None, "q3": None, "n": 0}
        assert c["measures"]["handoffs_per_dossier"] == {"value": None, "n": 0}
        assert c["cost"]["cost_per_dossier"] is None
    assert all(result["comparison"][m]["difference"] is None for m in SHARE_MEASURE_CODES)
    assert result["cost_effectiveness"]["status"] == "undefined"
    assert result["cost_effectiveness"]["delta_cost_per_dossier"] is None
    assert result["mde"]["detectable_difference"] is None

    result = await metrics_of(db, one_sided)
    assert result["cohorts"]["pilot"]["measures"]["resolved_share"]["value"] == 1.0
    assert result["cohorts"]["control"]["measures"]["resolved_share"]["value"] is None
    assert result["comparison"]["resolved_share"]["p_value"] is None
    assert result["mde"]["per_arm_n"] == 1  # only the pilot arm has data: its n, its share as baseline


async def test_from_after_to_is_invalid_input(db, built):
    with pytest.raises(InvalidInput) as caught:
        await metrics_of(db, built.pilot, TO, FROM)
    assert caught.value.errors[0].field == "from"


def test_primary_outcome_per_dossier():
    common = {"commitments_due": 0, "commitments_kept": 0, "grade": None}
    assert primary_outcome_value("resolved_share", status="closed", outcome="resolved", **common) == 1
    assert primary_outcome_value("resolved_share", status="closed", outcome="referred", **common) == 0
    assert primary_outcome_value("resolved_share", status="open", outcome=None, **common) is None
    kept = {"status": "open", "outcome": None, "grade": None}
    assert primary_outcome_value("kept_promises_share", commitments_due=2, commitments_kept=2, **kept) == 1
    assert primary_outcome_value("kept_promises_share", commitments_due=2, commitments_kept=1, **kept) == 0
    assert primary_outcome_value("kept_promises_share", commitments_due=0, commitments_kept=0, **kept) is None
    graded = {"status": "open", "outcome": None, "commitments_due": 0, "commitments_kept": 0}
    assert primary_outcome_value("satisfied_share", grade=7, **graded) == 1
    assert primary_outcome_value("satisfied_share", grade=6, **graded) == 0
    assert primary_outcome_value("satisfied_share", grade=None, **graded) is None
    with pytest.raises(ValueError):
        primary_outcome_value("transfer_share", grade=None, **graded)


def test_mde_baseline_is_the_control_share_unless_the_control_is_empty():
    assert mde_inputs((6, 10), (3, 12)) == (0.25, 10)
    assert mde_inputs((6, 10), (0, 0)) == (0.6, 10)
    assert mde_inputs((0, 0), (0, 0)) == (None, 0)


def test_targets_of_lower_is_better_shares_are_maxima():
    # 1 ping-pong dossier in 50 against "at most 20%": clearly met; 30 in 50: clearly missed.
    assert judged_target_status("ping_pong_share", 1, 50, 0.2) == "met"
    assert judged_target_status("ping_pong_share", 30, 50, 0.2) == "missed"
    assert judged_target_status("transfer_share", 10, 50, 0.2) == "undecided"
    # an ordinary share reads the target as a minimum
    assert judged_target_status("on_time_share", 49, 50, 0.8) == "met"
    assert judged_target_status("on_time_share", 1, 50, 0.2) == "missed"
    assert judged_target_status("on_time_share", 0, 0, 0.8) is None
    assert judged_target_status("on_time_share", 5, 10, None) is None
