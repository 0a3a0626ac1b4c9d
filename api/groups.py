"""``/api/v1/victim-groups/{id}/threats``: who threatens a victim group, and who backs them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.citing import DatasetRef, SourceRef, attach, versions
from api.common import api_blueprint, not_found, rows, store, this_url
from api.models import AsOf, LocalId, PageFields, Paging, full_id, page
from queries.citations import threat_event_versions

__all__ = ["bp"]

bp = api_blueprint("victim-groups", "Victim groups and the actors that threaten them.", "/victim-groups")


class GroupPath(BaseModel):
    group_id: LocalId


class ThreatQuery(Paging):
    as_of: AsOf = None


class VictimGroup(BaseModel):
    id: str = Field(description="Node id, e.g. group/tutsi")
    name: str | None
    basis: str | None = Field(description="national, ethnic, racial, religious, political or other")
    protected: bool | None = Field(description="A group the Genocide Convention protects")
    population_estimate: int | None
    countries: list[str] = Field(description="Countries the group lives in")


class Threat(BaseModel):
    actor: str
    name: str | None
    kind: str | None
    confidence: str | None
    sources: list[SourceRef] = Field(description="Sources cited for the threat")
    events: int = Field(description="Events the actor perpetrated against the group")
    event_datasets: list[DatasetRef] = Field(default_factory=list,
                                             description="Dataset versions of the actor's events")
    illustrative: bool = Field(False, description="True when the event count includes made-up data")
    backers: list[str] = Field(description="Actors that support, arm, fund or command the actor")


class ThreatPage(PageFields):
    victim_group: VictimGroup
    items: list[Threat]


@bp.get("/<group_id>/threats", summary="Actors threatening a victim group", responses={200: ThreatPage})
def group_threats(path: GroupPath, query: ThreatQuery) -> dict[str, Any]:
    """The group, and each actor threatening it on ``as_of`` with its backers and events."""
    gid = full_id("group", path.group_id)
    found = rows("victim_group_threats", victim_group=gid, as_of=query.as_of)
    if not found:
        raise not_found("victim group", gid)
    first = found[0]
    group = {"id": gid, **{k: first[k] for k in ("name", "basis", "protected", "population_estimate")},
             "countries": sorted(first["countries"] or [])}
    threats = [{"actor": r["actor"], "name": r["actor_name"], "kind": r["kind"],
                "confidence": r["confidence"], "sources": r["sources"], "events": r["events"],
                "backers": sorted(r["backers"] or [])} for r in found if r["actor"] is not None]
    attach(threats)
    counted = threat_event_versions(store(), gid)
    table = versions(v for ids in counted.values() for v in ids)
    for t in threats:
        t["event_datasets"] = [table[v] for v in counted.get(t["actor"], []) if v in table]
        t["illustrative"] = any(d["illustrative"] for d in t["event_datasets"])
    return page(threats, query, this_url(), victim_group=group)
