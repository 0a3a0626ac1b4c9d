"""The project's Neo4j test server: the wipe guard, and bad connection settings at the CLI.

Runs against the server ``tests/neo4j_server/server.py`` started (``make test`` / ``make
neo4j``); skipped without one. The guard tests point a store at the same server by another
route (``bolt://`` instead of the state file's ``neo4j://``), or at a state file naming
another database id, and check that the wipe refuses and the node written first survives.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.neo4j_store import Neo4jStore
from graph.records import Node
from graph.settings import Settings
from tests.conftest import NEO4J_SKIP, refuse_unless_test_server
from tests.neo4j_server import server as neo4j_server

STATE = neo4j_server.read_state()
pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP),
    pytest.mark.skipif(STATE is None, reason="no Neo4j test server started by this project"),
]
KEEP = f"actor/guard-{uuid.uuid4().hex[:10]}"


def settings(**changes: str) -> Settings:
    return Settings.from_env().with_overrides(backend="neo4j", **changes)


@pytest.fixture
def kept() -> Iterator[Neo4jStore]:
    """The test server's database holding one node the guard must leave alone."""
    store = Neo4jStore(settings())
    store.init_schema()
    store.write([Node.make(KEEP, name="Guard Witness", kind="militia")], [])
    try:
        yield store
    finally:
        store.delete_nodes([KEEP])
        store.close()


def _still_there(store: Neo4jStore) -> bool:
    return store.run_read("MATCH (n:Actor {id: $id}) RETURN count(n)", {"id": KEEP}).scalar() == 1


def test_the_suite_runs_on_the_servers_own_database(kept: Neo4jStore) -> None:
    assert STATE is not None and kept.settings.neo4j_uri == STATE["uri"]
    refuse_unless_test_server(kept)  # does not raise


def test_each_xdist_worker_talks_to_the_server_it_was_given() -> None:
    """Under ``server.py run --servers N`` and pytest-xdist, worker ``gwK`` talks to server ``K mod N``
    (tests/conftest.py), so no two workers wipe one database; with one server, to that one."""
    servers = int(os.environ.get("AKG_NEO4J_SERVERS") or 1)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    number = int(worker.removeprefix("gw")) % servers if worker and servers > 1 else 0
    state = neo4j_server.read_state(number)
    assert STATE is not None and state is not None
    assert os.environ["NEO4J_URI"] == state["uri"] == STATE["uri"]
    others = [neo4j_server.read_state(n) for n in range(servers) if n != number]
    assert all(o is not None and o["uri"] != state["uri"] for o in others)


def test_wipe_refuses_another_uri(kept: Neo4jStore) -> None:
    assert STATE is not None
    other = Neo4jStore(settings(neo4j_uri=STATE["uri"].replace("neo4j://", "bolt://")))
    try:
        with pytest.raises(RuntimeError, match="refusing to wipe Neo4j at bolt://"):
            refuse_unless_test_server(other)
    finally:
        other.close()
    assert _still_there(kept)


def test_wipe_refuses_another_database_id(
    kept: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert STATE is not None
    forged = tmp_path / "state.json"
    forged.write_text(json.dumps({**STATE, "database_id": "0" * 64}), encoding="utf-8")
    monkeypatch.setattr(neo4j_server, "state_file", lambda number=None: forged)
    with pytest.raises(RuntimeError, match="not the test server's own database"):
        refuse_unless_test_server(kept)
    assert _still_there(kept)


def test_wipe_refuses_without_a_started_server(
    kept: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(neo4j_server, "state_file", lambda number=None: tmp_path / "absent.json")
    with pytest.raises(RuntimeError, match="no test server started"):
        refuse_unless_test_server(kept)
    assert _still_there(kept)


def _akg(env_changes: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AKG_BACKEND": "neo4j", **env_changes}
    akg = Path(sys.executable).with_name("akg")
    return subprocess.run([str(akg), "stats"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize(("change", "expected"), [
    ({"NEO4J_PASSWORD": "wrong-password-1"}, "refused the credentials of user 'neo4j'"),
    ({"NEO4J_URI": f"neo4j://127.0.0.1:{neo4j_server.free_port()}"}, "cannot connect to Neo4j"),
    ({"NEO4J_DATABASE": "nosuchdb"}, "has no database 'nosuchdb' (check NEO4J_DATABASE)"),
    ({"NEO4J_URI": "http://127.0.0.1:7474"}, "the scheme must be one of"),
], ids=["wrong-password", "server-down", "unknown-database", "unsupported-scheme"])
def test_bad_connection_settings_are_one_line_errors(change: dict[str, str], expected: str) -> None:
    out = _akg(change)
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("error: ")
    assert expected in out.stderr
    assert os.environ["NEO4J_PASSWORD"] not in out.stderr + out.stdout


SECOND_LAYER = [
    ("CREATE (n:Actor {id: 'actor/guard-x'})", "refused a write"),
    ("MATCH (n:Actor) SET n.name = 'x'", "refused a write"),
    ("MATCH (n) DETACH DELETE n", "refused a write"),
    ("MERGE (n:Actor {id: 'actor/guard-y'})", "refused a write"),
    ("MATCH (n) FOREACH (x IN [1] | CREATE (:Actor {id: 'actor/guard-z'}))", "refused a write"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "allow_csv_import_from_file_urls"),
    ("CREATE USER mallory SET PASSWORD 'mallory-password'", "refused a write"),
    ("CALL dbms.security.createUser('mallory', 'mallory-password', false)", "no procedure"),
]


@pytest.mark.parametrize(("cypher", "reason"), SECOND_LAYER)
def test_the_server_refuses_writes_file_reads_and_admin_in_a_read_transaction(
    kept: Neo4jStore, cypher: str, reason: str
) -> None:
    """The researchers' text check switched off (``run_read`` directly): Neo4j still refuses."""
    from ontology.errors import AkgError

    before = kept.stats()
    with pytest.raises(AkgError, match=re.escape(reason)):
        kept.run_read(cypher, timeout=5, limit=5)
    assert kept.stats() == before and _still_there(kept)
