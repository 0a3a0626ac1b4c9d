"""What the pages show of early warning: per-category monthly charts with baseline bands and alert
markers, the alert list with its evidence, and the watch-list's review status, from named queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from graph.base import GraphStore
from queries import execute
from viz.signal_chart import series_chart

__all__ = ["CHARTED", "country_signals", "review_status", "shown_until"]

# Series charted on the dashboard, in this order, when the country has them.
CHARTED = (("all", "*", "All events"), ("category", "violence-against-civilians", "Violence against civilians"),
           ("category", "civilian-targeting", "Events targeting civilians"), ("category", "battles", "Battles"),
           ("category", "remote-violence", "Explosions and remote violence"),
           ("category", "sexual-violence", "Sexual violence"), ("category", "abduction", "Abductions"))
SHOWN_ALERTS = 30
SHOWN_EVIDENCE = 5


def _rows(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    return execute(store, name, params).dicts()


def country_signals(store: GraphStore, country: str, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Charts and alerts of one country (``country/XXX``); with ``as_of``, only the periods that start
    on or before it (an alert's status is its present one: statuses keep no history)."""
    alerts = [a for a in _rows(store, "alerts_list", country=country)
              if as_of is None or a["period_start"] <= as_of]
    until = {"date_to": as_of} if as_of else {}
    marks: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for a in alerts:
        if a["kind"] in ("surge", "civilian-share", "mass-fatality", "spread", "new-actor", "new-group"):
            slice_key = ("all", "*") if a["kind"] in ("mass-fatality", "spread", "new-actor", "new-group") \
                else (a["dimension"], a["slice"])
            marks[slice_key].setdefault(a["period_start"].isoformat(), a["explanation"])
    charts = []
    for dimension, key, label in CHARTED:
        points = _rows(store, "country_signals", country=country, dimension=dimension, slice="" if key == "*" else key,
                       **until)
        if not points:
            continue
        series = [(p["period_start"].isoformat(), int(p["events"])) for p in points if p["slice"] == key]
        extra = marks.get((dimension, key), {})
        if dimension == "category" and key == "civilian-targeting":
            extra = {**extra, **marks.get(("category", "civilian-targeting"), {})}
        charts.append({"key": key, "label": label,
                       "svg": series_chart(series, extra, title=f"{label} per month, with the 24-month baseline band")})
    shown = []
    for a in alerts[:SHOWN_ALERTS]:
        evidence = execute(store, "alert_evidence", {"alert": a["alert"]}, limit=SHOWN_EVIDENCE).dicts()
        shown.append({**a, "evidence": evidence})
    area_points = _rows(store, "country_signals", country=country, dimension="admin1", **until)
    return {"charts": charts, "alerts": shown, "alert_count": len(alerts),
            "new_alerts": sum(1 for a in alerts if a["status"] == "new"),
            "areas": len({p["slice"] for p in area_points})}


def review_status(store: GraphStore, *, today: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """Per country with alerts: alerts since its latest assessment, new ones, strongest, due or not."""
    rows = _rows(store, "review_due", today=today or dt.date.today())
    return {r["country"]: r for r in rows}


def shown_until(found: dict[str, Any], as_of: dt.date | None) -> dict[str, Any]:
    """A country's event coverage (:func:`loaders.early_warning.coverage`) with a word on what a page
    shown ``as_of`` a day leaves out.

    >>> shown_until({"last_event": dt.date(2019, 12, 31), "message": "10 events."}, dt.date(2018, 1, 1))["message"]
    '10 events. Shown as of 2018-01-01: the periods, alerts and events after it are left out.'
    """
    last = found.get("last_event")
    if as_of is None or last is None or last <= as_of:
        return found
    return {**found, "message": f"{found['message']} Shown as of {as_of}: the periods, alerts and events after it "
                                "are left out."}
