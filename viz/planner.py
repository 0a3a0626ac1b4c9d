"""The response planner: present risk factors → response options by stage and category →
stakeholders with leverage over each perpetrator; and the plan as a Markdown briefing.

Example:
    >>> md = plan_markdown({"title": "Plan for <X>", "subject": "x", "as_of": None, "risks": [],
    ...                     "stages": [], "perpetrators": [], "min_level": 2})
    >>> md.splitlines()[0]
    '# Plan for <X>'
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from graph.base import GraphStore
from queries import execute
from queries.analytics import influence_over
from queries.evidence import response_evidence
from viz.dashboard import country_id
from viz.subgraphs import UnknownNode
from viz.vocab import categories, stages

__all__ = ["plan", "plan_markdown"]


def _rows(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    return execute(store, name, {k: v for k, v in params.items() if v is not None}).dicts()


def _latest(store: GraphStore, country: str) -> dict[str, Any] | None:
    found = [a for a in _rows(store, "assessment_list", country=country) if a["status"] == "published"]
    return found[0] if found else None


def plan(store: GraphStore, *, country: str = "", victim_group: str = "", min_level: int = 2) -> dict[str, Any]:
    """A response plan for a country, or for a victim group (through the countries it lives in).

    Raises:
        UnknownNode: the country or victim group does not exist.
    """
    names = {r["actor"]: r["name"] for r in _rows(store, "actor_search")}
    threatening: set[str] | None = None
    if victim_group:
        threats = _rows(store, "victim_group_threats", victim_group=victim_group)
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
    overview = _rows(store, "country_overview", country=country)
    if not overview:
        raise UnknownNode(f"no country with id {country}", {"id": country})
    if not victim_group:
        subject = str(overview[0]["name"])
    latest = _latest(store, country)
    as_of = latest["date"] if latest else dt.date.today()
    profile = _rows(store, "country_risk_profile", country=country, as_of=as_of)
    risks = [r for r in profile if r["section"] == "risk-factor" and (r["level"] or 0) >= min_level]
    risk_names = {r["item"]: r["name"] for r in profile if r["section"] == "risk-factor"}
    options = _rows(store, "response_options_for_country", country=country, min_level=min_level, as_of=as_of) \
        if latest else []
    category_label = {c.code: c.label for c in categories()}
    evidence = {e.option: e for e in response_evidence(store, country, as_of).options} if latest else {}
    by_stage: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for o in options:
        ev = evidence.get(o["option"])
        found = {
            "score": ev.score if ev else None,
            "raising": [f"{f.name} ({'; '.join(f.evidence)})" if f.evidence else f.name
                        for f in (ev.by_direction("greater") if ev else []) if f.status == "present"],
            "lowering": [f"{f.name} ({'; '.join(f.evidence)})" if f.evidence else f.name
                         for f in (ev.by_direction("lesser") if ev else []) if f.status == "present"],
            "terms": [f"{t.value:+g}: {t.reason}" for t in (ev.explanation if ev else [])],
        }
        # RF2 before RF11: collect() order varies by backend
        factors = sorted(o["risk_factors"], key=lambda r: (len(r), r))
        for code in o["stages"] or ["?"]:
            cat = category_label.get(o["category"], o["category"] or "Other")
            by_stage[code][cat].append({**o, "risk_names": [risk_names.get(r, r) for r in factors],
                                        "risk_codes": [r.rsplit("/", 1)[-1] for r in factors],
                                        "evidence": found})
    stage_list = [{"code": s.code, "label": s.label, "definition": s.definition,
                   "categories": sorted(by_stage[s.code].items())} for s in stages() if s.code in by_stage]
    perpetrators = []
    for p in _rows(store, "perpetrators_in_country", country=country, as_of=as_of):
        if threatening is not None and p["actor"] not in threatening:
            continue
        chains = influence_over(store, p["actor"], max_steps=2)
        backers = sorted(set(p["supporters"] + p["funders"] + p["arms_suppliers"] + p["commanders"]))
        perpetrators.append({**p, "leverage": [{**c, "chain_names": [names.get(x, x) for x in c["chain"]]}
                                               for c in chains],
                             "backer_names": [names.get(b, b) for b in backers]})
    title = f"Response plan: {subject}"
    return {"title": title, "subject": subject, "country": country, "country_name": overview[0]["name"],
            "victim_group": victim_group, "assessment": latest, "as_of": as_of if latest else None,
            "risks": risks, "stages": stage_list, "perpetrators": perpetrators, "min_level": min_level}


def plan_markdown(p: dict[str, Any]) -> str:
    """The plan as a Markdown briefing."""
    out = [f"# {p['title']}", ""]
    if p.get("as_of"):
        out += [f"Based on the latest published assessment, {p['as_of']}.", ""]
    out += [f"## Present risk factors (level {p['min_level']} or higher)", ""]
    out += [f"- **{r['name']}** — level {r['level']}, {r['trend'] or 'trend not given'}: {r['text'] or ''}".rstrip()
            for r in p["risks"]] or ["- none recorded"]
    out += ["", "## Response options along the continuum of steps", ""]
    for s in p["stages"]:
        out += [f"### {s['label']}", ""]
        for cat, options in s["categories"]:
            out.append(f"- *{cat}*")
            out += [f"  - {o['name']} (mitigates: {', '.join(o['risk_names'])})" for o in options]
        out.append("")
    if not p["stages"]:
        out += ["No response options recorded for these risk factors.", ""]
    out += ["## Stakeholders with leverage over each potential perpetrator", ""]
    for perp in p["perpetrators"]:
        out.append(f"### {perp['name']}")
        if perp["backer_names"]:
            out.append(f"Backed by: {', '.join(perp['backer_names'])}")
        out += [f"- {' → '.join(c['chain_names'])} (levers: {', '.join(x or 'unspecified' for x in c['levers'])})"
                for c in perp["leverage"]] or ["- no leverage recorded"]
        out.append("")
    if not p["perpetrators"]:
        out += ["No potential perpetrators recorded.", ""]
    return "\n".join(out).rstrip() + "\n"
