"""Chart geometry (``dashboard/charts.py``): values scaled to SVG coordinates, checked by hand."""

from __future__ import annotations

import pytest

from casemgmt.dashboard import charts


def test_linear_scale_maps_and_clamps() -> None:
    scale = charts.LinearScale(0.0, 1.0, 200.0, 600.0)
    assert scale(0.0) == 200.0
    assert scale(1.0) == 600.0
    assert scale(0.25) == 300.0
    assert scale(0.724) == 489.6
    assert scale(-0.5) == 200.0 and scale(1.5) == 600.0  # clamped to the domain
    inverted = charts.LinearScale(0.0, 1.0, 200.0, 12.0)  # y axis: up is smaller
    assert inverted(0.0) == 200.0 and inverted(1.0) == 12.0 and inverted(0.5) == 106.0
    with pytest.raises(ValueError):
        charts.LinearScale(1.0, 1.0, 0.0, 10.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, 1.0), (-3.0, 1.0), (0.7, 1.0), (1.0, 1.0), (1.2, 2.0), (2.1, 2.5), (3.0, 5.0), (7.0, 10.0), (12.0, 20.0)],
)
def test_nice_ceiling(value: float, expected: float) -> None:
    assert charts.nice_ceiling(value) == pytest.approx(expected)


def test_ticks_labels_and_wrapping() -> None:
    assert charts.tick_values(1.0) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert charts.share_ticks(0.25) == "25%"
    assert charts.number_ticks(1.5) == "1,5"
    assert charts.count_ticks(1250.0) == "1.250"
    assert charts.wrap_label("Dossiers met alle toezeggingen nagekomen", 20) == [
        "Dossiers met alle",
        "toezeggingen",
        "nagekomen",
    ]
    assert charts.wrap_label("Kort", 20) == ["Kort"]
    assert charts.wrap_label("Onafgebrokenwoordlangerdanderegel", 10) == ["Onafgebrokenwoordlangerdanderegel"]
    assert charts.label_step(12) == 1 and charts.label_step(13) == 2 and charts.label_step(60) == 5


def test_bar_chart_geometry() -> None:
    groups = [
        charts.GroupInput(
            "satisfied_share",
            "Tevreden",
            [
                charts.BarInput("pilot", 0.5, 0.25, 0.75),
                charts.BarInput("control", None, note="< 5 dossiers, niet getoond"),
            ],
            target=0.9,
        ),
        charts.GroupInput(
            "resolved_share", "Dossiers opgelost", [charts.BarInput("pilot", 1.0), charts.BarInput("control", 0.0)]
        ),
    ]
    chart = charts.bar_chart(
        groups, width=700, label_width=200, right_margin=100, bar_height=10, bar_gap=2, group_gap=10, top=10
    )
    # plot from x = 200 to x = 600: 0.5 → 400, 0.25 → 300, 0.75 → 500, 0.9 → 560
    assert (chart.plot_left, chart.plot_right) == (200.0, 600.0)
    first = chart.groups[0]
    pilot, control = first.bars
    assert (pilot.x, pilot.y, pilot.width, pilot.height) == (200.0, 10.0, 200.0, 10.0)
    assert pilot.whisker == charts.Whisker(x1=300.0, x2=500.0, y=15.0, y1=11.5, y2=18.5)
    assert pilot.text == "50,0%" and pilot.text_x == 504.0 and pilot.text_y == 19.0  # right of the whisker
    assert not control.has_value and control.width == 0.0 and control.whisker is None
    assert control.text == "< 5 dossiers, niet getoond" and control.y == 22.0
    assert first.target == charts.TargetMark(x=560.0, y1=7.0, y2=35.0, text="90,0%")
    # second group: starts after the first group's height (2 bars: 22) and the gap (10)
    second = chart.groups[1]
    assert second.bars[0].y == 42.0 and second.bars[0].width == 400.0 and second.bars[1].width == 0.0
    assert second.bars[1].has_value and second.target is None
    assert [t.label for t in chart.ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert [t.position for t in chart.ticks] == [200.0, 300.0, 400.0, 500.0, 600.0]
    assert chart.height == 42 + 22 + 6 + 28


def test_bar_chart_labels_wrap_and_centre() -> None:
    group = charts.GroupInput("x", "Dossiers met alle toezeggingen nagekomen", [charts.BarInput("pilot", 0.1)])
    chart = charts.bar_chart([group], label_chars=20, bar_height=14, line_height=15, top=12)
    laid = chart.groups[0]
    assert laid.lines == ("Dossiers met alle", "toezeggingen", "nagekomen")
    # three label lines (45 px) are taller than one bar (14 px): the bar is centred in the group
    assert laid.bars[0].y == 12 + (45 - 14) / 2
    assert laid.label_y == 12 + 45 / 2 - 15 + 4


def test_line_chart_geometry_and_gaps() -> None:
    categories = [("jan", "2025"), ("feb",), ("mrt",), ("apr",), ("mei",)]
    series = [
        charts.SeriesInput("pilot", "Pilotgroep", [0.0, 0.5, None, 1.0, 0.25], style="pilot"),
        charts.SeriesInput("control", "Controlegroep", [None, None, 0.5, None, None]),
    ]
    chart = charts.line_chart(
        categories, series, width=420, height=240, left=50, right=10, top=20, bottom=20, padding=0
    )
    # x from 50 to 410 in 4 steps of 90; y from 220 (0) up to 20 (1)
    pilot = chart.series[0]
    assert [(p.x, p.y) for p in pilot.points] == [(50.0, 220.0), (140.0, 120.0), (320.0, 20.0), (410.0, 170.0)]
    # the missing March breaks the line: two segments, never a line across the gap
    assert pilot.segments == ("50.0,220.0 140.0,120.0", "320.0,20.0 410.0,170.0")
    assert pilot.style == "pilot"
    control = chart.series[1]
    assert control.style == "1" and control.segments == () and [(p.x, p.y) for p in control.points] == [(230.0, 120.0)]
    assert [t.lines for t in chart.x_ticks] == categories
    assert [t.label for t in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert chart.y_ticks[2].position == 120.0 and chart.y_ticks[2].label_position == 124.0


def test_line_chart_scales_means_to_a_nice_maximum_and_thins_labels() -> None:
    months = [(f"m{i}",) for i in range(24)]
    chart = charts.line_chart(
        months, [charts.SeriesInput("SZW", "SZW", [1.4] + [None] * 23)], y_max=None, tick_format=charts.number_ticks
    )
    assert chart.y_ticks[-1].label == "2,0"
    assert len(chart.x_ticks) == 12 and chart.x_ticks[1].lines == ("m2",)
    single = charts.line_chart([("jan",)], [charts.SeriesInput("a", "A", [0.5])], width=100, left=0, right=0)
    assert single.series[0].points[0].x == 50.0
    with pytest.raises(ValueError):
        charts.line_chart([("jan",)], [charts.SeriesInput("a", "A", [0.5, 0.6])])


def test_wrapped_labels_keep_their_spaces_in_the_svg_text() -> None:
    """A label wrapped over lines reads as its words (text content and accessible name): "7 of hoger", not
    "7 ofhoger" (issue 15)."""
    import re
    from pathlib import Path

    from jinja2 import Environment, FileSystemLoader

    templates = Path(__file__).resolve().parents[2] / "templates"
    group = charts.GroupInput("satisfied_share", "Tevreden (rapportcijfer 7 of hoger)", [charts.BarInput("pilot", 0.7)])
    chart = charts.bar_chart([group], label_chars=12)
    assert len(chart.groups[0].lines) > 2
    environment = Environment(loader=FileSystemLoader(templates), autoescape=True)
    svg = environment.from_string(
        '{% from "dashboard/_charts.html" import bar_chart %}{{ bar_chart(chart, "c", "Titel", "Uitleg") }}'
    ).render(chart=chart)
    label = re.search(r'<text class="dash-label"[^>]*>(.*?)</text>', svg, re.S)
    assert label is not None
    assert re.sub(r"<[^>]+>", "", label.group(1)) == "Tevreden (rapportcijfer 7 of hoger)"
