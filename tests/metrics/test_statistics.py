"""The pilot statistics against reference values computed independently of the code under test.

Reference values come from closed-form formulas written out here (Wilson score interval, Newcombe's hybrid score
interval from Wilson limits, Holm by hand), from published examples (Newcombe 1998, example 56/70 − 48/80) and from
the recipe facts in CONVENTIONS.md (447 per arm from 72% to 80%; about 92% detectable with 50 per arm).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from scipy.stats import binomtest

from casemgmt.metrics.statistics import (
    ICER_RESAMPLES,
    MIN_GRADES_PER_ARM,
    Comparison,
    Share,
    compare_grades,
    compare_shares,
    holm,
    icer_bootstrap,
    median_quartiles,
    minimum_detectable_difference,
    sample_size_per_arm,
    share,
    target_status,
)

Z = 1.959963984540054  # the 97.5% standard normal quantile


def wilson_closed_form(count: int, n: int) -> tuple[float, float]:
    """The Wilson score interval written out (independent of statsmodels)."""
    p = count / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


def newcombe_closed_form(c1: int, n1: int, c2: int, n2: int) -> tuple[float, float]:
    """Newcombe's (1998) method 10, hybrid score, from the two Wilson intervals."""
    p1, p2 = c1 / n1, c2 / n2
    l1, u1 = wilson_closed_form(c1, n1)
    l2, u2 = wilson_closed_form(c2, n2)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


# ------------------------------------------------------------------------------------------------ shares


def test_wilson_45_of_50_matches_closed_form_and_published_values():
    result = share(45, 50)
    low, high = wilson_closed_form(45, 50)
    assert result.count == 45 and result.n == 50
    assert result.value == pytest.approx(0.9)
    assert result.ci_low == pytest.approx(low, abs=1e-9)
    assert result.ci_high == pytest.approx(high, abs=1e-9)
    assert (round(result.ci_low, 4), round(result.ci_high, 4)) == (0.7864, 0.9565)


def test_seed_satisfied_share_531_of_741():
    result = share(531, 741)
    low, high = wilson_closed_form(531, 741)
    assert result.value == pytest.approx(0.7166, abs=5e-5)
    assert result.ci_low == pytest.approx(low, abs=1e-9)
    assert result.ci_high == pytest.approx(high, abs=1e-9)
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.683, 0.748)


@pytest.mark.parametrize(("count", "n"), [(0, 12), (12, 12), (1, 1), (3, 7)])
def test_wilson_at_the_edges_stays_within_zero_and_one(count, n):
    result = share(count, n)
    low, high = wilson_closed_form(count, n)
    assert 0.0 <= result.ci_low <= result.value <= result.ci_high <= 1.0
    assert result.ci_low == pytest.approx(max(low, 0.0), abs=1e-9)
    assert result.ci_high == pytest.approx(min(high, 1.0), abs=1e-9)


def test_empty_share_gives_none_values_not_an_error():
    assert share(0, 0) == Share(count=0, n=0, value=None, ci_low=None, ci_high=None)


def test_share_refuses_impossible_counts():
    with pytest.raises(ValueError):
        share(6, 5)
    with pytest.raises(ValueError):
        share(-1, 5)


def test_share_values_are_plain_floats():
    result = share(3, 7)
    assert type(result.value) is float and type(result.ci_low) is float and type(result.ci_high) is float


# ------------------------------------------------------------------------------------------------ targets


def test_target_met_when_clearly_above():
    assert target_status(48, 50, 0.80) == "met"
    assert target_status(195, 200, 0.90) == "met"


def test_target_missed_when_clearly_below():
    # The seed: 72% satisfied against the Masterplan's 90%.
    assert target_status(531, 741, 0.90) == "missed"
    assert target_status(30, 50, 0.80) == "missed"


def test_target_undecided_when_close():
    assert target_status(40, 50, 0.80) == "undecided"
    assert target_status(9, 10, 0.90) == "undecided"


def test_never_met_while_wilson_interval_spans_target():
    # 45/50 against 80%: the one-sided exact test is significant (p ≈ 0.048) but the Wilson interval
    # (0.786–0.957) still contains 0.80, so the honest answer is "undecided".
    assert binomtest(45, 50, p=0.80, alternative="greater").pvalue < 0.05
    assert share(45, 50).ci_low < 0.80
    assert target_status(45, 50, 0.80) == "undecided"
    # Same situation at 50%.
    assert binomtest(10, 13, p=0.5, alternative="greater").pvalue < 0.05
    assert share(10, 13).ci_low < 0.5
    assert target_status(10, 13, 0.5) == "undecided"


def test_met_always_implies_significant_test_and_interval_above_target():
    for target in (0.5, 0.8, 0.9):
        for n in range(1, 61):
            for count in range(n + 1):
                status = target_status(count, n, target)
                low, _ = wilson_closed_form(count, n)
                if status == "met":
                    assert low > target, (count, n, target)
                    assert binomtest(count, n, p=target, alternative="greater").pvalue < 0.05
                elif status == "missed":
                    assert binomtest(count, n, p=target, alternative="less").pvalue < 0.05
                else:
                    assert status == "undecided"


def test_target_status_none_without_data_or_target():
    assert target_status(0, 0, 0.9) is None
    assert target_status(5, 10, None) is None


def test_target_outside_zero_one_is_refused():
    with pytest.raises(ValueError):
        target_status(5, 10, 90)


# ------------------------------------------------------------------------------------------------ comparisons


def test_newcombe_for_two_small_samples_matches_closed_form_and_newcombe_1998():
    result = compare_shares(56, 70, 48, 80)
    low, high = newcombe_closed_form(56, 70, 48, 80)
    assert result.difference == pytest.approx(0.8 - 0.6)
    assert result.ci_low == pytest.approx(low, abs=1e-9)
    assert result.ci_high == pytest.approx(high, abs=1e-9)
    # Newcombe (1998), Statistics in Medicine 17:873–890, example (a), method 10: 0.0524 to 0.3339.
    assert (round(result.ci_low, 4), round(result.ci_high, 4)) == (0.0524, 0.3339)
    assert 0.0 < result.p_value < 0.05


@pytest.mark.parametrize(("c1", "n1", "c2", "n2"), [(9, 10, 3, 10), (5, 12, 7, 15), (0, 8, 4, 9), (20, 20, 15, 18)])
def test_newcombe_other_small_samples(c1, n1, c2, n2):
    result = compare_shares(c1, n1, c2, n2)
    low, high = newcombe_closed_form(c1, n1, c2, n2)
    assert result.ci_low == pytest.approx(low, abs=1e-9)
    assert result.ci_high == pytest.approx(high, abs=1e-9)
    assert result.ci_low <= result.difference <= result.ci_high


def test_comparison_p_value_agrees_in_direction_and_is_large_for_equal_shares():
    assert compare_shares(30, 60, 30, 60).p_value == pytest.approx(1.0)
    assert compare_shares(0, 10, 0, 10).p_value == pytest.approx(1.0)
    assert compare_shares(10, 10, 10, 10).p_value == pytest.approx(1.0)
    assert compare_shares(10, 10, 0, 10).p_value < 0.001


def test_comparison_with_an_empty_arm_gives_none():
    assert compare_shares(0, 0, 5, 10) == Comparison(None, None, None, None)
    assert compare_shares(5, 10, 0, 0) == Comparison(None, None, None, None)


def test_holm_matches_hand_computation_and_passes_none_through():
    # Sorted: 0.01 (×3 = 0.03), 0.03 (×2 = 0.06), 0.04 (×1 = 0.04 → monotone max 0.06).
    result = holm({"a": 0.01, "skip": None, "c": 0.04, "d": 0.03})
    assert list(result) == ["a", "skip", "c", "d"]
    assert result["a"] == pytest.approx(0.03)
    assert result["d"] == pytest.approx(0.06)
    assert result["c"] == pytest.approx(0.06)
    assert result["skip"] is None


def test_holm_caps_at_one_and_handles_empty_families():
    result = holm({"x": 0.5, "y": 0.6, "z": float("nan")})
    assert result == {"x": 1.0, "y": 1.0, "z": None}
    assert holm({}) == {}
    assert holm({"only": None}) == {"only": None}


# ------------------------------------------------------------------------------------------------ grades


def test_brunner_munzel_probability_counts_pairs():
    pilot = [7, 8, 9, 6, 5]
    control = [5, 6, 7, 4, 3]
    result = compare_grades(pilot, control)
    # P(X > Y) + ½ P(X = Y) counted over all 25 pairs by hand.
    wins = sum(1.0 if x > y else 0.5 if x == y else 0.0 for x in pilot for y in control)
    assert result.probability == pytest.approx(wins / 25)
    assert result.probability == pytest.approx(0.82)
    assert 0.0 <= result.ci_low <= result.probability <= result.ci_high <= 1.0
    assert 0.0 < result.p_value < 0.1
    assert (result.n_pilot, result.n_control) == (5, 5)


def test_brunner_munzel_matches_scipy():
    from scipy.stats import brunnermunzel

    rng = np.random.default_rng(7)
    pilot = rng.integers(4, 11, size=40).tolist()
    control = rng.integers(3, 10, size=35).tolist()
    result = compare_grades(pilot, control)
    assert result.p_value == pytest.approx(brunnermunzel(pilot, control).pvalue, rel=1e-9)


def test_grade_comparison_needs_enough_grades_and_survives_no_variation():
    assert compare_grades([], [7, 8, 9, 6, 5]) is None
    assert compare_grades([7] * (MIN_GRADES_PER_ARM - 1), [7] * 10) is None
    separated = compare_grades([9] * 5, [5] * 5)
    assert separated.probability == 1.0
    assert separated.p_value is None and separated.ci_low is None and separated.ci_high is None


# ------------------------------------------------------------------------------------------------ durations


def test_median_and_quartiles():
    assert tuple(median_quartiles([1, 2, 3, 4, 5, 6])) == (3.5, 2.25, 4.75, 6)
    assert tuple(median_quartiles([10])) == (10.0, 10.0, 10.0, 1)
    assert tuple(median_quartiles([])) == (None, None, None, 0)


# ------------------------------------------------------------------------------------------------ ICER


def test_icer_with_known_answer():
    # Costs constant per arm, so ΔC = 1000 − 600 = 400 exactly in every resample; ΔE = 0.60 − 0.30 = 0.30.
    pilot = [(1000.0, 1)] * 60 + [(1000.0, 0)] * 40
    control = [(600.0, 1)] * 30 + [(600.0, 0)] * 70
    result = icer_bootstrap(pilot, control)
    assert result.status == "defined"
    assert result.delta_cost_per_dossier == pytest.approx(400.0)
    assert result.delta_effect == pytest.approx(0.30)
    assert result.icer == pytest.approx(400.0 / 0.30)
    assert result.ci_low < result.icer < result.ci_high
    # With ΔC fixed, the ICER interval is 400 / (the bootstrap interval of ΔE), whose standard error is
    # sqrt(0.6·0.4/100 + 0.3·0.7/100) ≈ 0.0671: expect about 400/0.4315 ≈ 927 to 400/0.1685 ≈ 2374.
    se = math.sqrt(0.6 * 0.4 / 100 + 0.3 * 0.7 / 100)
    assert result.ci_low == pytest.approx(400.0 / (0.30 + Z * se), rel=0.06)
    assert result.ci_high == pytest.approx(400.0 / (0.30 - Z * se), rel=0.10)
    # The effect's interval is the Newcombe interval of the two shares.
    low, high = newcombe_closed_form(60, 100, 30, 100)
    assert result.effect_ci_low == pytest.approx(low, abs=1e-9)
    assert result.effect_ci_high == pytest.approx(high, abs=1e-9)
    assert result.resamples == ICER_RESAMPLES == 2000
    assert (result.n_pilot, result.n_control) == (100, 100)


def test_icer_agrees_with_a_plain_loop_bootstrap():
    rng = np.random.default_rng(11)
    pilot = [(float(rng.normal(1500, 400)), int(rng.random() < 0.75)) for _ in range(120)]
    control = [(float(rng.normal(900, 300)), int(rng.random() < 0.45)) for _ in range(110)]
    result = icer_bootstrap(pilot, control, resamples=4000)
    # An independent, slow bootstrap with another seed: percentile intervals should agree within Monte Carlo error.
    other = np.random.default_rng(99)
    ratios = []
    for _ in range(4000):
        p = [pilot[i] for i in other.integers(0, len(pilot), len(pilot))]
        c = [control[i] for i in other.integers(0, len(control), len(control))]
        dc = sum(x for x, _ in p) / len(p) - sum(x for x, _ in c) / len(c)
        de = sum(y for _, y in p) / len(p) - sum(y for _, y in c) / len(c)
        ratios.append(dc / de)
    low, high = np.percentile(ratios, [2.5, 97.5])
    mean_cost_p = sum(x for x, _ in pilot) / len(pilot)
    mean_cost_c = sum(x for x, _ in control) / len(control)
    share_p = sum(y for _, y in pilot) / len(pilot)
    share_c = sum(y for _, y in control) / len(control)
    assert result.status == "defined"
    assert result.icer == pytest.approx((mean_cost_p - mean_cost_c) / (share_p - share_c))
    assert result.ci_low == pytest.approx(low, rel=0.05)
    assert result.ci_high == pytest.approx(high, rel=0.05)


def test_icer_is_deterministic():
    rng = np.random.default_rng(3)
    pilot = [(float(rng.gamma(4, 300)), int(rng.random() < 0.7)) for _ in range(200)]
    control = [(float(rng.gamma(4, 200)), int(rng.random() < 0.5)) for _ in range(200)]
    first = icer_bootstrap(pilot, control)
    assert first == icer_bootstrap(pilot, control)
    assert first.status == "defined"
    # Another seed gives a (slightly) different interval: the seed is really used.
    assert icer_bootstrap(pilot, control, seed=1).ci_low != first.ci_low


def test_icer_undefined_when_effect_interval_includes_zero():
    pilot = [(1000.0, 1)] * 12 + [(1000.0, 0)] * 8  # 60%
    control = [(600.0, 1)] * 10 + [(600.0, 0)] * 10  # 50%
    low, high = newcombe_closed_form(12, 20, 10, 20)
    assert low < 0 < high
    result = icer_bootstrap(pilot, control)
    assert result.status == "undefined"
    assert result.icer is None and result.ci_low is None and result.ci_high is None
    assert result.delta_cost_per_dossier == pytest.approx(400.0)
    assert result.delta_effect == pytest.approx(0.10)


def test_icer_with_an_empty_arm_is_undefined():
    result = icer_bootstrap([], [(600.0, 1)])
    assert result.status == "undefined"
    assert result.delta_cost_per_dossier is None and result.delta_effect is None and result.icer is None
    assert icer_bootstrap([(100.0, 1)], []).status == "undefined"


def test_icer_refuses_bad_input():
    with pytest.raises(ValueError):
        icer_bootstrap([(100.0, 2)], [(50.0, 0)])
    with pytest.raises(ValueError):
        icer_bootstrap([(100.0, 1)], [(50.0, 0)], resamples=500)


def test_icer_bootstrap_is_fast_for_large_cohorts():
    rng = np.random.default_rng(5)
    pilot = list(zip(rng.normal(1000, 200, 3000).tolist(), (rng.random(3000) < 0.7).astype(int).tolist(), strict=True))
    control = list(zip(rng.normal(800, 200, 3000).tolist(), (rng.random(3000) < 0.6).astype(int).tolist(), strict=True))
    started = time.perf_counter()
    result = icer_bootstrap(pilot, control)
    assert time.perf_counter() - started < 3.0
    assert result.status == "defined"


# ------------------------------------------------------------------------------------------------ power


def test_sample_size_from_72_to_80_percent():
    assert abs(sample_size_per_arm(0.72, 0.80) - 447) <= 2
    assert sample_size_per_arm(0.72, 0.72) is None


def test_minimum_detectable_difference_with_50_per_arm():
    difference = minimum_detectable_difference(0.72, 50)
    assert 0.72 + difference == pytest.approx(0.92, abs=0.01)


def test_minimum_detectable_difference_round_trips_with_sample_size():
    difference = minimum_detectable_difference(0.72, 445)
    assert 0.72 + difference == pytest.approx(0.80, abs=0.002)
    assert sample_size_per_arm(0.72, 0.72 + difference) in (444, 445, 446)


def test_minimum_detectable_difference_edge_cases():
    assert minimum_detectable_difference(None, 50) is None
    assert minimum_detectable_difference(0.72, 0) is None
    assert minimum_detectable_difference(0.98, 10) is None  # even 100% would not be detectable
    assert minimum_detectable_difference(1.0, 100) is None
    assert minimum_detectable_difference(0.5, 10_000) == pytest.approx(0.0198, abs=0.001)


# ------------------------------------------------------------------------------------------------ simulation


def test_newcombe_intervals_cover_the_true_difference_about_95_percent_of_the_time():
    rng = np.random.default_rng(2013)
    runs = 400
    true_pilot, true_control = 0.80, 0.65
    n_pilot, n_control = 60, 70
    pilot_counts = rng.binomial(n_pilot, true_pilot, size=runs)
    control_counts = rng.binomial(n_control, true_control, size=runs)
    started = time.perf_counter()
    covered = 0
    for c1, c2 in zip(pilot_counts.tolist(), control_counts.tolist(), strict=True):
        result = compare_shares(c1, n_pilot, c2, n_control)
        covered += result.ci_low <= true_pilot - true_control <= result.ci_high
    assert time.perf_counter() - started < 5.0
    assert 0.92 * runs <= covered <= 0.98 * runs


def test_wilson_intervals_cover_the_true_share_about_95_percent_of_the_time():
    rng = np.random.default_rng(7)
    runs = 400
    counts = rng.binomial(50, 0.72, size=runs)
    covered = sum(share(c, 50).ci_low <= 0.72 <= share(c, 50).ci_high for c in counts.tolist())
    assert 0.92 * runs <= covered <= 0.98 * runs
