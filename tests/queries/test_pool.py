"""The query worker pool on a small store of its own: fresh reads, busy workers, big results,
and the in-process path used on Neo4j."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.admin import init_store
from graph.ladybug_store import LadybugStore
from graph.records import Node
from graph.settings import Settings
from queries.isolated import QueryBusy, QueryPool, QueryTooLarge
from queries.worker import files_state, max_db_bytes

HEAVY = ("UNWIND range(1, 20000) AS x UNWIND range(1, 20000) AS y "
         "WITH x, y WHERE (x * y) % 7 = 3 RETURN count(*) AS n")
COUNT = "MATCH (r:Region) WHERE r.id STARTS WITH 'region/pool-' RETURN count(*) AS n"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    found = Settings(db_path=tmp_path_factory.mktemp("pool") / "akg.lbug", buffer_pool_mb=128, threads=2)
    store = LadybugStore(found)
    init_store(store)
    store.close()
    return found


@pytest.fixture
def pool(settings: Settings) -> Iterator[QueryPool]:
    found = QueryPool(settings, workers=1, memory_mb=512)
    yield found
    found.close()


def test_a_worker_sees_each_write_by_another_process(settings: Settings, pool: QueryPool) -> None:
    assert pool.run(None, COUNT, timeout=5, limit=5).rows == [[0]]
    writer = LadybugStore(settings)
    try:
        for n in (1, 2):
            writer.write([Node.make(f"region/pool-{n}", name=f"Pool {n}")], [])
            assert pool.run(None, COUNT, timeout=5, limit=5).rows == [[n]]
    finally:
        writer.delete_nodes(["region/pool-1", "region/pool-2"])
        writer.close()
    assert pool.run(None, COUNT, timeout=5, limit=5).rows == [[0]]


def test_the_reservation_grows_with_the_store(settings: Settings) -> None:
    size = max_db_bytes(settings.db_path)
    assert size >= 1 << 30 and size & (size - 1) == 0
    assert size >= 4 * sum(max(s, 0) for s, _, _ in files_state(settings.db_path))


def test_more_queries_than_workers_get_busy_at_once(pool: QueryPool) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            pool.run(None, HEAVY, timeout=2, limit=1)
        except BaseException as exc:  # noqa: BLE001 - the timeout is expected
            errors.append(exc)

    slow = threading.Thread(target=run)
    slow.start()
    deadline = time.monotonic() + 10
    while pool.busy == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    start = time.monotonic()
    with pytest.raises(QueryBusy) as err:
        pool.run(None, "RETURN 1 AS one", timeout=2, limit=1)
    assert time.monotonic() - start < 0.2 and err.value.details["retry_after"] >= 1
    slow.join()
    assert pool.run(None, "RETURN 1 AS one", timeout=2, limit=1).rows == [[1]]


def test_a_result_too_big_to_send_is_query_too_large(pool: QueryPool) -> None:
    with pytest.raises(QueryTooLarge, match="larger than 64 MiB"):
        pool.run(None, "UNWIND range(1, 10000) AS x RETURN repeat('x', 10000) AS s", timeout=20, limit=10000)
    assert pool.run(None, "RETURN 1 AS one", timeout=5, limit=1).rows == [[1]]


def test_without_isolation_the_pool_runs_in_process_and_still_bounds(settings: Settings) -> None:
    """On Neo4j the server isolates queries; the pool only bounds how many run at once."""
    store = LadybugStore(settings, read_only=True)
    pool = QueryPool(settings.with_overrides(backend="neo4j"), workers=1)
    try:
        assert not pool.isolated
        assert pool.run(store, "RETURN 40 + 2 AS n", timeout=5, limit=1).rows == [[42]]
        pool._acquire(retry_after=3)  # noqa: SLF001 - hold the only slot
        with pytest.raises(QueryBusy):
            pool.run(store, "RETURN 1 AS one", timeout=5, limit=1)
    finally:
        pool.close()
        store.close()


@pytest.mark.parametrize(("cypher", "said"), [
    ("RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS x", "nested 3000 deep"),
    ("RETURN " + "NOT " * 20000 + "true AS x", "prefix operators"),
    ("WITH range(1, 10000000) AS l RETURN size(list_transform(l, x -> l)) AS n", "more memory"),
])
def test_akg_query_ends_with_one_line_not_a_crash(settings: Settings, cypher: str, said: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKG_")}
    env.update(AKG_DB=str(settings.db_path), AKG_BUFFER_POOL_MB="128", AKG_QUERY_MEMORY_MB="512")
    akg = Path(sys.executable).parent / "akg"
    done = subprocess.run([str(akg), "query", cypher], env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert said in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_worker_that_died_idle_is_replaced_not_reported_as_a_crash(settings: Settings) -> None:
    """Workers killed while idle, then a query at once: the pool may still think they are alive;
    the query must run on a fresh worker, not come back as the dead worker's crash."""
    pool = QueryPool(settings, workers=2, memory_mb=512)
    try:
        rounds = 0
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline or rounds < 2:
            pool.warm()
            started = time.monotonic() + 30
            while len(pool.pids()) < 2 and time.monotonic() < started:
                time.sleep(0.01)
            for pid in pool.pids():
                os.kill(pid, signal.SIGSEGV)
            assert pool.run(None, "RETURN 1 AS one", timeout=5, limit=1).rows == [[1]], f"round {rounds}"
            rounds += 1
    finally:
        pool.close()
