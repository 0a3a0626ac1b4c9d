"""Exports carry the data attribution: Turtle and N-Triples open with it, GraphML holds it as a graph
attribute, a CSV export writes ATTRIBUTION.txt beside its tables; events name their dataset version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from graph.attribution import attribution_lines
from graph.base import GraphStore
from graph.export import export
from graph.registry import open_store
from graph.settings import Settings
from queries import execute
from tests.sourced import build


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    tmp = tmp_path_factory.mktemp("attribution")
    s = open_store(Settings(db_path=tmp / "akg.lbug", buffer_pool_mb=256, threads=2))
    build(s, tmp)
    yield s
    s.close()


def test_attribution_names_every_current_dataset_and_the_evidence(store: GraphStore) -> None:
    lines = attribution_lines(store)
    assert [x.split(" ")[0] for x in lines] == ["Armed", "Early", "UCDP", "United"]
    assert all("[ILLUSTRATIVE" in x for x in lines[:3]) and "ILLUSTRATIVE" not in lines[3]
    assert all("accessed 2025-01-15" in x for x in lines[:3])


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_rdf_exports_open_with_the_attribution_and_still_parse(store: GraphStore, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"akg.{fmt}"
    export(store, fmt, out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Data attribution") and "#   UCDP Georeferenced Event Dataset" in text
    assert len(rdflib.Graph().parse(out, format="turtle" if fmt == "ttl" else "nt")) > 1000


def test_graphml_and_csv_exports_carry_it(store: GraphStore, tmp_path: Path) -> None:
    export(store, "graphml", tmp_path / "akg.graphml")
    assert "Early Warning Project" in nx.read_graphml(tmp_path / "akg.graphml").graph["attribution"]
    written = export(store, "csv", tmp_path / "csv")
    assert [p.name for p in written] == ["nodes.csv", "relationships.csv", "ATTRIBUTION.txt"]
    assert "Armed Conflict Location & Event Data (ACLED)" in (tmp_path / "csv" / "ATTRIBUTION.txt").read_text()


def test_event_rows_name_their_dataset_version(store: GraphStore) -> None:
    rows = execute(store, "events_by_actor_country_period", {"country": "country/QZA"}).dicts()
    assert rows and all(r["dataset_version"].startswith("dataset/") for r in rows)
