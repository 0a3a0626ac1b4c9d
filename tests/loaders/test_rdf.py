"""RDF in the ontology's own terms: an exported graph (Turtle, JSON-LD, N-Triples) imports into
a fresh store as the identical graph, and importing again changes nothing; syntax errors name
the line; a term the ontology lacks is refused by name. Runs on every backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cli.admin import init_store
from graph.base import GraphStore
from graph.export import export, iter_nodes, iter_rels
from graph.ingest import load_files
from graph.records import Edge, Node
from graph.registry import open_store
from loaders import ewp, rdf
from tests.conftest import _wipe_neo4j, settings_for
from tests.data import world_edges, world_nodes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RDF = FIXTURES / "rdf"


def frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(frozen(v) for v in value)
    return value


def graph_of(store: GraphStore) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Every node and relationship with all its properties, comparable as sets."""
    nodes = {tuple(sorted((k, frozen(v)) for k, v in n.items() if v is not None)) for n in iter_nodes(store)}
    rels = {tuple(sorted((k, frozen(v)) for k, v in r.items() if v is not None)) for r in iter_rels(store)}
    return nodes, rels


def counts(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    st = store.stats()
    return dict(st.nodes), dict(st.relationships)


def fill(store: GraphStore) -> None:
    init_store(store)
    scores = list(ewp.read(FIXTURES / "ewp" / "base2021-run-2022-09-30.csv"))
    nodes = world_nodes() + [r for r in scores if isinstance(r, Node)]
    edges = world_edges() + [r for r in scores if isinstance(r, Edge)]
    store.write(nodes, edges)


# rdflib's JSON-LD parser warns that it uses ConjunctiveGraph; under filterwarnings=error
# loaders/rdf.py would report that warning as a syntax error.
JSONLD_WARNING = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"


@pytest.mark.filterwarnings(JSONLD_WARNING)
@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nt"])
def test_export_then_import_gives_the_identical_graph(store: GraphStore, tmp_path: Path, fmt: str) -> None:
    fill(store)
    original = graph_of(store)
    path = tmp_path / f"graph.{fmt}"
    export(store, fmt, path)
    fresh = open_store(settings_for(store.backend, tmp_path / "fresh"))
    try:
        if store.backend == "neo4j":
            _wipe_neo4j(fresh)  # one server: the fresh store is the same database, emptied
        fresh.init_schema()
        [result] = load_files(fresh, [path], rdf.read)
        assert result.loaded, result.problems
        imported = graph_of(fresh)
        assert imported[0] == original[0]
        assert imported[1] == original[1]
        # spot checks on the value types that are easy to lose on the way
        score = next(dict(n) for n in imported[0] if ("id", "score/ewp-2022-MMR-2022-2023") in n)
        assert score["risk"] == pytest.approx(0.1379) and score["date"] == dt.date(2022, 9, 30)
        militia = next(dict(n) for n in imported[0] if ("id", "actor/qz-night-riders") in n)
        assert militia["aliases"] == ("NR", "Riders of the Night")
        [again] = load_files(fresh, [path], rdf.read)
        assert again.loaded and again.summary.changes == 0
        assert graph_of(fresh) == imported
    finally:
        fresh.close()


def test_turtle_fixture_with_statement_properties(store: GraphStore) -> None:
    [result] = load_files(store, [RDF / "qaziria.ttl"], rdf.read)
    assert result.loaded, result.problems
    threat = store.run_read("MATCH (:Actor)-[t:THREATENS]->(:VictimGroup) RETURN t").scalar()
    assert threat["confidence"] == "medium" and threat["valid_from"] == dt.date(2023, 9, 1)
    country = store.run_read("MATCH (c:Country {id: 'country/QZA'}) RETURN c").scalar()
    assert country["aliases"] == ["Qazir", "Republic of Qaziria"] and country["monitored"] is True
    before = counts(store)
    [again] = load_files(store, [RDF / "qaziria.ttl"], rdf.read)
    assert again.loaded and again.summary.changes == 0 and counts(store) == before


@pytest.mark.filterwarnings(JSONLD_WARNING)
def test_syntax_errors_name_the_line(store: GraphStore, tmp_path: Path) -> None:
    bad_json = tmp_path / "bad.jsonld"
    bad_json.write_text('{"@id": "https://w3id.org/atrocity-kg/id/actor/x",\n "a": [1, 2\n}\n', encoding="utf-8")
    before = counts(store)
    results = load_files(store, [RDF / "syntax_error.ttl", bad_json], rdf.read)
    assert [r.loaded for r in results] == [False, False]
    assert results[0].problems[0].startswith(f"{RDF / 'syntax_error.ttl'}:10: RDF syntax error")
    assert results[1].problems[0].startswith(f"{bad_json}:3: RDF syntax error: Expecting ','")
    assert counts(store) == before


def test_terms_the_ontology_lacks_are_refused_by_name(store: GraphStore) -> None:
    before = counts(store)
    [result] = load_files(store, [RDF / "unknown_term.ttl"], rdf.read)
    assert not result.loaded
    assert sorted(result.problems) == [
        f"{RDF / 'unknown_term.ttl'} https://w3id.org/atrocity-kg/ontology#FRIENDS_WITH: is not defined by the ontology",
        f"{RDF / 'unknown_term.ttl'} https://w3id.org/atrocity-kg/ontology#strength: is not defined by the ontology",
    ]
    assert counts(store) == before
