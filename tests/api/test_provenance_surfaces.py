"""Every finding, role, relationship, score and event count the API returns says where it comes from.

The graph is :mod:`tests.sourced`: one graded source cited by the Qaziria assessment, ACLED,
UCDP GED and EWP data loaded as illustrative dataset versions, USHMM evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from api import create_app
from graph.base import GraphStore
from queries.citations import SOURCES_CYPHER, VERSIONS_CYPHER
from queries.registry import get as named
from tests.conftest import backend_params, backend_store
from tests.sourced import SOURCE, build

MONITOR = {"id": SOURCE, "title": "Quarterly monitoring report, December 2023",
           "publisher": "Qaziria Human Rights Monitor", "date": "2023-12-15",
           "url": "https://example.org/qz-monitor-2023-12", "reliability": "B", "credibility": 2}


@pytest.fixture(scope="module", params=backend_params())
def sourced_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    tmp = tmp_path_factory.mktemp("sourced")
    with backend_store(request.param, tmp) as store:
        build(store, tmp)
        yield store


@pytest.fixture(scope="module")
def client(sourced_store: GraphStore) -> FlaskClient:
    return create_app({"STORE": sourced_store, "TESTING": True}).test_client()


def get(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_findings_and_indicators_carry_source_objects_and_verified(client: FlaskClient) -> None:
    body = get(client, "/api/v1/countries/QZA/risk")
    assert [f["id"] for f in body["risk_factors"]] == ["rf/RF7", "rf/RF9"]
    assert all(f["sources"] == [MONITOR] for f in body["risk_factors"])
    [indicator] = body["indicators"]
    assert indicator["id"] == "ind/7.5" and indicator["sources"] == [MONITOR]
    assert isinstance(indicator["verified"], bool)


def test_roles_and_relationships_carry_source_objects(client: FlaskClient) -> None:
    actor = get(client, "/api/v1/actors/qz-night-riders")
    assert actor["role_claims"] == [{"assessment": "assessment/QZA-2024-01", "date": "2024-01-31",
                                     "status": "published", "role": "potential-perpetrator", "sources": [MONITOR]}]
    network = get(client, "/api/v1/actors/qz-night-riders/network")
    kinds = {(r["type"], r["target"]): r["sources"] for r in network["relationships"]}
    assert kinds == {("SUPPORTS", "actor/qz-night-riders"): [MONITOR], ("THREATENS", "group/valley-people"): [MONITOR]}
    threats = get(client, "/api/v1/victim-groups/valley-people/threats")
    assert [t["sources"] for t in threats["items"]] == [[MONITOR]]


def test_scores_carry_their_dataset_version_and_illustrative(client: FlaskClient) -> None:
    score = get(client, "/api/v1/countries/QZA")["score"]
    version = score["dataset_version"]
    assert score["illustrative"] is True and version["illustrative"] is True
    assert version["dataset"] == "EWP" and version["version"] == "2024" and version["accessed"] == "2025-01-15"
    assert version["citation"].startswith("Early Warning Project, Statistical Risk Assessment 2024")
    listed = {c["id"]: c for c in get(client, "/api/v1/countries?monitored=true")["items"]}
    assert listed["country/QZA"]["score"]["dataset_version"] == version
    assert listed["country/QZB"]["score"] is None


def test_event_counts_say_which_datasets_and_whether_illustrative(client: FlaskClient) -> None:
    threats = get(client, "/api/v1/victim-groups/valley-people/threats")["items"]
    for t in threats:
        assert t["illustrative"] is bool(t["event_datasets"])
        assert all(d["illustrative"] and d["citation"] for d in t["event_datasets"])


def test_sources_are_resolved_in_one_query_per_answer(sourced_store: GraphStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """No N+1: however many relationships, one read of Source nodes per response."""
    client = create_app({"STORE": sourced_store, "TESTING": True}).test_client()  # an empty response cache
    texts: list[str] = []
    original = type(sourced_store).run_read

    def counting(self: GraphStore, cypher: str, *args: Any, **kwargs: Any) -> Any:
        texts.append(cypher)
        return original(self, cypher, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(sourced_store), "run_read", counting)
    for url in ("/api/v1/actors/qz-night-riders/network?depth=2", "/api/v1/countries/QZA/risk",
                "/api/v1/victim-groups/valley-people/threats"):
        texts.clear()
        get(client, url)
        assert texts.count(SOURCES_CYPHER) == 1, url
    texts.clear()
    get(client, "/api/v1/countries?limit=1000")
    assert texts.count(VERSIONS_CYPHER) == 1
    # Look-ups read by id: an actor with its role claims is one read, their sources one more; a
    # scored country likewise (its row with its scores' version ids, then the versions).
    texts.clear()
    assert get(client, "/api/v1/actors/qz-night-riders")["role_claims"][0]["sources"] == [MONITOR]
    assert texts == [named("actor_lookup").text_for(sourced_store.backend), SOURCES_CYPHER]
    texts.clear()
    assert get(client, "/api/v1/countries/QZA")["score"]["dataset_version"]["dataset"] == "EWP"
    assert texts == [named("country_lookup").text_for(sourced_store.backend), VERSIONS_CYPHER]


def test_the_openapi_document_describes_sources_and_dataset_versions(client: FlaskClient) -> None:
    schemas = get(client, "/api/v1/openapi.json")["components"]["schemas"]
    assert set(schemas["SourceRef"]["properties"]) == set(MONITOR)
    assert {"id", "dataset", "version", "accessed", "citation", "illustrative"} <= set(
        schemas["DatasetRef"]["properties"])


def test_exports_carry_the_dataset_attribution(client: FlaskClient, tmp_path: Path) -> None:
    response = client.get("/api/v1/export?format=ttl")
    assert response.status_code == 200
    head = response.get_data(as_text=True)[:3000]
    assert head.startswith("# Data attribution")
    for text in ("Armed Conflict Location & Event Data (ACLED)", "UCDP Georeferenced Event Dataset",
                 "Early Warning Project", "accessed 2025-01-15", "ILLUSTRATIVE",
                 "United States Holocaust Memorial Museum"):
        assert text in head, text
    csv = client.get("/api/v1/export?format=csv")
    assert "Early Warning Project" in csv.headers["X-Data-Attribution"]


def test_response_scores_that_count_events_say_whose_and_whether_illustrative(client: FlaskClient) -> None:
    items = {o["id"]: o for o in get(client, "/api/v1/countries/QZA/responses?as_of=2024-01-31")["items"]}
    embargo = items["option/arms-embargo"]
    assert any(t["kind"] == "factor" for t in embargo["explanation"])  # a battle before the assessment counts
    assert embargo["illustrative"] is True
    assert {d["dataset"] for d in embargo["event_datasets"]} == {"ACLED", "UCDP-GED"}
    others = [o for k, o in items.items() if k != "option/arms-embargo"]
    assert others and not any(o["illustrative"] or o["event_datasets"] for o in others)
