"""What the two maps draw: the watch-list map of countries and a country's map of events.

Both maps are drawn in the browser (``api/static/pages/maps.js``) from vendored Natural Earth
shapes (``world-atlas`` ``countries-110m.json``); this module turns rows of the named queries
into the plain data they draw, so every colour, size, label and count is decided here and tested
without a browser.

- **Shape keys.** A world-atlas country is keyed by its ISO 3166-1 numeric code (``"646"`` for
  Rwanda). Kosovo has no ISO numeric code (the vocabulary gives it the user-assigned alpha-3
  ``XKX``) and Natural Earth's feature for it carries no id, only its name, so it is keyed by that
  name (``"name:Kosovo"``, :data:`UNNUMBERED`). The browser keys features the same way.
- **Watch-list map** (:func:`watchlist_map`): one entry per country of ``map_country_levels``
  with its fill (the risk level's colour, the same as the watch-list table), hover text (name,
  level, trend, EWP score and rank) and the link to its page; the four monitored regions as lists
  of shape keys to outline.
- **Country map** (:func:`event_points`, :func:`grid_points`, :func:`alert_marks`): one mark per
  event, coloured by its main event category (:data:`CATEGORY_STYLES`, in the order of
  :func:`main_category`) and sized by fatalities (area proportional to deaths); above
  :data:`MAX_POINTS` located events, one mark per grid cell (:func:`grid_cell`) holding the
  cell's events, coloured by its most frequent category. The map says how many events it shows
  and how (:func:`shown_text`).

Example:
    >>> shape_key("646", "RWA"), shape_key(None, "XKX"), shape_key("70", "BIH")
    ('646', 'name:Kosovo', '070')
    >>> main_category(["political-violence", "battles", "violence-against-civilians"])
    'violence-against-civilians'
    >>> radius(0, 100), radius(100, 100), radius(25, 100)
    (3.0, 18.0, 10.5)
    >>> grid_cell(32.0, 37.5, 35.5, 42.5)  # a 5.5 x 7 degree box: cells of 0.18 degrees
    18
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from viz.charts import LEVEL_COLOURS

__all__ = [
    "CATEGORY_STYLES", "GRID_SIDE", "LEVEL_NAMES", "MAX_ALERTS", "MAX_POINTS", "MONITORED_REGIONS", "NO_LEVEL",
    "UNNUMBERED", "CategoryStyle", "alert_marks", "category_legend", "event_points", "grid_cell", "grid_points",
    "level_legend", "main_category", "radius", "shape_key", "shown_text", "watchlist_map",
]

MAX_POINTS = 1500  # marks a country map draws at most; above it, events are counted per grid cell
GRID_SIDE = 40  # the grid has at most this many cells along the longer side of the events' box
MAX_ALERTS = 200  # alert marks a country map draws at most (the newest)
MIN_RADIUS, MAX_RADIUS = 3.0, 18.0  # pixels, for no deaths and for the deadliest mark
LEVEL_NAMES = ("none", "low", "elevated", "high")
NO_LEVEL = "#FFFFFF"  # fill of a country with no published assessment (the table's "not assessed")
# Countries Natural Earth draws without an ISO numeric code, by the vocabulary's alpha-3 code.
UNNUMBERED = {"XKX": "Kosovo"}
# The four regions the team monitors (vocabulary ids); outlined on the watch-list map.
MONITORED_REGIONS = ("region/great-lakes", "region/balkans", "region/central-asia", "region/middle-east")


@dataclass(frozen=True)
class CategoryStyle:
    """Colour and legend label of an event category (codes of ``loaders.event_mapping``)."""

    code: str
    label: str
    colour: str


# In priority order: an event in several categories is drawn in the first of them, so the most
# specific atrocity-relevant category wins (sexual violence before violence against civilians,
# either before the broad "political violence"). Okabe-Ito and Paul Tol colour-blind-safe colours.
CATEGORY_STYLES: tuple[CategoryStyle, ...] = (
    CategoryStyle("sexual-violence", "Sexual violence", "#882255"),
    CategoryStyle("abduction", "Abduction, disappearance", "#AA4499"),
    CategoryStyle("violence-against-civilians", "Violence against civilians", "#D55E00"),
    CategoryStyle("remote-violence", "Explosions, remote violence", "#0072B2"),
    CategoryStyle("battles", "Battles", "#E69F00"),
    CategoryStyle("repression", "Repression of protest, arrests", "#56B4E9"),
    CategoryStyle("riots", "Riots", "#009E73"),
    CategoryStyle("protests", "Protests", "#F0E442"),
    CategoryStyle("strategic-developments", "Strategic developments", "#999933"),
    CategoryStyle("civilian-targeting", "Other civilian targeting", "#CC6677"),
    CategoryStyle("political-violence", "Other political violence", "#44AA99"),
)
OTHER = CategoryStyle("other", "Other events", "#777777")
_STYLE = {s.code: s for s in (*CATEGORY_STYLES, OTHER)}
_RANK = {s.code: i for i, s in enumerate(CATEGORY_STYLES)}


# ------------------------------------------------------------------------------ watch-list map
def shape_key(iso_numeric: str | int | None, notation: str | None) -> str | None:
    """The key of a country's world-atlas shape: its ISO numeric code (three digits) or, for a
    country without one that Natural Earth draws (Kosovo), ``name:`` and the shape's name."""
    if iso_numeric not in (None, ""):
        return f"{int(iso_numeric):03d}"
    name = UNNUMBERED.get(str(notation or ""))
    return f"name:{name}" if name else None


def _level_text(level: int | None) -> str:
    return "not assessed" if level is None else f"risk {level} · {LEVEL_NAMES[level]}"


def _trend_text(trend: str | None) -> str:
    marks = {"rising": "▲ rising", "falling": "▼ falling", "stable": "► stable"}
    return marks.get(str(trend), str(trend)) if trend else ""


def _score_text(row: Mapping[str, Any]) -> str:
    if row.get("score_risk") is None:
        return "no EWP score"
    rank = f" (rank {row['score_rank']})" if row.get("score_rank") else ""
    return f"EWP score {float(row['score_risk']) * 100:.1f}%{rank}, {row['scored_on']}"


def level_legend() -> list[dict[str, str]]:
    """Legend entries of the watch-list map: the four levels and "not assessed"."""
    return [*({"label": f"{v} · {LEVEL_NAMES[v]}", "colour": LEVEL_COLOURS[v]} for v in range(4)),
            {"label": "not assessed", "colour": NO_LEVEL}]


def watchlist_map(rows: Iterable[Mapping[str, Any]], *, country_url: str = "/countries/") -> dict[str, Any]:
    """The watch-list map from ``map_country_levels`` rows.

    ``countries`` maps shape keys to fill, hover text and link; countries the map cannot key
    (no ISO numeric code and no Natural Earth shape) are listed in ``unmapped``. ``regions``
    lists the monitored regions with the keys of their countries (to outline).

    >>> m = watchlist_map([{"country": "country/RWA", "notation": "RWA", "iso_numeric": "646", "name": "Rwanda",
    ...     "region": "region/great-lakes", "region_name": "Great Lakes", "monitored": True, "overall_risk": 3,
    ...     "risk_trend": "rising", "assessed_on": "1994-04-01", "score_risk": 0.25, "score_rank": 2,
    ...     "scored_on": "2025-09-03"}])
    >>> m["countries"]["646"]["fill"], m["countries"]["646"]["href"]
    ('#B2182B', '/countries/RWA')
    >>> m["countries"]["646"]["title"]
    'Rwanda (RWA) · risk 3 · high · ▲ rising · EWP score 25.0% (rank 2), 2025-09-03 · monitored'
    >>> [(r["name"], r["keys"]) for r in m["regions"]]
    [('Great Lakes', ['646'])]
    """
    countries: dict[str, dict[str, Any]] = {}
    unmapped: list[str] = []
    regions: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = shape_key(r.get("iso_numeric"), r.get("notation"))
        if key is None:
            unmapped.append(str(r["country"]))
            continue
        level = r.get("overall_risk")
        parts = [f"{r['name']} ({r['notation']})", _level_text(level), _trend_text(r.get("risk_trend")),
                 _score_text(r), "monitored" if r.get("monitored") else ""]
        countries[key] = {
            "country": r["country"], "iso3": r["notation"], "name": r["name"], "level": level,
            "trend": r.get("risk_trend"), "score": r.get("score_risk"), "rank": r.get("score_rank"),
            "monitored": bool(r.get("monitored")), "region": r.get("region"),
            "fill": NO_LEVEL if level is None else LEVEL_COLOURS[int(level)],
            "title": " · ".join(p for p in parts if p), "href": f"{country_url}{r['notation']}",
            # countries the team follows (monitored or assessed) frame the map
            "focus": bool(r.get("monitored")) or level is not None,
        }
        if r.get("region") in MONITORED_REGIONS:
            region = regions.setdefault(str(r["region"]), {"id": r["region"], "name": r["region_name"], "keys": []})
            region["keys"].append(key)
    ordered = [regions[i] for i in MONITORED_REGIONS if i in regions]
    return {"countries": countries, "regions": ordered, "unmapped": sorted(unmapped), "legend": level_legend()}


# ------------------------------------------------------------------------------ country map
def main_category(codes: Iterable[str]) -> str:
    """The category an event in ``codes`` is drawn in (the first in :data:`CATEGORY_STYLES`)."""
    known = [c for c in codes if c in _RANK]
    return min(known, key=_RANK.__getitem__) if known else OTHER.code


def radius(fatalities: int, largest: int) -> float:
    """Mark radius in pixels: area proportional to deaths, from :data:`MIN_RADIUS` to :data:`MAX_RADIUS`."""
    if largest <= 0 or fatalities <= 0:
        return MIN_RADIUS
    return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(min(fatalities, largest) / largest), 1)


def grid_cell(min_lat: float, max_lat: float, min_lon: float, max_lon: float, side: int = GRID_SIDE) -> int:
    """Side of a grid cell in hundredths of a degree so that the box spans at most ``side`` cells
    along its longer side (at least one hundredth)."""
    span = max(max_lat - min_lat, max_lon - min_lon, 0.0)
    return max(1, math.ceil(span * 100 / side))


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value or "")


def _mark_text(events: int, deaths: int, first: Any, last: Any, what: str, where: str) -> str:
    period = _day(first) if first == last else f"{_day(first)} to {_day(last)}"
    count = "1 event" if events == 1 else f"{events:,} events"
    return f"{count} · {deaths:,} deaths · {period} · {what}{f' · {where}' if where else ''}"


def event_points(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One mark per ``map_event_points`` row (each with its ``categories``), the deadliest drawn last."""
    largest = max((int(r["fatalities"] or 0) for r in rows), default=0)
    marks = []
    for r in rows:
        style = _STYLE[main_category(r.get("categories") or [])]
        deaths = int(r["fatalities"] or 0)
        kind = " / ".join(str(x) for x in (r.get("event_type"), r.get("sub_event_type")) if x)
        where = ", ".join(str(x) for x in dict.fromkeys((r.get("place"), r.get("area"))) if x)
        marks.append({
            "id": r["event"], "lat": float(r["latitude"]), "lon": float(r["longitude"]), "events": 1,
            "fatalities": deaths, "category": style.code, "colour": style.colour, "r": radius(deaths, largest),
            "date": _day(r.get("date")), "dataset": r.get("dataset"),
            "title": _mark_text(1, deaths, r.get("date"), r.get("date"), f"{style.label} ({kind})" if kind
                                else style.label, f"{where} · {r.get('dataset') or ''}".strip(" ·")),
        })
    marks.sort(key=lambda m: (m["fatalities"], m["date"]))
    return marks


def grid_points(rows: Iterable[Mapping[str, Any]], cell: int,
                limit: int = MAX_POINTS) -> tuple[list[dict[str, Any]], int]:
    """One mark per grid cell of ``map_event_grid`` rows (each with its ``categories``), at the
    events' mean position (from the rows' sums of millionths of a degree), coloured by the cell's
    most frequent category; at most ``limit`` cells (those with most events). Returns the marks
    and the number of cells found."""
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for r in rows:
        key = (int(r["cell_y"]), int(r["cell_x"]))
        c = cells.setdefault(key, {"events": 0, "deaths": 0, "lat": 0.0, "lon": 0.0, "first": None, "last": None,
                                   "by": defaultdict(int), "datasets": set()})
        n = int(r["events"])
        c["events"] += n
        c["deaths"] += int(r["fatalities"] or 0)
        c["lat"] += float(r["latitude_micro"]) / 1e6  # sums of millionths of a degree (exact)
        c["lon"] += float(r["longitude_micro"]) / 1e6
        c["first"] = min(x for x in (c["first"], r["first_date"]) if x is not None)
        c["last"] = max(x for x in (c["last"], r["last_date"]) if x is not None)
        c["by"][main_category(r.get("categories") or [])] += n
        c["datasets"].update(d for d in r.get("datasets") or [] if d)
    kept = sorted(cells.items(), key=lambda kv: (-kv[1]["events"], kv[0]))[:limit]
    largest = max((c["deaths"] for _, c in kept), default=0)
    degrees = cell / 100
    marks = []
    for (y, x), c in kept:
        ranked = sorted(c["by"].items(), key=lambda kv: (-kv[1], _RANK.get(kv[0], len(_RANK))))
        style = _STYLE[ranked[0][0]]
        mix = ", ".join(f"{_STYLE[k].label} {v:,}" for k, v in ranked[:3])
        marks.append({
            "id": f"cell/{y}/{x}", "lat": round(c["lat"] / c["events"], 5), "lon": round(c["lon"] / c["events"], 5),
            "events": c["events"], "fatalities": c["deaths"], "category": style.code, "colour": style.colour,
            "r": radius(c["deaths"], largest), "date": _day(c["last"]), "dataset": ", ".join(sorted(c["datasets"])),
            "title": _mark_text(c["events"], c["deaths"], c["first"], c["last"], f"mostly {mix}",
                                f"grid cell of {degrees:g}° · {', '.join(sorted(c['datasets']))}".strip(" ·")),
        })
    marks.sort(key=lambda m: (m["fatalities"], m["events"]))
    return marks, len(cells)


def _mean(micro_sum: float | None, count: int) -> float | None:
    """Mean position in degrees from a sum of millionths of a degree over ``count`` places."""
    return None if micro_sum is None or count == 0 else round(float(micro_sum) / count / 1e6, 6)


def alert_marks(rows: Iterable[Mapping[str, Any]], limit: int = MAX_ALERTS) -> tuple[list[dict[str, Any]], int]:
    """Alert marks (at the mean position of their located evidence) and the number of alerts in the
    window; alerts without a located event are kept, without a position, for the list beside the map."""
    found = list(rows)
    marks = []
    for r in found[:limit]:
        located = int(r.get("located_events") or 0)
        period = _day(r.get("period_start"))[:7]
        strength = f", strength {float(r['strength']):.2f}" if r.get("strength") is not None else ""
        explanation = str(r.get("explanation") or "").strip().rstrip(".")
        explanation = f"{explanation}. " if explanation else ""
        marks.append({
            "id": r["alert"], "kind": r["kind"], "period": period, "status": r.get("status"),
            "lat": _mean(r.get("latitude_micro"), located), "lon": _mean(r.get("longitude_micro"), located),
            "title": f"Alert {period}: {r['kind']} ({r.get('slice') or '*'}){strength}, {r.get('status')}. "
                     f"{explanation}Based on {int(r.get('evidence_events') or 0)} event(s), "
                     f"{int(r.get('located_events') or 0)} located.",
        })
    return marks, len(found)


def category_legend(marks: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Legend entries for the categories the marks use, in :data:`CATEGORY_STYLES` order."""
    used = {m["category"] for m in marks}
    return [{"code": s.code, "label": s.label, "colour": s.colour} for s in (*CATEGORY_STYLES, OTHER)
            if s.code in used]


def shown_text(*, events: int, located: int, shown: int, grid: int | None = None, cells: int = 0) -> str:
    """What the map shows, in words.

    >>> shown_text(events=10, located=8, shown=8)
    'Showing all 8 located events (2 of 10 have no coordinates and are not drawn).'
    >>> shown_text(events=20000, located=20000, shown=1500, grid=25, cells=1800)
    'Showing 20,000 located events as 1,500 grid cells of 0.25° (the 1,500 busiest of 1,800 cells).'
    >>> shown_text(events=0, located=0, shown=0)
    'No events in this period.'
    """
    def many(n: int, word: str) -> str:
        return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"

    if events == 0:
        return "No events in this period."
    unlocated = events - located
    tail = f" ({unlocated:,} of {events:,} have no coordinates and are not drawn)" if unlocated else ""
    if grid is None:
        head = f"Showing all {many(located, 'located event')}" if shown == located else \
            f"Showing {shown:,} of {many(located, 'located event')}"
        return f"{head}{tail}."
    busiest = f"the {shown:,} busiest of {cells:,} cells" if cells > shown else ""
    extra = "; ".join(x for x in (busiest, tail.strip(" ()")) if x)
    return (f"Showing {many(located, 'located event')} as {many(shown, 'grid cell')} of {grid / 100:g}°"
            f"{f' ({extra})' if extra else ''}.")
