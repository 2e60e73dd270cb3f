"""What the dashboard makes of the metrics document: Dutch figures, cards, suppression, ICER and MDE texts, periods.

Pure tests over a document of the API's exact shape (``metrics_document.py``); no database.
"""

from __future__ import annotations

from datetime import date

import pytest

from casemgmt.dashboard import formatting as fmt
from casemgmt.dashboard import presentation as p
from casemgmt.dashboard.monthly import MonthFigure
from casemgmt.dashboard.trends import DEFINITIONS_BY_CODE, TrendCell, TrendMeasure, TrendRow
from casemgmt.errors import InvalidInput
from casemgmt.metrics.periods import FROM_AFTER_TO, MAX_MONTHS, Period, last_twelve_months, parse_period
from casemgmt.metrics.results import PilotMetrics
from casemgmt.metrics.statistics import sample_size_per_arm
from tests.dashboard.metrics_document import comparison, document, share

typed = PilotMetrics.from_json


def test_dutch_number_formats() -> None:
    assert fmt.percent(0.724) == "72,4%"
    assert fmt.percent(1.0, 0) == "100%"
    assert fmt.percent(None) == "–"
    assert fmt.number(1234.56, 1) == "1.234,6"
    assert fmt.number(-0.5) == "−0,5"
    assert fmt.number(-0.01) == "0,0"  # never "−0,0"
    assert fmt.euro(1234.6) == "€ 1.235"
    assert fmt.euro(-50) == "−€ 50"
    assert fmt.points(0.08) == "+8,0 procentpunt"
    assert fmt.points(-0.031) == "−3,1 procentpunt"
    assert fmt.points(0.0) == "0,0 procentpunt"
    assert fmt.points_range(-0.05, 0.12) == "−5,0 tot +12,0 procentpunt"
    assert fmt.percent_range(0.651, 0.78) == "65,1% tot 78,0%"
    assert fmt.p_value(0.0004) == "< 0,001"
    assert fmt.p_value(0.0432) == "0,043"
    assert fmt.month_name(date(2026, 3, 1)) == "maart 2026"
    assert fmt.day(date(2026, 2, 2)) == "2 februari 2026"


# ------------------------------------------------------------------------------------------------ periods


def test_period_parsing() -> None:
    default = Period(date(2025, 1, 6), date(2025, 12, 19))
    assert parse_period("", None, default) == default
    assert parse_period("2025-03-01", "", default) == Period(date(2025, 3, 1), date(2025, 12, 19))
    assert parse_period(" 2025-03-01 ", "2025-03-31", default) == Period(date(2025, 3, 1), date(2025, 3, 31))
    with pytest.raises(InvalidInput) as after:
        parse_period("2025-06-01", "2025-05-01", default)
    assert after.value.by_field() == {"from": FROM_AFTER_TO}
    with pytest.raises(InvalidInput) as bad:
        parse_period("2025-13-01", "gisteren", default)
    assert set(bad.value.by_field()) == {"from", "to"}
    assert "jjjj-mm-dd" in bad.value.by_field()["from"]
    with pytest.raises(InvalidInput) as long:
        parse_period("2020-01-01", "2025-01-31", default)
    assert str(MAX_MONTHS) in long.value.by_field()["to"]


def test_period_months() -> None:
    period = Period(date(2025, 11, 15), date(2026, 2, 3))
    assert period.months() == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert period.month_period(date(2025, 11, 1)) == Period(date(2025, 11, 15), date(2025, 11, 30))
    assert period.month_period(date(2026, 2, 1)) == Period(date(2026, 2, 1), date(2026, 2, 3))
    assert last_twelve_months(date(2026, 11, 29)) == Period(date(2025, 12, 1), date(2026, 11, 29))
    assert len(last_twelve_months(date(2026, 11, 29)).months()) == 12


# ------------------------------------------------------------------------------------------------ cards


def _document_with_figures() -> dict:
    doc = document()
    pilot, control = doc["cohorts"]["pilot"]["measures"], doc["cohorts"]["control"]["measures"]
    pilot["satisfied_share"] = share(45, 50, ci=(0.786, 0.957), target=0.9, target_status="undecided")
    control["satisfied_share"] = share(3, 4, target=0.9, target_status="missed")
    pilot["transfer_share"] = share(10, 50, target=0.25, target_status="met")
    control["transfer_share"] = share(20, 50, target=0.25, target_status="missed")
    pilot["resolved_share"] = share(30, 40, target=0.75, target_status="undecided")
    control["resolved_share"] = share(20, 40, target=0.75, target_status="missed")
    doc["comparison"]["transfer_share"] = comparison(-0.2, -0.38, -0.01, 0.036, 0.29)
    doc["comparison"]["resolved_share"] = comparison(0.25, 0.04, 0.43, 0.02, 0.02)
    doc["comparison"]["satisfied_share"] = comparison(0.15, -0.1, 0.5, 0.4, 1.0)
    return doc


def test_cards_show_value_interval_n_and_target_status_in_dutch() -> None:
    cards = {card.code: card for card in p.build_cards(typed(_document_with_figures()))}
    assert next(iter(cards)) == "resolved_share"  # the primary outcome first
    assert cards["resolved_share"].primary and not cards["satisfied_share"].primary
    assert len(cards) == 13  # ten shares, two means, time to close

    satisfied = cards["satisfied_share"]
    assert satisfied.target_text == "Norm: 90%"
    pilot, control = satisfied.figures
    assert (pilot.value_text, pilot.interval_text) == ("90,0%", "95%-interval 78,6% tot 95,7%")
    assert pilot.detail_text == "45 van 50 antwoorden met een rapportcijfer"
    assert pilot.status_label == "nog onbeslist" and pilot.path == "cohorts.pilot.measures.satisfied_share.value"
    # 4 responses: fewer than 5, so the figure, its status and the comparison are withheld
    assert control.suppressed and control.value is None and control.value_text == p.SUPPRESSED
    assert satisfied.comparison is not None and satisfied.comparison.suppressed

    transfer = cards["transfer_share"]
    assert transfer.target_text == "Norm: hoogstens 25%"  # lower is better: a maximum
    assert [f.status_label for f in transfer.figures] == ["gehaald", "niet gehaald"]
    assert transfer.comparison is not None
    assert transfer.comparison.difference_text == "−20,0 procentpunt"
    assert transfer.comparison.interval_text == "−38,0 tot −1,0 procentpunt"
    assert (transfer.comparison.p_text, transfer.comparison.p_holm_text) == ("0,036", "0,290")

    on_time = cards["on_time_share"]
    assert [f.value_text for f in on_time.figures] == ["geen gegevens", "geen gegevens"]
    assert on_time.comparison is not None and not on_time.comparison.has_data

    days = cards["days_to_close"].figures[0]
    assert days.value_text == "12,0 werkdagen (mediaan)"
    assert days.interval_text == "kwartielen 8,0 tot 20,5 werkdagen"
    assert days.path == "cohorts.pilot.measures.days_to_close.median"
    assert cards["handoffs_per_dossier"].figures[0].value_text == "1,5"


def test_comparison_table_carries_paths_and_unrounded_values() -> None:
    doc = _document_with_figures()
    table = p.comparison_table(typed(doc), p.build_cards(typed(doc)))
    rows = {row[0].parts[0]: row for row in table.rows}
    satisfied = rows["Tevreden (rapportcijfer 7 of hoger)"]
    value, interval, n = satisfied[1].parts[0], satisfied[2].parts, satisfied[3].parts[0]
    assert (value.text, value.path, value.value) == ("90,0%", "cohorts.pilot.measures.satisfied_share.value", 0.9)
    assert [(d.path, d.value) for d in interval if isinstance(d, p.Datum)] == [
        ("cohorts.pilot.measures.satisfied_share.ci_low", 0.786),
        ("cohorts.pilot.measures.satisfied_share.ci_high", 0.957),
    ]
    assert (n.text, n.value) == ("50", 50)
    withheld = satisfied[4].parts[0]
    assert withheld.suppressed and withheld.value is None and withheld.text == "< 5 dossiers, niet getoond"
    assert satisfied[-1].parts[0].text == "90%"
    assert len(table.rows) == 10 and len(table.headers) == 8


def test_bar_chart_leaves_out_withheld_and_missing_bars() -> None:
    doc = _document_with_figures()
    chart = p.comparison_bars(typed(doc), p.build_cards(typed(doc)))
    groups = {group.key: group for group in chart.groups}
    pilot, control = groups["satisfied_share"].bars
    assert pilot.has_value and pilot.whisker is not None
    assert not control.has_value and control.text == p.SUPPRESSED
    assert groups["satisfied_share"].target is not None
    assert [bar.text for bar in groups["on_time_share"].bars] == ["geen gegevens", "geen gegevens"]


# ------------------------------------------------------------------------------------------------ cost, ICER, MDE


def test_icer_defined_with_its_interval() -> None:
    doc = _document_with_figures()
    doc["cost_effectiveness"].update(
        delta_cost_per_dossier=600.0, delta_effect=0.25, icer=2400.0, ci_low=1200.0, ci_high=6000.0, status="defined"
    )
    view = p.cost_view(typed(doc))
    assert view.defined and view.icer_text == "€ 2.400 per extra opgelost dossier"
    assert view.icer_reason == "95%-interval (bootstrap): € 1.200 tot € 6.000."
    assert "€ 600" in view.delta_text and "+25,0 procentpunt" in view.delta_text
    cells = {cell.parts[0].path: cell.parts[0] for row in view.table.rows for cell in row[1:]}
    assert cells["cohorts.pilot.cost.cost_per_dossier"].text == "€ 900"
    assert cells["cohorts.pilot.cost.cost_per_resolved_dossier"].value == 1500.0
    assert cells["cohorts.pilot.cost.hours"].text == "120,5"


def test_icer_undefined_says_why() -> None:
    doc = _document_with_figures()
    doc["comparison"]["resolved_share"] = comparison(0.05, -0.1, 0.2, 0.5, 0.5)
    doc["cost_effectiveness"].update(delta_cost_per_dossier=600.0, delta_effect=0.05, status="undefined")
    view = p.cost_view(typed(doc))
    assert not view.defined and view.icer_text == "niet gedefinieerd"
    assert "(+5,0 procentpunt, 95%-interval −10,0 tot +20,0 procentpunt) kan ook nul zijn" in view.icer_reason

    doc["cost_effectiveness"].update(delta_cost_per_dossier=None, delta_effect=None)
    assert "geen enkel dossier" in p.cost_view(typed(doc)).icer_reason

    doc["cohorts"]["control"]["dossiers"] = 3  # too few dossiers: no cost figures, no ICER
    view = p.cost_view(typed(doc))
    assert view.icer_text == "niet getoond" and view.delta_text == ""
    control_row = view.table.rows[1]
    assert all(cell.parts[0].suppressed for cell in control_row[1:])  # 3 dossiers: their number too


def test_minimum_detectable_difference_in_plain_dutch() -> None:
    doc = _document_with_figures()
    doc["mde"].update(per_arm_n=50, detectable_difference=0.2049)
    doc["cohorts"]["control"]["measures"]["resolved_share"] = share(36, 50, target=0.8, target_status="missed")
    texts = p.mde_text(typed(doc))
    assert texts[0].startswith(
        "Met 50 afgesloten dossiers per groep is alleen een verschil van 20 procentpunt of meer in dossiers opgelost "
        "aantoonbaar"
    )
    needed = sample_size_per_arm(0.72, 0.8)
    assert texts[1] == (
        f"Om een stijging van 72% (de controlegroep) naar 80% (de norm) aan te tonen zijn ongeveer {needed} "
        "afgesloten dossiers per groep nodig."
    )
    doc["mde"].update(per_arm_n=1, detectable_difference=None)
    assert "te weinig afgesloten dossiers (n = 1 per groep)" in p.mde_text(typed(doc))[0]
    doc["mde"].update(per_arm_n=3, detectable_difference=None)
    assert "zelfs een stijging tot 100%" in p.mde_text(typed(doc))[0]


# ------------------------------------------------------------------------------------------------ months, trends


def test_monthly_view_suppresses_months_with_few_dossiers() -> None:
    months = [date(2025, 2, 1), date(2025, 3, 1)]
    figures = {
        "pilot": [MonthFigure(months[0], 4, 5, 5, 0.8), MonthFigure(months[1], 2, 6, 3, 2 / 6)],
        "control": [MonthFigure(months[0], 0, 0, 0, None), MonthFigure(months[1], 2, 5, 5, 0.4)],
    }
    view = p.monthly_view("resolved_share", figures)
    # March: 6 responses but 3 dossiers; February goes with it, or the period's total minus February gives it back
    assert [pt.value for pt in view.chart.series[0].points] == []
    assert view.table.rows[0][1].parts[0].text == p.SUPPRESSED_COMPLEMENT
    assert view.chart.series[0].style == "pilot" and view.chart.series[1].style == "control"
    march = view.table.rows[1]
    assert march[0].parts == ("maart 2025",)
    assert march[1].parts[0].suppressed and march[1].parts[0].path == "monthly.resolved_share.pilot.2025-03.value"
    assert march[3].parts[0].text == "40,0%" and march[3].parts[0].value == 0.4
    assert view.table.rows[0][3].parts[0].text == "–"


def test_trend_view_table_and_lines() -> None:
    months = (date(2025, 1, 1), date(2025, 2, 1))
    measure = TrendMeasure(
        DEFINITIONS_BY_CODE["handoffs_per_dossier"],
        (
            TrendRow("OCW", "OCW", (TrendCell(months[0], 5, 5, "mean"), TrendCell(months[1], 1, 1, "mean", True))),
            TrendRow("SZW", "SZW", (TrendCell(months[0], 7, 6, "mean"), TrendCell(months[1], 0, 0, "mean"))),
        ),
        "service",
    )
    view = p.trend_view(measure, months)
    assert view.table.headers == ("Maand", "OCW", "SZW")
    january = view.table.rows[0]
    szw = january[2].parts
    assert szw[0].text == "1,17" and szw[0].value == pytest.approx(7 / 6)
    assert szw[0].path == "measures.handoffs_per_dossier.SZW.2025-01.value" and szw[2].value == 6
    assert szw[2].path == "measures.handoffs_per_dossier.SZW.2025-01.denominator"
    assert view.table.rows[1][1].parts[0].text == "< 5, niet getoond"
    assert len(view.table.rows) == 2  # a mean over distinct dossiers: no row for the whole period
    assert view.chart.y_ticks[-1].label == "2,0"  # a mean: a nice axis above 1,17
    assert [s.key for s in view.chart.series] == ["OCW", "SZW"]
    assert view.legend == (("OCW", "line", "0"), ("SZW", "line", "1"))
