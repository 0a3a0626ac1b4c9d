"""`akg serve --workers 2` as real processes: every worker sees loads made by another process (even
one made before its first request), writes through the API go to the one writer and every worker
reads them back, and a worker that dies is replaced; on each backend (the one writer process is
Ladybug's)."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli.admin import init_store
from graph.ingest import load_files
from graph.ladybug_store import LadybugStore
from graph.registry import open_store
from graph.settings import Settings
from loaders import assessment
from ontology.errors import StoreLocked
from tests.api.served import empty_store, serve_env, start_serve, stop_serve
from tests.conftest import neo4j_test_store

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "workers-test-token"  # noqa: S105 - a test value
SMALL = """\
id: {id}
country: FRA
date: 2026-12-01
title: France, December 2026 (test)
status: published
authors: [Test team]
reviewers: [Test desk]
overall: {{level: 1, trend: stable}}
summary: A small test assessment.
sources:
  - {{id: test-report-2026, title: Test report, publisher: Test Organisation, date: 2026-11-01,
     reliability: C, credibility: 3}}
risk_factors:
  - {{factor: RF1, level: 1, trend: stable, rationale: Test finding., sources: [test-report-2026]}}
"""


class Workers:
    """A running `akg serve --workers 2`, and which worker answers each connection."""

    def __init__(self, process: subprocess.Popen[str], port: int, db: Path | None, env: dict[str, str]) -> None:
        self.process = process
        self.port = port
        self.db = db
        self.env = env

    def children(self) -> list[int]:
        return [int(p) for p in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()]

    def owner(self, conn: http.client.HTTPConnection) -> int:
        """The pid of the worker holding the server side of ``conn`` (from /proc/net/tcp)."""
        assert conn.sock is not None
        local = conn.sock.getsockname()[1]
        inode = ""
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            here, there = int(fields[1].split(":")[1], 16), int(fields[2].split(":")[1], 16)
            if here == self.port and there == local:
                inode = fields[9]
        assert inode, "no server side for the connection"
        for pid in self.children():
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return pid
                except OSError:
                    continue
        return 0

    def one_connection_per_worker(self) -> dict[int, http.client.HTTPConnection]:
        """Keep-alive connections until each worker holds one (the kernel picks who accepts)."""
        found: dict[int, http.client.HTTPConnection] = {}
        spare: list[http.client.HTTPConnection] = []
        deadline = time.monotonic() + 10
        while len(found) < 2 and time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            assert get(conn, "/healthz")[0] == 200
            pid = self.owner(conn)
            if pid and pid not in found:
                found[pid] = conn
            else:
                spare.append(conn)
        for conn in spare:
            conn.close()
        assert len(found) == 2, "the connections did not reach both workers"
        return found


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    reply = conn.getresponse()
    return reply.status, reply.read()


def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", path, body, headers)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def start(db: Path | None, **extra: str) -> Workers:
    """`akg serve --workers 2` over the Ladybug store at ``db``, or the Neo4j test server's database
    (``None``: NEO4J_* in the environment)."""
    env = serve_env(db, **extra)
    process, port = start_serve(env, "--workers", "2", "--threads", "4")
    return Workers(process, port, db, env)


def stop(server: Workers) -> None:
    stop_serve(server.process)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return empty_store(tmp_path_factory.mktemp("workers") / "akg.lbug")


@pytest.fixture
def db(empty_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the initialised store."""
    for f in empty_db.parent.iterdir():
        shutil.copy2(f, tmp_path / f.name)
    return tmp_path / empty_db.name


@pytest.fixture
def small(tmp_path: Path) -> Callable[[str], Path]:
    def make(aid: str) -> Path:
        path = tmp_path / f"{aid}.yaml"
        path.write_text(SMALL.format(id=aid))
        return path
    return make


@pytest.fixture
def where(backend: str, request: pytest.FixtureRequest) -> Iterator[Path | None]:
    """The initialised store the server reads: a fresh Ladybug copy, or the Neo4j test server's
    database holding the vocabularies (``None``; wiped before and after)."""
    if backend == "ladybug":
        yield request.getfixturevalue("db")
        return
    with neo4j_test_store() as store:
        init_store(store)
        yield None


def load(db: Path | None, path: Path) -> None:
    """``akg load assessment`` in this process: another process than the server's."""
    store = (LadybugStore(Settings(db_path=db, buffer_pool_mb=128, threads=2)) if db is not None
             else open_store(Settings.from_env().with_overrides(backend="neo4j")))
    try:
        assert all(r.loaded for r in load_files(store, [path], assessment.read))
    finally:
        store.close()


def test_loads_by_another_process_are_seen_by_every_worker_and_a_dead_one_is_replaced(
        where: Path | None, small: Callable[[str], Path]) -> None:
    db = where
    server = start(db)
    conns: dict[int, http.client.HTTPConnection] = {}
    try:
        conns = server.one_connection_per_worker()
        load(db, small("FRA-2026-01"))  # after the workers opened the store, before their first request
        for pid, conn in conns.items():
            assert get(conn, "/api/v1/assessments/FRA-2026-01")[0] == 200, f"worker {pid} answered stale data"
            status, body = get(conn, "/api/v1/assessments")  # now in each worker's response cache
            assert status == 200 and b"FRA-2026-01" in body and b"FRA-2026-02" not in body
        load(db, small("FRA-2026-02"))
        for pid, conn in conns.items():
            status, body = get(conn, "/api/v1/assessments")
            assert status == 200 and b"FRA-2026-02" in body, f"worker {pid} answered from a stale cache"
        assert set(server.children()) == set(conns), "a worker restarted"

        victim = next(iter(conns))
        conns.pop(victim).close()
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (victim in server.children() or len(server.children()) < 2):
            time.sleep(0.1)
        assert victim not in server.children() and len(server.children()) == 2
        for _ in range(6):  # whichever worker answers, the new one too
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            assert get(conn, "/api/v1/assessments/FRA-2026-02")[0] == 200
            conn.close()
        assert server.process.poll() is None
    finally:
        for conn in conns.values():
            conn.close()
        stop(server)


# Ladybug only (``db`` is a Ladybug file): one process may write a Ladybug store, so the API's writes
# go to a writer process beside the read-only workers; on Neo4j every worker writes through its own
# driver.
def test_api_writes_go_to_the_one_writer_and_every_worker_reads_them(db: Path, small: Callable[[str], Path]) -> None:
    server = start(db, AKG_API_TOKENS=TOKEN)
    conns: dict[int, http.client.HTTPConnection] = {}
    try:
        assert len(server.children()) == 3  # two read-only workers and the writer
        with pytest.raises(StoreLocked):  # the writer holds the store: no second writer
            load(db, small("FRA-2026-01"))
        conns = server.one_connection_per_worker()
        body = small("FRA-2026-02").read_bytes()
        yaml = {"Content-Type": "application/yaml"}
        status, _ = post(server.port, "/api/v1/assessments", body, yaml)
        assert status == 401  # the writer checks the token
        for conn in conns.values():
            assert get(conn, "/api/v1/assessments/FRA-2026-02")[0] == 404
        status, answer = post(server.port, "/api/v1/assessments", body, {**yaml, "Authorization": f"Bearer {TOKEN}"})
        assert status == 201, answer
        for pid, conn in conns.items():
            assert get(conn, "/api/v1/assessments/FRA-2026-02")[0] == 200, f"worker {pid} answered stale data"
    finally:
        for conn in conns.values():
            conn.close()
        stop(server)
