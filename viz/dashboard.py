"""What the watch-list and the country dashboard show, gathered with named queries.

Everything returned is plain data (dicts, lists, SVG text) for the page templates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from graph.base import GraphStore
from queries import execute
from viz.charts import bar_chart, by_month, by_perpetrator, hbar_chart, risk_line
from viz.network import View, build_view
from viz.style import role_property
from viz.subgraphs import UnknownNode, country_network, event_rows
from viz.timeline import slider
from viz.vocab import categories, risk_factors, stages

__all__ = ["ASSESSED_ONLY", "MONITORED_ELSEWHERE", "country_dashboard", "country_id", "heading", "watchlist"]

MONITORED_ELSEWHERE = "Monitored, outside the four regions"
ASSESSED_ONLY = "Assessed, not on the monitored list"


def _rows(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    return execute(store, name, {k: v for k, v in params.items() if v is not None}).dicts()


def country_id(code: str) -> str:
    """``RWA``, ``rwa`` or ``country/RWA`` → ``country/RWA``."""
    code = code.strip()
    return code if code.startswith("country/") else f"country/{code.upper()}"


def _next_trigger(store: GraphStore, country: str, assessed_on: dt.date | None,
                  today: dt.date) -> dict[str, Any] | None:
    for day, note in ((today, ""), (assessed_on, "as anticipated by the latest assessment")):
        if day is None:
            continue
        found = [r for r in _rows(store, "upcoming_triggers", today=day, months=24) if r["country"] == country]
        if found:
            return {**found[0], "note": note}
    return None


def heading(row: dict[str, Any]) -> str | None:
    """The watch-list heading of a ``country_overview`` row, or None when the country is not on it.

    The one definition of "monitored" is the country's own ``monitored`` flag, the field the API
    returns (``/api/v1/countries?monitored=true``, the maps); a region only groups: a monitored
    country outside the four regions (Myanmar) is still monitored.

    >>> heading({"monitored": True, "region_name": None, "assessment": "assessment/MMR-2017-09"})
    'Monitored, outside the four regions'
    >>> heading({"monitored": False, "region_name": "Western Balkans", "assessment": "assessment/X"})
    'Assessed, not on the monitored list'
    >>> heading({"monitored": False, "region_name": None, "assessment": None}) is None
    True
    """
    if row["monitored"]:
        return str(row["region_name"] or MONITORED_ELSEWHERE)
    return ASSESSED_ONLY if row["assessment"] else None


def watchlist(store: GraphStore, *, today: dt.date | None = None) -> dict[str, Any]:
    """Monitored countries by region (and assessed ones outside the monitored list).

    Each row: country, name, region, overall risk and trend of the latest published
    assessment, the latest statistical score and rank, the next anticipated trigger.
    """
    today = today or dt.date.today()
    rows = _rows(store, "country_overview", as_of=today)
    rising = {r["country"]: r for r in _rows(store, "risk_watchlist", as_of=today)}
    regions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        region = heading(r)
        if region is None:
            continue
        r = dict(r)
        r["rising"] = rising.get(r["country"])
        r["next_trigger"] = _next_trigger(store, r["country"], r["assessed_on"], today) if r["assessment"] else None
        regions[region].append(r)
    for members in regions.values():
        members.sort(key=lambda r: (-(r["overall_risk"] if r["overall_risk"] is not None else -1),
                                    -(r["score_risk"] or 0.0), r["name"]))
    last = {MONITORED_ELSEWHERE: 1, ASSESSED_ONLY: 2}
    ordered = sorted(regions.items(), key=lambda kv: (last.get(kv[0], 0), kv[0]))
    assessed = sum(1 for r in rows if r["assessment"])
    return {"regions": ordered, "assessed": assessed, "headings": {r["country"]: heading(r) for r in rows},
            "elsewhere": MONITORED_ELSEWHERE, "assessed_only": ASSESSED_ONLY,
            "monitored": sum(1 for r in rows if r["monitored"]),
            "overdue": _rows(store, "monitoring_cadence", today=today, include_never=False)}


def _matrix(store: GraphStore, country: str, assessments: list[dict[str, Any]]) -> dict[str, Any]:
    """Risk factors × assessments (oldest first): level, trend and rationale per cell."""
    columns = sorted(assessments, key=lambda a: (a["date"], a["assessment"]))
    cells: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for a in columns:
        profile = _rows(store, "country_risk_profile", country=country, as_of=a["date"], include_drafts=True)
        for r in profile:
            if r["section"] == "risk-factor" and r["assessment"] == a["assessment"]:
                cells[r["item"]][a["assessment"]] = {"level": r["level"], "trend": r["trend"], "text": r["text"]}
    rows = [{"id": rf.id, "code": rf.code, "name": rf.label, "definition": rf.definition,
             "cells": [cells.get(rf.id, {}).get(a["assessment"]) for a in columns]} for rf in risk_factors()]
    return {"columns": columns, "rows": rows}


def _continuum(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Response options per stage of the continuum of steps (an option may sit in several)."""
    names = {c.code: c.label for c in categories()}
    out = []
    for stage in stages():
        here = [{**o, "category_names": [names.get(c, c) for c in o["categories"] or []]}
                for o in options if stage.code in (o["stages"] or [])]
        out.append({"code": stage.code, "label": stage.label, "definition": stage.definition, "options": here})
    return out


def country_dashboard(store: GraphStore, code: str, *, today: dt.date | None = None,
                      as_of: dt.date | None = None) -> dict[str, Any]:
    """Everything the country dashboard shows, as of a day (assessments, score and events up to it);
    raises :class:`UnknownNode` for an unknown country."""
    until = as_of  # events up to it (all when not given)
    today = as_of or today or dt.date.today()
    country = country_id(code)
    overview = _rows(store, "country_overview", country=country, as_of=today)
    if not overview:
        raise UnknownNode(f"no country with id {country}", {"id": country})
    info = overview[0]
    assessments = [a for a in _rows(store, "assessment_list", country=country) if a["date"] <= today]
    published = [a for a in assessments if a["status"] == "published"]
    latest = published[0] if published else (assessments[0] if assessments else None)
    as_of = latest["date"] if latest else today
    profile = _rows(store, "country_risk_profile", country=country, as_of=as_of, include_drafts=latest is not None
                    and latest["status"] != "published")
    overall = next((r for r in profile if r["section"] == "overall"), None)
    perpetrators = _rows(store, "perpetrators_in_country", country=country, as_of=as_of)
    groups: dict[str, dict[str, Any]] = {}
    for r in _rows(store, "victim_groups_at_risk", country=country, as_of=as_of):
        g = groups.setdefault(r["victim_group"], {**r, "threats": []})
        if r["actor"]:
            g["threats"].append({"actor": r["actor"], "name": r["actor_name"], "confidence": r["confidence"]})
    triggers = [r for r in _rows(store, "upcoming_triggers", today=as_of, months=36) if r["country"] == country]
    recommendations = [r for r in _rows(store, "recommendations_by_addressee_status", country=country)
                       if r["date"] is None or r["date"] <= today]
    if latest:
        recommendations = [r for r in recommendations if r["assessment"] == latest["assessment"]] or recommendations
    options = _rows(store, "response_options_for_country", country=country, as_of=as_of) if published else []
    events, cut = event_rows(store, country=country, date_to=until)
    actors = {r["actor"]: r["name"] for r in _rows(store, "actor_search")}
    # the day asked for (events in the year up to it), else the latest assessment (events up to it)
    graph = country_network(store, country, as_of=until or as_of,
                            events_from=until - dt.timedelta(days=365) if until else None)
    # the query collects roles and naming assessments in no set order: sorted, the page reads the same
    # on every backend and after every reload
    operating = [{**r, "roles": sorted(r["roles"] or []), "assessments": sorted(r["assessments"] or [])}
                 for r in _rows(store, "actor_search", country=country)]
    empty = (f"No relationships between actors operating in {info['name']} are recorded "
             "(the actors are listed above)." if operating else
             "No actors or victim groups are recorded for this country yet.")
    view: View = build_view(graph, title=f"{info['name']}: actors and victim groups",
                            subtitle=(f"As of {until.isoformat()}; events in the year up to it" if until
                                      else f"As of {as_of.isoformat()}" if latest else ""),
                            empty_message=empty)
    line = risk_line([(a["date"], a["overall_risk"], a["name"] or a["assessment"])
                      for a in sorted(assessments, key=lambda a: a["date"])],
                     title=f"Overall risk across assessments, {info['name']}")
    return {
        "country": country, "as_of": until, "info": info, "latest": latest, "overall": overall,
        "assessments": assessments,
        "matrix": _matrix(store, country, assessments),
        "indicators": [r for r in profile if r["section"] == "indicator"],
        "perpetrators": perpetrators, "groups": list(groups.values()), "triggers": triggers,
        "recommendations": recommendations, "options": options, "events": events, "events_cut": cut,
        "fatalities": sum(int(e["fatalities"] or 0) for e in events), "actor_names": actors,
        "operating": operating,
        "charts": {"risk": line,
                   "months": bar_chart(by_month(events), title=f"Fatalities by month, {info['name']}",
                                       unit=" deaths"),
                   "perpetrators": hbar_chart(by_perpetrator(events, actors),
                                              title=f"Fatalities by perpetrator, {info['name']}")},
        "continuum": _continuum(options),
        "view": view,
        "slider": slider(view.as_dict(), until or (latest["date"] if latest else None),
                         also=[a.get("date") for a in assessments]),
        "perpetrator_role": next((r for r in role_property()[1] if "perpetrator" in r), ""),
    }
