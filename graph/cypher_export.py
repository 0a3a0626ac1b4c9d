"""``akg export --format cypher``: the whole graph as a Cypher script for an empty Neo4j 5 database.

The script has one statement per line, each ending in ``;``, and no parameters:

1. ``//`` comment lines: what the file is, the datasets' attributions;
2. the ontology's uniqueness constraints and indexes (``CREATE … IF NOT EXISTS``), each in its own
   transaction (Neo4j does not mix schema and data changes in one);
3. ``:begin``, then the nodes, label by label, as ``UNWIND [{…}, …] AS r CREATE (n:<label>) SET n = r``
   batches of :data:`BATCH` rows; the relationships, type by type, as ``UNWIND [{s, t, p}, …] AS r
   MATCH (a:<source> {id: r.s}) MATCH (b:<target> {id: r.t}) CREATE (a)-[e:<type>]->(b) SET e = r.p``;
   then ``:commit``: a replay that fails leaves nothing.

``cypher-shell -f graph.cypher`` replays it as it is; :func:`replay` does the same through the
driver. Values are literals: text in single quotes with ``\\``, ``'``, ``"`` and every control or
line-separator character escaped (``\\n``, ``\\uXXXX``), so no value can end a string, a statement
or a line; dates as ``date('…')``; lists as list literals. Identifiers come from the ontology and
are back-quoted.

Example:
    >>> cypher_literal("it's a \\\\ test\\n*/ ok")
    "'it\\\\'s a \\\\\\\\ test\\\\n*/ ok'"
    >>> cypher_literal([dt.date(2024, 1, 5), 1.5, None, True])
    "[date('2024-01-05'), 1.5, null, true]"
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from graph.attribution import attribution_lines
from graph.base import GraphStore
from graph.dump import iter_nodes, iter_rels
from graph.schema import neo4j_ddl, quote
from ontology.model import Model, load_model

if TYPE_CHECKING:   # the driver is the caller's: exporting needs no Neo4j
    import neo4j

__all__ = ["BATCH", "cypher_literal", "replay", "script_lines", "statements", "write_cypher"]

BATCH = 500  # rows per statement

_ESCAPES = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\b": "\\b", "\f": "\\f"}


def _char(c: str) -> str:
    if c in _ESCAPES:
        return _ESCAPES[c]
    code = ord(c)
    # control characters, line and paragraph separators, surrogates: \uXXXX
    if code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029, 0x85) or 0xD800 <= code < 0xE000:
        return f"\\u{code:04x}"
    return c


def _string(text: str) -> str:
    return "'" + "".join(_char(c) for c in text) + "'"


def cypher_literal(value: Any) -> str:
    """A property value as a Cypher literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "toFloat('NaN')"
        if math.isinf(value):
            return "toFloat('Infinity')" if value > 0 else "toFloat('-Infinity')"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dt.datetime):
        return f"datetime({_string(value.isoformat())})"
    if isinstance(value, dt.date):
        return f"date({_string(value.isoformat())})"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quote(str(k))}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write a {type(value).__name__} as a Cypher literal")


def _map(props: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{quote(k)}: {cypher_literal(v)}" for k, v in sorted(props.items())
                           if v is not None) + "}"


def _batches(items: list[str]) -> Iterator[str]:
    for start in range(0, len(items), BATCH):
        yield "[" + ", ".join(items[start:start + BATCH]) + "]"


def script_lines(store: GraphStore, model: Model | None = None) -> Iterator[str]:
    """The script, line by line (without line ends)."""
    m = model or load_model()
    yield "// atrocity-kg graph export: Cypher for an empty Neo4j 5 database (cypher-shell -f FILE)"
    for text in attribution_lines(store):
        for part in text.splitlines() or [""]:
            yield f"// {part}"
    yield from (f"{statement};" for statement in neo4j_ddl(m))
    yield ":begin"
    by_label: dict[str, list[str]] = defaultdict(list)
    for node in iter_nodes(store):
        props = {k: v for k, v in node.items() if k != "label"}
        by_label[str(node["label"])].append(_map(props))
    for label in sorted(by_label):
        for rows in _batches(by_label[label]):
            yield f"UNWIND {rows} AS r CREATE (n:{quote(label)}) SET n = r;"
    by_type: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for rel in iter_rels(store):
        props = {k: v for k, v in rel.items() if k not in {"type", "source", "target"}}
        key = (str(rel["type"]), m.class_of(str(rel["source"])).name, m.class_of(str(rel["target"])).name)
        by_type[key].append(f"{{s: {cypher_literal(rel['source'])}, t: {cypher_literal(rel['target'])}, "
                            f"p: {_map(props)}}}")
    for (rel_type, src, tgt) in sorted(by_type):
        for rows in _batches(by_type[(rel_type, src, tgt)]):
            yield (f"UNWIND {rows} AS r MATCH (a:{quote(src)} {{`id`: r.s}}) MATCH (b:{quote(tgt)} {{`id`: r.t}}) "
                   f"CREATE (a)-[e:{quote(rel_type)}]->(b) SET e = r.p;")
    yield ":commit"


def write_cypher(store: GraphStore, out: Path) -> Path:
    """Write the script to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        _write(fh, script_lines(store))
    return out


def _write(fh: IO[str], lines: Iterable[str]) -> None:
    for line in lines:
        fh.write(line + "\n")


def statements(lines: Iterable[str]) -> Iterator[str]:
    """The statements and ``:begin``/``:commit`` commands of a script (comments and blank lines
    dropped; a statement is one line ending in ``;``, given without it)."""
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        if line in (":begin", ":commit"):
            yield line
        elif line.endswith(";"):
            yield line[:-1]
        else:
            raise ValueError(f"line {number}: not a statement of an atrocity-kg Cypher export")


def replay(session: neo4j.Session, lines: Iterable[str]) -> int:
    """Run a script through the driver as cypher-shell would (statements outside ``:begin`` …
    ``:commit`` in their own transactions, those inside in one); returns the statements run."""
    count = 0
    tx: neo4j.Transaction | None = None
    try:
        for statement in statements(lines):
            if statement == ":begin":
                tx = session.begin_transaction()
            elif statement == ":commit":
                if tx is None:
                    raise ValueError(":commit without :begin")
                tx.commit()
                tx = None
            elif tx is not None:
                tx.run(statement).consume()
                count += 1
            else:
                session.run(statement).consume()
                count += 1
        if tx is not None:
            raise ValueError(":begin without :commit: nothing was written")
    finally:
        if tx is not None:
            tx.close()
    return count
