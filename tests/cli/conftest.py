"""Fixtures and helpers of the command-line tests: ``akg`` in a child process, a store's graph
as comparable values, and the Neo4j test server's database (wiped before and after)."""

from __future__ import annotations

import csv
import itertools
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.base import GraphStore
from graph.export import graph_to_networkx
from tests.conftest import neo4j_test_store

ROOT = Path(__file__).resolve().parents[2]


def akg(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``akg ARGS`` from the repository's code in a child process (environment plus ``env``)."""
    return subprocess.run([sys.executable, "-c", "from cli import main; main()", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
                          check=False)


def small_examples(target: Path, rows: int = 20) -> Path:
    """The demo data with each event file cut to its first ``rows`` rows. Every class, relationship
    type and property of the demo is still there but one (checked at 20 rows: ``Alert.tail_probability``,
    which needs longer event series). The whole demo is 22,559 nodes and 59,174 relationships, and
    the tests that move it to Neo4j and back, or replay it statement by statement (Neo4j plans each
    replayed statement, with its literals, afresh: about five minutes), take many times as long."""
    shutil.copytree(ROOT / "examples", target)
    for path in (target / "events").glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as fh:
            kept = list(itertools.islice(csv.reader(fh), rows + 1))
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(kept)
    return target


def graph(store: GraphStore) -> tuple[dict[str, Any], Counter[tuple[Any, ...]]]:
    """Every node with its properties, and every relationship with its properties (as a multiset)."""
    g = graph_to_networkx(store)
    edges = Counter((s, t, k, repr(sorted(a.items()))) for s, t, k, a in g.edges(keys=True, data=True))
    return dict(g.nodes(data=True)), edges


@pytest.fixture
def neo4j_store() -> Iterator[GraphStore]:
    """The Neo4j test server's database with the schema, empty, wiped again afterwards."""
    with neo4j_test_store() as store:
        yield store
