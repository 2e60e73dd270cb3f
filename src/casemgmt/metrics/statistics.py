"""The statistics behind every pilot figure, as pure functions over counts and values (no database, no HTTP).

Everything here delegates the mathematics to scipy/statsmodels (never hand-written interval or test formulas) and
returns plain Python floats (JSON-ready) or ``None`` where a figure cannot be computed — an empty cohort gives
``None`` values, never an error. The recipes and the reasons for each choice are in ``shared/CONVENTIONS.md``
("Statistics recipes"); the choices this module makes where a recipe leaves room:

- Shares carry a 95% Wilson interval (``proportion_confint(method="wilson")``).
- Target status: one-sided exact binomial tests at 5%; ``met`` additionally requires the Wilson interval to lie
  entirely above the target (never "met" while the interval spans it). ``missed`` follows the one-sided test alone.
- Pilot minus control for a share: Newcombe hybrid-score interval; the p-value comes from the Agresti–Caffo test
  (``test_proportions_2indep(method="agresti-caffo")``, statsmodels' default for differences). The score test was
  rejected because it is undefined (NaN) when both arms are at 0% or both at 100%, which pilots with small cohorts
  meet; Agresti–Caffo then correctly gives p = 1.
- Grades (ordinal 1–10): Brunner–Munzel via ``rank_compare_2indep``; at least ``MIN_GRADES_PER_ARM`` grades per arm.
- ICER: percentile bootstrap (dossiers resampled within each arm, cost and outcome kept together), and the effect's
  interval that decides ``defined``/``undefined`` is the Newcombe interval of the two shares — the same interval the
  comparison cards show, so the page never contradicts itself.
- Minimum detectable difference: upward change from the baseline (an improvement), 80% power, 5% two-sided, Cohen's
  h with the normal approximation (``proportion_effectsize`` + ``NormalIndPower``).
"""

from __future__ import annotations

import functools
import gc
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np

# scipy and statsmodels are imported inside the functions that use them: together they weigh about 40 MB per
# process, which a worker that never computes a pilot figure (an export, a KCC search) should not carry.

ALPHA = 0.05
"""Significance level of every test and 1 − confidence of every interval (95%)."""

MIN_GRADES_PER_ARM = 5
"""Brunner–Munzel needs a variance estimate per arm (impossible below 2) and its t-approximation is unreliable for
very small arms; below 5 grades per arm no comparison is made — the same threshold below which breakdowns are
suppressed on the dashboard."""

ICER_RESAMPLES = 2000
ICER_SEED = 2013
"""Bootstrap defaults: at least 2,000 resamples, fixed seed (the seed report's year) so a page shows the same figure
twice."""

_BOOTSTRAP_CHUNK_ELEMENTS = 4_000_000
"""Upper bound on the size of one index matrix (resamples × dossiers) drawn at once, to bound memory."""

TargetStatus = Literal["met", "missed", "undecided"]
IcerStatus = Literal["defined", "undefined"]


# --------------------------------------------------------------------------------------------------- helpers


def _float(value: object) -> float | None:
    """A finite Python float, or None for NaN/inf/None."""
    if value is None:
        return None
    result = float(value)  # type: ignore[arg-type]
    return result if math.isfinite(result) else None


def _check_count(count: int, n: int) -> None:
    if n < 0 or count < 0 or count > n:
        raise ValueError(f"count must satisfy 0 <= count <= n, got count={count}, n={n}")


def _wilson(count: int, n: int, alpha: float = ALPHA) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(count, n, alpha=alpha, method="wilson")
    return min(max(float(low), 0.0), 1.0), min(max(float(high), 0.0), 1.0)


# --------------------------------------------------------------------------------------------------- shares


@dataclass(frozen=True, slots=True)
class Share:
    """``count`` of ``n`` with its value and 95% Wilson interval; the three are None when ``n`` is 0."""

    count: int
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None


def share(count: int, n: int) -> Share:
    """The share ``count / n`` with its 95% Wilson interval (None values when ``n`` is 0)."""
    _check_count(count, n)
    if n == 0:
        return Share(count=count, n=n, value=None, ci_low=None, ci_high=None)
    low, high = _wilson(count, n)
    value = count / n
    # The Wilson interval always contains the observed share; guard against rounding at 0/n and n/n.
    return Share(count=count, n=n, value=value, ci_low=min(low, value), ci_high=max(high, value))


def wilson_intervals(pairs: Sequence[tuple[int, int]]) -> list[tuple[float, float] | None]:
    """The 95% Wilson interval of every ``(count, n)`` in one vectorised call (None where ``n`` is 0): the trends
    need thousands of cells, one ``share()`` each would cost a statsmodels call per cell."""
    from statsmodels.stats.proportion import proportion_confint

    for count, n in pairs:
        _check_count(count, n)
    asked = [(count, n) for count, n in pairs if n > 0]
    if not asked:
        return [None for _ in pairs]
    counts = np.array([count for count, _ in asked], dtype=float)
    ns = np.array([n for _, n in asked], dtype=float)
    lows, highs = proportion_confint(counts, ns, alpha=ALPHA, method="wilson")
    values = counts / ns
    # The Wilson interval always contains the observed share; guard against rounding at 0/n and n/n.
    intervals = iter(
        zip(np.minimum(np.clip(lows, 0.0, 1.0), values), np.maximum(np.clip(highs, 0.0, 1.0), values), strict=True)
    )
    return [_pair(next(intervals)) if n > 0 else None for _, n in pairs]


def _pair(interval: tuple[Any, Any]) -> tuple[float, float]:
    return float(interval[0]), float(interval[1])


def target_status(count: int, n: int, target: float | None) -> TargetStatus | None:
    """Whether ``count / n`` meets ``target`` (a share in [0, 1]).

    ``met`` when the one-sided exact binomial test "true share > target" is significant at 5% AND the 95% Wilson
    interval lies entirely above the target; ``missed`` when the one-sided test "true share < target" is significant
    at 5%; otherwise ``undecided``. None when there is nothing to judge (``n`` is 0 or no target).
    """
    from scipy.stats import binomtest

    _check_count(count, n)
    if n == 0 or target is None:
        return None
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"target must be a share between 0 and 1, got {target}")
    ci_low, _ = _wilson(count, n)
    if binomtest(count, n, p=target, alternative="greater").pvalue < ALPHA and ci_low > target:
        return "met"
    if binomtest(count, n, p=target, alternative="less").pvalue < ALPHA:
        return "missed"
    return "undecided"


@dataclass(frozen=True, slots=True)
class Comparison:
    """Pilot share minus control share, its 95% Newcombe interval and the two-sided Agresti–Caffo p-value."""

    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


def compare_shares(count_pilot: int, n_pilot: int, count_control: int, n_control: int) -> Comparison:
    """Pilot minus control for a share (None values when either arm is empty)."""
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    _check_count(count_pilot, n_pilot)
    _check_count(count_control, n_control)
    if n_pilot == 0 or n_control == 0:
        return Comparison(difference=None, ci_low=None, ci_high=None, p_value=None)
    low, high = confint_proportions_2indep(
        count_pilot, n_pilot, count_control, n_control, compare="diff", method="newcomb", alpha=ALPHA
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        test = test_proportions_2indep(
            count_pilot, n_pilot, count_control, n_control, compare="diff", method="agresti-caffo"
        )
    return Comparison(
        difference=count_pilot / n_pilot - count_control / n_control,
        ci_low=_float(low),
        ci_high=_float(high),
        p_value=_float(test.pvalue),
    )


def holm(p_values: Mapping[str, float | None]) -> dict[str, float | None]:
    """Holm-adjusted p-values for a family of comparisons, keyed as given; None (or NaN) passes through as None and
    does not count as a member of the family."""
    from statsmodels.stats.multitest import multipletests

    _freeze_libraries()
    present = {key: float(p) for key, p in p_values.items() if p is not None and math.isfinite(float(p))}
    adjusted: dict[str, float] = {}
    if present:
        _, corrected, _, _ = multipletests(list(present.values()), alpha=ALPHA, method="holm")
        adjusted = {key: float(value) for key, value in zip(present, corrected, strict=True)}
    return {key: adjusted.get(key) for key in p_values}


@functools.cache
def _freeze_libraries() -> None:
    """statsmodels' Holm runs ``gc.collect()`` on every call, which scans every object of the process: 60–170 ms
    once scipy and statsmodels are loaded. Their objects live as long as the process, so after their (lazy) import
    they are moved out of the collector's reach once (``gc.freeze``), and the collection costs well under 1 ms."""
    gc.freeze()


# --------------------------------------------------------------------------------------------------- grades


@dataclass(frozen=True, slots=True)
class GradeComparison:
    """Brunner–Munzel comparison of grades: ``probability`` = P(pilot grade > control grade) + ½·P(tie), its 95%
    interval (clipped to [0, 1]) and two-sided p-value. ``ci_low``/``ci_high``/``p_value`` are None when the test is
    undefined because there is no variation in the ranks (e.g. every pilot grade above every control grade, or all
    grades equal)."""

    probability: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    n_pilot: int
    n_control: int


def compare_grades(pilot: Sequence[int], control: Sequence[int]) -> GradeComparison | None:
    """Brunner–Munzel (``rank_compare_2indep``) on the grades of both arms; None when either arm has fewer than
    ``MIN_GRADES_PER_ARM`` grades."""
    from statsmodels.stats.nonparametric import rank_compare_2indep

    if len(pilot) < MIN_GRADES_PER_ARM or len(control) < MIN_GRADES_PER_ARM:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        result = rank_compare_2indep(np.asarray(pilot, dtype=float), np.asarray(control, dtype=float))
        low, high = result.conf_int(alpha=ALPHA)
    p_value = _float(result.pvalue)
    low_f, high_f = _float(low), _float(high)
    return GradeComparison(
        probability=float(result.prob1),
        ci_low=None if low_f is None or p_value is None else max(low_f, 0.0),
        ci_high=None if high_f is None or p_value is None else min(high_f, 1.0),
        p_value=p_value,
        n_pilot=len(pilot),
        n_control=len(control),
    )


# --------------------------------------------------------------------------------------------------- durations


class Quartiles(NamedTuple):
    """Median and quartiles (numpy's default linear interpolation) of ``n`` values; None values when ``n`` is 0."""

    median: float | None
    q1: float | None
    q3: float | None
    n: int


def median_quartiles(values: Sequence[float]) -> Quartiles:
    if len(values) == 0:
        return Quartiles(median=None, q1=None, q3=None, n=0)
    median, q1, q3 = np.percentile(np.asarray(values, dtype=float), [50, 25, 75])
    return Quartiles(median=float(median), q1=float(q1), q3=float(q3), n=len(values))


# --------------------------------------------------------------------------------------------------- ICER


@dataclass(frozen=True, slots=True)
class Icer:
    """Incremental cost-effectiveness of the pilot over the control on a 0/1 outcome.

    ``delta_cost_per_dossier`` = mean cost pilot − control; ``delta_effect`` = outcome share pilot − control, with its
    95% Newcombe interval ``effect_ci_low``/``effect_ci_high``; ``icer`` = ΔC / ΔE (cost per extra successful
    dossier) with its 95% percentile-bootstrap interval ``ci_low``/``ci_high``. ``status`` is ``defined`` only when
    the effect's interval excludes 0 (and the bootstrap interval is bounded); otherwise ``undefined`` with ``icer``
    and its interval None. An empty arm gives ``undefined`` with every figure None.
    """

    delta_cost_per_dossier: float | None
    delta_effect: float | None
    effect_ci_low: float | None
    effect_ci_high: float | None
    icer: float | None
    ci_low: float | None
    ci_high: float | None
    status: IcerStatus
    resamples: int
    n_pilot: int
    n_control: int


def _arm_arrays(arm: Sequence[tuple[float, int | bool]], name: str) -> tuple[np.ndarray, np.ndarray]:
    if len(arm) == 0:
        return np.zeros(0), np.zeros(0)
    data = np.asarray([(float(cost), float(outcome)) for cost, outcome in arm], dtype=float)
    costs, outcomes = data[:, 0], data[:, 1]
    if not np.all(np.isfinite(costs)):
        raise ValueError(f"{name}: every cost must be a finite number")
    if not np.all((outcomes == 0.0) | (outcomes == 1.0)):
        raise ValueError(f"{name}: every outcome must be 0 or 1")
    return costs, outcomes


def _bootstrap_means(
    rng: np.random.Generator, costs: np.ndarray, outcomes: np.ndarray, resamples: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean cost and outcome share of ``resamples`` resamples of one arm (dossiers drawn with replacement, each
    dossier's cost and outcome kept together), vectorised over resamples in bounded chunks."""
    n = len(costs)
    chunk = max(1, _BOOTSTRAP_CHUNK_ELEMENTS // n)
    mean_costs = np.empty(resamples)
    mean_outcomes = np.empty(resamples)
    for start in range(0, resamples, chunk):
        stop = min(start + chunk, resamples)
        index = rng.integers(0, n, size=(stop - start, n))
        mean_costs[start:stop] = costs[index].mean(axis=1)
        mean_outcomes[start:stop] = outcomes[index].mean(axis=1)
    return mean_costs, mean_outcomes


def icer_bootstrap(
    pilot: Sequence[tuple[float, int | bool]],
    control: Sequence[tuple[float, int | bool]],
    resamples: int = ICER_RESAMPLES,
    seed: int = ICER_SEED,
) -> Icer:
    """ICER of the pilot over the control from per-dossier ``(cost, outcome 0/1)`` pairs.

    Deterministic: the same input in the same order with the same seed gives the same figures (callers should pass
    dossiers in a stable order, e.g. by id).
    """
    if resamples < ICER_RESAMPLES:
        raise ValueError(f"at least {ICER_RESAMPLES} resamples are required, got {resamples}")
    costs_p, outcomes_p = _arm_arrays(pilot, "pilot")
    costs_c, outcomes_c = _arm_arrays(control, "control")
    n_p, n_c = len(costs_p), len(costs_c)
    if n_p == 0 or n_c == 0:
        return Icer(None, None, None, None, None, None, None, "undefined", resamples, n_p, n_c)

    delta_cost = float(costs_p.mean() - costs_c.mean())
    successes_p, successes_c = int(outcomes_p.sum()), int(outcomes_c.sum())
    effect = compare_shares(successes_p, n_p, successes_c, n_c)
    delta_effect = successes_p / n_p - successes_c / n_c
    undefined = Icer(
        delta_cost, delta_effect, effect.ci_low, effect.ci_high, None, None, None, "undefined", resamples, n_p, n_c
    )
    if effect.ci_low is None or effect.ci_high is None or effect.ci_low <= 0.0 <= effect.ci_high:
        return undefined

    rng = np.random.default_rng(seed)
    boot_cost_p, boot_effect_p = _bootstrap_means(rng, costs_p, outcomes_p, resamples)
    boot_cost_c, boot_effect_c = _bootstrap_means(rng, costs_c, outcomes_c, resamples)
    boot_delta_cost = boot_cost_p - boot_cost_c
    boot_delta_effect = boot_effect_p - boot_effect_c
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(
            boot_delta_effect != 0.0,
            boot_delta_cost / boot_delta_effect,
            np.where(boot_delta_cost < 0.0, -np.inf, np.inf),
        )
        low, high = np.percentile(ratios, [100 * ALPHA / 2, 100 * (1 - ALPHA / 2)])
    ci_low, ci_high = _float(low), _float(high)
    if ci_low is None or ci_high is None:
        # More than 2.5% of resamples had no effect at all: the interval is unbounded, so no honest ICER.
        return undefined
    return Icer(
        delta_cost,
        delta_effect,
        effect.ci_low,
        effect.ci_high,
        delta_cost / delta_effect,
        ci_low,
        ci_high,
        "defined",
        resamples,
        n_p,
        n_c,
    )


# --------------------------------------------------------------------------------------------------- power


def minimum_detectable_difference(
    baseline: float | None, n_per_arm: int, alpha: float = ALPHA, power: float = 0.8
) -> float | None:
    """Smallest improvement ``p2 − baseline`` (p2 > baseline) that a two-sided test at ``alpha`` detects with
    ``power`` given ``n_per_arm`` dossiers in each arm; None when the baseline is unknown, an arm has fewer than 2
    dossiers, or even p2 = 1 would not be detectable."""
    from scipy.optimize import brentq
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    if baseline is None or n_per_arm < 2:
        return None
    if not 0.0 <= baseline <= 1.0:
        raise ValueError(f"baseline must be a share between 0 and 1, got {baseline}")
    effect_size = float(
        NormalIndPower().solve_power(effect_size=None, nobs1=n_per_arm, alpha=alpha, power=power, ratio=1.0)
    )

    def gap(p2: float) -> float:
        return float(proportion_effectsize(p2, baseline)) - effect_size

    if baseline >= 1.0 or gap(1.0) < 0.0:
        return None
    p2 = brentq(gap, baseline, 1.0, xtol=1e-10)
    return float(p2) - baseline


def sample_size_per_arm(baseline: float, target: float, alpha: float = ALPHA, power: float = 0.8) -> int | None:
    """Dossiers needed in each arm to detect a change from ``baseline`` to ``target`` (two-sided, equal arms),
    rounded up; None when the two are equal."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    for value in (baseline, target):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"shares must lie between 0 and 1, got {value}")
    effect_size = abs(float(proportion_effectsize(target, baseline)))
    if effect_size == 0.0:
        return None
    n = NormalIndPower().solve_power(effect_size=effect_size, nobs1=None, alpha=alpha, power=power, ratio=1.0)
    return math.ceil(float(n))
