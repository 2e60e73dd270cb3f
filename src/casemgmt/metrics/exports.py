"""Pilot exports: the measures table and the per-dossier table as CSV (UTF-8, or Excel-NL) and XLSX.

Pure functions over the engine's output (``engine.pilot_metrics`` and ``engine.dossier_figures``); no database, no
HTTP.

- **Tables.** ``measures``: one row per measure × cohort (count, n, value, interval, target, target status) with the
  pilot-versus-control comparison repeated on both cohort rows, then the per-dossier means, time to close and cost
  per cohort, and the pilot-level figures (grades comparison, ICER, minimum detectable difference) with an empty
  cohort. ``dossiers``: one row per dossier opened in the period — client pseudonym, cohort, opened, closed, outcome,
  inbound contacts, handoffs, commitments due / kept on time, hours, cost, grade. Pseudonyms only: never a name or a
  BSN (the engine does not even select them).
- **CSV**: UTF-8, ``,`` separated, decimal point, ISO dates. The ``excel-nl`` variant is what Dutch Excel opens
  correctly by double-click: a byte-order mark, ``;`` separated, decimal commas.
- **XLSX**: openpyxl write-only, the table's sheet plus a sheet "Definities" with every measure's Dutch definition.
  Numbers and dates are typed cells.
- **Disclosure control** (``metrics/disclosure.py``): the measures table is written from the disclosed result, so a
  withheld figure is an empty cell and the row's last column ``suppressed`` is 1 (0 otherwise); the columns before
  it are issue 5's, unchanged. The per-dossier table is pseudonymised microdata for the evaluator's own analysis
  and is written whole (see ``disclosure.py``, "Not covered").
- **Formula injection**: a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) gets a
  leading ``'`` so no spreadsheet runs it as a formula. Numbers are written as numbers (a negative difference stays
  a number).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from casemgmt.metrics.disclosure import disclose_pilot_metrics
from casemgmt.metrics.engine import COHORT_ORDER, DossierFigures
from casemgmt.metrics.results import PilotMetrics
from casemgmt.pilots.measures import BY_CODE, MEASURES, SHARE_CODES

TABLES = ("measures", "dossiers")
VARIANTS = ("", "excel-nl")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

Cell = str | int | float | date | None

MEASURE_COLUMNS = (
    "measure",
    "label",
    "cohort",
    "count",
    "n",
    "value",
    "ci_low",
    "ci_high",
    "target",
    "target_status",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "p_value",
    "p_holm",
    "suppressed",
)
DOSSIER_COLUMNS = (
    "pseudonym",
    "cohort",
    "opened",
    "closed",
    "outcome",
    "inbound_contacts",
    "handoffs",
    "commitments_due",
    "commitments_kept_on_time",
    "hours",
    "cost",
    "grade",
)

OTHER_LABELS = {
    "dossiers": "Dossiers geopend in de periode",
    "closed": "Dossiers gesloten",
    "resolved": "Dossiers gesloten als opgelost",
    **{
        code: BY_CODE[code].export_label
        for code in ("handoffs_per_dossier", "contacts_per_dossier", "cost_per_dossier", "cost_per_resolved_dossier")
    },
    "days_to_close_median": "Doorlooptijd tot sluiting in werkdagen (mediaan)",
    "days_to_close_q1": "Doorlooptijd tot sluiting in werkdagen (eerste kwartiel)",
    "days_to_close_q3": "Doorlooptijd tot sluiting in werkdagen (derde kwartiel)",
    "hours": "Geregistreerde uren",
    "cost_total": "Kosten totaal (EUR)",
    "grades": "Rapportcijfers: kans dat een cijfer in de pilotgroep hoger is (Brunner-Munzel)",
    "icer": "Extra kosten per extra geslaagd dossier (ICER, EUR)",
    "delta_cost_per_dossier": "Verschil in kosten per dossier, pilot min controle (EUR)",
    "mde": "Minimaal aantoonbaar verschil op de primaire uitkomst",
}

DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    *((m.code, m.export_label, m.export_definition) for m in MEASURES),
    (
        "mde",
        OTHER_LABELS["mde"],
        "De kleinste verbetering op de primaire uitkomst die met de huidige aantallen met 80% onderscheidend "
        "vermogen aantoonbaar is (tweezijdig, 5%).",
    ),
    (
        "periode",
        "Periode",
        "Een dossier hoort bij de periode waarin het is geopend, met zijn uitkomst en kosten; contacten tellen op "
        "de datum van het contact, toezeggingen en escalaties op hun termijn, enquêtes op de contactdatum. "
        "Intervallen zijn 95%-betrouwbaarheidsintervallen (Wilson; verschillen: Newcombe).",
    ),
    (
        "privacy",
        "Privacy",
        "Deze export bevat alleen pseudoniemen, geen namen of BSN's.",
    ),
    (
        "suppressed",
        "Niet getoond",
        "Een cijfer over 1 tot 4 dossiers, contacten, toezeggingen, escalaties of antwoorden blijft leeg, net als "
        "elk cijfer waaruit het terug te rekenen is (verschil, ICER, kosten per opgelost dossier, totalen). De "
        "kolom suppressed is dan 1.",
    ),
)


# ------------------------------------------------------------------------------------------------ cells


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet cannot read as a formula."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def format_number(value: float, decimal_comma: bool = False) -> str:
    """At most 6 decimals, no trailing zeros; a decimal comma for Excel-NL."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if decimal_comma else text


def csv_cell(value: Cell, decimal_comma: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value, decimal_comma)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return neutralise(value)
    return value


# ------------------------------------------------------------------------------------------------ tables


def measure_rows(metrics: PilotMetrics) -> list[list[Cell]]:
    """The measures table (without header) of the engine's result, with disclosure control applied."""
    metrics = disclose_pilot_metrics(metrics)
    withheld = set(metrics.suppressed)
    rows: list[list[Cell]] = []
    for measure in SHARE_CODES:
        diff = metrics.comparison.share(measure)
        for cohort in COHORT_ORDER:
            m = metrics.cohorts.of(cohort).measures.share(measure)
            rows.append(
                [
                    measure,
                    BY_CODE[measure].export_label,
                    cohort,
                    m.count,
                    m.n,
                    m.value,
                    m.ci_low,
                    m.ci_high,
                    m.target,
                    m.target_status,
                    diff.difference,
                    diff.ci_low,
                    diff.ci_high,
                    diff.p_value,
                    diff.p_holm,
                    bool({f"cohorts.{cohort}.measures.{measure}", f"comparison.{measure}"} & withheld),
                ]
            )

    def plain(measure: str, cohort: str | None, value: Cell, n: int | None = None, path: str = "") -> None:
        """A row with a value (and n); the count, interval and comparison columns stay empty. ``path``: the
        figure's path in the metrics document (the row is flagged when it is withheld)."""
        rows.append([measure, OTHER_LABELS[measure], cohort, None, n, value, *([None] * 9), path in withheld])

    for cohort in COHORT_ORDER:
        c = metrics.cohorts.of(cohort)
        measures, cost = c.measures, c.cost
        base = f"cohorts.{cohort}"
        for key in ("dossiers", "closed", "resolved"):
            plain(key, cohort, getattr(c, key), path=f"{base}.{key}")
        for key in ("handoffs_per_dossier", "contacts_per_dossier"):
            mean = measures.mean(key)
            plain(key, cohort, mean.value, n=mean.n, path=f"{base}.measures.{key}")
        days = measures.days_to_close
        for key, value in (("median", days.median), ("q1", days.q1), ("q3", days.q3)):
            plain(f"days_to_close_{key}", cohort, value, n=days.n, path=f"{base}.measures.days_to_close")
        plain("hours", cohort, cost.hours, path=f"{base}.cost.hours")
        plain("cost_total", cohort, cost.cost_total, path=f"{base}.cost.cost_total")
        plain("cost_per_dossier", cohort, cost.cost_per_dossier, n=c.dossiers, path=f"{base}.cost.cost_per_dossier")
        resolved_path = f"{base}.cost.cost_per_resolved_dossier"
        plain("cost_per_resolved_dossier", cohort, cost.cost_per_resolved_dossier, n=c.resolved, path=resolved_path)

    grades = metrics.comparison.grades
    rows.append(
        [
            "grades",
            OTHER_LABELS["grades"],
            None,
            None,
            None if grades.n_pilot is None or grades.n_control is None else grades.n_pilot + grades.n_control,
            grades.probability,
            grades.ci_low,
            grades.ci_high,
            None,
            None,
            None,
            None,
            None,
            grades.p_value,
            grades.p_holm,
            "comparison.grades" in withheld,
        ]
    )
    ce = metrics.cost_effectiveness
    plain("delta_cost_per_dossier", None, ce.delta_cost_per_dossier, path="cost_effectiveness")
    icer: list[Cell] = ["icer", f"{OTHER_LABELS['icer']} — {ce.outcome} ({ce.status})", None, None, None, ce.icer]
    rows.append([*icer, ce.ci_low, ce.ci_high, *([None] * 7), "cost_effectiveness" in withheld])
    mde = metrics.mde
    mde_row: list[Cell] = ["mde", f"{OTHER_LABELS['mde']} — {mde.outcome}", None, None, mde.per_arm_n]
    rows.append([*mde_row, mde.detectable_difference, *([None] * 9), "mde" in withheld])
    return rows


def dossier_rows(figures: Iterable[DossierFigures]) -> list[list[Cell]]:
    """The per-dossier table (without header)."""
    return [
        [
            f.pseudonym,
            f.cohort,
            f.opened,
            f.closed,
            f.outcome,
            f.inbound_contacts,
            f.handoffs,
            f.commitments_due,
            f.commitments_kept_on_time,
            f.hours,
            f.cost,
            f.grade,
        ]
        for f in figures
    ]


# ------------------------------------------------------------------------------------------------ formats


class _Line:
    """A file-like sink for ``csv.writer`` that hands back what was written."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]], variant: str = "") -> Iterator[bytes]:
    """The CSV file, line by line, encoded UTF-8 (for a streamed response)."""
    excel_nl = variant == "excel-nl"
    line = _Line()
    writer = csv.writer(line, delimiter=";" if excel_nl else ",", lineterminator="\r\n")
    writer.writerow(header)
    yield ((BOM if excel_nl else "") + line.take()).encode("utf-8")
    for row in rows:
        writer.writerow([csv_cell(value, decimal_comma=excel_nl) for value in row])
        yield line.take().encode("utf-8")


def xlsx_bytes(
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    definitions: Iterable[tuple[str, str, str]] = DEFINITIONS,
) -> bytes:
    """An XLSX workbook (openpyxl write-only) with the table and a sheet "Definities" (code, name, definition)."""
    from openpyxl import Workbook  # imported when asked for: a worker that never exports XLSX does not carry it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(list(header))
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    sheet_of_definitions = workbook.create_sheet("Definities")
    sheet_of_definitions.append(["code", "naam", "definitie"])
    for code, name, text in definitions:
        sheet_of_definitions.append([neutralise(code), neutralise(name), neutralise(text)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table(
    name: str, metrics: PilotMetrics | None, figures: Iterable[DossierFigures] | None
) -> tuple[tuple[str, ...], list[list[Cell]]]:
    """(header, rows) of the ``measures`` or ``dossiers`` table."""
    if name == "measures":
        assert metrics is not None
        return MEASURE_COLUMNS, measure_rows(metrics)
    assert figures is not None
    return DOSSIER_COLUMNS, dossier_rows(figures)
