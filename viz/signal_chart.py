"""Monthly event series with their trailing-baseline band and alert markers, as SVG text.

For each month the band is the baseline's mean ± 2 standard deviations over the preceding
``window`` months (zeros for months without events, from the series' first month), drawn as a
shaded area with the mean as a dashed line: a bar above the band stands out. Like the signals, the
band starts once 12 months of history precede a month. Months with an
alert carry a ▲ marker whose tooltip is the alert's explanation. Every bar has its month and
count as a tooltip; the ``<desc>`` says in words how many months alerted.

Example:
    >>> svg = series_chart([("2024-01-01", 3), ("2024-02-01", 40)], {"2024-02-01": "surge: 40 vs 3"},
    ...                    title="Events per month")
    >>> svg.startswith("<svg") and "▲" in svg and "surge: 40 vs 3" in svg
    True
    >>> band([1, 1, 1, 10], window=3, minimum=3)[2:]
    [None, (1.0, 1.0, 1.0)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["band", "fill_months", "series_chart"]

_BAR, _BAND, _ALERT = "#33658A", "#D9E4EC", "#B2182B"
_FONT = 'font-family="system-ui, sans-serif"'


def fill_months(points: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """The monthly points with absent months (no events) filled in as zero."""
    if not points:
        return []
    have = dict(points)
    first, last = min(have), max(have)
    out: list[tuple[str, int]] = []
    year, month = int(first[:4]), int(first[5:7])
    while True:
        key = f"{year:04d}-{month:02d}-01"
        out.append((key, int(have.get(key, 0))))
        if key >= last:
            return out
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def band(values: Sequence[int], *, window: int = 24, minimum: int = 12) -> list[tuple[float, float, float] | None]:
    """Per position: (low, mean, high) of the preceding ``window`` values (None with fewer than ``minimum``)."""
    out: list[tuple[float, float, float] | None] = []
    for i in range(len(values)):
        prior = values[max(0, i - window):i]
        if len(prior) < max(minimum, 1):
            out.append(None)
            continue
        mean = sum(prior) / len(prior)
        sd = math.sqrt(sum((v - mean) ** 2 for v in prior) / max(len(prior) - 1, 1))
        out.append((max(0.0, mean - 2 * sd), mean, mean + 2 * sd))
    return out


def series_chart(points: Sequence[tuple[str, int]], alerts: Mapping[str, str], *, title: str,
                 window: int = 24, width: int = 640, height: int = 200) -> str:
    """Bars per month, the baseline band behind them, ▲ above months with an alert."""
    months = fill_months(points)
    if not months:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 50" width="100%" role="img" '
                f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title><desc>no data</desc>'
                f'<text x="10" y="30" {_FONT} font-size="13" fill="#4a5561">No events.</text></svg>')
    values = [v for _, v in months]
    bands = band(values, window=window)
    top = max(max(values), max((b[2] for b in bands if b), default=0.0), 1.0) * 1.1
    left, bottom, pad = 48, 30, 18
    plot_w, plot_h = width - left - 8, height - bottom - pad
    step = plot_w / len(months)

    def y(v: float) -> float:
        return pad + plot_h - plot_h * v / top

    body = [f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - 8}" y2="{y(0):.1f}" stroke="#8a96a3"/>',
            f'<text x="{left - 6}" y="{y(0) + 4:.1f}" {_FONT} font-size="11" text-anchor="end" fill="#4a5561">0</text>',
            f'<text x="{left - 6}" y="{y(top / 1.1) + 4:.1f}" {_FONT} font-size="11" text-anchor="end" '
            f'fill="#4a5561">{top / 1.1:.0f}</text>']
    upper = [(left + step * (i + 0.5), y(b[2])) for i, b in enumerate(bands) if b]
    lower = [(left + step * (i + 0.5), y(b[0])) for i, b in enumerate(bands) if b]
    if upper:
        poly = " ".join(f"{x:.1f},{v:.1f}" for x, v in upper + lower[::-1])
        body.append(f'<polygon points="{poly}" fill="{_BAND}" class="band"><title>baseline mean ± 2 sd over the '
                    f'preceding {window} months</title></polygon>')
        mean = " ".join(f"{left + step * (i + 0.5):.1f},{y(b[1]):.1f}" for i, b in enumerate(bands) if b)
        body.append(f'<polyline points="{mean}" fill="none" stroke="#5b6b7a" stroke-dasharray="4 3"/>')
    bar_w = max(1.5, step * 0.6)
    for i, (month, value) in enumerate(months):
        x = left + step * i + (step - bar_w) / 2
        body.append(f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{bar_w:.1f}" height="{y(0) - y(value):.1f}" '
                    f'fill="{_BAR}" fill-opacity="0.85"><title>{month[:7]}: {value}</title></rect>')
        if month in alerts:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{y(value) - 3:.1f}" {_FONT} font-size="12" '
                        f'text-anchor="middle" fill="{_ALERT}" class="alert-marker">▲<title>{escape(month[:7])}: '
                        f'{escape(alerts[month])}</title></text>')
        if i == 0 or month[5:7] == "01":
            body.append(f'<text x="{left + step * i:.1f}" y="{height - 10}" {_FONT} font-size="11" '
                        f'fill="#4a5561">{month[:7] if i == 0 else month[:4]}</text>')
    desc = (f"{len(months)} months from {months[0][0][:7]} to {months[-1][0][:7]}, at most {max(values)} per month; "
            f"{sum(1 for m, _ in months if m in alerts)} month(s) with an alert")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="{escape(title)}" class="chart series-chart"><title>{escape(title)}</title>'
            f"<desc>{escape(desc)}</desc>" + "".join(body) + "</svg>")
