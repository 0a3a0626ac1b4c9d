"""``akg copy``: the demo graph from Ladybug to the Neo4j test server and back, unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.demo import build_demo
from graph.base import GraphStore
from graph.export import graph_to_networkx
from graph.registry import open_store
from graph.settings import Settings
from tests.conftest import NEO4J_SKIP, _wipe_neo4j

pytestmark = [pytest.mark.neo4j,
              pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP)]
ROOT = Path(__file__).resolve().parents[2]


def ladybug(path: Path) -> Settings:
    return Settings(db_path=path, buffer_pool_mb=512, threads=2)


@pytest.fixture
def neo4j_store() -> Iterator[GraphStore]:
    store = open_store(Settings.from_env().with_overrides(backend="neo4j"))
    store.init_schema()
    _wipe_neo4j(store)
    try:
        yield store
    finally:
        _wipe_neo4j(store)
        store.close()


def akg(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from cli import main; main()", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
                          check=False)


def graph(store: GraphStore) -> tuple[dict[str, Any], Counter[tuple[Any, ...]]]:
    g = graph_to_networkx(store)
    edges = Counter((s, t, k, repr(sorted(a.items()))) for s, t, k, a in g.edges(keys=True, data=True))
    return dict(g.nodes(data=True)), edges


def test_copy_to_neo4j_and_back(tmp_path: Path, neo4j_store: GraphStore) -> None:
    first, back = tmp_path / "first.lbug", tmp_path / "back.lbug"
    store = open_store(ladybug(first))
    build_demo(store, ROOT / "examples")
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
