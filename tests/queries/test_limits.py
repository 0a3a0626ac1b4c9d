"""The checker's shape and size limits, its exact arithmetic, and a fuzz of the checker against
the engine on each backend: whatever it accepts must never write, crash the worker (Ladybug) or
the server's connection (Neo4j), or run past its time limit; memory beyond the limit (the
worker's address space, Neo4j's ``db.memory.transaction.max``) must end as ``query_too_large``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.admin import init_store
from graph.base import GraphStore
from graph.records import Edge, Node
from graph.registry import open_store
from ontology.errors import QueryRefused, QueryTimeout
from queries.cypher_arith import evaluate
from queries.isolated import QueryCrashed, QueryPool, QueryTooLarge
from queries.safe import QueryError, check
from tests.conftest import _wipe_neo4j, backend_params, settings_for

# The audit's corpus shape, beyond tests/queries/test_safe.py: nesting and amplification.
REFUSED = [
    ("RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS x", "nesting"),
    ("RETURN " + "NOT " * 20000 + "true AS x", "nesting"),
    ("RETURN " + "[" * 3000 + "1" + "]" * 3000 + " AS x", "nesting"),
    ("RETURN " + "CASE WHEN true THEN " * 50 + "1" + " END" * 50 + " AS x", "nesting"),
    ("RETURN " + "1 + " * 24000 + "1 AS x", "nesting"),
    ("RETURN " + "- " * 40 + "1 AS x", "nesting"),
    ("RETURN size(range(0, 200000000 - (1/2) * 2 * 200000000)) AS n", "range"),
    ("RETURN size(range(0, 200000000 - 7 / 2 * 0)) AS n", "range"),
    ("RETURN size(list_transform(range(1,10000), x -> range(1,20000))) AS n", "range"),
    ("RETURN size([x IN range(1, 10000) | range(1, 20000)]) AS n", "range"),
    ("RETURN size([x IN range(1, 100000) | repeat('x', 1000)]) AS n", "range"),
    ("RETURN size(range(0, 2^40)) AS n", "range"),
    ("RETURN size(range(0, $big)) AS n", "range"),
    ("RETURN size(range(0, (((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))) AS n",
     "range"),
]

ACCEPTED = [
    "RETURN size(range(0, 200000000 - (1.0/2) * 2 * 200000000)) AS n",  # float: 0 elements
    "RETURN size(range(1, 9999999)) AS n",
    "UNWIND range(1, 1000) AS x RETURN count(x)",
    "RETURN " + "(" * 30 + "1" + ")" * 30 + " AS x",
    "RETURN NOT NOT true AS x",
    "MATCH (a:Actor) WHERE a.name STARTS WITH 'N' AND NOT a.kind = 'militia' RETURN a.name",
]


@pytest.mark.parametrize(("cypher", "clause"), REFUSED, ids=[f"refused-{i}" for i in range(len(REFUSED))])
def test_deep_and_amplifying_queries_are_refused(cypher: str, clause: str) -> None:
    with pytest.raises(QueryRefused) as err:
        check(cypher, {"big": 2**40})
    assert err.value.details["clause"] == clause, err.value.message


@pytest.mark.parametrize("cypher", ACCEPTED)
def test_ordinary_queries_pass(cypher: str) -> None:
    assert check(cypher)


@pytest.mark.parametrize(("expr", "value"), [
    ("1/2", 0), ("7/2", 3), ("-7/2", -3), ("-7 % 2", -1), ("7 % -2", 1), ("1.0/2", Fraction(1, 2)),
    ("2^3^2", 64), ("-2^2", 4), ("(1/2) * 2 * 200000000", 0), ("10 - 3 - 2", 5), ("$n / 4", 2),
    ("1e3 + 1", 1001), ("0.1 + 0.2", Fraction(3, 10)),
])
def test_arithmetic_follows_cypher(expr: str, value: int | Fraction) -> None:
    got = evaluate(expr, {"n": 9})
    assert got == value
    assert isinstance(got, int) == isinstance(value, int) or expr.startswith(("2^", "-2^", "1e3"))


@pytest.mark.parametrize("expr", ["1/0", "2^100", "x + 1", "size(l)", "9" * 40, "(" * 40 + "1" + ")" * 40])
def test_arithmetic_refuses_what_it_cannot_bound(expr: str) -> None:
    with pytest.raises(ValueError):
        evaluate(expr, {})


# ------------------------------------------------------------------------------ fuzz
_ATOMS = ["1", "2.5", "true", "null", "'CREATE'", "a.name", "a.id", "$n", "x", "[1, 2, 3]", "{k: 1}",
          "size(a.name)", "range(1, 5)", "range(1, $n)", "repeat('ab', 3)", "toLower(a.name)",
          "list_transform(range(1, 4), y -> y * 2)", "[y IN range(1, 30) | y]", "sqrt(-1.0)", "1/0"]
_OPS = [" + ", " * ", " - ", " / ", " % ", " = ", " AND ", " OR ", " < ", " CONTAINS "]
_WRAPS = ["({})", "NOT {}", "[{}]", "size({})", "-{}", "CASE WHEN {} THEN 1 ELSE 0 END", "toString({})",
          "coalesce({}, 1)", "{} // CREATE (z)\n", "{} /* SET */", "range(1, {})"]
_PREFIXES = ["MATCH (a:Actor) ", "MATCH (a:Actor)-[r*1..3]-(b) ", "UNWIND range(1, 3) AS x ",
             "MATCH (a) WITH a LIMIT 5 ", "OPTIONAL MATCH (a:Actor)-[:SUPPORTS]->(b) ",
             "MATCH (a:Actor) DETACH DELETE a ", "CALL db.labels() YIELD label ", "LOAD CSV FROM 'x' AS l ",
             "MATCH (a:Actor) SET a.name = 'x' ", "MATCH (a) CR\u0415ATE (b) "]


@st.composite
def _expression(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 6 or draw(st.booleans()):
        return draw(st.sampled_from(_ATOMS))
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.sampled_from(_OPS)).join([draw(_expression(depth + 1)), draw(_expression(depth + 1))])
    if kind == 1:
        return draw(st.sampled_from(_WRAPS)).format(draw(_expression(depth + 1)))
    return draw(st.sampled_from(_WRAPS)).format(draw(st.sampled_from(_ATOMS))) * 1


@st.composite
def _query(draw: st.DrawFn) -> str:
    repeat = draw(st.sampled_from([1, 1, 1, 20, 200]))
    expr = draw(_expression())
    wrapped = "(" * repeat + expr + ")" * repeat if draw(st.booleans()) else expr
    tail = draw(st.sampled_from(["", ";", "; MATCH (n) DELETE n", " LIMIT 3"]))
    return draw(st.sampled_from(_PREFIXES)) + "RETURN " + wrapped + " AS v" + tail


@pytest.fixture(scope="module", params=backend_params())
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The vocabularies and two actors, in a store of this module's own (the test server's on Neo4j)."""
    store = open_store(settings_for(request.param, tmp_path_factory.mktemp("fuzz")))
    if request.param == "neo4j":
        store.init_schema()
        _wipe_neo4j(store)
    init_store(store)
    store.write([Node.make("actor/fuzz-a", name="Night Riders", kind="militia"),
                 Node.make("actor/fuzz-b", name="Hill Front", kind="armed-group")],
                [Edge.make("SUPPORTS", "actor/fuzz-a", "actor/fuzz-b")])
    try:
        yield store
    finally:
        if request.param == "neo4j":
            _wipe_neo4j(store)
        store.close()


@pytest.fixture(scope="module")
def pool(world: GraphStore) -> Iterator[QueryPool]:
    """Isolated workers on Ladybug; on Neo4j the server runs the queries, the pool bounds them."""
    found = QueryPool(world.settings, workers=1, memory_mb=512)  # type: ignore[attr-defined]
    yield found
    found.close()


def _fingerprint(store: GraphStore) -> tuple[object, ...]:
    return (store.stats(), store.run_read("MATCH (a:Actor) RETURN a.id, a.name ORDER BY a.id").rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(query=_query())
def test_what_the_checker_accepts_never_writes_or_crashes(world: GraphStore, pool: QueryPool,
                                                         query: str) -> None:
    before = _fingerprint(world)
    start = time.monotonic()
    try:
        pool.run(world, query, {"n": 4}, timeout=1.0, limit=20)
    except (QueryRefused, QueryTimeout, QueryTooLarge):
        pass
    except QueryError as exc:  # the engine's own error: never a lost server
        assert "connection" not in exc.message, (query[:200], exc.message)
    except QueryCrashed:  # pragma: no cover - the failure this test looks for
        pytest.fail(f"the checker accepted a query that crashed the engine: {query[:200]!r}")
    assert time.monotonic() - start < 10, f"ran past its time limit: {query[:200]!r}"
    assert _fingerprint(world) == before, query
    assert pool.run(world, "RETURN 1 AS one", timeout=5, limit=1).rows == [[1]]
