"""Chart geometry: figures scaled to SVG pixel coordinates, as pure functions (no HTML, no database).

The macros in ``templates/dashboard/_charts.html`` only draw what these functions computed, so every position can
be tested here. SVG conventions: the origin is top left and y grows downward; every coordinate is rounded to 0.1 px
so the markup is stable. Colours are not decided here: each element carries a series key that the macros turn into
a CSS class (``dash-bar--pilot``, ``dash-line--2``…), styled in ``app.css`` (the CSP forbids inline styles).

Two charts:

- ``bar_chart``: horizontal grouped bars (one group per measure, one bar per cohort) with a whisker for the 95%
  interval and a vertical mark for the target. A bar without a value (no data, or suppressed because too few
  dossiers) is drawn as a note instead.
- ``line_chart``: one line per series over categories (months). A missing value breaks the line into segments, so a
  suppressed month is never bridged by a line that suggests a figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from casemgmt.dashboard.formatting import number, percent


def _r(value: float) -> float:
    """Round a coordinate to 0.1 px (and turn -0.0 into 0.0)."""
    return round(value, 1) + 0.0


@dataclass(frozen=True)
class LinearScale:
    """Maps the domain ``[d0, d1]`` linearly onto the pixel range ``[r0, r1]``; values outside are clamped."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __post_init__(self) -> None:
        if self.d1 == self.d0:
            raise ValueError("the domain of a scale needs two different ends")

    def __call__(self, value: float) -> float:
        low, high = min(self.d0, self.d1), max(self.d0, self.d1)
        clamped = min(max(value, low), high)
        return _r(self.r0 + (clamped - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0))


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 (times a power of ten) that is at least ``value``; 1 for nothing positive."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        candidate = step * magnitude
        if candidate >= value * (1 - 1e-12):
            return candidate
    return 10 * magnitude  # pragma: no cover - the loop always returns


def tick_values(maximum: float, count: int = 4) -> list[float]:
    """``count`` equal steps from 0 to ``maximum`` (``count + 1`` values)."""
    if count < 1:
        raise ValueError("at least one step")
    return [maximum * i / count for i in range(count + 1)]


def wrap_label(text: str, max_chars: int) -> list[str]:
    """Split a label into lines of at most ``max_chars`` characters at spaces (a longer word keeps its own line)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > max_chars:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines or [""]


def label_step(count: int, max_labels: int = 12) -> int:
    """Label every n-th category so that at most ``max_labels`` labels are shown."""
    return max(1, math.ceil(count / max_labels)) if count else 1


def share_ticks(value: float) -> str:
    """Axis labels of a share axis: whole percentages."""
    return percent(value, 0)


def number_ticks(value: float) -> str:
    """Axis labels of a number axis: one decimal."""
    return number(value, 1)


def count_ticks(value: float) -> str:
    """Axis labels of a count axis: whole numbers (a nice step of 125 still reads "125")."""
    return number(value, 0)


@dataclass(frozen=True)
class PlotFrame:
    """What every chart starts with: the SVG's size and the plot area inside it."""

    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float


def _frame(
    width: float, height: float, left: float, right: float, top: float, bottom: float
) -> tuple[float, float, float, float, float, float]:
    """The fields of ``PlotFrame``, in order and rounded."""
    return _r(width), _r(height), _r(left), _r(right), _r(top), _r(bottom)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    label_position: float
    """Where the label's baseline goes across the axis direction (y for a y tick, x for an x tick)."""


# --------------------------------------------------------------------------------------------------- bars


@dataclass(frozen=True)
class BarInput:
    """One bar: its series (``pilot``/``control``), value and interval, or ``note`` drawn when there is no value."""

    series: str
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class GroupInput:
    key: str
    label: str
    bars: Sequence[BarInput]
    target: float | None = None


@dataclass(frozen=True)
class Whisker:
    """The 95% interval: a horizontal line from ``x1`` to ``x2`` at ``y`` with end caps from ``y1`` to ``y2``."""

    x1: float
    x2: float
    y: float
    y1: float
    y2: float


@dataclass(frozen=True)
class Bar:
    series: str
    x: float
    y: float
    width: float
    height: float
    text: str
    text_x: float
    text_y: float
    whisker: Whisker | None
    has_value: bool


@dataclass(frozen=True)
class TargetMark:
    x: float
    y1: float
    y2: float
    text: str


@dataclass(frozen=True)
class BarGroup:
    key: str
    lines: tuple[str, ...]
    label_x: float
    label_y: float
    line_height: float
    bars: tuple[Bar, ...]
    target: TargetMark | None


@dataclass(frozen=True)
class BarChart(PlotFrame):
    groups: tuple[BarGroup, ...]
    ticks: tuple[Tick, ...]
    tick_label_y: float


def bar_chart(
    groups: Sequence[GroupInput],
    *,
    width: float = 720,
    label_width: float = 210,
    right_margin: float = 64,
    bar_height: float = 14,
    bar_gap: float = 3,
    group_gap: float = 16,
    top: float = 12,
    bottom: float = 28,
    line_height: float = 15,
    label_chars: int = 28,
    domain_max: float = 1.0,
    fmt: Callable[[float], str] = percent,
    tick_format: Callable[[float], str] = share_ticks,
) -> BarChart:
    """Horizontal grouped bars on a 0–``domain_max`` axis (shares by default)."""
    plot_left, plot_right = label_width, width - right_margin
    scale = LinearScale(0.0, domain_max, plot_left, plot_right)
    y = top
    laid_out: list[BarGroup] = []
    for group in groups:
        lines = tuple(wrap_label(group.label, label_chars))
        bars_height = len(group.bars) * bar_height + max(len(group.bars) - 1, 0) * bar_gap
        group_height = max(bars_height, len(lines) * line_height)
        bars_top = y + (group_height - bars_height) / 2
        bars: list[Bar] = []
        for index, item in enumerate(group.bars):
            bar_y = bars_top + index * (bar_height + bar_gap)
            centre = bar_y + bar_height / 2
            whisker = None
            end = plot_left
            if item.value is not None:
                end = scale(item.value)
                if item.ci_low is not None and item.ci_high is not None:
                    cap = bar_height * 0.35
                    whisker = Whisker(
                        scale(item.ci_low), scale(item.ci_high), _r(centre), _r(centre - cap), _r(centre + cap)
                    )
                    end = max(end, whisker.x2)
                text = fmt(item.value)
            else:
                text = item.note
            bars.append(
                Bar(
                    series=item.series,
                    x=_r(plot_left),
                    y=_r(bar_y),
                    width=_r(scale(item.value) - plot_left) if item.value is not None else 0.0,
                    height=_r(bar_height),
                    text=text,
                    text_x=_r(end + 4),
                    text_y=_r(centre + 4),
                    whisker=whisker,
                    has_value=item.value is not None,
                )
            )
        target = None
        if group.target is not None:
            target = TargetMark(
                scale(group.target), _r(bars_top - 3), _r(bars_top + bars_height + 3), fmt(group.target)
            )
        first_line_y = y + group_height / 2 - (len(lines) - 1) * line_height / 2 + 4
        laid_out.append(
            BarGroup(group.key, lines, _r(plot_left - 8), _r(first_line_y), line_height, tuple(bars), target)
        )
        y += group_height + group_gap
    plot_bottom = y - group_gap + 6 if groups else top + 6
    ticks = tuple(Tick(scale(value), tick_format(value), scale(value)) for value in tick_values(domain_max))
    return BarChart(
        *_frame(width, plot_bottom + bottom, plot_left, plot_right, top - 6, plot_bottom),
        groups=tuple(laid_out),
        ticks=ticks,
        tick_label_y=_r(plot_bottom + 16),
    )


# --------------------------------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class SeriesInput:
    """One line: ``values`` aligned with the chart's categories (None: no figure for that category)."""

    key: str
    label: str
    values: Sequence[float | None]
    style: str = ""
    """The CSS modifier of the line (``dash-series--<style>``); by default the series' position, 0–7."""


SERIES_STYLES = 8
"""Distinct line styles (colour and dash pattern) in app.css; later series repeat them."""


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    category: int


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    style: str
    segments: tuple[str, ...]
    """SVG ``points`` attribute values, one per unbroken run of at least two points."""
    points: tuple[Point, ...]


@dataclass(frozen=True)
class CategoryTick:
    x: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LineChart(PlotFrame):
    x_ticks: tuple[CategoryTick, ...]
    y_ticks: tuple[Tick, ...]
    series: tuple[Series, ...]
    x_label_y: float
    y_label_x: float
    line_height: float


def line_chart(
    categories: Sequence[tuple[str, ...]],
    series: Sequence[SeriesInput],
    *,
    y_max: float | None = 1.0,
    width: float = 720,
    height: float = 240,
    left: float = 52,
    right: float = 16,
    top: float = 12,
    bottom: float = 40,
    padding: float = 14,
    max_labels: int = 12,
    tick_format: Callable[[float], str] = share_ticks,
) -> LineChart:
    """Lines over ``categories`` (each a tuple of label lines). ``y_max`` None: a nice ceiling of the largest value."""
    for item in series:
        if len(item.values) != len(categories):
            raise ValueError(f"series {item.key!r} has {len(item.values)} values for {len(categories)} categories")
    if y_max is None:
        present = [v for item in series for v in item.values if v is not None]
        y_max = nice_ceiling(max(present, default=0.0))
    plot_left, plot_right, plot_top, plot_bottom = left, width - right, top, height - bottom
    y_scale = LinearScale(0.0, y_max, plot_bottom, plot_top)
    count = len(categories)
    if count <= 1:
        xs = [_r((plot_left + plot_right) / 2)] * count
    else:
        x_scale = LinearScale(0.0, count - 1, plot_left + padding, plot_right - padding)
        xs = [x_scale(i) for i in range(count)]

    laid_out: list[Series] = []
    for index, item in enumerate(series):
        points = tuple(
            Point(xs[i], y_scale(value), value, i) for i, value in enumerate(item.values) if value is not None
        )
        segments: list[str] = []
        run: list[Point] = []
        for point in points:
            if run and point.category != run[-1].category + 1:
                if len(run) > 1:
                    segments.append(" ".join(f"{p.x},{p.y}" for p in run))
                run = []
            run.append(point)
        if len(run) > 1:
            segments.append(" ".join(f"{p.x},{p.y}" for p in run))
        style = item.style or str(index % SERIES_STYLES)
        laid_out.append(Series(item.key, item.label, style, tuple(segments), points))

    step = label_step(count, max_labels)
    x_ticks = tuple(CategoryTick(xs[i], tuple(categories[i])) for i in range(0, count, step))
    y_ticks = tuple(Tick(y_scale(value), tick_format(value), _r(y_scale(value) + 4)) for value in tick_values(y_max))
    return LineChart(
        *_frame(width, height, plot_left, plot_right, plot_top, plot_bottom),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        series=tuple(laid_out),
        x_label_y=_r(plot_bottom + 16),
        y_label_x=_r(plot_left - 6),
        line_height=14,
    )
