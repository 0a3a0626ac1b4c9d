"""A stand-in for the Neo4j network layer, for the offline tests of the neo4j backend.

No server, no socket: ``neo4j.GraphDatabase.driver`` is patched to return a
:class:`FakeBoltDriver`. Everything else is the real driver: parameters go through the
driver's own PackStream packer and dehydration hooks (so a value the driver cannot send fails
here too, and dates arrive as ``neo4j.time.Date``), answers come back through its hydration
(real ``neo4j.Record``, ``neo4j.graph.Node``/``Relationship``/``Path``), and server failures
are the driver's own exception classes built from FAILURE metadata.

:class:`MemoryServer` answers exactly the statements ``neo4j_statements()`` lists (it looks
each text up in a table generated from the model, so any other text is refused); tests script
anything else, such as a researcher's query, with ``server.script``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import neo4j
import pytest
from neo4j._codec.hydration.bolt.v2.hydration_handler import HydrationHandler
from neo4j._codec.packstream import Structure
from neo4j._codec.packstream._common import PackableBuffer, UnpackableBuffer
from neo4j._codec.packstream.v1 import Packer, Unpacker
from neo4j.exceptions import DriverError, Neo4jError

from graph import neo4j_write as w
from ontology.model import load_model

_HANDLER = HydrationHandler()
_WRITE_WORDS = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP)\b", re.IGNORECASE)

Rows = tuple[list[str], list[list[Any]]]
Script = Callable[[str, dict[str, Any]], Rows | None]


def _server_value(value: Any) -> Any:
    """Encode temporal values inside structures too (``pack_struct`` applies no hooks)."""
    if isinstance(value, Structure):
        return Structure(value.tag, *(_server_value(f) for f in value.fields))
    if isinstance(value, list):
        return [_server_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _server_value(v) for k, v in value.items()}
    transform = _HANDLER.dehydration_hooks.get_transformer(value)
    return transform(value) if transform is not None else value


def over_the_wire(value: Any, scope: Any = None) -> Any:
    """Pack ``value`` as the driver does, then unpack it (with ``scope``'s hydration hooks)."""
    buf = PackableBuffer()  # type: ignore[no-untyped-call]
    Packer(buf).pack(value, _HANDLER.dehydration_hooks)  # type: ignore[no-untyped-call]
    hooks = scope.hydration_hooks if scope is not None else None
    unpacker = Unpacker(UnpackableBuffer(bytes(buf.data)))  # type: ignore[no-untyped-call]
    return unpacker.unpack(hooks)  # type: ignore[no-untyped-call]


def server_error(code: str, message: str) -> Neo4jError:
    """The exception the driver raises for a FAILURE message with this code."""
    return Neo4jError._hydrate_neo4j(code=code, message=message)


def _num(element_id: str) -> int:
    return abs(hash(element_id)) % 1_000_000


def node_struct(node_id: str, label: str, props: dict[str, Any]) -> Structure:
    """A node as the server sends it."""
    eid = f"4:fake:{node_id}"
    return Structure(b"N", _num(eid), [label], {"id": node_id, **props}, eid)


def rel_struct(rel: str, source: str, target: str, props: dict[str, Any]) -> Structure:
    """A relationship as the server sends it (its ends by element id only)."""
    eid, s, t = f"5:fake:{rel}:{source}:{target}", f"4:fake:{source}", f"4:fake:{target}"
    return Structure(b"R", _num(eid), _num(s), _num(t), rel, props, eid, s, t)


def path_struct(start: Structure, rel: Structure, end: Structure) -> Structure:
    """A one-hop path as the server sends it."""
    unbound = Structure(b"r", rel.fields[0], rel.fields[3], rel.fields[4], rel.fields[5])
    return Structure(b"P", [start, end], [unbound], [1, 1])


@dataclass
class MemoryServer:
    """Holds a graph in memory and answers the backend's own statements, transactionally."""

    nodes: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    rels: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    script: Script | None = None

    def __post_init__(self) -> None:
        m = load_model()
        self.texts: dict[str, tuple[str, ...]] = {w.RESOLVE_ENDS: ("resolve",)}
        for label in m.classes:
            for kind in ("node_lookup", "node_ids", "node_create", "node_update", "node_delete"):
                self.texts[getattr(w, kind)(label)] = (kind, label)
            self.texts[w.count_nodes(label)] = ("count_nodes", label)
        for rel in m.relationships.values():
            self.texts[w.count_rels(rel.name)] = ("count_rels", rel.name)
            for src, tgt in rel.pairs:
                for kind in ("edge_lookup", "edge_create", "edge_update"):
                    self.texts[getattr(w, kind)(rel.name, src, tgt)] = (kind, rel.name, src, tgt)

    def snapshot(self) -> tuple[dict[str, Any], list[Any]]:
        return copy.deepcopy(self.nodes), copy.deepcopy(self.rels)

    def commit(self, state: tuple[dict[str, Any], list[Any]]) -> None:
        self.nodes, self.rels = state

    def answer(self, state: Any, query: str, p: dict[str, Any]) -> Rows:
        if self.script is not None:
            scripted = self.script(query, p)
            if scripted is not None:
                return scripted
        if query.startswith("CREATE CONSTRAINT") or query.startswith("CREATE INDEX"):
            return [], []
        if query not in self.texts:
            raise server_error("Neo.ClientError.Statement.SyntaxError", f"unscripted: {query}")
        nodes, rels = state
        kind, *names = self.texts[query]

        def has(k: str, label: str) -> bool:
            return k in nodes and nodes[k][0] == label

        if kind == "node_lookup":
            return ["id", "props"], [[k, nodes[k][1]] for k in p["ids"] if has(k, names[0])]
        if kind == "node_ids":
            return ["id"], [[k] for k in p["ids"] if has(k, names[0])]
        if kind == "node_create":
            for r in p["rows"]:
                if r["id"] in nodes:
                    raise server_error("Neo.ClientError.Schema.ConstraintValidationFailed",
                                       f"Node already exists with id {r['id']}")
                nodes[r["id"]] = (names[0], {"id": r["id"], **r["props"]})
            return [], []
        if kind == "node_update":
            for r in p["rows"]:
                if has(r["id"], names[0]):
                    nodes[r["id"]][1].update(r["props"])
            return [], []
        if kind == "node_delete":
            gone = [k for k in p["ids"] if has(k, names[0])]
            for k in gone:
                del nodes[k]
            rels[:] = [r for r in rels if r[1] not in gone and r[2] not in gone]
            return ["deleted"], [[len(gone)]]
        if kind == "count_nodes":
            return ["count"], [[sum(1 for label, _ in nodes.values() if label == names[0])]]
        if kind == "count_rels":
            return ["count"], [[sum(1 for r in rels if r[0] == names[0])]]
        if kind == "resolve":
            return ["eid", "id"], [[e, e.split(":", 2)[2]] for e in p["ids"]]
        rel, src, tgt = names
        index: dict[tuple[str, str, str], list[Any]] = {}
        for e in rels:
            index.setdefault(e[:3], []).append(e)
        found = [(r, e) for r in p["rows"] for e in index.get((rel, r["s"], r["t"]), [])
                 if has(r["s"], src) and has(r["t"], tgt)]
        if kind == "edge_lookup":
            return ["s", "t", "props"], [[e[1], e[2], e[3]] for _, e in found]
        if kind == "edge_update":
            for r, e in found:
                e[3].update(r["props"])
            return [], []
        for r in p["rows"]:  # edge_create
            if has(r["s"], src) and has(r["t"], tgt):
                rels.append((rel, r["s"], r["t"], dict(r["props"])))
        return [], []

    def node(self, node_id: str) -> Structure:
        label, props = self.nodes[node_id]
        return node_struct(node_id, label, {k: v for k, v in props.items() if k != "id"})

    def rel(self, rel: str, source: str, target: str) -> Structure:
        props = next(e[3] for e in self.rels if e[:3] == (rel, source, target))
        return rel_struct(rel, source, target, props)


@dataclass
class Sent:
    """One statement as the backend sent it and as the server decoded it."""

    query: str
    params: dict[str, Any]
    wire: dict[str, Any]
    mode: str
    tx: int


class FakeBoltResult:
    """Answers of one statement, hydrated by the real driver code into ``neo4j.Record``."""

    def __init__(self, keys: list[str], rows: list[list[Any]]) -> None:
        scope = _HANDLER.new_hydration_scope()
        self._keys = keys
        self._rows = over_the_wire(_server_value(rows), scope)

    def keys(self) -> list[str]:
        return list(self._keys)

    def __iter__(self) -> Iterator[neo4j.Record]:
        while self._rows:
            pairs = zip(self._keys, self._rows.pop(0), strict=True)
            yield neo4j.Record(pairs)  # type: ignore[no-untyped-call]

    def consume(self) -> None:
        self._rows = []


class FakeBoltTransaction:
    """Stands in for ``neo4j.ManagedTransaction``: records statements, asks the server."""

    def __init__(self, driver: FakeBoltDriver, mode: str, number: int) -> None:
        self.driver, self.mode, self.number = driver, mode, number
        self.state = driver.server.snapshot()

    def run(
        self, query: Any, parameters: dict[str, Any] | None = None, **kw: Any
    ) -> FakeBoltResult:
        if isinstance(query, neo4j.Query):  # as the real ManagedTransaction.run
            raise TypeError("Query object is only supported for session.run")
        params = {**(parameters or {}), **kw}
        wire = over_the_wire(params, _HANDLER.new_hydration_scope())
        self.driver.sent.append(Sent(query, params, wire, self.mode, self.number))
        if self.mode == neo4j.READ_ACCESS and _WRITE_WORDS.search(query):
            raise server_error("Neo.ClientError.Statement.AccessMode",
                               "Writing in read access mode not allowed.")
        for i, (marker, error) in enumerate(self.driver.fail_on):
            if marker in query:
                del self.driver.fail_on[i]
                raise error
        return FakeBoltResult(*self.driver.server.answer(self.state, query, wire))


class FakeBoltSession:
    """Stands in for the network layer of ``neo4j.Session``; no server.

    ``execute_read``/``execute_write`` follow the driver: the transaction function gets a
    transaction, an exception rolls it back (and retryable ones are retried), a return commits.
    """

    def __init__(self, driver: FakeBoltDriver, config: dict[str, Any]) -> None:
        self.driver, self.config = driver, config
        driver.sessions.append(config)

    def __enter__(self) -> FakeBoltSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def execute_read(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._run(neo4j.READ_ACCESS, fn, args, kwargs)

    def execute_write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._run(neo4j.WRITE_ACCESS, fn, args, kwargs)

    def _run(self, mode: str, fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        d = self.driver
        d.timeouts.append(getattr(fn, "timeout", None))
        for attempt in range(3):
            d.transactions += 1
            tx = FakeBoltTransaction(d, mode, d.transactions)
            try:
                value = fn(tx, *args, **kwargs)
            except (Neo4jError, DriverError) as exc:
                d.rollbacks += 1
                if exc.is_retryable() and attempt < 2:
                    continue
                raise
            except BaseException:
                d.rollbacks += 1
                raise
            d.server.commit(tx.state)
            d.commits += 1
            d.returned.append(value)
            return value
        raise AssertionError("unreachable")


@dataclass
class FakeBoltDriver:
    """Stands in for ``neo4j.Driver``; records what the backend sends."""

    server: MemoryServer = field(default_factory=MemoryServer)
    uri: str = ""
    auth: Any = None
    connect_error: Exception | None = None
    fail_on: list[tuple[str, Exception]] = field(default_factory=list)  # once each
    sent: list[Sent] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    timeouts: list[float | None] = field(default_factory=list)
    returned: list[Any] = field(default_factory=list)  # what committed tx functions returned
    transactions: int = 0
    commits: int = 0
    rollbacks: int = 0
    closed: bool = False
    agent: str = "Neo4j/5.26.0"  # what the server announces in its HELLO answer
    databases: tuple[str, ...] = ("neo4j",)

    def verify_connectivity(self) -> None:
        if self.connect_error is not None:
            raise self.connect_error

    def get_server_info(self) -> Any:
        return type("ServerInfo", (), {"agent": self.agent})()

    def execute_query(self, query: str, *, database_: str | None = None, **config: Any) -> Any:
        """The open-time probe: answers ``RETURN 1`` unless the database does not exist."""
        if database_ not in (None, *self.databases):
            raise server_error("Neo.ClientError.Database.DatabaseNotFound",
                               f"Graph not found: {database_}")
        return ([], None, [])

    def session(self, **config: Any) -> FakeBoltSession:
        return FakeBoltSession(self, config)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_bolt(monkeypatch: pytest.MonkeyPatch) -> FakeBoltDriver:
    """A fake driver that ``neo4j.GraphDatabase.driver`` returns for the rest of the test."""
    fake = FakeBoltDriver()

    def driver(uri: str, *, auth: Any = None, **config: Any) -> FakeBoltDriver:
        fake.uri, fake.auth = uri, auth
        return fake

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", driver)
    return fake
