"""Neo4j loads in several transactions (:mod:`graph.neo4j_batched`): the same store as one
transaction, and a load killed with SIGKILL at any moment leaves the store as it was or a
``loading`` version that loading the same file again completes into exactly the store an
uninterrupted load gives (every node and relationship with its properties).

The cutting of chunks into transactions is checked without a server: the slices of a chunk
write every row and relationship of it exactly once.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from click.testing import CliRunner

from api import create_app
from benchmarks.acled_gen import generate
from cli import cli
from cli.admin import init_store
from graph import neo4j_switch
from graph.base import GraphStore
from graph.bulk import Bulk
from graph.datasets import LOAD_STATES, is_loading, list_versions
from graph.neo4j_batched import cuts
from loaders.acled import chunks, open_acled
from loaders.actors import AliasTable
from ontology.model import load_model
from tests.conftest import NEO4J_SKIP, Neo4jSnapshot, neo4j_test_store
from tests.loaders import kill_harness as k
from tests.loaders.test_kill_anywhere import _settle, _some_countries

PER_TX = 40  # rows in scope per transaction: a few hundred rows make several
NEO4J = {"AKG_BACKEND": "neo4j"}
BATCHED = {**NEO4J, "AKG_NEO4J_TRANSACTION_ROWS": str(PER_TX)}
ONE_TRANSACTION = {**NEO4J, "AKG_NEO4J_TRANSACTION_ROWS": "0"}
# what a version's load records about itself, and the log's wording of it, differ by how it was loaded
BOOKKEEPING = {"load_state", "rows_committed"}

ON_NEO4J = [pytest.mark.neo4j, pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP)]


# ---------------------------------------------------------------- without a server
def _file_cuts(sizes: list[int], per_tx: int, skip: int) -> list[tuple[int, int]]:
    """The file-wide row ranges :func:`cuts` gives for chunks of ``sizes`` rows."""
    ranges: list[tuple[int, int]] = []
    position = in_tx = 0
    for rows in sizes:
        for a, b in cuts(rows=rows, position=position, skip=skip, per_tx=per_tx, in_tx=in_tx):
            ranges.append((position + a, position + b))
            in_tx = (in_tx + b - a) % per_tx
        position += rows
    return ranges


def test_the_cuts_of_a_file_end_where_transactions_end_and_skip_what_was_committed() -> None:
    per_tx, sizes = 100, [30, 250, 0, 75, 120]
    nonempty = [r for r in _file_cuts(sizes, per_tx, skip=0) if r[0] != r[1]]
    assert [b - a for a, b in nonempty] and sum(b - a for a, b in nonempty) == sum(sizes)
    assert all(x[1] == y[0] for x, y in zip(nonempty, nonempty[1:], strict=False))
    ends = {b for _, b in nonempty}
    assert {100, 200, 300, 400} <= ends  # every transaction boundary is a cut
    # resuming after 200 committed rows writes exactly the rows from 200 on
    resumed = _file_cuts(sizes, per_tx, skip=200)
    assert min(a for a, b in resumed if b > a) == 200
    assert sum(b - a for a, b in resumed) == sum(sizes) - 200


def test_the_load_states_are_the_ontologys() -> None:
    allowed = load_model().constraint("DatasetVersion", "load_state").values
    assert allowed is not None and set(LOAD_STATES.values()) == set(allowed)


def _acled_chunk(tmp_path: Path) -> Bulk:
    path = tmp_path / "a.csv"
    generate(300, path, seed=3)
    found = list(chunks(open_acled(path), AliasTable({}, {})))
    assert len(found) == 1
    return found[0]


def _edge_rows(chunk: Bulk) -> list[tuple[str, str, str]]:
    rows = [(et.type, s, t) for et in chunk.edge_tables
            for s, t in zip(et.table.column("from").to_pylist(), et.table.column("to").to_pylist(), strict=True)]
    return rows + [(e.type, e.source, e.target) for e in chunk.edges]


@pytest.mark.parametrize("cut", [[0, 300], [0, 1, 299, 300], [0, 40, 80, 120, 160, 200, 240, 280, 300]])
def test_the_slices_of_a_chunk_write_each_row_and_relationship_once(tmp_path: Path, cut: list[int]) -> None:
    chunk = _acled_chunk(tmp_path)
    slices = [chunk.rows_slice("Event", a, b) for a, b in zip(cut, cut[1:], strict=False)]
    events = [i for s in slices for i in s.node_tables["Event"].column("id").to_pylist()]
    assert events == chunk.node_tables["Event"].column("id").to_pylist()
    assert sorted(r for s in slices for r in _edge_rows(s)) == sorted(_edge_rows(chunk))
    assert slices[0].nodes == chunk.nodes and not any(s.nodes for s in slices[1:])
    others = sorted(set(chunk.node_tables) - {"Event"})
    assert others and sorted(set(slices[0].node_tables) - {"Event"}) == others  # actors, places: once
    assert all(set(s.node_tables) == {"Event"} for s in slices[1:])
    for s in slices:  # a relationship travels with the event it belongs to
        ids = set(s.node_tables["Event"].column("id").to_pylist())
        for et in s.edge_tables:
            ends = pa.concat_arrays([et.table.column("from").combine_chunks(),
                                     et.table.column("to").combine_chunks()]).to_pylist()
            assert ids.intersection(ends) or s is slices[0]


# ---------------------------------------------------------------- on the server
def full_fingerprint(store: GraphStore) -> str:
    """Every node (but log entries, whose wording says how a load went) and relationship, with
    their properties, but a version's bookkeeping of its load and what is derived from the events
    after the load (series and alerts: see :mod:`tests.loaders.kill_harness`)."""
    h = hashlib.sha256()
    nodes = store.run_read("MATCH (n) RETURN labels(n)[0] AS label, n.id AS id, properties(n) AS p ORDER BY id").rows
    for label, node_id, props in nodes:
        if label not in k.DERIVED and label != "LogEntry":
            h.update(repr((node_id, sorted((k, v) for k, v in props.items() if k not in BOOKKEEPING))).encode())
    rels = store.run_read("MATCH (a)-[r]->(b) RETURN a.id, type(r), b.id, properties(r) ORDER BY a.id, type(r), b.id").rows
    h.update(repr([(a, t, b, sorted(p.items())) for a, t, b, p in rels if t not in k.DERIVED]).encode())
    return h.hexdigest()


def _load(path: Path, env: dict[str, str]) -> str:
    done = CliRunner().invoke(cli, ["load", "acled", str(path)], env=env)
    assert done.exit_code == 0, done.output
    return done.output


def _unfinished(store: GraphStore) -> list[dict[str, Any]]:
    return [v for v in list_versions(store) if is_loading(v)]


def events_fingerprint(store: GraphStore) -> str:
    """Every event with its properties and relationships."""
    rows = store.run_read("MATCH (e:Event) OPTIONAL MATCH (e)-[r]-(x) WITH e, r, x ORDER BY type(r), x.id "
                          "RETURN e.id, properties(e), collect([type(r), x.id, properties(r)]) ORDER BY e.id").rows
    return hashlib.sha256(repr([(i, sorted(p.items()), links) for i, p, links in rows]).encode()).hexdigest()


@dataclass
class Prepared:
    """The first version loaded, and the stores the second export gives loaded in one transaction."""

    store: GraphStore
    first: Path
    second: Path
    start: Neo4jSnapshot
    before: str
    one_transaction: str
    events: str


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prepared]:
    """Two exports of the same scope (a few hundred rows; some events gone in the second, others
    new or changed), the first loaded, and the second's result in one transaction."""
    tmp = tmp_path_factory.mktemp("batched")
    generate(2_000, tmp / "v1.csv", seed=1)
    generate(2_000, tmp / "v2.csv", seed=2)
    first, second = _some_countries(tmp / "v1.csv"), _some_countries(tmp / "v2.csv")
    with neo4j_test_store() as store:
        init_store(store)
        _load(first, ONE_TRANSACTION)
        start = Neo4jSnapshot.of(store)
        before = full_fingerprint(store)
        _load(second, ONE_TRANSACTION)
        yield Prepared(store, first, second, start, before, full_fingerprint(store), events_fingerprint(store))


def _kill_when(proc: Any, ready: Callable[[], bool], timeout: float = 120.0) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` holds; False when it ended first."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the load neither ended nor reached the moment to kill it"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return True


def _committed(store: GraphStore, at_least: int) -> Callable[[], bool]:
    return lambda: any((v["rows_committed"] or 0) >= at_least for v in _unfinished(store))


@pytest.mark.slow
@pytest.mark.parametrize("moment", [pytest.param(m, marks=ON_NEO4J)
                                    for m in ("start", "rows", "most-rows")])
def test_a_batched_load_killed_at_any_moment_resumes_to_exactly_the_uninterrupted_store(
    prepared: Prepared, moment: str
) -> None:
    p, store = prepared, prepared.store
    p.start.restore(store)
    if moment == "start":  # the uninterrupted load, once: the store one transaction gives
        out = _load(p.second, BATCHED)
        assert full_fingerprint(store) == p.one_transaction, out
        [version] = [v for v in list_versions(store) if v["current"]]
        assert version["load_state"] == "complete" and version["rows_committed"] == version["rows_in_scope"]
        assert version["rows_in_scope"] > 4 * PER_TX  # several transactions of rows
        assert not _unfinished(store)
        return
    ready = {"rows": _committed(store, PER_TX), "most-rows": _committed(store, 4 * PER_TX)}[moment]
    killed = _kill_when(k.load(p.second, env=BATCHED), ready)
    _settle(store)
    if full_fingerprint(store) == p.one_transaction and not _unfinished(store):
        # a kill at the last rows may come after the switch; one at the first rows may not
        assert moment == "most-rows" or not killed, f"killed at {moment!r}, the load was complete already"
        return
    # a partial store says so, and the same file completes it
    [unfinished] = _unfinished(store)
    out = _load(p.second, BATCHED)
    assert f"resumed an interrupted load after {unfinished['rows_committed']} rows" in _last_log(store), out
    assert full_fingerprint(store) == p.one_transaction, f"resuming after a kill at {moment!r} gave another store"
    assert not _unfinished(store)


@pytest.mark.parametrize("case", [pytest.param("neo4j", marks=ON_NEO4J)])
def test_a_load_stopped_after_its_last_rows_resumes_without_writing_them_again(
    prepared: Prepared, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """Every row committed, the removed events deleted, the replaced version's rows not yet
    repointed (the moment a kill would have to hit within a few transactions)."""
    p, store = prepared, prepared.store
    p.start.restore(store)

    def stop(*args: object, **kwargs: object) -> int:
        raise RuntimeError("stopped before the repoint")

    monkeypatch.setattr(neo4j_switch, "repoint", stop)
    stopped = CliRunner().invoke(cli, ["load", "acled", str(p.second)], env=BATCHED)
    assert stopped.exit_code != 0 and isinstance(stopped.exception, RuntimeError)
    monkeypatch.undo()
    [unfinished] = _unfinished(store)
    _load(p.second, BATCHED)
    [version] = [v for v in list_versions(store) if v["current"]]
    assert version["id"] == unfinished["id"] and version["load_state"] == "complete"
    assert unfinished["rows_committed"] == version["rows_committed"] == version["rows_in_scope"]
    assert f"resumed an interrupted load after {version['rows_in_scope']} rows" in _last_log(store)
    assert full_fingerprint(store) == p.one_transaction


@pytest.mark.parametrize("case", [pytest.param("neo4j", marks=ON_NEO4J)])
def test_a_file_with_no_rows_in_its_scope_changes_nothing(prepared: Prepared, case: str) -> None:
    p, store = prepared, prepared.store
    p.start.restore(store)
    logged = store.run_read("MATCH (n:LogEntry) RETURN count(n)").rows
    refused = CliRunner().invoke(cli, ["load", "acled", str(p.second), "--country", "FRA"], env=BATCHED)
    assert refused.exit_code != 0 and "no Event rows in scope country=FRA" in str(refused.exception)
    assert full_fingerprint(store) == p.before and not _unfinished(store)
    assert store.run_read("MATCH (n:LogEntry) RETURN count(n)").rows == logged


def _last_log(store: GraphStore) -> str:
    rows = store.run_read("MATCH (n:LogEntry) WHERE n.action STARTS WITH 'dataset-' "
                          "RETURN n.details ORDER BY n.at DESC LIMIT 1").rows
    return repr(rows)


@pytest.mark.parametrize("case", [pytest.param("neo4j", marks=ON_NEO4J)])
def test_another_file_abandons_an_unfinished_version_and_removes_what_it_added(
    prepared: Prepared, tmp_path: Path, case: str
) -> None:
    p, store = prepared, prepared.store
    p.start.restore(store)
    generate(2_000, tmp_path / "v3.csv", seed=7)
    third = _some_countries(tmp_path / "v3.csv")
    served = create_app({"SETTINGS": store.settings, "TESTING": True}).extensions["akg"]  # type: ignore[attr-defined]
    served.store()
    seen = served.stamp()
    assert _kill_when(k.load(third, env=BATCHED), _committed(store, PER_TX))
    _settle(store)
    [orphan] = _unfinished(store)
    assert served.stamp() != seen  # a server sees the committed rows (no log entry yet), drops its cache
    # the unfinished version is named where its rows are seen: pages, `akg datasets`, the API
    pages = create_app({"STORE": store, "TESTING": True}).test_client()
    page = pages.get("/countries/SDN").get_data(as_text=True)
    assert 'id="loading-banner"' in page and orphan["id"] in page
    listed = CliRunner().invoke(cli, ["datasets"], env=NEO4J)
    assert f"loading ({orphan['rows_committed']} rows written)" in listed.output, listed.output
    assert orphan["id"] in {v["id"] for v in pages.get("/api/v1/datasets").get_json()["items"]}
    _load(p.second, ONE_TRANSACTION)
    states = {v["id"]: v["load_state"] for v in list_versions(store)}
    assert states[orphan["id"]] == "abandoned" and not _unfinished(store)
    assert 'id="loading-banner"' not in pages.get("/countries/SDN").get_data(as_text=True)
    # the events are those of the second file alone (actors and places the unfinished load met
    # stay, as after any replacing load: a dataset version owns its events, not who is named in them)
    assert events_fingerprint(store) == p.events
