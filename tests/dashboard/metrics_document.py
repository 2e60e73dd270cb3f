"""A metrics document of exactly the shape ``GET /api/v1/pilots/{slug}/metrics`` answers (issue 5), for testing the
dashboard's presentation without a database. Figures are set per test with ``share(...)``/``document(...)``."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from casemgmt.pilots.measures import SHARE_CODES

SHARES = SHARE_CODES  # pinned to DESIGN.md by tests/metrics/test_catalogue.py


def share(count: int, n: int, value: float | None = None, ci: tuple[float, float] | None = None, **extra: Any) -> dict:
    value = value if value is not None else (count / n if n else None)
    low, high = ci if ci else ((max(value - 0.1, 0.0), min(value + 0.1, 1.0)) if value is not None else (None, None))
    return {
        "count": count,
        "n": n,
        "value": value,
        "ci_low": low,
        "ci_high": high,
        "target": None,
        "target_status": None,
        **extra,
    }


def cohort(dossiers: int = 50, resolved: int = 30, closed: int = 40) -> dict:
    return {
        "dossiers": dossiers,
        "closed": closed,
        "resolved": resolved,
        "measures": {
            **{code: share(0, 0) for code in SHARES},
            "handoffs_per_dossier": {"value": 1.5 if dossiers else None, "n": dossiers},
            "contacts_per_dossier": {"value": 3.25 if dossiers else None, "n": dossiers},
            "days_to_close": {"median": 12.0, "q1": 8.0, "q3": 20.5, "n": closed},
        },
        "cost": {
            "hours": 120.5,
            "cost_total": 45000.0,
            "cost_per_dossier": 900.0 if dossiers else None,
            "cost_per_resolved_dossier": 1500.0 if resolved else None,
        },
    }


def comparison(
    difference: float | None = None,
    low: float | None = None,
    high: float | None = None,
    p: float | None = None,
    p_holm: float | None = None,
) -> dict:
    return {"difference": difference, "ci_low": low, "ci_high": high, "p_value": p, "p_holm": p_holm}


def document(primary: str = "resolved_share", **overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "pilot": "proef",
        "from": "2025-01-01",
        "to": "2025-12-31",
        "primary_outcome": primary,
        "cohorts": {"pilot": cohort(), "control": cohort()},
        "comparison": {
            **{code: comparison() for code in SHARES},
            "grades": {
                "probability": None,
                "ci_low": None,
                "ci_high": None,
                "p_value": None,
                "p_holm": None,
                "n_pilot": 0,
                "n_control": 0,
            },
        },
        "cost_effectiveness": {
            "outcome": primary,
            "delta_cost_per_dossier": None,
            "delta_effect": None,
            "icer": None,
            "ci_low": None,
            "ci_high": None,
            "status": "undefined",
        },
        "mde": {"outcome": primary, "per_arm_n": 0, "detectable_difference": None},
    }
    for key, value in overrides.items():
        doc[key] = value
    return deepcopy(doc)
