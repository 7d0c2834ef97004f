"""Server-rendered SVG charts: no JavaScript, no library, no inline styles (the CSP forbids them).

Each chart is an <svg role="img"> with a <title> and <desc> (named by aria-labelledby), coloured
by the .chart-* classes of static/css/app.css; the page shows the same numbers as a table next to
it (templates/oversight/partials/chart.html), for screen readers and for anyone who wants the
figures. Series differ by shape as well as colour (dashes, markers), not by colour alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)

WIDTH = 640
LABEL_WIDTH = 190
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 10
LINE_HEIGHT = 220


@dataclass
class Chart:
    """An SVG chart and its table alternative (caption, column headers, rows of cells; the first
    cell of a row is its header)."""

    svg: SafeString
    caption: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)


MAX_LABEL = 28


def _short(label: object) -> str:
    """Long category labels are cut in the picture; the table next to it has them in full."""
    text = str(label)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _open(title: str, description: str, width: int, height: int) -> tuple[str, SafeString]:
    uid = f"chart-{next(_ids)}"
    head = format_html(
        '<svg class="chart-svg" role="img" viewBox="0 0 {} {}" aria-labelledby="{}-t {}-d"'
        ' xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        width,
        height,
        uid,
        uid,
        uid,
        title,
        uid,
        description,
    )
    return uid, head


def _legend(series_names: Sequence[str], y: int) -> SafeString:
    if len(series_names) < 2:
        return mark_safe("")
    parts = []
    x = LABEL_WIDTH
    for i, name in enumerate(series_names):
        parts.append(
            format_html(
                '<rect class="chart-series-{}" x="{}" y="{}" width="12" height="12"/>'
                '<text class="chart-legend" x="{}" y="{}">{}</text>',
                i,
                x,
                y,
                x + 16,
                y + 10,
                name,
            )
        )
        x += 24 + 8 * len(str(name))
    return mark_safe("".join(parts))


def bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    unit: str = "",
    max_value: float | None = None,
) -> SafeString:
    """Horizontal bars, one group per category and one bar per series."""
    names = [name for name, _values in series]
    top = 24 if len(series) > 1 else 4
    group = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    height = top + max(1, len(categories)) * (group + GROUP_GAP) + 4
    peak = max_value or max([v or 0 for _n, values in series for v in values] + [0]) or 1
    room = WIDTH - LABEL_WIDTH - 60
    _uid, head = _open(title, description, WIDTH, height)
    parts = [head, _legend(names, 4)]
    parts.append(
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            LABEL_WIDTH,
            top - 2,
            LABEL_WIDTH,
            height - 4,
        )
    )
    for c, category in enumerate(categories):
        y0 = top + c * (group + GROUP_GAP)
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                LABEL_WIDTH - 6,
                y0 + group / 2 + 4,
                _short(category),
            )
        )
        for s, (_name, values) in enumerate(series):
            value = values[c] or 0
            y = y0 + s * (BAR_HEIGHT + BAR_GAP)
            length = round(room * value / peak, 1)
            parts.append(
                format_html(
                    '<rect class="chart-bar chart-series-{}" x="{}" y="{}" width="{}" height="{}"/>'
                    '<text class="chart-value" x="{}" y="{}">{}{}</text>',
                    s,
                    LABEL_WIDTH,
                    y,
                    length,
                    BAR_HEIGHT,
                    LABEL_WIDTH + length + 4,
                    y + BAR_HEIGHT - 4,
                    _number(value),
                    unit,
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


def line_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
) -> SafeString:
    """Lines over an ordered axis (months), with a marker on every point."""
    names = [name for name, _values in series]
    left, right, top, bottom = 40, 16, 28, 36
    height = LINE_HEIGHT + top + bottom
    peak = max([v or 0 for _n, values in series for v in values] + [0]) or 1
    step = (WIDTH - left - right) / max(1, len(labels) - 1)
    _uid, head = _open(title, description, WIDTH, height)
    parts = [head]
    # Legend at the top left, grid lines at 0, half and the peak.
    legend: list[SafeString] = []
    x = left
    for i, name in enumerate(names):
        legend.append(
            format_html(
                '<line class="chart-line chart-series-{}" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="chart-legend" x="{}" y="{}">{}</text>',
                i,
                x,
                12,
                x + 18,
                12,
                x + 22,
                16,
                name,
            )
        )
        x += 30 + 8 * len(str(name))
    parts.extend(legend)
    for fraction in (0, 0.5, 1):
        y = top + LINE_HEIGHT * (1 - fraction)
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="chart-value" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                y,
                WIDTH - right,
                y,
                left - 4,
                y + 4,
                _number(round(peak * fraction, 1)),
            )
        )
    for i, label in enumerate(labels):
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                round(left + i * step, 1),
                top + LINE_HEIGHT + 18,
                label,
            )
        )
    for s, (_name, values) in enumerate(series):
        points = [
            (round(left + i * step, 1), round(top + LINE_HEIGHT * (1 - (v or 0) / peak), 1))
            for i, v in enumerate(values)
        ]
        parts.append(
            format_html(
                '<polyline class="chart-line chart-series-{}" points="{}"/>',
                s,
                " ".join(f"{x},{y}" for x, y in points),
            )
        )
        parts.append(
            format_html_join(
                "",
                '<circle class="chart-point chart-series-{}" cx="{}" cy="{}" r="3"/>',
                ((s, x, y) for x, y in points),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))
