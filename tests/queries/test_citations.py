"""queries.citations: its Cypher names exist in the model and parse as Neo4j Cypher; ids resolve in one query."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.base import GraphStore
from graph.registry import open_store
from graph.settings import Settings
from ontology.model import load_model
from queries import citations
from queries.cypher_text import strip
from tests.sourced import SOURCE, build


def texts() -> list[tuple[str, str]]:
    return [(n, getattr(citations, n)) for n in citations.__all__ if n.endswith("_CYPHER")]


@pytest.mark.parametrize(("where", "text"), texts(), ids=[w for w, _ in texts()])
def test_cypher_names_exist_in_the_model(where: str, text: str) -> None:
    from tests.queries.test_catalogue import _LABELS, _MAP_KEYS, _PROPERTIES, _TYPES

    m = load_model()
    code = strip(text)
    labels = {x.strip() for g in _LABELS.findall(code) for x in g.split("|")}
    types = {x.strip() for g in _TYPES.findall(code) for x in g.split("|")}
    props = {p for _, p in _PROPERTIES.findall(code)} - (set(_MAP_KEYS.findall(code)) - set(m.properties))
    assert labels and labels <= set(m.classes), labels - set(m.classes)
    assert types <= set(m.relationships) and props <= set(m.properties), (types, props)


@pytest.mark.slow
def test_cypher_texts_pass_neo4js_parser() -> None:
    from tests.graph.test_neo4j_cypher_lint import require_linter
    from tests.neo4j_lint.check import lint

    require_linter()
    failures = [(w, e) for (w, _), (_, e) in zip(texts(), lint([t for _, t in texts()]), strict=True) if e]
    assert not failures, failures


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    tmp = tmp_path_factory.mktemp("citations")
    s = open_store(Settings(db_path=Path(tmp) / "akg.lbug", buffer_pool_mb=256, threads=2))
    build(s, tmp)
    yield s
    s.close()


def test_ids_resolve_to_objects_and_unknown_ids_are_kept(store: GraphStore) -> None:
    found = citations.resolve_sources(store, [SOURCE, "source/nowhere", SOURCE, None])
    assert list(found) == ["source/nowhere", SOURCE]
    assert found[SOURCE]["reliability"] == "B" and found[SOURCE]["credibility"] == 2
    assert found["source/nowhere"] == dict.fromkeys(citations.SOURCE_FIELDS) | {"id": "source/nowhere"}
    items: list[dict[str, Any]] = [{"sources": [SOURCE]}, {"sources": None}, {}]
    citations.attach_sources(store, items)
    assert [len(i["sources"]) for i in items] == [1, 0, 0] and items[0]["sources"][0]["title"]


def test_event_and_score_versions_are_illustrative_with_citations(store: GraphStore) -> None:
    events = citations.event_versions(store, country="country/QZA")
    versions = citations.resolve_versions(store, events)
    assert {v["dataset"] for v in versions.values()} == {"ACLED", "UCDP-GED"}
    assert citations.any_illustrative(versions.values())
    assert sum(events.values()) == len(store.run_read(
        "MATCH (e:Event) WHERE e.dataset_version IS NOT NULL RETURN e.id").rows)
    assert citations.event_versions(store, country="country/QZB") == {}
    lines = citations.attribution(versions.values())
    assert len(lines) == 2 and all("accessed 2025-01-15" in x for x in lines)


def test_country_sources_number_the_latest_assessments_first(store: GraphStore) -> None:
    from viz.provenance import country_sources

    got = country_sources(store, "country/QZB", "assessment/QZB-2024-05")
    assert [(s["number"], s["grade"]) for s in got["sources"]] == [(1, "C3"), (2, "A2")]
    assert got["cited"] == {"finding:rf/RF1": [1, 2], "indicator:ind/1.1": [2]}
