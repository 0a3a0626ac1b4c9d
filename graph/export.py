"""Export the whole graph: Turtle and JSON-LD (rdflib), N-Triples (streamed, :mod:`graph.ntriples`),
GraphML (networkx), CSV and a Cypher script for an empty Neo4j (:mod:`graph.cypher_export`).

Example:
    >>> FORMATS
    ('ttl', 'jsonld', 'nt', 'graphml', 'csv', 'cypher')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from graph.attribution import attribution_lines, comment_block
from graph.base import GraphStore
from graph.cypher_export import write_cypher
from graph.dump import iter_nodes, iter_rels
from graph.ntriples import write_nt
from graph.rdf import to_rdf, triples

__all__ = ["FORMATS", "csv_cell", "export", "graph_to_networkx", "iter_nodes", "iter_rels", "networkx_of"]

FORMATS = ("ttl", "jsonld", "nt", "graphml", "csv", "cypher")
_RDF_FORMATS = {"ttl": "turtle", "jsonld": "json-ld"}


def graph_to_networkx(store: GraphStore) -> nx.MultiDiGraph:
    """The whole graph as a networkx MultiDiGraph (node attributes = properties)."""
    return networkx_of(iter_nodes(store), iter_rels(store))


def networkx_of(nodes: Iterable[dict[str, Any]], rels: Iterable[dict[str, Any]]) -> nx.MultiDiGraph:
    """Nodes and relationships as :func:`iter_nodes` and :func:`iter_rels` give them, as a networkx
    MultiDiGraph (node attributes = properties; an edge's key is its type)."""
    g = nx.MultiDiGraph()
    for node in nodes:
        g.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for rel in rels:
        attrs = {k: v for k, v in rel.items() if k not in {"source", "target"}}
        g.add_edge(rel["source"], rel["target"], key=rel["type"], **attrs)
    return g


def _scalar(value: Any) -> Any:
    """GraphML and CSV cells: lists as JSON, dates as ISO text."""
    if isinstance(value, (list, tuple)):
        return json.dumps([_scalar(v) for v in value], ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ tab or CR gets a ``'``.

    >>> [csv_cell(v) for v in ["=1+2", "-1", -1, "@SUM(A1)", "ok"]]
    ["'=1+2", "'-1", -1, "'@SUM(A1)", 'ok']
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export(store: GraphStore, fmt: str, out: Path) -> list[Path]:
    """Write the graph in ``fmt`` to ``out`` (a file; a folder for csv). Returns files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "cypher":
        return [write_cypher(store, out)]
    if fmt == "nt":  # one triple per line: written as they come (graph.ntriples)
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="\n") as text:
            text.write(comment_block(attribution_lines(store)))
            write_nt(triples(iter_nodes(store), iter_rels(store)), text)
        return [out]
    if fmt in _RDF_FORMATS:
        g = to_rdf(iter_nodes(store), iter_rels(store))
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as fh:
            if fmt != "jsonld":  # JSON has no comments; its DatasetVersion nodes carry the citations
                fh.write(comment_block(attribution_lines(store)).encode("utf-8"))
            g.serialize(destination=fh, format=_RDF_FORMATS[fmt], encoding="utf-8")
        return [out]
    if fmt == "graphml":
        g = graph_to_networkx(store)
        plain = nx.MultiDiGraph(attribution=" | ".join(attribution_lines(store)))
        for n, attrs in g.nodes(data=True):
            plain.add_node(n, **{k: _scalar(v) for k, v in attrs.items()})
        for s, t, k, attrs in g.edges(keys=True, data=True):
            plain.add_edge(s, t, key=k, **{a: _scalar(v) for a, v in attrs.items()})
        out.parent.mkdir(parents=True, exist_ok=True)
        nx.write_graphml(plain, out)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    notice = out / "ATTRIBUTION.txt"
    notice.write_text(comment_block(attribution_lines(store)) or "# No dataset loaded.\n", encoding="utf-8")
    return [_write_csv(out / "nodes.csv", iter_nodes(store), ["id", "label"]),
            _write_csv(out / "relationships.csv", iter_rels(store), ["type", "source", "target"]), notice]


def csv_text(rows: Iterator[dict[str, Any]], first: list[str]) -> str:
    """Rows as CSV text with the given leading columns, then the rest sorted."""
    buf = io.StringIO()
    _csv_into(buf, rows, first)
    return buf.getvalue()


def _csv_into(fh: Any, rows: Iterator[dict[str, Any]], first: list[str]) -> None:
    materialised = list(rows)
    keys = sorted({k for r in materialised for k in r} - set(first))
    writer = csv.DictWriter(fh, fieldnames=first + keys)
    writer.writeheader()
    for row in materialised:
        writer.writerow({k: csv_cell(_scalar(v)) for k, v in row.items()})


def _write_csv(path: Path, rows: Iterator[dict[str, Any]], first: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        _csv_into(fh, rows, first)
    return path
