"""A running ``akg serve`` sees what another process commits, within two seconds: two real
processes, the server holding the store read-only, ``akg load assessment`` writing beside it; on each
backend (Neo4j: the server and the loader are two clients of the test server)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from cli.admin import init_store
from tests.api.served import empty_store, serve_env, start_serve, stop_serve
from tests.conftest import backend_params, neo4j_test_store

ROOT = Path(__file__).resolve().parents[2]
AKG = str(Path(sys.executable).with_name("akg"))   # the console script next to this interpreter
FRA = """\
id: FRA-2026-12
country: FRA
date: 2026-12-01
title: France, December 2026 (test)
status: published
authors: [Test team]
reviewers: [Test desk]
overall: {level: 1, trend: stable}
summary: A test assessment loaded while the server runs.
sources:
  - {id: test-report-2026, title: Test report, publisher: Test Organisation, date: 2026-11-01,
     reliability: C, credibility: 3}
risk_factors:
  - {factor: RF1, level: 1, trend: stable, rationale: Test finding., sources: [test-report-2026]}
"""


def akg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AKG, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def post(url: str, body: dict[str, Any]) -> Any:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture(params=backend_params())
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with ExitStack() as stack:
        if request.param == "neo4j":  # the test server's database (NEO4J_* in the environment), wiped
            init_store(stack.enter_context(neo4j_test_store()))
            env = serve_env(None)
        else:
            env = serve_env(empty_store(tmp_path / "akg.lbug"))
        process, port = start_serve(env, "--threads", "4")
        try:
            yield f"http://127.0.0.1:{port}", env
        finally:
            stop_serve(process)


def test_a_load_by_another_process_is_served_within_two_seconds(server: tuple[str, dict[str, str]],
                                                                 tmp_path: Path) -> None:
    base, env = server
    risk = f"{base}/api/v1/countries/FRA/risk"
    query = {"cypher": "MATCH (a:Assessment) RETURN count(a) AS n"}
    first = get(risk)
    assert get(risk) == first            # now cached
    assert post(f"{base}/api/v1/query", query)["rows"] == [[0]]
    path = tmp_path / "FRA-2026-12.yaml"
    path.write_text(FRA, encoding="utf-8")
    loaded = akg("load", "assessment", str(path), "--by", "test", env=env)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    written = time.monotonic()
    while True:
        body = get(risk)
        if "assessment/FRA-2026-12" in json.dumps(body):
            break
        assert time.monotonic() - written < 2.0, f"the server still serves what it had before: {body}"
        time.sleep(0.1)
    assert post(f"{base}/api/v1/query", query)["rows"] == [[1]]
    log = get(f"{base}/api/v1/log?country=FRA")
    assert [e["action"] for e in log["items"]] == ["load"] and log["items"][0]["by"] == "test"
