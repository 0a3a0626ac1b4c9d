"""``/api/v1/countries``: the list, one country, its risk profile, response options and changes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, Field

from api.citing import DatasetRef, SourceRef, attach, versions
from api.common import api_blueprint, not_found, rows, store, suggest, this_url
from api.errors import ApiError
from api.models import AsOf, OptionalId, PageFields, Paging, QueryModel, full_id, page
from api.planning_models import Chain, LessonSummary, MatchedStakeholder, Situation
from queries.citations import indicators_verified, score_versions, statement_sources
from queries.leverage import DEFAULT_HOPS, MAX_HOPS
from queries.lookups import latest_score
from queries.planning import plan_responses
from viz.provenance import counts_events, event_datasets

__all__ = ["bp"]

bp = api_blueprint("countries", "Countries: risk level, risk profile, response options, changes.",
                   "/countries")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---------------------------------------------------------------------------- models
class CountryPath(BaseModel):
    iso3: str = Field(pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code, e.g. RWA")


class CountryQuery(Paging):
    region: OptionalId = Field(None, description="Region id, e.g. great-lakes or region/great-lakes")
    level: int | None = Field(None, ge=0, le=3, description="Only countries whose latest overall risk is this")
    monitored: bool = Field(False, description="Only the countries the team monitors")
    as_of: AsOf = None


class RiskQuery(QueryModel):
    as_of: AsOf = None
    include_drafts: bool = Field(False, description="Also consider draft and reviewed assessments")


class ResponsesQuery(Paging):
    min_level: int = Field(2, ge=0, le=3, description="Lowest finding level that counts as present")
    as_of: AsOf = None
    stage: str | None = Field(None, pattern=r"^(UP|EW|CR|PR|AR)$",
                              description="Only options of this stage of the continuum (UP, EW, CR, PR, AR)")
    max_hops: int = Field(DEFAULT_HOPS, ge=1, le=MAX_HOPS,
                          description=f"Longest leverage chain (1..{MAX_HOPS})")


class ChangesQuery(Paging):
    from_: str | None = Field(None, alias="from", pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$",
                              description="Earlier assessment id, or a date (its latest assessment then)")
    to: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$",
                           description="Later assessment id, or a date (default: the latest)")


class LatestRisk(BaseModel):
    level: int | None = Field(description="Overall risk 0-3 of the latest published assessment")
    trend: str | None
    assessment: str
    assessed_on: dt.date


class Score(BaseModel):
    risk: float | None = Field(description="Statistical risk estimate (e.g. the Early Warning Project's)")
    rank: int | None
    date: dt.date
    dataset: str | None
    dataset_version: DatasetRef | None = Field(None, description="The dataset version the score comes from")
    illustrative: bool = Field(False, description="True when the score is made-up data (demos, tests)")


class CountrySummary(BaseModel):
    id: str = Field(description="Node id, e.g. country/RWA")
    iso3: str | None
    name: str | None
    region: str | None
    region_name: str | None
    monitored: bool
    review_interval_months: int | None
    risk: LatestRisk | None
    score: Score | None


class Country(CountrySummary):
    links: dict[str, str]


class CountryPage(PageFields):
    items: list[CountrySummary]


class Finding(BaseModel):
    id: str
    name: str | None
    level: int | None
    trend: str | None
    rationale: str | None
    sources: list[SourceRef] = Field(default_factory=list, description="What the assessment cites for it")


class Observation(BaseModel):
    id: str
    name: str | None
    evidence: str | None
    verified: bool = Field(False, description="False: the indicator's wording awaits checking against the "
                                              "Framework of Analysis")
    sources: list[SourceRef] = Field(default_factory=list, description="What the assessment cites for it")


class RiskProfile(BaseModel):
    country: str
    assessment: str | None = Field(description="The assessment the profile comes from (null: none yet)")
    date: dt.date | None
    status: str | None
    overall_risk: int | None
    risk_trend: str | None
    summary: str | None
    risk_factors: list[Finding] = Field(description="Risk-factor findings, in Framework order")
    indicators: list[Observation]


class ScoreTerm(BaseModel):
    value: float
    kind: str
    item: str
    reason: str


class ResponseOption(BaseModel):
    id: str
    name: str | None
    stage_rank: int | None = Field(description="Place along the continuum of steps (upstream first)")
    category: str | None
    categories: list[str] | None
    stages: list[str] | None
    risk_factors: list[str]
    stakeholders_with_leverage: list[str] = Field(
        description="Stakeholders with a leverage chain over a perpetrator whose lever serves the option")
    leverage: list[MatchedStakeholder] = Field(default_factory=list,
                                               description="Each stakeholder's lever match and strongest chain")
    tier: int = Field(0, description="Urgency tier for the situation (0 comes first)")
    urgency_stage: str | None = Field(None, description="The option's stage that sets its tier")
    score: float = Field(0.0, description="Sum of the terms in `terms`")
    terms: list[ScoreTerm] = Field(default_factory=list, description="Every term of the score with its reason")
    tie: str | None = Field(None, description="How a tie on tier and score was broken")
    lessons: LessonSummary | None = None
    strategies: list[str] = Field(default_factory=list, description="USHMM strategies the option supports")
    evidence_score: float | None = Field(None, description="Explainable score from the evidence on what works "
                                                            "(None when no evidence data is loaded)")
    raising_factors_present: list[str] = Field(
        default_factory=list, description="Factors research says raise the option's effectiveness, present here")
    lowering_factors_present: list[str] = Field(
        default_factory=list, description="Factors research says lower the option's effectiveness, present here")
    explanation: list[ScoreTerm] = Field(default_factory=list, description="Every term of the score")
    event_datasets: list[DatasetRef] = Field(
        default_factory=list, description="Dataset versions of the events the score's factor evidence counts")
    illustrative: bool = Field(False, description="True when that evidence counts made-up events")


class ResponsePage(PageFields):
    country: str
    as_of: dt.date
    situation: Situation
    order: str = Field(description="How the items are ordered")
    chains: list[Chain] = Field(description="Every leverage chain over the country's potential perpetrators")
    items: list[ResponseOption]


class Change(BaseModel):
    change: str
    item: str
    name: str | None
    before: int | str | None
    after: int | str | None


class ChangePage(PageFields):
    country: str
    older: str | None
    newer: str | None
    items: list[Change]


# ---------------------------------------------------------------------------- helpers
def summary(row: dict[str, Any]) -> dict[str, Any]:
    """A ``country_overview`` row in the API's shape."""
    risk = None
    if row["assessment"] is not None:
        risk = {"level": row["overall_risk"], "trend": row["risk_trend"],
                "assessment": row["assessment"], "assessed_on": row["assessed_on"]}
    score = None
    if row["scored_on"] is not None:
        score = {"risk": row["score_risk"], "rank": row["score_rank"], "date": row["scored_on"],
                 "dataset": row["score_dataset"], "dataset_version": None, "illustrative": False}
    return {"id": row["country"], "iso3": row["notation"], "name": row["name"],
            "region": row["region"], "region_name": row["region_name"], "monitored": row["monitored"],
            "review_interval_months": row["review_interval_months"], "risk": risk, "score": score}


def with_score_versions(items: list[dict[str, Any]],
                        found: dict[tuple[str, dt.date], list[str]] | None = None) -> list[dict[str, Any]]:
    """Give each summary's score its dataset version and ``illustrative`` flag (two queries for all;
    one when ``found`` already holds the version ids by country and score date)."""
    scored = [i for i in items if i["score"] is not None]
    if not scored:
        return items
    if found is None:
        found = score_versions(store(), (i["id"] for i in scored))
    table = versions(v for ids in found.values() for v in ids)
    for i in scored:
        refs = [table[v] for v in found.get((i["id"], i["score"]["date"]), []) if v in table]
        i["score"]["dataset_version"] = refs[0] if refs else None
        i["score"]["illustrative"] = any(r["illustrative"] for r in refs)
    return items


def country_id(iso3: str) -> str:
    """``country/RWA`` from ``rwa``."""
    return f"country/{iso3.upper()}"


def require_country(cid: str) -> dict[str, Any]:
    """The ``country_overview`` row of a country, read by id (``country_lookup``) with the dataset
    versions of its score (``score_versions``), or 404 naming the nearest countries."""
    found = rows("country_lookup", country=cid)
    if not found:
        known = [(r["country"], r["name"]) for r in rows("country_overview")]
        raise not_found("country", cid, suggest(cid, known))
    row = found[0]
    return {**row, **latest_score(row.pop("scores"))}


# ---------------------------------------------------------------------------- routes
@bp.get("", summary="Countries with region, latest risk level and statistical risk score",
        responses={200: CountryPage})
def list_countries(query: CountryQuery) -> dict[str, Any]:
    """Every country (or those of a region, of a risk level, or monitored), by id."""
    region = full_id("region", query.region) if query.region else None
    found = rows("country_overview", region=region, level=query.level,
                 monitored_only=query.monitored, as_of=query.as_of)
    return page(with_score_versions([summary(r) for r in found]), query, this_url())


@bp.get("/<iso3>", summary="One country", responses={200: Country})
def get_country(path: CountryPath) -> dict[str, Any]:
    """A country with its region, latest overall risk and score, and links to its views."""
    cid = country_id(path.iso3)
    base = f"/api/v1/countries/{path.iso3.upper()}"
    links = {"risk": f"{base}/risk", "responses": f"{base}/responses", "changes": f"{base}/changes",
             "assessments": f"/api/v1/assessments?country={path.iso3.upper()}"}
    row = require_country(cid)
    found = {(cid, row["scored_on"]): [v for v in row["score_versions"] if v]}
    return {**with_score_versions([summary(row)], found)[0], "links": links}


@bp.get("/<iso3>/risk", summary="Risk profile of a country", responses={200: RiskProfile})
def country_risk(path: CountryPath, query: RiskQuery) -> dict[str, Any]:
    """Risk-factor findings and indicators of the latest assessment on or before ``as_of``."""
    cid = country_id(path.iso3)
    found = rows("country_risk_profile", country=cid, as_of=query.as_of,
                 include_drafts=query.include_drafts)
    if not found:
        require_country(cid)
    overall = next((r for r in found if r["section"] == "overall"), None)
    head = overall or {}
    cited = statement_sources(store(), head.get("assessment"))
    findings = [{"id": r["item"], "name": r["name"], "level": r["level"], "trend": r["trend"],
                 "rationale": r["text"], "sources": cited.get(("finding", r["item"]), [])}
                for r in found if r["section"] == "risk-factor"]
    indicators = [{"id": r["item"], "name": r["name"], "evidence": r["text"],
                   "sources": cited.get(("indicator", r["item"]), [])}
                  for r in found if r["section"] == "indicator"]
    verified = indicators_verified(store(), (i["id"] for i in indicators))
    for i in indicators:
        i["verified"] = verified.get(i["id"], False)
    attach([*findings, *indicators])
    return {"country": cid, "assessment": head.get("assessment"), "date": head.get("date"),
            "status": head.get("status"), "overall_risk": head.get("level"),
            "risk_trend": head.get("trend"), "summary": head.get("text"),
            "risk_factors": findings, "indicators": indicators}


@bp.get("/<iso3>/responses", summary="Response options for the situation, with leverage chains",
        responses={200: ResponsePage})
def country_responses(path: CountryPath, query: ResponsesQuery) -> dict[str, Any]:
    """Options that mitigate the risk factors found present, ordered for the situation.

    Ongoing atrocities put crisis response and protection first, a latent situation upstream
    prevention; within a tier options are sorted by score, whose every term is listed. Each
    option names the stakeholders whose leverage chain over a perpetrator carries a lever the
    option can use.
    """
    cid = country_id(path.iso3)
    require_country(cid)
    plan = plan_responses(store(), cid, as_of=query.as_of, min_level=query.min_level, stage=query.stage or "",
                          max_hops=query.max_hops)
    items = []
    for o in plan["options"]:
        items.append({
            "id": o.option, "name": o.name, "stage_rank": o.stage_rank, "category": o.category,
            "categories": o.categories, "stages": o.stages, "risk_factors": o.risk_factors,
            "stakeholders_with_leverage": [s["stakeholder"] for s in o.stakeholders], "leverage": o.stakeholders,
            "tier": o.tier, "urgency_stage": o.urgency_stage, "score": o.score,
            "terms": [vars(t) for t in o.terms], "tie": o.tie,
            "lessons": {k: o.lessons[k] for k in ("totals", "summary")} | {"cases": len(o.lessons["cases"])},
            "strategies": o.strategies, "evidence_score": o.evidence_score,
            "raising_factors_present": o.raising, "lowering_factors_present": o.lowering,
            "explanation": [vars(t) for t in o.terms if t.kind in ("risk-factor", "factor")],
            "event_datasets": [], "illustrative": False, "counts_events": counts_events(o.used_evidence)})
    counted = [i for i in items if i.pop("counts_events", False)]
    if counted:
        table = versions(v["id"] for v in event_datasets(store(), country=cid, date_to=query.as_of))
        for i in counted:
            i["event_datasets"] = list(table.values())
            i["illustrative"] = any(d["illustrative"] for d in table.values())
    return page(items, query, this_url(), country=cid, as_of=plan["as_of"], situation=plan["situation"],
                order=plan["order"], chains=plan["chains"])


def _pick(value: str, which: str, cid: str, assessments: list[dict[str, Any]]) -> str:
    """An assessment id of the country from an id or a date (its latest published one then)."""
    if _DATE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ApiError(400, "invalid_parameter", f"invalid parameter {which!r}: not a valid date",
                           {"parameter": which}) from None
        before = [a for a in assessments if a["date"] <= day and a["status"] == "published"]
        if not before:
            raise ApiError(400, "invalid_parameter",
                           f"invalid parameter {which!r}: {cid} has no published assessment on or "
                           f"before {value}", {"parameter": which})
        return str(max(before, key=lambda a: (a["date"], a["assessment"]))["assessment"])
    aid = full_id("assessment", value)
    if aid not in {a["assessment"] for a in assessments}:
        raise ApiError(400, "invalid_parameter",
                       f"invalid parameter {which!r}: {aid} is not an assessment of {cid}",
                       {"parameter": which})
    return aid


@bp.get("/<iso3>/changes", summary="What changed between two assessments of a country",
        responses={200: ChangePage})
def country_changes(path: CountryPath, query: ChangesQuery) -> dict[str, Any]:
    """Risk factors, actors, triggers and recommendations that changed (default: the two latest)."""
    cid = country_id(path.iso3)
    assessments = rows("assessment_list", country=cid)
    if not assessments:
        require_country(cid)
    older = _pick(query.from_, "from", cid, assessments) if query.from_ else None
    newer = _pick(query.to, "to", cid, assessments) if query.to else None
    found = rows("assessment_changes", country=cid, older=older, newer=newer)
    items = [{k: r[k] for k in ("change", "item", "name", "before", "after")} for r in found]
    return page(items, query, this_url(), country=cid,
                older=found[0]["older"] if found else older,
                newer=found[0]["newer"] if found else newer)
