"""Charts of the statistics report as inline SVG (the HTML summary and the PDF).

Qt-free, no plotting library: a grouped or stacked bar chart is a few rects and texts, and
an SVG string embeds in the offline HTML as it is and paints as vectors in the PDF
(QSvgRenderer).  The dock draws the same series with pyqtgraph.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from models.report_style import UNIT_CLASS_COLOURS

FONT = "'Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','PingFang SC',sans-serif"
STATUS_COLOURS = {"未启动": "#e57373", "整治中": "#ffb74d", "已完成": "#66bb6a"}
CLASS_COLOURS = {c: fill for c, (fill, _stroke) in UNIT_CLASS_COLOURS.items()}
PALETTE = ("#5b8ff9", "#5ad8a6", "#f6bd16", "#e8684a", "#6dc8ec", "#9270ca", "#ff9d4d",
           "#269a99")


def _nice_max(v: float, ticks: int = 4) -> float:
    """The top of the axis: ``ticks`` steps of a round size (1, 2, 5 × 10ⁿ) covering v."""
    if v <= 0:
        return float(ticks)
    raw = v / ticks
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if raw <= m * mag)
    return step * ticks


def stacked_bars(title: str, categories: Sequence[str],
                 series: Sequence[tuple[str, Sequence[float], str]], unit: str = "",
                 width: int = 760, height: int = 300, percent_line: float | None = None,
                 ) -> str:
    """A vertical stacked bar chart: one bar per category, one colour per series.

    Parameters
    ----------
    series : sequence of (label, values, colour)
        Stacked bottom to top; ``values`` has one number per category.
    percent_line : float, optional
        Draw a dashed horizontal line at this value (a target).
    """
    left, right, top, bottom = 56, 12, 34, 64
    legend_h = 20
    plot_w, plot_h = width - left - right, height - top - bottom - legend_h
    totals = [sum(float(s[1][i]) for s in series) for i in range(len(categories))]
    ymax = _nice_max(max(totals + [percent_line or 0.0, 0.0]))
    n = max(len(categories), 1)
    slot = plot_w / n
    bar_w = min(slot * 0.7, 48)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="13" '
           f'font-weight="bold">{escape(title)}</text>']
    for k in range(5):  # grid and y labels
        v = ymax * k / 4
        y = top + plot_h - plot_h * k / 4
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#e0e0e0"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">'
                   f'{v:,.0f}</text>')
    if unit:
        out.append(f'<text x="8" y="{top - 8}" fill="#555">{escape(unit)}</text>')
    for i, cat in enumerate(categories):
        x = left + slot * i + (slot - bar_w) / 2
        base = 0.0
        for label, values, colour in series:
            v = float(values[i])
            if v <= 0:
                continue
            h = plot_h * v / ymax
            y = top + plot_h - plot_h * (base + v) / ymax
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'fill="{colour}"><title>{escape(cat)} · {escape(label)}: {v:,.4g}'
                       f'</title></rect>')
            base += v
        if totals[i] > 0:
            y = top + plot_h - plot_h * totals[i] / ymax
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                       f'font-size="9" fill="#333">{totals[i]:,.4g}</text>')
        cx, cy = x + bar_w / 2, top + plot_h + 12
        out.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="end" '
                   f'transform="rotate(-35 {cx:.1f} {cy:.1f})">{escape(cat)}</text>')
    if percent_line is not None:
        y = top + plot_h - plot_h * percent_line / ymax
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#c62828" stroke-dasharray="6 4" stroke-width="1.5"/>')
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" '
               f'y2="{top + plot_h}" stroke="#888"/>')
    lx, ly = left, height - 10
    for label, _values, colour in series:  # legend along the bottom
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{lx + 14}" y="{ly}">{escape(label)}</text>')
        lx += 24 + 12 * len(label) if any(ord(c) > 0x2E80 for c in label) else 24 + 6.5 * len(label)
    out.append("</svg>")
    return "\n".join(out)


def progress_bars(title: str, rows: Sequence[tuple[str, float | None, float, bool | None]],
                  width: int = 760, row_h: int = 22) -> str:
    """Horizontal bars of measured percentages against their thresholds.

    ``rows``: (label, measured %, threshold %, on track).  A row without a value shows
    "—" and no bar.
    """
    left, right, top = 420, 50, 30
    height = top + row_h * len(rows) + 16
    plot_w = width - left - right
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="13" '
           f'font-weight="bold">{escape(title)}</text>']
    for i, (label, value, threshold, ok) in enumerate(rows):
        y = top + i * row_h
        text = _fit(label, 68)
        out.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{escape(text)}'
                   f'<title>{escape(label)}</title></text>')
        out.append(f'<rect x="{left}" y="{y + 4}" width="{plot_w}" height="{row_h - 8}" '
                   f'fill="#f0f0f0"/>')
        if value is not None:
            colour = "#66bb6a" if ok else "#e57373"
            out.append(f'<rect x="{left}" y="{y + 4}" width="{plot_w * min(value, 100) / 100:.1f}"'
                       f' height="{row_h - 8}" fill="{colour}"/>')
        tx = left + plot_w * threshold / 100
        out.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y + 1}" y2="{y + row_h - 1}" '
                   f'stroke="#c62828" stroke-width="2"/>')
        shown = "—" if value is None else f"{value:.1f}%"
        out.append(f'<text x="{left + plot_w + 6}" y="{y + 14}">{shown}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _fit(label: str, units: int) -> str:
    """``label`` cut to about ``units`` half-width characters (a CJK character is two)."""
    width = 0
    for i, ch in enumerate(label):
        width += 2 if ord(ch) > 0x2E80 else 1
        if width > units:
            return label[:i - 1] + "…"
    return label
