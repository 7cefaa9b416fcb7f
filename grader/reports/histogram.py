"""Score histograms as one inline SVG element: a panel per score (the total, each function), ten bins from 0
to the panel's maximum, the number of students on the y axis.

Plain SVG text (paths, lines of text, a tooltip per bar), no plotting library: the class summary is written
at the end of every batch, and drawing it with matplotlib cost more CPU than grading a submission.
"""

from __future__ import annotations

import html
import math

import numpy as np

#: One panel's size and margins, in SVG user units (pixels at 100 %).
PANEL_W, PANEL_H = 260, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 26, 42
BINS = 10
BAR_COLOUR, AXIS_COLOUR = "#4a7ab5", "#444"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _number(value: float) -> str:
    return f"{value:g}"


def bin_counts(scores: list[float], top: float) -> list[int]:
    """How many scores fall in each of BINS equal bins over [0, top] (top counts in the last bin)."""
    counts, _ = np.histogram(np.asarray(scores, dtype=float), bins=BINS, range=(0.0, top or 1.0))
    return [int(c) for c in counts]


def _y_ticks(highest: int) -> list[int]:
    """Integer ticks from 0 to at least highest, at most six of them."""
    step = max(1, math.ceil(highest / 5))
    return list(range(0, highest + step, step))


def _panel(x0: float, title: str, top: float, scores: list[float], y_label: bool) -> str:
    counts = bin_counts(scores, top)
    ticks = _y_ticks(max(counts) or 1)
    width, height = PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM
    left, bottom = x0 + LEFT, TOP + height
    bar_w, scale = width / BINS, height / ticks[-1]
    span = top or 1.0
    parts = [f'<g class="panel" data-counts="{" ".join(map(str, counts))}">',
             f'<text x="{left + width / 2:.1f}" y="{TOP - 9}" text-anchor="middle" font-weight="bold">{_e(title)}</text>']
    for i, count in enumerate(counts):
        if count:
            x, h = left + i * bar_w, count * scale
            low, high = span * i / BINS, span * (i + 1) / BINS
            parts.append(f'<path d="M{x:.1f} {bottom:.1f}h{bar_w:.1f}v{-h:.1f}h{-bar_w:.1f}z" fill="{BAR_COLOUR}" '
                         f'stroke="white"><title>{_number(low)}-{_number(high)} points: {count} '
                         f'student{"s" if count != 1 else ""}</title></path>')
    parts.append(f'<path d="M{left:.1f} {TOP}V{bottom:.1f}H{left + width:.1f}" fill="none" stroke="{AXIS_COLOUR}"/>')
    for tick in ticks:
        y = bottom - tick * scale
        parts.append(f'<path d="M{left - 4:.1f} {y:.1f}h4" stroke="{AXIS_COLOUR}"/>'
                     f'<text x="{left - 7:.1f}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for value in (0.0, span / 2, span):
        x = left + width * value / span
        parts.append(f'<path d="M{x:.1f} {bottom:.1f}v4" stroke="{AXIS_COLOUR}"/>'
                     f'<text x="{x:.1f}" y="{bottom + 16:.1f}" text-anchor="middle">{_number(value)}</text>')
    parts.append(f'<text x="{left + width / 2:.1f}" y="{PANEL_H - 8}" text-anchor="middle">'
                 f'points (max {_number(top)})</text>')
    if y_label:
        parts.append(f'<text transform="translate({x0 + 12} {TOP + height / 2:.1f}) rotate(-90)" '
                     f'text-anchor="middle">students</text>')
    return "".join(parts) + "</g>"


def histograms_svg(panels: list[tuple[str, float, list[float]]]) -> str:
    """One <svg> element with a histogram panel per (title, maximum points, scores), side by side."""
    width = PANEL_W * len(panels)
    body = "".join(_panel(i * PANEL_W, title, top, scores, y_label=i == 0)
                   for i, (title, top, scores) in enumerate(panels))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{PANEL_H}" '
            f'viewBox="0 0 {width} {PANEL_H}" font-family="system-ui, sans-serif" font-size="11" '
            f'role="img" aria-label="score distributions">{body}</svg>')
