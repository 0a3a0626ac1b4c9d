"""Owned statements: an edited assessment replaces what it said, a retraction withdraws it, the
log records both; on every backend (the ``store`` fixture)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.admin import init_store
from graph import audit
from graph.base import GraphStore
from graph.editorial import EditorialError, content_hash, load_assessment, retract
from graph.records import Node
from loaders.assessment import read_text
from loaders.reference import reference

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "assessments" / "QZA-2024-01.yaml"
BASE: dict[str, Any] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
RISK = ("MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: 'country/QZA'}) WHERE a.status = 'published' "
        "WITH a ORDER BY a.date DESC LIMIT 1 MATCH (a)-[f:FINDS]->(rf:RiskFactor) "
        "RETURN a.id, rf.id, f.level ORDER BY rf.id")


@pytest.fixture
def qza(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> GraphStore:
    """The store with the vocabularies and the fictional test country QZA."""
    monkeypatch.setitem(reference().countries, "QZA", "Qaziria")
    monkeypatch.setitem(reference().countries, "RWA", "Rwanda")
    init_store(store)
    store.write([Node.make("country/QZA", name="Qaziria", notation="QZA", monitored=True)], [])
    return store


def doc(**changes: Any) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    d.update(changes)
    return d


def load(store: GraphStore, d: dict[str, Any], **kw: Any) -> Any:
    text = yaml.safe_dump(d, sort_keys=False, allow_unicode=True)
    name = f"{d.get('id') or d['country']}.yaml"
    return load_assessment(store, read_text(text, name), file=name, digest=content_hash(text.encode()), **kw)


def later(**changes: Any) -> dict[str, Any]:
    """The same country six months on (a second assessment sharing actors and groups)."""
    return doc(id="QZA-2024-07", date=dt.date(2024, 7, 31), title="Qaziria, July 2024", **changes)


def one(store: GraphStore, cypher: str) -> Any:
    return store.run_read(cypher).scalar()


def test_an_edited_reload_removes_what_the_file_no_longer_states(qza: GraphStore) -> None:
    load(qza, doc())
    load(qza, later())
    edited = later()
    edited["risk_factors"] = [f for f in edited["risk_factors"] if f["factor"] != "RF9"]   # one finding
    for a in edited["actors"]:
        if a["id"] == "qz-government":
            del a["role"], a["sources"]                                                  # one role
    edited["recommendations"] = []                                                      # one recommendation
    out = load(qza, edited, by="desk officer")
    assert out.action == "reload"
    july = "assessment/QZA-2024-07"
    assert [r[1] for r in qza.run_read(RISK).rows] == ["rf/RF7"]
    assert one(qza, f"MATCH (:Assessment {{id: '{july}'}})-[r:IDENTIFIES]->(:Actor {{id: 'actor/qz-government'}}) "
                    "RETURN count(r)") == 0
    assert one(qza, "MATCH (r:Recommendation {id: 'rec/QZA-2024-07/r1'}) RETURN count(r)") == 0
    # what the January assessment states is untouched; shared actors stay
    assert one(qza, "MATCH (r:Recommendation {id: 'rec/QZA-2024-01/r1'}) RETURN count(r)") == 1
    assert one(qza, "MATCH (a:Actor {id: 'actor/qz-government'}) RETURN a.owners") == [
        "assessment/QZA-2024-01", july]
    assert out.summary.edges_removed >= 3 and out.summary.nodes_removed == 1
    [entry] = audit.read_log(qza, target=july, limit=1)
    assert entry["action"] == "reload" and entry["by"] == "desk officer" and entry["removed"] >= 4
    assert f"removed FINDS {july} -> rf/RF9" in entry["details"]
    assert "removed Recommendation rec/QZA-2024-07/r1" in entry["details"]


def test_reloading_the_same_file_changes_nothing_and_logs_nothing(qza: GraphStore) -> None:
    load(qza, doc())
    before = qza.stats()
    out = load(qza, doc())
    assert out.action == "unchanged" and out.summary.changes == 0 and qza.stats() == before
    assert len(audit.read_log(qza)) == 1


def test_retracting_returns_the_country_to_the_previous_assessment(qza: GraphStore) -> None:
    load(qza, doc())
    load(qza, later(risk_factors=[{"factor": "RF7", "level": 3, "trend": "rising", "rationale": "Worse.",
                                   "sources": ["qz-monitor-2023-12"]}]))
    assert qza.run_read(RISK).rows == [["assessment/QZA-2024-07", "rf/RF7", 3]]
    out = retract(qza, "assessment/QZA-2024-07", reason="dated wrongly", by="editor")
    assert out.previous_status == "published"
    assert qza.run_read(RISK).rows == [["assessment/QZA-2024-01", "rf/RF7", 2],
                                       ["assessment/QZA-2024-01", "rf/RF9", 2]]
    kept = qza.run_read("MATCH (a:Assessment {id: 'assessment/QZA-2024-07'})-[:ASSESSES]->(c) "
                        "RETURN a.status, a.status_reason, c.id").rows
    assert kept == [["retracted", "dated wrongly", "country/QZA"]]
    [entry] = audit.read_log(qza, target="assessment/QZA-2024-07", limit=1)
    assert entry["action"] == "retract" and entry["reason"] == "dated wrongly" and entry["country"] == "QZA"
    with pytest.raises(EditorialError, match="already retracted"):
        retract(qza, "assessment/QZA-2024-07", reason="again")
    with pytest.raises(EditorialError, match="no assessment assessment/QZA-1999-01"):
        retract(qza, "assessment/QZA-1999-01", reason="unknown")


def test_shared_values_follow_the_owners_that_remain_in_any_load_order(qza: GraphStore,
                                                                        tmp_path: Path) -> None:
    described = later()
    described["actors"][0]["description"] = "Militia first seen in 2023."
    described["actors"][0]["aliases"] = ["Riders"]
    load(qza, described)
    load(qza, doc())                    # older, loaded later: does not overwrite newer values
    q = "MATCH (a:Actor {id: 'actor/qz-night-riders'}) RETURN a.description, a.aliases, a.asserted_on"
    assert qza.run_read(q).rows == [["Militia first seen in 2023.", ["NR", "Riders"], dt.date(2024, 7, 31)]]
    retract(qza, "assessment/QZA-2024-07", reason="withdrawn")
    assert qza.run_read(q).rows == [[None, ["NR"], dt.date(2024, 1, 31)]]


def test_workflow_rules(qza: GraphStore) -> None:
    load(qza, doc())
    with pytest.raises(EditorialError, match="moving it back to draft needs a reason"):
        load(qza, doc(status="draft"))
    out = load(qza, doc(status="draft"), reason="new evidence under review")
    assert (out.previous_status, out.status) == ("published", "draft")
    [status] = [e for e in audit.read_log(qza) if e["action"] == "status"]
    assert status["reason"] == "new evidence under review" and status["details"] == ["status published -> draft"]
    other = doc(country="RWA")
    other["actors"] = [a for a in other["actors"] if a["id"] != "qz-night-riders"]
    with pytest.raises(EditorialError, match="already loaded for country/QZA; this file says country/RWA"):
        load(qza, doc(country="RWA"))


def test_a_node_still_needed_by_another_statement_is_kept(qza: GraphStore) -> None:
    load(qza, doc())
    # an unowned relationship (as an ordinary write makes) points at the militia
    from graph.records import Edge
    qza.write([], [Edge.make("OPERATES_IN", "actor/qz-night-riders", "country/RWA")])
    out = retract(qza, "assessment/QZA-2024-01", reason="test")
    assert one(qza, "MATCH (a:Actor {id: 'actor/qz-night-riders'}) RETURN a.owners") is None
    assert any(d.startswith("kept Actor actor/qz-night-riders") for d in out.details)
    assert one(qza, "MATCH (a:Actor {id: 'actor/qz-government'}) RETURN count(a)") == 0


def test_a_merge_is_logged_in_the_same_write(qza: GraphStore) -> None:
    from graph.merge import merge_actors
    load(qza, doc())
    qza.write([Node.make("actor/nr-dup", name="N.R.", kind="militia", unresolved=True)], [])
    merge_actors(qza, "actor/nr-dup", "actor/qz-night-riders", by="analyst")
    [entry] = audit.read_log(qza, target="actor/qz-night-riders")
    assert entry["action"] == "merge" and entry["by"] == "analyst"
    assert entry["details"] == ["merged actor/nr-dup into actor/qz-night-riders: 0 relationships moved, "
                                "0 dropped, 1 alias added; actor/nr-dup deleted"]
