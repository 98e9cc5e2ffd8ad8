"""A stacked bar chart as inline SVG, drawn on the server so no chart library or CDN is needed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html import escape

from markupsafe import Markup

COLOURS = {
    "pii": "#c0392b",
    "secret": "#8e44ad",
    "term": "#d35400",
    "typo": "#2980b9",
    "format": "#16a085",
    "metadata": "#7f8c8d",
}
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 40, 40, 20


def stacked_bars(weeks: list[tuple[dt.date, Counter[str]]], labels: dict[str, str]) -> Markup:
    """Weeks left to right, one coloured block per category group; every text is escaped."""
    peak = max((sum(c.values()) for _, c in weeks), default=0) or 1
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 10) / max(len(weeks), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 30}" role="img" '
        f'class="chart" aria-label="各类问题数量（按周）">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 10}" y2="{TOP + plot_h}" stroke="#999"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, (week, counts) in enumerate(weeks):
        x = LEFT + i * slot + slot * 0.15
        y = TOP + plot_h
        for group, colour in COLOURS.items():
            n = counts.get(group, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            title = escape(f"{week:%m-%d} 当周 {labels.get(group, group)}：{n}")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{title}</title></rect>"
            )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
            f'font-size="11">{week:%m-%d}</text>'
        )
    for i, (group, colour) in enumerate(COLOURS.items()):
        lx = LEFT + i * 95
        parts.append(f'<rect x="{lx}" y="{HEIGHT + 8}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="{HEIGHT + 18}" font-size="12">{escape(labels.get(group, group))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
