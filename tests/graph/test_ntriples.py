"""The streamed N-Triples export is, line for line, what rdflib writes for the same graph."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from graph.export import export
from graph.ntriples import write_nt
from graph.rdf import to_rdf, triples
from graph.records import Edge, Node
from graph.registry import open_store
from graph.settings import Settings

HOSTILE = ['back\\slash "quoted"', "two\nlines\r\nand CR", "tab\there */ // ; :begin", "ünïcødé ☃ 𝄞", ""]

NODES = [
    {"id": "actor/a", "label": "Actor", "name": HOSTILE[0], "aliases": [HOSTILE[1], HOSTILE[1], HOSTILE[3]],
     "unresolved": True, "asserted_on": dt.date(2024, 2, 29)},
    {"id": "actor/b", "label": "Actor", "name": HOSTILE[2], "aliases": [], "unresolved": False},
    {"id": "alert/x", "label": "Alert", "baseline": 0.1, "observed": 1e-300, "signal_strength": -2.5,
     "period_start": dt.date(1994, 4, 6)},
    {"id": "assessment/y", "label": "Assessment", "overall_risk": 4, "horizon_months": 0,
     "authors": [HOSTILE[4], HOSTILE[3]], "retrospective": True},
]
RELS = [
    {"type": "ADDRESSED_TO", "source": "assessment/y", "target": "actor/a", "note": HOSTILE[1],
     "confidence": "high", "valid_from": dt.date(2020, 1, 1), "sources": ["s1", "s1", "s2"]},
    {"type": "ADDRESSED_TO", "source": "assessment/y", "target": "actor/b", "note": None},
]


def _streamed() -> str:
    out = io.StringIO()
    write_nt(triples(NODES, RELS), out)
    return out.getvalue()


def test_streamed_lines_are_rdflibs() -> None:
    expected = to_rdf(NODES, RELS).serialize(format="nt", encoding="utf-8").decode("utf-8")
    text = _streamed()
    assert sorted(text.splitlines()) == sorted(ln for ln in expected.splitlines() if ln)
    # a repeated list value is written once, as the graph holds it
    assert text.count("two\\nlines") == 2  # the alias (once) and the relationship's note


def test_the_stream_parses_back_to_the_same_graph() -> None:
    parsed = Graph().parse(data=_streamed(), format="nt")
    assert isomorphic(parsed, to_rdf(NODES, RELS))
    assert len(parsed) == len(to_rdf(NODES, RELS))


def test_export_nt_keeps_the_attribution_and_parses(tmp_path: Path) -> None:
    store = open_store(Settings(db_path=tmp_path / "akg.lbug", buffer_pool_mb=256, threads=1))
    store.init_schema()
    store.write([Node.make("actor/a", name=HOSTILE[0], aliases=[HOSTILE[1]]), Node.make("country/RWA", name="Rwanda")],
                [Edge.make("OPERATES_IN", "actor/a", "country/RWA", note=HOSTILE[2])])
    try:
        [path] = export(store, "nt", tmp_path / "out" / "graph.nt")
        reference = to_rdf([{"id": "actor/a", "label": "Actor", "name": HOSTILE[0], "aliases": [HOSTILE[1]]},
                            {"id": "country/RWA", "label": "Country", "name": "Rwanda"}],
                           [{"type": "OPERATES_IN", "source": "actor/a", "target": "country/RWA",
                             "note": HOSTILE[2]}])
    finally:
        store.close()
    parsed = Graph().parse(path, format="nt")
    assert isomorphic(parsed, reference)
