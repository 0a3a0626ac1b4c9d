"""The embedded backend: Ladybug (the maintained continuation of Kùzu), one file on disk.

One process owns a database for writing (the API server when it runs); tools open it
read-only. Reads of a writable database run inside ``BEGIN TRANSACTION READ ONLY`` so the
database itself refuses any write; a database opened read-only refuses writes anyway, so its
reads are single statements (two fewer calls into the engine per read). Every read has a
per-query timeout and a row cap.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ladybug
import pyarrow as pa

from graph import ladybug_stage
from graph.base import ReadResult, Stats, WriteSummary
from graph.bulk import Bulk
from graph.changes import ChangeSet
from graph.datasets import DatasetSwitch
from graph.ladybug_bulk import write_bulk
from graph.ladybug_errors import RECOVERY_PENDING, failed_write, first_line, translate_error
from graph.ladybug_write import LadybugWriter, is_file_error, one_result, rows_of
from graph.records import Edge, Node
from graph.schema import ladybug_ddl, ladybug_type, literal, quote
from graph.settings import Settings
from graph.values import clean_node, clean_rel
from ontology.errors import StoreAbandoned, StoreError
from ontology.model import Model, load_model

__all__ = ["LadybugStore"]

# How long a read-only open waits for another process's checkpoint to finish.
RECOVERY_WAIT_S = 5.0


class LadybugStore:
    """GraphStore on an embedded Ladybug database file.

    Example:
        >>> import tempfile, pathlib
        >>> tmp = pathlib.Path(tempfile.mkdtemp())
        >>> store = LadybugStore(Settings(db_path=tmp / "t.lbug", buffer_pool_mb=64))
        >>> store.init_schema()
        >>> store.write([Node.make("region/x", name="X")], []).nodes_created
        1
        >>> store.run_read("MATCH (r:Region) RETURN r.name AS name").rows
        [['X']]
        >>> store.close()
    """

    backend = "ladybug"

    def __init__(
        self,
        settings: Settings,
        *,
        read_only: bool = False,
        model: Model | None = None,
        max_db_bytes: int | None = None,
    ) -> None:
        self.settings = settings
        self.max_db_bytes = max_db_bytes
        self.read_only = read_only
        self.model = model or load_model()
        self._lock = threading.RLock()
        self._local = threading.local()
        self._tables: dict[int, str] | None = None
        self._readers: list[ladybug.Connection] = []
        self._closed = False
        self._db = self._open()
        self._writer = self._new_writer()

    def _new_writer(self) -> LadybugWriter:
        return LadybugWriter(self.model, lambda: ladybug.Connection(self._db))

    # ------------------------------------------------------------------ opening
    def _open(self) -> ladybug.Database:
        path = self.settings.db_path
        if self.read_only and not path.exists():
            raise StoreError(f"no database at {path}: run `akg init` first")
        if not self.read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {path.parent}: {exc.strerror}") from None
            if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
                raise StoreError(f"database path {path} is not writable")
        try:
            if self.read_only:
                return self._database(True)
            # not while a staged load of another process swaps the file (graph.ladybug_stage)
            with ladybug_stage.swap_lock(path, exclusive=False):
                db = self._database(False)
            ladybug_stage.remove_leftovers(path)  # this process alone may write the store now
            return db
        except RuntimeError as exc:
            if not (self.read_only and RECOVERY_PENDING in str(exc)):
                raise translate_error(exc, path) from None
        return self._recover_then_open()

    def _database(self, read_only: bool, path: Path | None = None, pool_mb: int | None = None) -> ladybug.Database:
        threads = self.settings.threads or (os.cpu_count() or 1)
        return ladybug.Database(
            str(path or self.settings.db_path),
            buffer_pool_size=(pool_mb or self.settings.buffer_pool_mb) * 1024 * 1024,
            max_num_threads=threads,
            read_only=read_only,
            max_db_size=self.max_db_bytes,
            # a process killed while appending to the write-ahead log leaves a torn last record;
            # replay the log up to it (that transaction never committed) instead of refusing
            throw_on_wal_replay_failure=False,
        )

    def _recover_then_open(self) -> ladybug.Database:
        """A read-only open after a writer was killed mid-checkpoint: finish its recovery first.

        Recovery needs a read-write open, which only succeeds when no other process holds the
        database for writing; a process that does is finishing its own checkpoint, so this
        waits for it (up to RECOVERY_WAIT_S) and then says what to do.
        """
        path = self.settings.db_path
        deadline = time.monotonic() + RECOVERY_WAIT_S
        while True:
            try:
                self._database(read_only=False).close()  # replays the WAL and the checkpoint
            except RuntimeError as exc:
                if "Could not set lock" not in str(exc) and RECOVERY_PENDING not in str(exc):
                    raise translate_error(exc, path) from None
            try:
                return self._database(self.read_only)
            except RuntimeError as exc:
                if RECOVERY_PENDING not in str(exc) or time.monotonic() > deadline:
                    raise translate_error(exc, path) from None
            time.sleep(0.1)

    def _conn(self) -> ladybug.Connection:
        conn: ladybug.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = ladybug.Connection(self._db)
            self._local.conn = conn
            with self._lock:
                self._readers.append(conn)
        return conn

    def _close_connections(self) -> None:
        """Close every connection before the database (Ladybug aborts otherwise)."""
        for conn in [*self._readers, self._writer.conn]:
            conn.close()
        self._readers = []
        self._local = threading.local()
        self._db.close()

    # ------------------------------------------------------------------ schema
    def init_schema(self) -> None:
        """Create every table the ontology defines; add columns the ontology gained since."""
        if self.read_only:
            raise StoreError("the database is open read-only")
        with self._lock:
            self._check_usable()
            conn = self._writer.conn
            for statement in ladybug_ddl(self.model):
                self._execute(conn, statement)
            for owner, props in [
                *((c.name, c.properties) for c in self.model.classes.values()),
                *((r.name, r.properties) for r in self.model.relationships.values()),
            ]:
                info = self._execute(conn, f"CALL table_info({literal(owner)}) RETURN *")
                have = {row[1] for row in rows_of_result(info)}
                for prop in props.values():
                    if prop.name not in have:
                        self._execute(
                            conn,
                            f"ALTER TABLE {quote(owner)} ADD {quote(prop.name)} {ladybug_type(prop)}",
                        )
            self._tables = None

    def _execute(
        self, conn: ladybug.Connection, cypher: str, params: Mapping[str, Any] | None = None
    ) -> ladybug.QueryResult:
        try:
            return one_result(conn.execute(cypher, dict(params or {})))
        except RuntimeError as exc:
            raise translate_error(exc, self.settings.db_path) from None
        except (ValueError, TypeError) as exc:  # e.g. a parameter list of mixed types
            raise StoreError(f"parameter error: {exc}") from None

    # ------------------------------------------------------------------ writes
    def write(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> WriteSummary:
        """Upsert in one transaction; on failure nothing is written."""
        return self._guarded(lambda: self._writer.write(list(nodes), list(edges)))

    def write_bulk(self, chunks: Iterable[Bulk], switch: DatasetSwitch | None = None) -> WriteSummary:
        """Write all chunks of a large load in one transaction (table rows by COPY), and switch
        the dataset to the new version in it when asked (see graph.datasets).

        A dataset file of at least ``AKG_STAGE_ROWS`` rows is staged instead: written into a copy
        of the store in several transactions, which then replaces the store
        (:mod:`graph.ladybug_stage`); readers see all of it or nothing, as with one transaction.
        The swap closes this store's connections: no other thread may be reading it meanwhile."""
        rows = int(switch.version.props.get("row_count") or 0) if switch is not None else 0
        if self.settings.stage_rows and rows >= self.settings.stage_rows:
            return self._guarded(lambda: self._write_staged(chunks, switch))
        return self._guarded(lambda: write_bulk(self._writer, chunks, switch))

    def _write_staged(self, chunks: Iterable[Bulk], switch: DatasetSwitch | None) -> WriteSummary:
        path = self.settings.db_path
        staged = ladybug_stage.StagedCopy(
            path, lambda copy: self._database(False, copy, self.settings.stage_buffer_pool_mb or None), self.model)
        try:
            summary = staged.write(self._writer.conn, chunks, switch, self.settings.stage_transaction_rows)
        finally:
            self._writer.abandoned = self._writer.abandoned or staged.abandoned
        with ladybug_stage.swap_lock(path, exclusive=True):
            self._close_connections()
            try:
                ladybug_stage.replace(staged.path, path)
            finally:
                # the new file, or the old one when the rename failed; the write lock is ours again
                self._db = self._database(False)
                self._writer = self._new_writer()
                self._tables = None
        return summary

    def apply(self, changes: ChangeSet) -> None:
        """Apply an exact change set in one transaction (see :mod:`graph.changes`)."""
        def run() -> WriteSummary:
            with self._writer.transaction():
                self._writer.apply_changes(changes)
            return WriteSummary()
        self._guarded(run)

    def _guarded(self, action: Callable[[], WriteSummary]) -> WriteSummary:
        """Run a write under the lock, translating errors; see StoreAbandoned."""
        if self.read_only:
            raise StoreError("the database is open read-only")
        with self._lock:
            self._check_usable()
            try:
                return action()
            except BaseException as exc:
                failed = failed_write(exc, self._writer.commit_failed)
                if self._writer.abandoned:
                    disk = "disk full or a file size limit reached: " if is_file_error(exc) else ""
                    why = "" if disk else " (Ladybug cannot roll back a bulk COPY safely)"
                    raise StoreAbandoned(
                        (failed or f"a bulk write failed ({disk}{first_line(exc)}) and was abandoned before "
                         "commit: the database is unchanged") + f"; this process must exit without further use{why}"
                    ) from None
                if failed is not None:
                    raise StoreError(failed) from None
                if isinstance(exc, RuntimeError):
                    raise translate_error(exc, self.settings.db_path) from None
                raise

    def _check_usable(self) -> None:
        if self._writer.abandoned:
            raise StoreAbandoned("this store abandoned a failed bulk write; exit the process")

    def delete_nodes(self, ids: Sequence[str]) -> int:
        """Remove nodes and their relationships in one transaction."""
        if self.read_only:
            raise StoreError("the database is open read-only")
        with self._lock:
            self._check_usable()
            try:
                return self._writer.delete(list(ids))
            except RuntimeError as exc:
                raise translate_error(exc, self.settings.db_path) from None

    # ------------------------------------------------------------------ reads
    def run_read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> ReadResult:
        """Run a query in a read-only transaction and return plain values.

        On a database opened read-only the query is its own transaction (the database refuses
        writes itself); on a writable one it runs in ``BEGIN TRANSACTION READ ONLY``.
        """
        self._check_usable()
        conn = self._conn()
        conn.set_query_timeout(int((timeout or 0) * 1000))
        explicit = not self.read_only
        try:
            if explicit:
                self._execute(conn, "BEGIN TRANSACTION READ ONLY")
            try:
                result = self._execute(conn, cypher, params)
                columns = list(result.get_column_names())
                rows: list[list[Any]] = []
                truncated = False
                while result.has_next():
                    row = result.get_next()
                    if limit is not None and len(rows) >= limit:
                        truncated = True
                        break
                    rows.append(list(row))
            finally:
                if explicit:
                    try:
                        conn.execute("COMMIT")
                    except RuntimeError:
                        pass  # Ladybug already closed the transaction after an error
        finally:
            conn.set_query_timeout(0)
        return ReadResult(columns, self._plain(conn, rows), truncated)

    def read_arrow(self, cypher: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        """Run a read-only query returning plain values and give its result as one Arrow table."""
        self._check_usable()
        conn = self._conn()
        self._execute(conn, "BEGIN TRANSACTION READ ONLY")
        try:
            result = self._execute(conn, cypher, params)
            columns = list(result.get_column_names())
            table = result.get_as_arrow()
        finally:
            try:
                conn.execute("COMMIT")
            except RuntimeError:
                pass  # Ladybug already closed the transaction after an error
        return table.rename_columns(columns) if table.num_columns == len(columns) else table

    def _table_names(self, conn: ladybug.Connection) -> dict[int, str]:
        if self._tables is None:
            rows = rows_of(conn, "CALL show_tables() RETURN *")
            self._tables = {int(r[0]): str(r[1]) for r in rows}
        return self._tables

    def _plain(self, conn: ladybug.Connection, rows: list[list[Any]]) -> list[list[Any]]:
        """Normalise nodes, relationships and paths; resolve relationship ends to node ids."""
        known: dict[tuple[int, int], str] = {}
        wanted: set[tuple[int, int]] = set()

        def scan(v: Any) -> None:
            if isinstance(v, list):
                for x in v:
                    scan(x)
            elif isinstance(v, dict):
                if "_SRC" in v:
                    wanted.add(_key(v["_SRC"]))
                    wanted.add(_key(v["_DST"]))
                elif "_ID" in v and "_LABEL" in v and "id" in v:
                    known[_key(v["_ID"])] = v["id"]
                for x in v.values():
                    scan(x)

        scan(rows)
        missing = wanted - known.keys()
        if missing:
            names = self._table_names(conn)
            by_table: dict[int, list[int]] = {}
            for table, offset in missing:
                by_table.setdefault(table, []).append(offset)
            for table, offsets in by_table.items():
                q = f"MATCH (n:{quote(names[table])}) WHERE offset(id(n)) IN $o RETURN offset(id(n)), n.id"
                for off, node_id in rows_of(conn, q, {"o": offsets}):
                    known[(table, int(off))] = node_id

        def fix(v: Any) -> Any:
            if isinstance(v, list):
                return [fix(x) for x in v]
            if not isinstance(v, dict):
                return v
            if "_NODES" in v:
                return {"nodes": fix(v["_NODES"]), "relationships": fix(v["_RELS"])}
            if "_SRC" in v:
                return clean_rel(v["_LABEL"], known.get(_key(v["_SRC"])), known.get(_key(v["_DST"])), v)
            if "_LABEL" in v and "_ID" in v:
                return clean_node(self.model, v["_LABEL"], v.get("id"), v)
            return {k: fix(x) for k, x in v.items()}

        return [fix(r) for r in rows]

    def stats(self) -> Stats:
        """Counts per label and relationship type (zero counts included)."""
        nodes = {
            c: int(self.run_read(f"MATCH (n:{quote(c)}) RETURN count(*)").scalar())
            for c in self.model.classes
        }
        rels = {
            r: int(self.run_read(f"MATCH ()-[e:{quote(r)}]->() RETURN count(*)").scalar())
            for r in self.model.relationships
        }
        return Stats(nodes, rels)

    def close(self) -> None:
        """Close the database (idempotent)."""
        with self._lock:
            if self._writer.abandoned:
                return  # closing would let Ladybug touch the abandoned transaction
            if not self._closed:
                self._close_connections()
                self._closed = True

    def __enter__(self) -> LadybugStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rows_of_result(result: ladybug.QueryResult) -> list[list[Any]]:
    """All rows of a result as lists."""
    return [list(r) if isinstance(r, list) else list(r.values()) for r in result.get_all()]


def _key(internal: Mapping[str, Any]) -> tuple[int, int]:
    return (int(internal["table"]), int(internal["offset"]))
