"""The server backend: Neo4j through the official driver (6.x).

Writes are one ``session.execute_write`` per call (see :mod:`graph.neo4j_write`, and
:mod:`graph.neo4j_switch` for a dataset version's switch); reads run in ``session.execute_read`` on a
``READ_ACCESS`` session, so the server itself refuses any write, with a transaction timeout
(``unit_of_work``) and a row cap. A read that passes the server's transaction memory limit
(``db.memory.transaction.max``) is :class:`QueryTooLarge` at once: the driver would otherwise retry it,
a transient error, for 30 seconds. The sessions of one store share a bookmark manager: on a cluster
(``neo4j://`` routing) its reads see its own writes. Every Cypher text sent is generated from the model
and listed by :func:`neo4j_statements`, which the lint test feeds to Neo4j's own parser.

Example:
    >>> texts = neo4j_statements()
    >>> texts[0]
    'CREATE CONSTRAINT `actor_id` IF NOT EXISTS FOR (n:`Actor`) REQUIRE n.`id` IS UNIQUE'
    >>> any("$" in t and "'" in t for t in texts)   # values are parameters, never literals
    False
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import neo4j
import neo4j.exceptions as nx
from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    GraphDatabase,
    NotificationMinimumSeverity,
    unit_of_work,
)

from graph import datasets, neo4j_batched, neo4j_bulk, neo4j_switch
from graph import neo4j_write as w
from graph.base import ReadResult, Stats, WriteSummary
from graph.bulk import Bulk
from graph.changes import ChangeSet
from graph.datasets import DatasetSwitch
from graph.records import Edge, Node
from graph.schema import neo4j_ddl
from graph.settings import Settings
from graph.upsert import dedupe_edges, dedupe_nodes
from ontology.errors import AkgError, QueryRefused, QueryTimeout, QueryTooLarge, StoreError
from ontology.model import Model, load_model

__all__ = ["Neo4jStore", "neo4j_statements", "server_version", "translate_error"]

# The driver logs connection retries ("Unable to retrieve routing information") on its own
# logger; the error that follows says it in one line, so nothing is printed twice.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
MIN_VERSION = (5, 0)


def neo4j_statements(model: Model | None = None) -> list[str]:
    """Every distinct Cypher text this backend can send, generated from the model."""
    m = model or load_model()
    out = list(neo4j_ddl(m))
    for label in m.classes:
        out += [w.node_lookup(label), w.node_ids(label), w.node_create(label),
                w.node_update(label), w.node_delete(label), w.node_delete_plain(label),
                w.count_nodes(label)]
    for rel in m.relationships.values():
        for src, tgt in rel.pairs:
            out += [w.edge_lookup(rel.name, src, tgt), w.edge_create(rel.name, src, tgt),
                    w.edge_update(rel.name, src, tgt), w.edge_delete(rel.name, src, tgt)]
        out.append(w.count_rels(rel.name))
    out.append(w.RESOLVE_ENDS)
    out += [w.node_unlink(label) for label in m.classes]
    out += [neo4j_switch.repoint_text(label) for label in ("Event", "RiskScore")]
    out += [datasets.RETIRE, datasets.UNFINISHED, neo4j_switch.PROGRESS]
    out += neo4j_bulk.bulk_statements(m)
    return list(dict.fromkeys(out))


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0].strip() if lines else ""


def _mask(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def server_version(agent: str) -> tuple[int, int] | None:
    """Major and minor version from a server agent string (None when it is not Neo4j's).

    >>> server_version("Neo4j/5.26.30"), server_version("Neo4j/2025.08.0"), server_version("x")
    ((5, 26), (2025, 8), None)
    """
    found = re.fullmatch(r"Neo4j/(\d+)\.(\d+)(?:\..*)?", agent.strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def _out_of_memory(exc: nx.Neo4jError) -> bool:
    """True for the server's memory errors (a transaction or the whole pool past its limit)."""
    return "OutOfMemory" in (exc.code or "")


class _NoRetry(Exception):
    """Carries a server error out of a transaction function without the driver retrying it."""

    def __init__(self, error: nx.Neo4jError) -> None:
        super().__init__(str(error))
        self.error = error


def translate_error(exc: Exception, where: str = "", secrets: Sequence[str] = ()) -> AkgError:
    """Map a driver exception to an AkgError (server message kept, ``secrets`` masked)."""
    if isinstance(exc, AkgError):
        return exc
    if isinstance(exc, nx.Neo4jError):
        code = exc.code or ""
        message = _mask(_first_line(exc.message or str(exc)) or code, secrets)
        if "ForbiddenDueToTransactionType" in code or "AccessMode" in code:
            return QueryRefused(f"the database refused a write: {message}")
        if "TimedOut" in code or "Terminated" in code:
            return QueryTimeout("the query ran past its time limit and was stopped")
        if _out_of_memory(exc):
            return QueryTooLarge("the transaction needed more memory than the database allows one transaction "
                                 f"and was stopped: {message}")
        if "DatabaseNotFound" in code:
            return StoreError(f"{where}: {message} (check NEO4J_DATABASE)" if where else message)
        if isinstance(exc, nx.TransientError):
            return QueryTimeout(f"the query was stopped: {message}")
        return StoreError(message)
    message = _mask(" ".join(str(exc).split()) or type(exc).__name__, secrets)
    if isinstance(exc, nx.DriverError):
        return StoreError(f"lost the connection to Neo4j at {where}: {message}")
    return StoreError(message)


class Neo4jStore:
    """GraphStore on a Neo4j server (``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``)."""

    backend = "neo4j"

    def __init__(
        self, settings: Settings, *, read_only: bool = False, model: Model | None = None
    ) -> None:
        self.settings = settings
        self.read_only = read_only
        self.model = model or load_model()
        self._database = settings.neo4j_database or None
        self._closed = False
        self._driver = self._connect()
        # Every session of this store shares one bookmark manager, so on a cluster a read
        # routed to a secondary waits for this store's own earlier writes (causal consistency).
        self._bookmarks = GraphDatabase.bookmark_manager()

    # ------------------------------------------------------------------ opening
    @property
    def uri(self) -> str:
        """The server URI without any user information (safe to show)."""
        raw = self.settings.neo4j_uri
        scheme, sep, rest = raw.partition("://")
        netloc, slash, path = rest.partition("/")
        if not sep or "@" not in netloc:
            return raw
        return f"{scheme}://{netloc.rpartition('@')[2]}{slash}{path}"

    def _secrets(self) -> list[str]:
        """Texts never shown: the password, and the URI with any user information in it."""
        secrets = [self.settings.neo4j_password]
        if self.uri != self.settings.neo4j_uri:
            secrets.append(self.settings.neo4j_uri)
        return sorted(filter(None, secrets), key=len, reverse=True)

    def _connect(self) -> neo4j.Driver:
        if not self.settings.neo4j_uri:
            raise StoreError("NEO4J_URI is not set: the neo4j backend needs a server URI")
        scheme = self.settings.neo4j_uri.partition("://")[0].lower()
        if scheme not in SCHEMES:
            raise StoreError(f"invalid Neo4j URI {self.uri}: the scheme must be one of "
                             f"{', '.join(s + '://' for s in SCHEMES)}")
        auth = (self.settings.neo4j_username, self.settings.neo4j_password)
        try:
            # The server's notifications (e.g. "relationship type does not exist" while a
            # type has no relationships yet) are advice for people writing queries, not errors.
            driver = GraphDatabase.driver(
                self.settings.neo4j_uri, auth=auth,
                notifications_min_severity=NotificationMinimumSeverity.OFF,
            )
        except (nx.ConfigurationError, ValueError) as exc:
            reason = _mask(" ".join(str(exc).split()), self._secrets())
            raise StoreError(f"invalid Neo4j URI {self.uri}: {reason}") from None
        try:
            driver.verify_connectivity()
        except nx.AuthError:
            driver.close()
            raise StoreError(
                f"Neo4j at {self.uri} refused the credentials of user "
                f"{self.settings.neo4j_username!r} (check NEO4J_USERNAME / NEO4J_PASSWORD)"
            ) from None
        except (nx.Neo4jError, nx.DriverError, OSError) as exc:
            driver.close()
            text = exc.message if isinstance(exc, nx.Neo4jError) else str(exc)
            reason = _mask(" ".join((text or type(exc).__name__).split()), self._secrets())
            raise StoreError(f"cannot connect to Neo4j at {self.uri}: {reason}") from None
        try:
            self._check_server(driver)
        except BaseException:
            driver.close()
            raise
        return driver

    def _check_server(self, driver: neo4j.Driver) -> None:
        """Refuse a server older than Neo4j 5 and a database that does not exist, at open."""
        agent = str(driver.get_server_info().agent)
        version = server_version(agent)
        if version is None or version < MIN_VERSION:
            raise StoreError(f"Neo4j at {self.uri} is {agent}: atrocity-kg needs Neo4j "
                             f"{MIN_VERSION[0]}.{MIN_VERSION[1]} or later")
        try:
            driver.execute_query("RETURN 1", database_=self._database,
                                 routing_=neo4j.RoutingControl.READ)
        except nx.ClientError as exc:
            if "DatabaseNotFound" not in (exc.code or ""):
                raise self._fail(exc) from None
            raise StoreError(f"Neo4j at {self.uri} has no database "
                             f"{self._database!r} (check NEO4J_DATABASE)") from None
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._fail(exc) from None

    def _session(self, mode: str) -> neo4j.Session:
        if self._closed:
            raise StoreError("the store is closed")
        return self._driver.session(database=self._database, default_access_mode=mode,
                                    bookmark_manager=self._bookmarks)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the database is open read-only")

    def _fail(self, exc: Exception) -> AkgError:
        return translate_error(exc, self.uri, self._secrets())

    # ------------------------------------------------------------------ schema
    def init_schema(self) -> None:
        """Create the uniqueness constraints and indexes (``IF NOT EXISTS``: safe to repeat)."""
        self._writable()
        try:
            with self._session(WRITE_ACCESS) as session:
                for statement in neo4j_ddl(self.model):
                    session.execute_write(_consume, statement)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._fail(exc) from None

    # ------------------------------------------------------------------ writes
    def write_bulk(self, chunks: Iterable[Bulk], switch: DatasetSwitch | None = None) -> WriteSummary:
        """All chunks in one transaction, table rows in column-wise batches (:mod:`graph.neo4j_bulk`);
        with ``switch``, the dataset's version switch runs in that transaction too.

        A dataset file of at least ``AKG_NEO4J_TRANSACTION_ROWS`` rows is loaded in transactions of
        that many rows instead, logged on its version so that a killed load resumes
        (:mod:`graph.neo4j_batched`)."""
        self._writable()
        per_tx = self.settings.neo4j_transaction_rows
        if switch is not None and per_tx and int(switch.version.props.get("row_count") or 0) >= per_tx:
            try:
                with self._session(WRITE_ACCESS) as session:
                    return neo4j_batched.write_batched(session, self.model, neo4j_bulk.prefetched(chunks), switch,
                                                       per_tx)
            except (nx.Neo4jError, nx.DriverError) as exc:
                raise self._fail(exc) from None
        try:
            with self._session(WRITE_ACCESS) as session, session.begin_transaction() as tx:
                summary = neo4j_bulk.write_chunks(tx, self.model, neo4j_bulk.prefetched(chunks), switch)
                tx.commit()
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._fail(exc) from None
        return summary

    def write(self, nodes: Iterable[Node], edges: Iterable[Edge],
              switch: DatasetSwitch | None = None) -> WriteSummary:
        """Upsert in one transaction; on failure nothing is written."""
        self._writable()
        node_list, edge_list = list(nodes), list(edges)
        batch_nodes = dedupe_nodes(self.model, node_list)
        batch_edges = dedupe_edges(self.model, edge_list)
        label_of = {n.id: n.label for n in node_list}
        for e in edge_list:
            label_of.setdefault(e.source, e.source_label)
            label_of.setdefault(e.target, e.target_label)
        try:
            with self._session(WRITE_ACCESS) as session:
                counts = session.execute_write(
                    neo4j_switch.write_tx, self.model, batch_nodes, batch_edges, label_of, switch
                )
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._fail(exc) from None
        return WriteSummary(**counts)

    def apply(self, changes: ChangeSet) -> None:
        """Apply an exact change set in one transaction (see :mod:`graph.changes`)."""
        self._writable()
        try:
            with self._session(WRITE_ACCESS) as session:
                session.execute_write(w.apply_tx, changes)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._fail(exc) from None

    def delete_nodes(self, ids: Sequence[str]) -> int:
        """Remove nodes and their relationships in one transaction."""
        self._writable()
        by_label: dict[str, list[str]] = defaultdict(list)
        for node_id in ids:
            by_label[self.model.class_of(node_id).name].append(node_id)
        try:
            with self._session(WRITE_ACCESS) as session:
                return session.execute_write(w.delete_tx, dict(by_label))
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._fail(exc) from None

    # ------------------------------------------------------------------ reads
    def run_read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> ReadResult:
        """Run a query in a read transaction (the server refuses writes) and return plain values."""
        model = self.model

        @unit_of_work(timeout=timeout or None)
        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]], bool]:
            try:
                result = tx.run(cypher, dict(params or {}))
                columns = list(result.keys())
                raw: list[list[Any]] = []
                truncated = False
                for record in result:
                    if limit is not None and len(raw) >= limit:
                        truncated = True
                        break
                    raw.append(list(record.values()))
                result.consume()
            except nx.Neo4jError as exc:
                if _out_of_memory(exc):  # retrying would only fail again, 30 s later
                    raise _NoRetry(exc) from None
                raise
            return columns, w.plain_rows(tx, model, raw), truncated

        try:
            with self._session(READ_ACCESS) as session:
                columns, rows, truncated = session.execute_read(work)
        except _NoRetry as stop:
            raise self._fail(stop.error) from None
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._fail(exc) from None
        except (TypeError, ValueError) as exc:  # the driver cannot encode a parameter
            raise StoreError(f"cannot send the parameters: {exc}") from None
        return ReadResult(columns, rows, truncated)

    def stats(self) -> Stats:
        """Counts per label and relationship type (zero counts included)."""
        labels, rels = list(self.model.classes), list(self.model.relationships)
        texts = [w.count_nodes(c) for c in labels] + [w.count_rels(r) for r in rels]

        def work(tx: neo4j.ManagedTransaction) -> list[int]:
            return [int(w.records(tx, q, {})[0]["count"]) for q in texts]

        try:
            with self._session(READ_ACCESS) as session:
                counts = session.execute_read(work)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._fail(exc) from None
        return Stats(dict(zip(labels, counts[: len(labels)], strict=True)),
                     dict(zip(rels, counts[len(labels) :], strict=True)))

    def close(self) -> None:
        """Close the driver (idempotent)."""
        if not self._closed:
            self._closed = True
            self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _consume(tx: neo4j.ManagedTransaction, statement: str) -> None:
    tx.run(statement).consume()
