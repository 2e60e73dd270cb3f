"""The management trends as a table for CSV and XLSX (``/api/v1/trends/export.csv|xlsx`` and the Trends page's
download links): one row per measure, group and month, and one per measure and group for the whole period.

The numbers are those of ``GET /api/v1/trends`` — the same disclosure control: a suppressed cell has every number
empty and ``suppressed`` set. The file formats (CSV variant ``excel-nl``, formula neutralising, the XLSX sheet of
definitions) are ``metrics/exports.py``'s.
"""

from __future__ import annotations

from collections.abc import Iterator

from casemgmt.dashboard.trends import DEFINITIONS, GROUPING_LABELS, TrendCell, Trends
from casemgmt.metrics.exports import Cell
from casemgmt.metrics.periods import month_key

TREND_COLUMNS = (
    "measure",
    "label",
    "by",
    "group",
    "group_label",
    "is_total",
    "month",
    "numerator",
    "denominator",
    "value",
    "share",
    "ci_low",
    "ci_high",
    "suppressed",
    "target",
)
WHOLE_PERIOD = "periode"
"""The ``month`` of a row over the whole period."""


def _numbers(cell: TrendCell) -> list[Cell]:
    document = cell.total_document()
    return [
        document.numerator,
        document.denominator,
        document.value,
        document.share,
        document.ci_low,
        document.ci_high,
        "ja" if document.suppressed else "nee",
    ]


def trend_rows(trends: Trends) -> Iterator[list[Cell]]:
    """The export's rows, measure by measure, group by group: the months in order, then the whole period."""
    for measure in trends.measures:
        d = measure.definition
        for row in measure.rows:
            lead: list[Cell] = [d.code, d.label, trends.by, row.key or None, row.label, "ja" if row.is_total else "nee"]
            for cell in row.cells:
                assert cell.month is not None
                yield [*lead, month_key(cell.month), *_numbers(cell), d.target]
            if row.total is not None:
                yield [*lead, WHOLE_PERIOD, *_numbers(row.total), d.target]


def trend_export_definitions() -> list[tuple[str, str, str]]:
    """The sheet "Definities": every measure, then the groupings."""
    return [
        *((d.code, d.label, d.definition) for d in DEFINITIONS),
        *((f"by={key}", label, f"Rijen {label.lower()}.") for key, label in GROUPING_LABELS.items()),
        (WHOLE_PERIOD, "Hele periode", "De rij over de hele gekozen periode (waar de aantallen optellen)."),
    ]
