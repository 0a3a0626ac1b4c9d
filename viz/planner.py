"""The response planner: the situation → options ordered for it (score terms, matched levers,
lessons) → leverage chains over each perpetrator with their paths and sources; and the plan as
a Markdown briefing.

The ordering, matching and scores come from :func:`queries.planning.plan_responses` (see its
docstring and docs/pages.md); the plan is made as of the country's latest published
assessment (on or before ``as_of`` when given), so the situation is the one that assessment faced.

Example:
    >>> md = plan_markdown({"title": "Plan for <X>", "subject": "x", "as_of": None, "risks": [],
    ...                     "options": [], "perpetrators": [], "min_level": 2, "situation": None,
    ...                     "stage": ""})
    >>> md.splitlines()[0]
    '# Plan for <X>'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.base import GraphStore
from queries import execute
from queries.planning import plan_responses
from viz.dashboard import country_id
from viz.subgraphs import UnknownNode
from viz.vocab import stages

__all__ = ["plan", "plan_markdown"]


def _rows(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    return execute(store, name, {k: v for k, v in params.items() if v is not None}).dicts()


def _latest(store: GraphStore, country: str, as_of: dt.date | None) -> dict[str, Any] | None:
    found = [a for a in _rows(store, "assessment_list", country=country)
             if a["status"] == "published" and (as_of is None or a["date"] <= as_of)]
    return found[0] if found else None


def plan(store: GraphStore, *, country: str = "", victim_group: str = "", min_level: int = 2,
         stage: str = "", as_of: dt.date | None = None) -> dict[str, Any]:
    """A response plan for a country, or for a victim group (through the countries it lives in),
    from the latest published assessment (on or before ``as_of`` when given).

    Raises:
        UnknownNode: the country or victim group does not exist.
    """
    threatening: set[str] | None = None
    if victim_group:
        threats = _rows(store, "victim_group_threats", victim_group=victim_group, as_of=as_of)
        if not threats:
            raise UnknownNode(f"no victim group with id {victim_group}", {"id": victim_group})
        group = threats[0]
        threatening = {r["actor"] for r in threats if r["actor"]}
        countries = group["countries"] or []
        if not country and countries:
            country = countries[0]
        subject = str(group["name"] or victim_group)
    if not country:
        raise UnknownNode("no country to plan for", {"id": victim_group or country})
    country = country_id(country)
    overview = _rows(store, "country_overview", country=country, as_of=as_of)
    if not overview:
        raise UnknownNode(f"no country with id {country}", {"id": country})
    if not victim_group:
        subject = str(overview[0]["name"])
    requested = as_of
    latest = _latest(store, country, requested)
    as_of = latest["date"] if latest else (requested or dt.date.today())
    profile = _rows(store, "country_risk_profile", country=country, as_of=as_of)
    risks = [r for r in profile if r["section"] == "risk-factor" and (r["level"] or 0) >= min_level]
    planned = plan_responses(store, country, as_of=as_of, min_level=min_level, stage=stage) if latest else None
    options = []
    for rank, o in enumerate(planned["options"] if planned else [], 1):
        options.append({**o.as_dict(), "rank": rank,
                        "terms_text": [f"{t.value:+g} {t.kind}: {t.reason}" for t in o.terms]})
    chains = planned["chains"] if planned else []
    perpetrators = []
    for p in _rows(store, "perpetrators_in_country", country=country, as_of=as_of):
        if threatening is not None and p["actor"] not in threatening:
            continue
        perpetrators.append({**p, "chains": [c for c in chains if c["target"] == p["actor"]]})
    stage_names = {s.code: s.label for s in stages()}
    return {"title": f"Response plan: {subject}", "subject": subject, "country": country,
            "country_name": overview[0]["name"], "victim_group": victim_group, "assessment": latest,
            "as_of": as_of if latest else None, "requested_as_of": requested, "risks": risks, "options": options,
            "situation": planned["situation"] if planned else None, "order": planned["order"] if planned else "",
            "perpetrators": perpetrators, "min_level": min_level, "stage": stage, "stage_names": stage_names}


def _sources(chain: dict[str, Any]) -> str:
    cited = [f"{s['title'] or s['id']}" for step in chain["steps"] for s in step["sources"]]
    return "; ".join(dict.fromkeys(cited)) or "no source recorded"


def plan_markdown(p: dict[str, Any]) -> str:
    """The plan as a Markdown briefing."""
    out = [f"# {p['title']}", ""]
    if p.get("as_of"):
        before = f" on or before {p['requested_as_of']}" if p.get("requested_as_of") else ""
        out += [f"Based on the latest published assessment{before}, {p['as_of']}.", ""]
    sit = p.get("situation")
    if sit:
        out += [f"**Situation: {sit['kind']}.** " + " ".join(f"{r}." for r in sit["reasons"]), ""]
    out += [f"## Present risk factors (level {p['min_level']} or higher)", ""]
    out += [f"- **{r['name']}** — level {r['level']}, {r['trend'] or 'trend not given'}: {r['text'] or ''}".rstrip()
            for r in p["risks"]] or ["- none recorded"]
    heading = "## Response options, ordered for the situation"
    out += ["", heading + (f" (stage {p['stage']})" if p.get("stage") else ""), ""]
    for o in p["options"]:
        who = "; ".join(f"{s['name']} ({s['match']}: {s['chain']['path']})" for s in o["stakeholders"])
        out.append(f"{o['rank']}. **{o['name']}** (mitigates: {', '.join(o['risk_factors'])}) — score "
                   f"{o['score']:g}, tier {o['tier'] + 1} ({', '.join(o['stages'])}); {o['lessons']['summary']}")
        if who:
            out.append(f"   - who can pull it: {who}")
        if o["tie"]:
            out.append(f"   - {o['tie']}")
    if not p["options"]:
        out += ["No response options recorded for these risk factors."]
    out += ["", "## Stakeholders with leverage over each potential perpetrator", ""]
    for perp in p["perpetrators"]:
        out.append(f"### {perp['name']}")
        out += [f"- {c['path']} (strength {c['strength']:g}; sources: {_sources(c)})" for c in perp["chains"]] \
            or ["- no leverage recorded"]
        out.append("")
    if not p["perpetrators"]:
        out += ["No potential perpetrators recorded.", ""]
    return "\n".join(out).rstrip() + "\n"
