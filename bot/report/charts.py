"""Small inline SVG charts for the HTML report: no scripts, no external files.

Each chart comes inside a ``<figure>`` with a caption and the same figures as a table, so it
still reads with a screen reader or when printed in black and white.
"""

from __future__ import annotations

from html import escape
from typing import Callable, List, Optional, Sequence, Tuple

BAR_COLOUR = "#005eb8"
LINE_COLOUR = "#007f3b"
MUTED_COLOUR = "#768692"
TEXT_COLOUR = "#212b32"
WIDTH = 640

Number = float
ValueText = Callable[[Number], str]


def _whole(value: Number) -> str:
    return f"{value:,.0f}"


def percent(value: Optional[Number]) -> str:
    """A 0-1 rate as a whole percentage; "-" when there was nothing to divide by."""
    return "-" if value is None else f"{value:.0%}"


def bar_chart(
    chart_id: str,
    title: str,
    items: Sequence[Tuple[str, Number]],
    value_text: ValueText = _whole,
) -> str:
    """Horizontal bars, one per labelled value, longest bar for the largest value."""
    if not items:
        return _empty(chart_id, title)
    label_width, bar_width, row_height, top = 250, 300, 28, 8
    height = top * 2 + row_height * len(items)
    largest = max(value for _, value in items) or 1
    parts = []
    for index, (name, value) in enumerate(items):
        y = top + index * row_height
        length = max(value / largest * bar_width, 0)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row_height - 8}" '
            f'fill="{BAR_COLOUR}" rx="2"></rect>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 18}">'
            f"{escape(value_text(value))}</text>"
        )
    return _figure(chart_id, title, height, "".join(parts), items, value_text)


def column_chart(
    chart_id: str,
    title: str,
    items: Sequence[Tuple[str, Number]],
    value_text: ValueText = _whole,
) -> str:
    """Vertical columns along a time axis, such as cases per month."""
    if not items:
        return _empty(chart_id, title)
    left, right, top, plot_height = 40, 16, 20, 160
    height = top + plot_height + 40
    slot = (WIDTH - left - right) / len(items)
    column = max(min(slot * 0.7, 48), 2)
    largest = max(value for _, value in items) or 1
    baseline = top + plot_height
    parts = [_axis(left, baseline, WIDTH - right)]
    for index, (name, value) in enumerate(items):
        x = left + index * slot + (slot - column) / 2
        column_height = value / largest * plot_height
        parts.append(
            f'<rect x="{x:.1f}" y="{baseline - column_height:.1f}" width="{column:.1f}" '
            f'height="{column_height:.1f}" fill="{BAR_COLOUR}"></rect>'
            f'<text x="{x + column / 2:.1f}" y="{baseline - column_height - 4:.1f}" '
            f'text-anchor="middle">{escape(value_text(value))}</text>'
        )
        parts.append(_axis_label(name, x + column / 2, baseline + 16, index, len(items)))
    return _figure(chart_id, title, height, "".join(parts), items, value_text)


def line_chart(
    chart_id: str,
    title: str,
    points: Sequence[Tuple[str, Optional[Number]]],
    value_text: ValueText = percent,
) -> str:
    """A 0-100% line along a time axis; a point without a value leaves a gap in the line."""
    if not any(value is not None for _, value in points):
        return _empty(chart_id, title)
    left, right, top, plot_height = 48, 16, 16, 160
    height = top + plot_height + 40
    step = (WIDTH - left - right) / max(len(points), 1)
    baseline = top + plot_height
    parts = []
    for fraction in (0.0, 0.5, 1.0):
        y = baseline - fraction * plot_height
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="{MUTED_COLOUR}" stroke-width="0.5"></line>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{percent(fraction)}</text>'
        )
    segments: List[List[str]] = [[]]
    for index, (name, value) in enumerate(points):
        x = left + index * step + step / 2
        parts.append(_axis_label(name, x, baseline + 16, index, len(points)))
        if value is None:
            segments.append([])
            continue
        y = baseline - min(max(value, 0.0), 1.0) * plot_height
        segments[-1].append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{LINE_COLOUR}">'
            f"<title>{escape(name)}: {escape(value_text(value))}</title></circle>"
        )
    for segment in segments:
        if len(segment) > 1:
            parts.append(
                f'<polyline points="{" ".join(segment)}" fill="none" '
                f'stroke="{LINE_COLOUR}" stroke-width="2.5"></polyline>'
            )
    shown = [(name, value) for name, value in points if value is not None]
    return _figure(chart_id, title, height, "".join(parts), shown, value_text)


def _axis(x1: float, y: float, x2: float) -> str:
    return f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{MUTED_COLOUR}"></line>'


def _axis_label(name: str, x: float, y: float, index: int, count: int) -> str:
    # Long runs of months would overlap: label about a dozen of them and always the last.
    every = max(1, -(-count // 12))
    if index % every and index != count - 1:
        return ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(name)}</text>'


def _figure(
    chart_id: str,
    title: str,
    height: float,
    body: str,
    items: Sequence[Tuple[str, Optional[Number]]],
    value_text: ValueText,
) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(name)}</th><td>{escape(value_text(value))}</td></tr>'
        for name, value in items
        if value is not None
    )
    return (
        f'<figure class="chart" id="{escape(chart_id)}">'
        f'<figcaption id="{escape(chart_id)}-title">{escape(title)}</figcaption>'
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
        f'height="{height:.0f}" role="img" aria-labelledby="{escape(chart_id)}-title" '
        f'font-family="Arial, sans-serif" font-size="12" fill="{TEXT_COLOUR}">'
        f"<title>{escape(title)}</title>{body}</svg>"
        f"<details><summary>Figures behind this chart</summary>"
        f"<table><tbody>{rows}</tbody></table></details></figure>"
    )


def _empty(chart_id: str, title: str) -> str:
    body = (
        f'<text x="{WIDTH / 2:.0f}" y="34" text-anchor="middle" fill="{MUTED_COLOUR}">'
        "Nothing to show for this period yet</text>"
    )
    return _figure(chart_id, title, 60, body, (), _whole)
