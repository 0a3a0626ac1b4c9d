"""All or nothing at every instant, on each backend: a real ``akg load acled`` that *replaces* a
dataset version is killed with SIGKILL at 12 moments spread over its whole run and a little past it
(at least three in the last 10 %), then five more between the last kill that left the first version
and the first that left the second (the commit lies there); after each kill the store must be
exactly as before or exactly as after, by a full fingerprint (:mod:`tests.loaders.kill_harness`),
and must open again.

On Ladybug each kill gets its own copy of the store holding the first version. On Neo4j the test
server's one database is shared: after each kill the harness waits until the server has finished
with the killed client's transaction (rolled back on the lost connection, or committed when the
kill came after the commit was sent), fingerprints it, and rebuilds the first version only when the
kill left the second."""

from __future__ import annotations

import csv
import itertools
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner

from benchmarks.acled_gen import generate
from cli import cli
from cli.admin import init_store
from graph import ladybug_stage
from graph.base import GraphStore
from graph.registry import open_store
from graph.settings import Settings
from tests.conftest import Neo4jSnapshot, _wipe_neo4j, backend_params, refuse_unless_test_server
from tests.loaders import kill_harness as k

ROWS = 2_000
NEO4J = {"AKG_BACKEND": "neo4j"}
# On Neo4j the store is rebuilt after each kill that left the second version, and the monthly series
# the load derives afterwards (per country) take most of its time: five countries' rows (about 250).
NEO4J_COUNTRIES = frozenset({"Rwanda", "Burundi", "Kenya", "Serbia", "Sudan"})


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """Two exports of the same scope: some events gone in the second, others new or changed."""
    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    generate(ROWS, first, seed=1)
    generate(ROWS, second, seed=2)
    return first, second


def _some_countries(path: Path) -> Path:
    """The rows of ``path`` in :data:`NEO4J_COUNTRIES`, in a file beside it."""
    out = path.with_name(f"few-{path.name}")
    with path.open(newline="", encoding="utf-8") as src, out.open("w", newline="", encoding="utf-8") as dst:
        rows = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=list(rows.fieldnames or []))
        writer.writeheader()
        writer.writerows(r for r in rows if r["country"] in NEO4J_COUNTRIES)
    return out


def _ladybug(db: Path) -> GraphStore:
    # opening recovers a killed write the way any later writer would
    return open_store(Settings(db_path=db, buffer_pool_mb=128, threads=1))


def _ladybug_fingerprint(db: Path) -> k.Fingerprint:
    store = _ladybug(db)
    try:
        return k.fingerprint(store)
    finally:
        store.close()


def _run(before: k.Fingerprint, after: k.Fingerprint, duration: float,
         kill_one: Callable[[float], k.Fingerprint]) -> dict[str, int]:
    assert after != before
    moments = k.moments(duration)
    assert sum(0.9 * duration <= m <= duration for m in moments) >= 3
    seen = {"before": 0, "after": 0}
    verdicts: list[tuple[float, str]] = []

    def kill(moment: float) -> None:
        state = k.verdict(kill_one(moment), before, after, moment, duration)
        seen[state] += 1
        verdicts.append((moment, state))
        print(f"killed at {moment:.2f} s of {duration:.2f} s: {state}")  # shown with -s

    for moment in moments:
        kill(moment)
    assert seen["before"] and seen["after"], seen
    # the commit lies between the first kill that left the second version and the last one before it
    # that left the first: five more kills in between
    first_after = min(m for m, state in verdicts if state == "after")
    last_before = max((m for m, state in verdicts if state == "before" and m < first_after), default=0.0)
    for extra in k.between(last_before, first_after):
        kill(extra)
    return seen


# Staged loads (graph.ladybug_stage): each version written in about ten transactions into a copy of
# the store, then swapped in; a kill before the swap must leave the store as it was.
STAGED = {"AKG_STAGE_ROWS": "1", "AKG_STAGE_TRANSACTION_ROWS": "1000"}
ONE_TRANSACTION = {"AKG_STAGE_ROWS": "0"}


@pytest.mark.slow
@pytest.mark.parametrize("backend", [*backend_params(), "ladybug-staged"])
def test_a_replacing_load_killed_at_any_moment_leaves_before_or_after(
    backend: str, files: tuple[Path, Path], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    first, second = files
    if backend == "neo4j":
        request.getfixturevalue("neo4j_kill_target")(_some_countries(first), _some_countries(second))
        return
    env = STAGED if backend == "ladybug-staged" else ONE_TRANSACTION
    base = tmp_path / "base.lbug"
    store = _ladybug(base)
    init_store(store)
    store.close()
    assert k.load(first, db=base, env=env).wait(timeout=300) == 0
    before = _ladybug_fingerprint(base)
    done = tmp_path / "done.lbug"
    shutil.copy(base, done)
    started = time.monotonic()
    assert k.load(second, db=done, env=env).wait(timeout=300) == 0
    duration = time.monotonic() - started
    after = _ladybug_fingerprint(done)
    kills = itertools.count()

    def kill_one(moment: float) -> k.Fingerprint:
        db = tmp_path / f"k{next(kills)}.lbug"
        shutil.copy(base, db)
        k.kill_at(k.load(second, db=db, env=env), moment)
        got = _ladybug_fingerprint(db)
        # a writable open (the fingerprint's) removes what a killed staged load left
        assert not ladybug_stage.leftovers(db)
        for f in tmp_path.glob(f"{db.name}*"):
            f.unlink()
        return got

    _run(before, after, duration, kill_one)


@pytest.fixture
def neo4j_kill_target() -> Iterator[Callable[[Path, Path], None]]:
    """Runs the harness on the test server's database (wiped before and after)."""
    store = open_store(Settings.from_env().with_overrides(backend="neo4j"))
    store.init_schema()
    refuse_unless_test_server(store)
    settings = store.settings  # type: ignore[attr-defined]
    driver = neo4j.GraphDatabase.driver(settings.neo4j_uri, auth=(settings.neo4j_username, settings.neo4j_password))

    snapshot: list[Neo4jSnapshot] = []

    def first_version(first: Path) -> k.Fingerprint:
        # the reset is not under test: one statement clears the database; the first version loads
        # in this process (the same command, without starting Python again) the first time, and
        # its records are written back after that
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=settings.neo4j_database)
        if snapshot:
            snapshot[0].restore(store)
            return k.fingerprint(store)
        init_store(store)
        done = CliRunner().invoke(cli, ["load", "acled", str(first)], env=NEO4J)
        assert done.exit_code == 0, done.output
        snapshot.append(Neo4jSnapshot.of(store))
        return k.fingerprint(store)

    def run(first: Path, second: Path) -> None:
        before = first_version(first)
        started = time.monotonic()
        assert k.load(second, env=NEO4J).wait(timeout=300) == 0
        duration = time.monotonic() - started
        after = k.fingerprint(store)
        state = [after]

        def kill_one(moment: float) -> k.Fingerprint:
            if state[0] != before:
                assert first_version(first) == before, "rebuilding the first version gave another store"
            k.kill_at(k.load(second, env=NEO4J), moment)
            _settle(store)
            state[0] = k.fingerprint(store)
            return state[0]

        _run(before, after, duration, kill_one)

    try:
        yield run
    finally:
        _settle(store)
        _wipe_neo4j(store)
        driver.close()
        store.close()


def _settle(store: GraphStore, timeout: float = 60.0) -> None:
    """Wait until the server runs no transaction but this one (a killed client's is rolled back
    when the server sees its connection close; one whose commit was already sent completes)."""
    deadline = time.monotonic() + timeout
    while True:
        others = store.run_read("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                                "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN transactionId").rows
        if not others:
            return
        assert time.monotonic() < deadline, f"transactions still running {timeout:.0f} s after the kill: {others}"
        time.sleep(0.05)
