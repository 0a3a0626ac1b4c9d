"""Ladybug-specific behaviour: atomic failure, locking, paths, generated DDL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from graph.ladybug_store import LadybugStore
from graph.ladybug_write import LadybugWriter
from graph.records import Edge, Node
from graph.schema import ladybug_ddl
from graph.settings import Settings
from ontology.errors import QueryRefused, StoreError, StoreLocked
from tests import data


def make_store(tmp_path: Path, **kw: Any) -> LadybugStore:
    s = LadybugStore(Settings(db_path=tmp_path / "akg.lbug", buffer_pool_mb=128, threads=2), **kw)
    if not kw.get("read_only"):
        s.init_schema()
    return s


def counts(store: LadybugStore) -> tuple[dict[str, int], dict[str, int]]:
    st = store.stats()
    return dict(st.nodes), dict(st.relationships)


def test_failure_half_way_leaves_store_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nodes are already created in the transaction when the relationship step fails."""
    store = make_store(tmp_path)
    store.write(data.world_nodes(), data.world_edges())
    before = counts(store)
    calls = {"n": 0}
    real = LadybugWriter._create_edges

    def failing(self: LadybugWriter, *args: Any) -> bool:
        calls["n"] += 1
        raise RuntimeError("simulated disk failure")

    monkeypatch.setattr(LadybugWriter, "_create_edges", failing)
    new_nodes = [Node.make(f"actor/new-{i}", name=f"N{i}") for i in range(5)]
    new_edges = [Edge.make("SUPPORTS", f"actor/new-{i}", data.MILITIA) for i in range(5)]
    with pytest.raises(StoreError, match="simulated disk failure"):
        store.write(new_nodes, new_edges)
    assert calls["n"] == 1
    assert counts(store) == before
    monkeypatch.setattr(LadybugWriter, "_create_edges", real)
    summary = store.write(new_nodes, new_edges)  # the store is still usable
    assert (summary.nodes_created, summary.edges_created) == (5, 5)
    store.close()


BULK_FAILURE = """
import sys
from pathlib import Path
from graph.ladybug_store import LadybugStore
from graph.ladybug_write import LadybugWriter
from graph.records import Edge, Node
from graph.settings import Settings
from ontology.errors import StoreAbandoned
from tests import data

store = LadybugStore(Settings(db_path=Path(sys.argv[1]), buffer_pool_mb=128, threads=2))
LadybugWriter.copy_threshold = 1

def failing(self, *args):
    raise RuntimeError("simulated failure after the bulk COPY of nodes")

LadybugWriter._create_edges = failing
nodes = [Node.make(f"actor/bulk-{i}", name="B") for i in range(50)]
edges = [Edge.make("SUPPORTS", f"actor/bulk-{i}", data.MILITIA) for i in range(50)]
try:
    store.write(nodes, edges)
except StoreAbandoned as exc:
    print("ABANDONED:", exc, flush=True)
    try:
        store.stats()
    except StoreAbandoned:
        print("REFUSED AFTERWARDS", flush=True)
    import os
    os._exit(3)
"""


def test_failed_bulk_copy_is_abandoned_and_store_unchanged(tmp_path: Path) -> None:
    """A COPY cannot be rolled back safely in Ladybug 0.22: the write is abandoned uncommitted
    and the process exits; reopening shows the store exactly as before."""
    store = make_store(tmp_path)
    store.write(data.world_nodes(), data.world_edges())
    before = counts(store)
    store.close()
    out = subprocess.run([sys.executable, "-c", BULK_FAILURE, str(tmp_path / "akg.lbug")],
                         capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 3, out.stderr
    assert "ABANDONED:" in out.stdout and "database is unchanged" in out.stdout
    assert "REFUSED AFTERWARDS" in out.stdout
    again = make_store(tmp_path)
    assert counts(again) == before
    assert again.write([Node.make("actor/after", name="After")], []).nodes_created == 1
    again.close()


def test_second_writer_process_gets_a_clear_lock_message(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from graph.ladybug_store import LadybugStore
        from graph.settings import Settings
        from ontology.errors import StoreLocked
        try:
            LadybugStore(Settings(db_path=Path({str(tmp_path / 'akg.lbug')!r}), buffer_pool_mb=64))
        except StoreLocked as exc:
            print("LOCKED:", exc)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "LOCKED:" in out.stdout, out.stderr
    assert "is locked by process" in out.stdout and "read-only" in out.stdout
    assert "Traceback" not in out.stdout
    store.close()


def test_read_only_opening_refuses_writes_and_missing_db(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="akg init"):
        LadybugStore(Settings(db_path=tmp_path / "none.lbug"), read_only=True)
    make_store(tmp_path).close()
    ro = make_store(tmp_path, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        ro.write([Node.make("actor/x", name="X")], [])
    # its reads are single statements, without a read-only transaction: the database refuses
    # a write in one all the same, and reads on after it
    with pytest.raises(QueryRefused, match="refused a write"):
        ro.run_read("CREATE (:Actor {id: 'actor/y', name: 'Y'})")
    assert ro.run_read("MATCH (a:Actor) RETURN count(a) AS n").scalar() == 0
    ro.close()
    rw = make_store(tmp_path)
    with pytest.raises(QueryRefused, match="refused a write"):
        rw.run_read("CREATE (:Actor {id: 'actor/y', name: 'Y'})")
    assert rw.run_read("MATCH (a:Actor) RETURN count(a) AS n").scalar() == 0
    rw.close()


def test_unwritable_path_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create"):
        LadybugStore(Settings(db_path=blocker / "sub" / "akg.lbug"))
    StoreLocked  # noqa: B018 - imported for the docs of this module's errors


def test_generated_ddl_text() -> None:
    ddl = ladybug_ddl()
    threatens = next(s for s in ddl if "`THREATENS`(" in s)
    assert threatens == (
        "CREATE REL TABLE IF NOT EXISTS `THREATENS`(FROM `Actor` TO `VictimGroup`, "
        "`asserted_on` DATE, `confidence` STRING, `note` STRING, `owners` STRING[], `sources` STRING[], "
        "`valid_from` DATE, `valid_to` DATE)"
    )
    targets = next(s for s in ddl if "`TARGETS`(" in s)
    assert "FROM `Recommendation` TO `Actor`, FROM `Recommendation` TO `RiskFactor`" in targets
    actor = next(s for s in ddl if "`Actor`(" in s)
    assert "`aliases` STRING[]" in actor and actor.endswith("PRIMARY KEY(`id`))")
