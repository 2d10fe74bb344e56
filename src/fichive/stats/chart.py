"""The stats page's charts, drawn on the server as inline SVG: a bar per period, a labelled
value axis with round steps, and a <title> and <desc> for screen readers. No script, no
external files; well-formed XML (parsed as such by the tests)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 16, 44
TICKS = 4
LABELS_MAX = 12  # at most this many period labels under the bars; the others are skipped


def nice_step(largest: int, ticks: int = TICKS) -> int:
    """A round step (1, 2 or 5 times a power of ten) so `ticks` steps reach `largest`."""
    if largest <= ticks:
        return 1
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover - the loop ends at 10


def _number(value: int) -> str:
    return f"{value:,}"


def bar_chart(*, chart_id: str, title: str, description: str, labels: Sequence[str],
              names: Sequence[str], values: Sequence[int], unit: str,
              colour: str = "#900") -> SafeString:
    """An SVG bar chart of `values` (one bar per label; `names` are the periods' full names
    for each bar's tooltip). Negative values draw below the zero line."""
    count = max(len(values), 1)
    high = max([0, *values])
    low = min([0, *values])
    step = nice_step(max(high, -low, 1))
    top = step * math.ceil(high / step) if high else step
    bottom = -step * math.ceil(-low / step) if low else 0
    span = top - bottom
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: int) -> float:
        return TOP + (top - value) * plot_h / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    # The value axis: a line and a labelled grid line per step.
    parts.append('<g class="axis y" font-size="12" fill="#333">')
    value = bottom
    while value <= top:
        at = y(value)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}" y2="{at:.1f}" '
                     f'stroke="{"#666" if value == 0 else "#ddd"}" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end">'
                     f'{_number(value)}</text>')
        value += step
    parts.append(f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{escape(unit)}</text>')
    parts.append("</g>")
    # The bars, each with its period and value as a tooltip.
    slot = plot_w / count
    bar_w = max(slot * 0.7, 1.0)
    every = math.ceil(count / LABELS_MAX)
    parts.append(f'<g class="bars" fill="{escape(colour)}">')
    for n, (name, value) in enumerate(zip(names, values, strict=True)):
        x = LEFT + n * slot + (slot - bar_w) / 2
        y0, y1 = sorted((y(0), y(value)))
        parts.append(f'<rect x="{x:.1f}" y="{y0:.1f}" width="{bar_w:.1f}" '
                     f'height="{y1 - y0:.1f}"><title>{escape(name)}: {_number(value)} '
                     f'{escape(unit.lower())}</title></rect>')
    parts.append("</g>")
    # The period axis: every label, or every n-th when they would crowd.
    parts.append('<g class="axis x" font-size="12" fill="#333" text-anchor="middle">')
    for n, label in enumerate(labels):
        if n % every == 0:
            parts.append(f'<text x="{LEFT + (n + 0.5) * slot:.1f}" y="{HEIGHT - BOTTOM + 16}">'
                         f'{escape(label)}</text>')
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
