"""``akg copy``: the demo graph from Ladybug to the Neo4j test server and back, unchanged.

The demo is built from its examples with each event file cut to 20 rows (``small_examples``: every
class, relationship type and property of the demo but one); the whole demo's copy takes about 10 s
each way, and the test spent most of its time there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cli.demo import build_demo
from graph.base import GraphStore
from graph.registry import open_store
from graph.settings import Settings
from tests.cli.conftest import akg, graph, small_examples
from tests.conftest import NEO4J_SKIP

pytestmark = [pytest.mark.neo4j,
              pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP)]


def ladybug(path: Path) -> Settings:
    return Settings(db_path=path, buffer_pool_mb=512, threads=2)


def test_copy_to_neo4j_and_back(tmp_path: Path, neo4j_store: GraphStore) -> None:
    first, back = tmp_path / "first.lbug", tmp_path / "back.lbug"
    store = open_store(ladybug(first))
    build_demo(store, small_examples(tmp_path / "examples"))
    original = graph(store)
    store.close()

    out = akg("--db", str(first), "copy", "--from", "ladybug", "--to", "neo4j")
    assert out.returncode == 0, out.stderr
    assert f"{len(original[0])} nodes and {sum(original[1].values())} relationships created" in out.stdout
    assert graph(neo4j_store) == original

    again = akg("--db", str(first), "copy", "--from", "ladybug", "--to", "neo4j")
    assert "0 nodes and 0 relationships created, 0 updated" in again.stdout, again.stderr

    home = akg("copy", "--from", "neo4j", "--to", "ladybug", "--to-db", str(back))
    assert home.returncode == 0, home.stderr
    returned = open_store(ladybug(back), read_only=True)
    assert graph(returned) == original
    returned.close()


def test_copy_refuses_the_same_backend_and_a_bad_server(tmp_path: Path) -> None:
    same = akg("copy", "--from", "neo4j", "--to", "neo4j")
    assert same.returncode == 2 and "the same backend" in same.stderr
    missing = akg("--db", str(tmp_path / "x.lbug"), "copy", "--from", "ladybug", "--to", "neo4j")
    assert missing.returncode == 1 and missing.stderr.startswith("error: no database at ")
    wrong = akg("copy", "--from", "neo4j", "--to", "ladybug", "--to-db", str(tmp_path / "y.lbug"),
                NEO4J_PASSWORD="not-the-password")
    assert wrong.returncode == 1 and wrong.stderr.startswith("error: Neo4j at ")
    assert wrong.stderr.count("\n") == 1 and "refused the credentials" in wrong.stderr
    assert not (tmp_path / "y.lbug").exists()
