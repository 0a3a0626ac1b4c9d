"""Charts for the country pages as SVG text, built on the server (offline, no JS, no library).

Readable without colour: every bar and point carries its value as text, axes are labelled,
and each chart has a ``<title>`` and ``<desc>`` for screen readers. Text from the data is
escaped. Colours are presentation attributes (no inline CSS), so a strict Content Security
Policy does not hide them.

Example:
    >>> svg = bar_chart([("1994-04", 120), ("1994-05", 30)], title="Fatalities by month")
    >>> svg.startswith("<svg") and "120" in svg and "<title>Fatalities by month</title>" in svg
    True
    >>> "<script>" in hbar_chart([("<script>", 3)], title="x")
    False
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["LEVEL_COLOURS", "LEVEL_NAMES", "bar_chart", "by_month", "by_perpetrator", "hbar_chart", "risk_line"]

# Risk levels 0-3 (none, low, elevated, high), light to dark on one hue plus text.
LEVEL_COLOURS = ["#E8EEF4", "#F6D7A7", "#EE9A4D", "#B2182B"]
LEVEL_NAMES = ["none", "low", "elevated", "high"]
_BAR = "#33658A"
_FONT = 'font-family="system-ui, sans-serif"'


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-label="{escape(title)}" class="chart">'
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>")


def _nice(top: float) -> float:
    if top <= 0:
        return 1.0
    for step in (1, 2, 2.5, 5):
        for power in range(0, 9):
            value = step * 10 ** power
            if value >= top:
                return float(value)
    return float(top)


def bar_chart(points: Sequence[tuple[str, float]], *, title: str, unit: str = "", width: int = 640,
              height: int = 220) -> str:
    """Vertical bars, one per label (e.g. month), value printed above each bar."""
    if not points:
        return _svg(width, 60, title, "no data", [f'<text x="10" y="35" {_FONT} font-size="13" '
                                                  f'fill="#4a5561">No data.</text>'])
    left, bottom, top_pad = 66, 36, 18
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    top = _nice(max(v for _, v in points))
    step = plot_w / len(points)
    bar_w = max(2.0, step * 0.7)
    body = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 10}" y2="{top_pad + plot_h}" stroke="#555"/>']
    for frac in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - frac)
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT} font-size="11" '
                    f'fill="#4a5561">{top * frac:,.0f}</text>')
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e3e7eb"/>')
    every = max(1, len(points) // 12)
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top
        x = left + i * step + (step - bar_w) / 2
        y = top_pad + plot_h - h
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{_BAR}">'
                    f"<title>{escape(label)}: {value:,.0f}{escape(unit)}</title></rect>")
        if len(points) <= 24 and value:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" {_FONT} '
                        f'font-size="10" fill="#1b1f24">{value:,.0f}</text>')
        if i % every == 0:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                        f'{_FONT} font-size="10" fill="#1b1f24">{escape(label)}</text>')
    desc = "; ".join(f"{lab}: {val:,.0f}" for lab, val in points[:60])
    return _svg(width, height, title, desc, body)


def hbar_chart(points: Sequence[tuple[str, float]], *, title: str, width: int = 640) -> str:
    """Horizontal bars with the label on the left and the value on the right (e.g. by perpetrator)."""
    if not points:
        return _svg(width, 60, title, "no data", [f'<text x="10" y="35" {_FONT} font-size="13" '
                                                  f'fill="#4a5561">No data.</text>'])
    row, label_w = 24, 270
    height = row * len(points) + 12
    top = max(v for _, v in points) or 1
    body = []
    for i, (label, value) in enumerate(points):
        y = 6 + i * row
        w = (width - label_w - 90) * value / top
        short = label if len(label) <= 36 else label[:35] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" {_FONT} font-size="12" '
                    f'fill="#1b1f24">{escape(short)}<title>{escape(label)}</title></text>')
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row - 8}" fill="{_BAR}"/>')
        body.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" {_FONT} font-size="12" '
                    f'fill="#1b1f24">{value:,.0f}</text>')
    desc = "; ".join(f"{lab}: {val:,.0f}" for lab, val in points)
    return _svg(width, height, title, desc, body)


def risk_line(points: Sequence[tuple[dt.date, int | None, str]], *, title: str, width: int = 640,
              height: int = 190) -> str:
    """Overall risk (0-3) of each assessment over time: points joined by a line, levels named."""
    pts = [(d, v, lab) for d, v, lab in points if v is not None]
    if not pts:
        return _svg(width, 60, title, "no assessment", [f'<text x="10" y="35" {_FONT} font-size="13" '
                                                        f'fill="#4a5561">No assessment yet.</text>'])
    left, right, top_pad, bottom = 78, 30, 14, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    first, last = pts[0][0].toordinal(), pts[-1][0].toordinal()
    span = max(last - first, 1)
    body = []
    for level, name in enumerate(LEVEL_NAMES):
        y = top_pad + plot_h * (1 - level / 3)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e7eb"/>')
        body.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" {_FONT} font-size="11" '
                    f'fill="#4a5561">{level} {name}</text>')
    coords = []
    for d, v, label in pts:
        x = left + (plot_w * (d.toordinal() - first) / span if len(pts) > 1 else plot_w / 2)
        y = top_pad + plot_h * (1 - int(v) / 3)
        coords.append((x, y, d, int(v), label))
    body.append('<polyline fill="none" stroke="#1b1f24" stroke-width="2" points="'
                + " ".join(f"{x:.1f},{y:.1f}" for x, y, *_ in coords) + '"/>')
    for x, y, d, v, label in coords:
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{LEVEL_COLOURS[v]}" stroke="#1b1f24" '
                    f'stroke-width="1.5"><title>{escape(label)}: {v} ({LEVEL_NAMES[v]})</title></circle>')
        body.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" {_FONT} font-size="11" '
                    f'fill="#1b1f24">{d.isoformat()[:7]}</text>')
    desc = "; ".join(f"{d.isoformat()}: {v} ({LEVEL_NAMES[v]})" for _, _, d, v, _ in coords)
    return _svg(width, height, title, desc, body)


def by_month(events: Iterable[Mapping[str, Any]]) -> list[tuple[str, float]]:
    """Fatalities per month (YYYY-MM), every month between the first and last shown."""
    sums: dict[str, float] = defaultdict(float)
    for e in events:
        if e.get("date"):
            sums[str(e["date"])[:7]] += float(e.get("fatalities") or 0)
    if not sums:
        return []
    months = sorted(sums)
    y, m = int(months[0][:4]), int(months[0][5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= months[-1]:
        key = f"{y:04d}-{m:02d}"
        out.append((key, sums.get(key, 0.0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def by_perpetrator(events: Iterable[Mapping[str, Any]], names: Mapping[str, str],
                   top: int = 10) -> list[tuple[str, float]]:
    """Fatalities per perpetrator (an event with several counts for each), largest first."""
    sums: dict[str, float] = defaultdict(float)
    for e in events:
        for a in e.get("actors") or ["(unattributed)"]:
            sums[a] += float(e.get("fatalities") or 0)
    ranked = sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
    out = [(names.get(a, a), v) for a, v in ranked[:top]]
    rest = sum(v for _, v in ranked[top:])
    if rest:
        out.append((f"{len(ranked) - top} others", rest))
    return out
