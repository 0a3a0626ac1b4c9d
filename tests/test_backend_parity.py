"""Parity of the two backends on the demo data: named queries, export, the API.

``akg demo``'s build (:func:`cli.demo.build_demo`, from examples/) runs once into a fresh
Ladybug file and once into the project's Neo4j test server. Then every named query runs on
both with its documented example parameters and the answers are compared (in order when the
query sorts with ORDER BY and sorts on every column it returns; as multisets otherwise), the
export of both stores is the same graph (nodes with their properties, relationships with
theirs, and the same N-Triples), and the API answers the same JSON on both.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api import create_app
from cli.demo import build_demo
from graph.base import GraphStore
from graph.export import iter_nodes, iter_rels, networkx_of
from graph.ntriples import write_nt
from graph.rdf import triples
from graph.registry import open_store
from queries.registry import catalogue, execute
from tests.conftest import NEO4J_SKIP, _wipe_neo4j, settings_for

pytestmark = [pytest.mark.neo4j,
              pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP)]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NAMES = sorted(catalogue())


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, GraphStore]]:
    """The demo graph on each backend."""
    out: dict[str, GraphStore] = {}
    for backend in ("ladybug", "neo4j"):
        settings = settings_for(backend, tmp_path_factory.mktemp("parity"))
        store = open_store(settings.with_overrides(buffer_pool_mb=1024))
        store.init_schema()
        if backend == "neo4j":
            _wipe_neo4j(store)
        build_demo(store, EXAMPLES)
        out[backend] = store
    try:
        yield out
    finally:
        _wipe_neo4j(out["neo4j"])
        for store in out.values():
            store.close()


def _canon(value: Any, depth: int = 0) -> Any:
    """A comparable, hashable form: floats to 9 significant digits, containers recursively.

    A list of plain values inside a row is compared as a multiset: ``collect()`` gathers in
    an order neither dialect specifies (Ladybug and Neo4j differ). Lists of nodes,
    relationships or paths keep their order.
    """
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return tuple(sorted((k, _canon(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        items = tuple(_canon(v, depth + 1) for v in value)
        scalar = all(not isinstance(v, tuple) for v in items)
        return tuple(sorted(items, key=repr)) if depth > 0 and scalar else items
    return value


# Parameters that find data in examples/ (the documented examples name the test world's QZA).
DEMO_PARAMS: dict[str, dict[str, str]] = {
    "actor_cooccurrence": {"country": "country/MMR"},
    "actor_ego_network": {"actor": "actor/tatmadaw", "depth": "2"},
    "actor_lookup": {"actor": "actor/interahamwe"},
    "actor_search": {"q": "interahamwe"},
    "alert_evidence": {"alert": "alert/COD-mass-fatality-2012-05-38393c65b7"},
    "alerts_list": {"country": "country/SYR"},
    "assessment_changes": {"country": "country/MMR"},
    "assessment_list": {"country": "country/RWA"},
    "capability_gaps": {"country": "country/MMR", "max_level": "3"},
    "countries_ranked_by_risk": {"as_of": "2024-12-31"},
    "country_bridges": {"country": "country/BIH", "as_of": "1995-12-31"},
    "country_brokers": {"country": "country/BIH", "as_of": "1995-12-31"},
    "country_communities": {"country": "country/BIH", "as_of": "1995-12-31"},
    "country_network": {"country": "country/MMR", "as_of": "2017-12-31"},
    # before the demo's EWP scores: `scores` is a list in no order (several scores share a date)
    "country_lookup": {"country": "country/RWA", "as_of": "2023-12-31"},
    "country_overview": {"region": "region/great-lakes"},
    "country_risk_profile": {"country": "country/MMR", "as_of": "2017-12-31"},
    "country_signals": {"country": "country/SYR", "date_from": "2018-01-01", "date_to": "2018-12-31"},
    "counts_by_label": {},
    "events_by_actor_country_period": {"country": "country/MMR", "date_from": "2016-01-01"},
    "events_in_country_period": {"country": "country/MMR", "date_from": "2016-01-01"},
    "indicator_evidence_from_events": {"country": "country/MMR"},
    "lessons_learnt": {"option": "option/commission-of-inquiry"},
    "leverage_chains": {"country": "country/BIH", "as_of": "1995-12-31"},
    "map_alerts_of_country": {"country": "country/SYR", "date_from": "2018-01-01", "date_to": "2018-12-31"},
    "map_country_levels": {"as_of": "2024-12-31"},
    "map_event_grid": {"country": "country/SYR", "date_from": "2018-01-01", "date_to": "2018-12-31", "cell": "25"},
    "map_event_points": {"country": "country/RWA"},
    "map_event_summary": {"country": "country/MMR"},
    "monitoring_cadence": {"today": "2025-03-01"},
    "paths_actor_to_group": {"actor": "actor/tatmadaw", "victim_group": "group/rohingya",
                             "max_hops": "3"},
    "perpetrators_in_country": {"country": "country/MMR", "as_of": "2017-12-31"},
    "recommendations_by_addressee_status": {"addressee": "actor/un-security-council"},
    "response_evidence_for_country": {"country": "country/MMR", "as_of": "2017-12-31"},
    "response_options_for_country": {"country": "country/MMR", "as_of": "2017-12-31"},
    "review_due": {"today": "2025-03-01"},
    "risk_watchlist": {"as_of": "2024-12-31"},
    "schema_listing": {},
    "upcoming_triggers": {"today": "2017-01-01", "months": "120"},
    "victim_group_threats": {"victim_group": "group/rohingya"},
    "victim_groups_at_risk": {"country": "country/MMR", "as_of": "2017-12-31"},
}


def _fully_ordered(text: str, columns: list[str]) -> bool:
    """True when the query's last ORDER BY names every returned column (no ties left open)."""
    found = re.findall(r"ORDER\s+BY\s+(.+?)(?:\s+(?:SKIP|LIMIT)\b|$)", text, re.I | re.S)
    if not found:
        return False
    keys = {re.split(r"\s+", k.strip())[0].split(".")[-1] for k in found[-1].split(",")}
    return set(columns) <= keys


def test_the_demo_has_the_same_counts(stores: dict[str, GraphStore]) -> None:
    lb, neo = stores["ladybug"].stats(), stores["neo4j"].stats()
    assert neo.nodes == lb.nodes and neo.relationships == lb.relationships
    assert sum(lb.nodes.values()) > 1000


@pytest.mark.parametrize("name", NAMES)
def test_named_query_answers_the_same(stores: dict[str, GraphStore], name: str) -> None:
    query = catalogue()[name]
    params = DEMO_PARAMS[name]
    lb = execute(stores["ladybug"], name, params)
    neo = execute(stores["neo4j"], name, params)
    assert neo.columns == lb.columns
    if query.function is None and _fully_ordered(query.text_for("neo4j"), lb.columns) \
            and _fully_ordered(query.text_for("ladybug"), lb.columns):
        assert [_canon(r) for r in neo.rows] == [_canon(r) for r in lb.rows]
    else:
        assert Counter(_canon(r) for r in neo.rows) == Counter(_canon(r) for r in lb.rows)
    assert lb.rows, f"{name} answers nothing on the demo data: choose parameters that find some"


def test_every_named_query_has_demo_parameters() -> None:
    assert sorted(DEMO_PARAMS) == NAMES


def _logged(node_id: str) -> bool:
    """Audit-log entries: their ids and dates record when each store was loaded."""
    return node_id.startswith("log/")


def test_exports_are_the_same_graph(stores: dict[str, GraphStore]) -> None:
    # each store read once; the N-Triples are what `akg export --format nt` writes from that read
    read = {b: (list(iter_nodes(s)), list(iter_rels(s))) for b, s in stores.items()}
    lb, neo = (networkx_of(*read[b]) for b in ("ladybug", "neo4j"))
    nodes = [{n: a for n, a in g.nodes(data=True) if not _logged(n)} for g in (lb, neo)]
    assert nodes[0] == nodes[1]
    assert sum(_logged(n) for n in lb) == sum(_logged(n) for n in neo)
    edges = [Counter((s, t, k, _canon(a)) for s, t, k, a in g.edges(keys=True, data=True)
                     if not (_logged(s) or _logged(t))) for g in (lb, neo)]
    assert edges[0] == edges[1]
    lines = []
    for b in ("ladybug", "neo4j"):
        out = io.StringIO()
        write_nt(triples(*read[b]), out)
        lines.append(sorted(ln for ln in out.getvalue().splitlines() if "/log/" not in ln))
    assert lines[0] == lines[1] and len(lines[0]) > 10_000


API_PATHS = [
    "/api/v1/countries",
    "/api/v1/countries/MMR/risk?as_of=2017-08-01",
    "/api/v1/countries/RWA/risk?as_of=1994-04-01",
    "/api/v1/countries/MMR/responses",
    "/api/v1/countries/RWA/changes",
    "/api/v1/actors?q=interahamwe",
    "/api/v1/recommendations?status=proposed",
    "/api/v1/countries/MMR",
    "/api/v1/countries/RWA",
    "/api/v1/actors/interahamwe",
    "/api/v1/actors/tatmadaw",
    "/api/v1/assessments?country=MMR",
    "/api/v1/queries/risk_watchlist?as_of=2024-12-31",
]
PAGES = ["/", "/countries/RWA", "/countries/MMR", "/planner?country=MMR"]


def test_the_api_answers_the_same(stores: dict[str, GraphStore]) -> None:
    answers: dict[str, dict[str, Any]] = {}
    for backend, store in stores.items():
        app = create_app({"SETTINGS": store.settings, "STORE": store,  # type: ignore[attr-defined]
                          "TESTING": True, "CACHE_SIZE": 0})
        client = app.test_client()
        for path in API_PATHS:
            response = client.get(path)
            answers.setdefault(path, {})[backend] = (response.status_code, response.get_json())
        for path in PAGES:
            response = client.get(path)
            lines = [_page_line(line) for line in response.get_data(as_text=True).splitlines()]
            answers.setdefault(path, {})[backend] = (response.status_code, lines)
    for path, both in answers.items():
        assert both["ladybug"][0] == 200, (path, both["ladybug"])
        neo, lb = _unordered(both["neo4j"]), _unordered(both["ladybug"])
        if neo != lb and isinstance(both["ladybug"][1], list):
            only = sorted(set(map(repr, both["neo4j"][1])) ^ set(map(repr, both["ladybug"][1])))
            assert neo == lb, f"{path}: lines on one backend only: {only[:6]}"
        assert neo == lb, path


_JSON_SCRIPT = re.compile(r'^(\s*<script id="[^"]+" type="application/json">)(.*)(</script>)\s*$')


def _page_line(line: str) -> Any:
    """A page line; the data of a network view as unordered JSON (node order is the query's)."""
    found = _JSON_SCRIPT.match(line)
    return (found.group(1), _unordered(json.loads(found.group(2)))) if found else line


def _unordered(value: Any) -> Any:
    """JSON with every list compared as a multiset (the API sorts most, not all, lists)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _unordered(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(sorted((_unordered(v) for v in value), key=lambda v: json.dumps(v, default=str)))
    return _canon(value)
