"""Horizontal grouped bar charts as SVG, written directly.

Why not Vega-Altair with vl-convert: the report needs one kind of chart (bars: this year beside
last year, or a few series per municipality), and ~100 lines of SVG give that with no new
dependency (vl-convert ships a JavaScript engine of ~50 MB), byte-identical output for the same
figures, and markup we control: presentation attributes only (``fill=``), never ``style`` — the
Content-Security-Policy forbids inline styles — and an accessible name (``role="img"``, a
``<title>`` and a ``<desc>``). The same SVG goes inline into the HTML page and as an asset into the
typst PDF.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphical objects).
PALETTE = ("#1a5a96", "#b34e00", "#3b7a2f", "#6b4a8f")
PREVIOUS_YEAR_FILL = "#6f8fae"
FONT = "DejaVu Sans, Arial, sans-serif"

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 70
BAR_HEIGHT = 16
BAR_GAP = 2
GROUP_GAP = 14
LEGEND_LINE = 20
TOP = 8
LABEL_CHARS = 30  # a category label wraps onto lines of at most this many characters
LABEL_LINE = 14


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    fill: str


def _number(value: float) -> str:
    """Coordinates with at most one decimal, so that the output never depends on float noise."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_label: Callable[[float | None], str] = lambda v: "–" if v is None else str(v),
    width: int = WIDTH,
) -> str:
    """One group of bars per category, one bar per series; a missing value (None) draws no bar
    and shows "–". The scale starts at 0 and ends at the largest value."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    values = [v for s in series for v in s.values if v is not None]
    largest = max([*values, 0])
    scale = (width - LABEL_WIDTH - VALUE_WIDTH) / largest if largest > 0 else 0.0
    legend_height = LEGEND_LINE * len(series) + 6
    labels = [textwrap.wrap(category, LABEL_CHARS) or [""] for category in categories]
    bars_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    heights = [max(bars_height, len(lines) * LABEL_LINE) for lines in labels]
    height = TOP + legend_height + sum(h + GROUP_GAP for h in heights)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id={quoteattr(chart_id)} '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family={quoteattr(FONT)} font-size="12">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    y: float = TOP
    for s in series:
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="12" height="12" '
                     f'fill={quoteattr(s.fill)}/>')
        parts.append(f'<text x="{LABEL_WIDTH + 18}" y="{y + 13}" fill="#1a1a1a">'
                     f'{escape(s.name)}</text>')
        y += LEGEND_LINE
    y += 6
    for index, lines in enumerate(labels):
        group_height = heights[index]
        first_y = y + group_height / 2 - (len(lines) - 1) * LABEL_LINE / 2 + 4
        tspans = "".join(
            f'<tspan x="{LABEL_WIDTH - 8}" y="{_number(first_y + n * LABEL_LINE)}">'
            f'{escape(line)}</tspan>' for n, line in enumerate(lines))
        parts.append(f'<text text-anchor="end" fill="#1a1a1a">{tspans}</text>')
        group_end = y + group_height
        y += (group_height - bars_height) / 2
        for s in series:
            value = s.values[index]
            bar = 0.0 if value is None else max(0.0, value) * scale
            if value is not None and bar > 0:
                parts.append(f'<rect x="{LABEL_WIDTH}" y="{_number(y)}" width="{_number(bar)}" '
                             f'height="{BAR_HEIGHT}" fill={quoteattr(s.fill)}/>')
            parts.append(f'<text x="{_number(LABEL_WIDTH + bar + 4)}" y="{_number(y + BAR_HEIGHT - 4)}" '
                         f'fill="#1a1a1a">{escape(value_label(value))}</text>')
            y += BAR_HEIGHT + BAR_GAP
        y = group_end + GROUP_GAP
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{TOP + legend_height}" x2="{LABEL_WIDTH}" '
                 f'y2="{height - GROUP_GAP // 2}" stroke="#1a1a1a" stroke-width="1"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
