"""``/api/v1/actors``: search by name and alias, one actor, its network, paths to a victim group."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.citing import SourceRef, attach
from api.common import api_blueprint, not_found, rows, store, suggest, this_url
from api.models import (
    ActorKind,
    AsOf,
    LocalId,
    OptionalId,
    PageFields,
    Paging,
    QueryModel,
    country_ref,
    full_id,
    page,
)
from api.planning_models import Chain
from queries.leverage import DEFAULT_HOPS, MAX_HOPS, leverage_chains
from queries.lookups import role_claims

__all__ = ["bp", "require_actor"]

bp = api_blueprint("actors", "Actors: search, profile, network, paths to victim groups.", "/actors")


class ActorPath(BaseModel):
    actor_id: LocalId


class ActorQuery(Paging):
    q: str | None = Field(None, max_length=200, description="Text in the name or an alias (any case)")
    kind: ActorKind = None
    country: OptionalId = Field(None, description="Only actors operating in this country (RWA or country/RWA)")


class NetworkQuery(QueryModel):
    depth: int = Field(1, ge=1, le=3, description="Steps from the actor")


class PathsQuery(Paging):
    to_group: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$",
                          description="Victim group id, e.g. tutsi or group/tutsi")
    max_hops: int = Field(4, ge=1, le=4, description="Longest path")


class LeverageQuery(Paging):
    max_hops: int = Field(DEFAULT_HOPS, ge=1, le=MAX_HOPS, description=f"Longest chain (1..{MAX_HOPS})")
    as_of: AsOf = None


class LeveragePage(PageFields):
    actor: str
    max_hops: int
    message: str | None = Field(description="Said plainly when no leverage is recorded")
    items: list[Chain]


class ActorSummary(BaseModel):
    id: str = Field(description="Node id, e.g. actor/interahamwe")
    name: str | None
    kind: str | None
    aliases: list[str] | None
    countries: list[str] = Field(description="Countries the actor operates in")


class RoleClaim(BaseModel):
    assessment: str
    date: dt.date | None
    status: str | None
    role: str | None
    sources: list[SourceRef] = Field(description="What the assessment cites for the role")


class Actor(ActorSummary):
    description: str | None
    roles: list[str] = Field(description="Roles the assessments give the actor")
    role_claims: list[RoleClaim] = Field(default_factory=list,
                                         description="Each role with the assessment giving it and its sources")
    assessments: list[str]
    links: dict[str, str]


class ActorPage(PageFields):
    items: list[ActorSummary]


class NetworkNode(BaseModel):
    id: str
    name: str | None


class NetworkEdge(BaseModel):
    source: str
    type: str
    target: str
    hops: int | None
    confidence: str | None
    lever: str | None
    sources: list[SourceRef] = Field(default_factory=list, description="Sources cited for the relationship")


class Network(BaseModel):
    actor: str
    depth: int
    nodes: list[NetworkNode]
    relationships: list[NetworkEdge]


class Path(BaseModel):
    hops: int
    nodes: list[str]
    relationships: list[str]


class PathPage(PageFields):
    actor: str
    victim_group: str
    items: list[Path]


def require_actor(aid: str) -> dict[str, Any]:
    """The ``actor_lookup`` row of an actor, or 404 naming the nearest actors."""
    found = rows("actor_lookup", actor=aid)
    if not found:
        known = [(r["actor"], r["name"]) for r in rows("actor_search")]
        raise not_found("actor", aid, suggest(aid, known))
    return found[0]


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["actor"], "name": row["name"], "kind": row["kind"], "aliases": row["aliases"],
            "countries": sorted(row["countries"] or [])}


@bp.get("", summary="Search actors by name and alias", responses={200: ActorPage})
def list_actors(query: ActorQuery) -> dict[str, Any]:
    """Actors whose name or an alias contains ``q`` (any case), by name."""
    country = country_ref(query.country) if query.country else None
    found = rows("actor_search", q=query.q, kind=query.kind, country=country)
    return page([_summary(r) for r in found], query, this_url())


@bp.get("/<actor_id>", summary="One actor", responses={200: Actor})
def get_actor(path: ActorPath) -> dict[str, Any]:
    """An actor with its aliases, countries and the roles assessments give it."""
    aid = full_id("actor", path.actor_id)
    row = require_actor(aid)
    base = f"/api/v1/actors/{path.actor_id}"
    return {**_summary(row), "description": row["description"], "roles": sorted(row["roles"] or []),
            "assessments": sorted(row["assessments"] or []),
            "role_claims": role_claims(store(), row["claims"]),
            "links": {"network": f"{base}/network", "paths": f"{base}/paths?to_group=",
                      "leverage": f"{base}/leverage"}}


@bp.get("/<actor_id>/network", summary="An actor's ego network", responses={200: Network})
def actor_network(path: ActorPath, query: NetworkQuery) -> dict[str, Any]:
    """Actors and victim groups within ``depth`` steps and the relationships among them."""
    aid = full_id("actor", path.actor_id)
    found = rows("actor_ego_network", actor=aid, depth=query.depth)
    if not found:
        require_actor(aid)
    nodes: dict[str, str | None] = {}
    for r in found:
        nodes.setdefault(r["source"], r["source_name"])
        nodes.setdefault(r["target"], r["target_name"])
    edges = [{k: r[k] for k in ("source", "type", "target", "hops", "confidence", "lever", "sources")}
             for r in found]
    attach(edges)
    return {"actor": aid, "depth": query.depth,
            "nodes": [{"id": k, "name": v} for k, v in sorted(nodes.items())], "relationships": edges}


@bp.get("/<actor_id>/paths", summary="Paths from an actor to a victim group", responses={200: PathPage})
def actor_paths(path: ActorPath, query: PathsQuery) -> dict[str, Any]:
    """Directed paths through support, arms, command, funding, threats…, shortest first."""
    aid = full_id("actor", path.actor_id)
    gid = full_id("group", query.to_group)
    found = rows("paths_actor_to_group", actor=aid, victim_group=gid, max_hops=query.max_hops,
                 max_paths=1000)
    if not found:
        require_actor(aid)
        if not rows("victim_group_threats", victim_group=gid):
            raise not_found("victim group", gid)
    return page(found, query, this_url(), actor=aid, victim_group=gid)


@bp.get("/<actor_id>/leverage", summary="Who can influence an actor, directly or through others",
        responses={200: LeveragePage})
def actor_leverage(path: ActorPath, query: LeverageQuery) -> dict[str, Any]:
    """Chains of leverage, command, arms, support and membership over the actor, strongest first.

    Each chain spells its path out (``NATO —leverage(military)→ … —commands→ VRS``) and lists
    every hop's relationship, lever, confidence and sources. ``max_hops`` above 5 is a 400.
    """
    aid = full_id("actor", path.actor_id)
    row = require_actor(aid)
    chains = [c.as_dict() for c in leverage_chains(store(), [aid], max_hops=query.max_hops, as_of=query.as_of)]
    message = None if chains else (f"No leverage over {row['name'] or aid} is recorded within "
                                   f"{query.max_hops} hop{'s' if query.max_hops != 1 else ''}.")
    return page(chains, query, this_url(), actor=aid, max_hops=query.max_hops, message=message)
