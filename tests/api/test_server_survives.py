"""`akg serve` as a real process: crash queries, a crashing worker, memory amplification and heavy
queries leave it up, answering /healthz within a second, its memory back at its baseline; on each backend
(the worker segfault and the server's own memory are Ladybug's)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from cli.admin import init_store
from tests.api.conftest import LADYBUG_ONLY
from tests.api.served import empty_store, serve_env, start_serve, stop_serve
from tests.conftest import neo4j_test_store

HEAVY = ("UNWIND range(1, 20000) AS x UNWIND range(1, 20000) AS y "
         "WITH x, y WHERE (x * y) % 7 = 3 RETURN count(*) AS n")


class Server:
    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.port = port

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any, float]:
        start = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, json.dumps(body) if body else None, {"Content-Type": "application/json"})
            reply = conn.getresponse()
            data = json.loads(reply.read() or b"null")
            return reply.status, data, time.monotonic() - start
        finally:
            conn.close()

    def rss(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def workers(self) -> list[int]:
        out: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            out += [int(p) for p in (task / "children").read_text().split()]
        return out


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`akg serve` over a store holding the vocabularies, on each backend."""
    extra = {"AKG_QUERY_TIMEOUT": "4", "AKG_QUERY_MEMORY_MB": "512", "AKG_API_QUERY_RATE": "1000"}
    with ExitStack() as stack:
        if backend == "neo4j":  # the test server's database (NEO4J_* in the environment), wiped
            init_store(stack.enter_context(neo4j_test_store()))
            env = serve_env(None, **extra)
        else:
            env = serve_env(empty_store(tmp_path_factory.mktemp("serve") / "akg.lbug"), **extra)
        process, port = start_serve(env)
        time.sleep(1.0)  # the workers start in the background
        try:
            yield Server(process, port)
        finally:
            stop_serve(process)


def test_crash_queries_are_answered_and_the_server_stays_up(server: Server) -> None:
    for cypher in ["RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS x", "RETURN " + "NOT " * 20000 + "true AS x"]:
        status, body, _ = server.call("POST", "/api/v1/query", {"cypher": cypher})
        assert status == 400 and body["error"]["code"] == "query_refused"
    status, _, took = server.call("GET", "/healthz")
    assert status == 200 and took < 1.0


# Ladybug only: its ad-hoc queries run in worker processes of the server (Neo4j's on the Neo4j server).
@LADYBUG_ONLY
def test_a_worker_segfault_is_502_and_the_next_query_runs(server: Server) -> None:
    assert server.call("POST", "/api/v1/query", {"cypher": "RETURN 1 AS one"})[0] == 200
    killed: list[int] = []

    def crash() -> None:  # every worker, the one running the query among them
        killed.extend(server.workers())
        for pid in killed:
            os.kill(pid, signal.SIGSEGV)

    threading.Timer(1.0, crash).start()
    status, body, _ = server.call("POST", "/api/v1/query", {"cypher": HEAVY})
    assert killed
    assert status == 502 and body["error"]["code"] == "query_crashed", body
    assert server.process.poll() is None
    assert server.call("GET", "/healthz")[0] == 200
    status, body, _ = server.call("POST", "/api/v1/query", {"cypher": "RETURN 1 AS one"})
    assert status == 200 and body["rows"] == [[1]]


# Ladybug only: the queries are Ladybug's Cypher and the memory they take is the server's own (its
# workers' address-space limit); on Neo4j it is the Neo4j server's, whose transaction memory limit
# test_hardening.py::test_memory_amplification_ends_with_query_too_large checks on each backend.
@LADYBUG_ONLY
def test_memory_amplification_ends_clearly_and_rss_returns(server: Server) -> None:
    baseline = server.rss()
    for cypher in ["RETURN size(range(0, 200000000 - (1/2) * 2 * 200000000)) AS n",
                   "RETURN size(list_transform(range(1,10000), x -> range(1,20000))) AS n"]:
        status, body, _ = server.call("POST", "/api/v1/query", {"cypher": cypher})
        assert status == 400 and body["error"]["code"] == "query_refused"
    status, body, _ = server.call("POST", "/api/v1/query", {
        "cypher": "WITH range(1, 10000000) AS l RETURN size(list_transform(l, x -> l)) AS n"})
    assert status == 422 and body["error"]["code"] == "query_too_large"
    assert server.rss() - baseline < 100 * 2**20


def test_health_and_lookups_stay_fast_while_heavy_queries_run(server: Server) -> None:
    answers: list[int] = []
    heavy = [threading.Thread(target=lambda: answers.append(server.call("POST", "/api/v1/query",
                                                                        {"cypher": HEAVY})[0]))
             for _ in range(8)]
    for t in heavy:
        t.start()
    time.sleep(0.5)
    slowest = max(max(server.call("GET", "/healthz")[2], server.call("GET", "/api/v1/countries/RWA")[2])
                  for _ in range(10))
    for t in heavy:
        t.join()
    assert slowest < 1.0
    assert answers.count(503) >= 5 and set(answers) <= {200, 503, 504}
