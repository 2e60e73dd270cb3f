"""The catalogue of measures (``pilots/measures.py``) is DESIGN.md's table "The measures", and every list of
measures in the application reads it."""

from __future__ import annotations

from casemgmt.dashboard import definitions, monthly, trends
from casemgmt.metrics import engine, exports
from casemgmt.pilots import measures, rules
from casemgmt.pilots.definitions import MeasureName

# DESIGN.md, "The measures": the codes in backticks, in the table's order.
DESIGN_SHARE_CODES = (
    "satisfied_share",
    "helped_at_once_share",
    "resolved_in_one_go_share",
    "transfer_share",
    "multiple_transfer_share",
    "on_time_share",
    "escalation_within_norm_share",
    "ping_pong_share",
    "resolved_share",
    "kept_promises_share",
)
# The rows without a code in DESIGN.md, as the API names them (issue 5).
DESIGN_OTHER_CODES = ("handoffs_per_dossier", "contacts_per_dossier", "days_to_close")
DESIGN_COST_CODES = ("cost_per_dossier", "cost_per_resolved_dossier", "icer")


def test_the_catalogue_is_designs_table() -> None:
    assert measures.SHARE_CODES == DESIGN_SHARE_CODES
    assert tuple(m.code for m in measures.OTHER_MEASURES) == DESIGN_OTHER_CODES
    assert tuple(m.code for m in measures.COST_MEASURES) == DESIGN_COST_CODES
    assert tuple(measures.BY_CODE) == DESIGN_SHARE_CODES + DESIGN_OTHER_CODES + DESIGN_COST_CODES
    assert measures.LOWER_IS_BETTER == {"transfer_share", "multiple_transfer_share", "ping_pong_share"}
    assert measures.TARGET_KEYS == DESIGN_SHARE_CODES
    assert measures.PRIMARY_OUTCOMES == ("resolved_share", "satisfied_share", "kept_promises_share")
    for m in measures.MEASURES:
        assert m.label and m.definition and m.export_label and m.export_definition, m.code
        assert (m.kind == "share") == (m.target_key is not None), m.code
        assert m.primary_rank is None or m.outcome_unit, m.code


def test_every_list_of_measures_reads_the_catalogue() -> None:
    assert engine.SHARE_MEASURE_CODES == measures.SHARE_CODES
    assert engine.LOWER_IS_BETTER is measures.LOWER_IS_BETTER
    assert rules.PRIMARY_OUTCOMES == measures.PRIMARY_OUTCOMES
    assert monthly.MONTHLY_MEASURES == measures.PRIMARY_OUTCOMES
    assert definitions.ALL_MEASURES == measures.MEASURES
    assert [code for code, _, _ in exports.DEFINITIONS][: len(measures.MEASURES)] == list(measures.BY_CODE)
    for d in trends.DEFINITIONS:  # the trends' measures that the catalogue has: same kind and direction
        if d.code in measures.BY_CODE:
            assert (d.kind, d.lower_is_better) == (measures.BY_CODE[d.code].kind, d.code in measures.LOWER_IS_BETTER)
    assert MeasureName.__args__ == measures.TARGET_KEYS  # the keys a pilot file's [targets] accepts


def test_the_result_types_follow_the_catalogue() -> None:
    from casemgmt.metrics.results import CohortMeasures, Comparison

    others = tuple(m.code for m in measures.OTHER_MEASURES)
    assert CohortMeasures.__struct_fields__ == measures.SHARE_CODES + others
    assert Comparison.__struct_fields__ == (*measures.SHARE_CODES, "grades")
    assert tuple(engine._Cohort(grades={}).counts()) == measures.SHARE_CODES  # (count, n) of every share
