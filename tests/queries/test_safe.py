"""Researchers' Cypher: the hostile corpus, the second layer, errors, timeout and row cap."""

from __future__ import annotations

import glob
import time
from collections.abc import Iterator

import pytest

from graph.base import GraphStore, Stats
from ontology.errors import QueryRefused, QueryTimeout
from queries import safe
from queries.safe import QueryError, check, run_safe
from tests.queries.world import MILITIA

OUT = "/tmp/akg-hostile"  # noqa: S108 - files that must never appear

# Each of these must be refused before it reaches the database.
REFUSED: list[tuple[str, str]] = [
    ("CREATE (n:Actor {id: 'actor/x'})", "CREATE"),
    ("create (n:Actor {id: 'actor/x'}) return n", "CREATE"),
    ("MATCH (n:Actor) SET n.name = 'x'", "SET"),
    ("MATCH (n) DETACH DELETE n", "DETACH"),
    ("MATCH (n:Actor) REMOVE n.name", "REMOVE"),
    ("MERGE (n:Actor {id: 'actor/x'})", "MERGE"),
    ("MATCH (n) // just reading\nDELETE n", "DELETE"),
    ("MATCH (n) /* only a comment */ DeLeTe n", "DELETE"),
    ("MATCH (n:Actor)\n\tWITH n\n\tdElEtE\tn", "DELETE"),
    ("RETURN 1 // a note\rCREATE (n:Actor {id: 'actor/z'})", "CREATE"),
    ("RETURN '\\\\' CREATE (n:Actor {id: 'actor/q'}) //'", "CREATE"),
    ("RETURN 1 AS `x` CREATE (n:Actor {id: 'actor/b'})", "CREATE"),
    ("RETURN 1; MATCH (n) DETACH DELETE n", "multiple statements"),
    ("MATCH (n) RETURN n; DROP TABLE Actor", "multiple statements"),
    ("RETURN 1;;", "multiple statements"),
    ("DROP TABLE Actor", "DROP"),
    ("ALTER TABLE Actor ADD x STRING", "ALTER"),
    ("CREATE MACRO m(x) AS x + 1", "CREATE"),
    ("COMMENT ON TABLE Actor IS 'x'", "COMMENT"),
    ("MATCH (n:Actor) WITH n MERGE (n)-[:SUPPORTS]->(n)", "MERGE"),
    ("INSERT (:Actor {id: 'actor/i'})", "INSERT"),
    ("MATCH (n) FOREACH (x IN [1] | CREATE (:Actor {id: 'actor/y'}))", "FOREACH"),
    ("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS RETURN 1", "DETACH"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD"),
    ("load   csv with headers from 'file:///etc/passwd' AS l RETURN l", "LOAD"),
    ("LOAD FROM '/etc/passwd' (header=false, delim=':', file_format='csv') RETURN *", "LOAD"),
    ("LOAD WITH HEADERS (a STRING) FROM '/etc/passwd' RETURN *", "LOAD"),
    (f"COPY Actor FROM '{OUT}.csv'", "COPY"),
    (f"COPY (MATCH (n:Actor) RETURN n.id) TO '{OUT}-out.csv'", "COPY"),
    (f"EXPORT DATABASE '{OUT}-export'", "EXPORT"),
    (f"IMPORT DATABASE '{OUT}-export'", "IMPORT"),
    (f"ATTACH '{OUT}.lbug' AS other (dbtype lbug)", "ATTACH"),
    ("DETACH DATABASE other", "DETACH"),
    ("USE other MATCH (n) RETURN n", "USE"),
    ("INSTALL json", "INSTALL"),
    ("LOAD EXTENSION json", "LOAD"),
    ("CHECKPOINT", "CHECKPOINT"),
    ("BEGIN TRANSACTION", "BEGIN"),
    ("COMMIT", "COMMIT"),
    ("ROLLBACK", "ROLLBACK"),
    ("SHOW DATABASES", "SHOW"),
    ("CALL timeout=0", "CALL"),
    ("CALL threads=64", "CALL"),
    ("CALL project_graph('g', ['Actor'], ['SUPPORTS'])", "CALL"),
    ("CALL READ_CSV_SERIAL('/etc/passwd') RETURN *", "CALL"),
    ("CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value", "CALL"),
    ("CALL dbms.security.createUser('x', 'y', false)", "CALL"),
    ("call   `db`.`labels`()", "CALL"),
    ("RETURN apoc.text.join(['a'], ',') AS x", "function"),
    ("RETURN apoc . util . md5(['x']) AS x", "function"),
    ("RETURN nextval('seq')", "NEXTVAL"),
    ("RETURN size(`range`(1, 100000000000)) AS n", "function"),
    ("RETURN `apoc`.`util`.`md5`(['x']) AS x", "function"),
    ("PROJECT GRAPH g (Actor, SUPPORTS)", "PROJECT"),
    ("MATCH p = (a)-[*]->(b) RETURN count(p)", "variable-length pattern"),
    ("MATCH p = (a)-[:SUPPORTS*2..]->(b) RETURN p", "variable-length pattern"),
    ("MATCH p = (a)-[*..50]-(b) RETURN p", "variable-length pattern"),
    ("MATCH p = (a)-[r *  1 .. 7]-(b) RETURN p", "variable-length pattern"),
    ("MATCH p = (a)-[:SUPPORTS*10]->(b) RETURN p", "variable-length pattern"),
    ("MATCH p = (a)-[* SHORTEST 1..30]-(b) RETURN p", "variable-length pattern"),
    ("MATCH p = (a)<-[:ARMS|SUPPORTS * ALL SHORTEST]-(b) RETURN p", "variable-length pattern"),
    ("MATCH p = shortestPath((a:Actor)-[*]-(b:Actor)) RETURN p", "variable-length pattern"),
    ("MATCH p = ((a)-[:SUPPORTS]->(b))+ RETURN p", "variable-length pattern"),
    ("MATCH p = (a)-[:SUPPORTS]->{1,}(b) RETURN p", "variable-length pattern"),
    ("MATCH p = (a)-[:SUPPORTS]->{2,20}(b) RETURN p", "variable-length pattern"),
    ("MATCH p = (a)-->*(b) RETURN p", "variable-length pattern"),
    ("UNWIND range(1, 100000000000) AS x RETURN count(x)", "range"),
    ("RETURN size(range(0, 10^12)) AS n", "range"),
    ("RETURN size(range(0, $n)) AS n", "range"),
    ("UNWIND range(1, 1000) AS x RETURN size(range(1, x * 100000000)) AS n", "range"),
    ("RETURN repeat('x', 2000000000) AS s", "repeat"),
    ("RETURN lpad('', 100000 * 100000, 'x') AS s", "lpad"),
    ("MATCH (n) D\u0415TACH DELETE n", "character"),
    ("RETURN 1 AS x\x00", "character"),
    ("RETURN 'unterminated", "syntax"),
    ("MATCH (n) RETURN n /* unterminated", "syntax"),
    ("   ;  ", "empty"),
    ("RETURN 1 " + "x" * safe.MAX_CHARS, "length"),
]

# Allowed through the check; the database bounds them (row cap, timeout, read-only).
BOUNDED: list[str] = [
    "MATCH (a)-[*1..6]-(b) RETURN count(*)",
    "UNWIND range(1, 10000000) AS x UNWIND range(1, 10000000) AS y RETURN count(*)",
    "MATCH (a), (b), (c) RETURN count(*)",
    "MATCH (n) RETURN n",
    "MATCH (c:Country) RETURN c.id ORDER BY c.id",
]


def totals(store: GraphStore) -> tuple[int, int, list[list[object]]]:
    nodes = store.run_read("MATCH (n) RETURN count(n)").scalar()
    rels = store.run_read("MATCH ()-[r]->() RETURN count(r)").scalar()
    names = store.run_read("MATCH (a:Actor) RETURN a.id, a.name ORDER BY a.id").rows
    return int(nodes), int(rels), names


@pytest.fixture(scope="module")
def before(world: GraphStore) -> Iterator[tuple[Stats, tuple[int, int, list[list[object]]]]]:
    first = (world.stats(), totals(world))
    yield first
    assert world.stats() == first[0], "a hostile query changed the store"


def test_the_corpus_is_large_enough() -> None:
    assert len(REFUSED) + len(BOUNDED) >= 40 and len(REFUSED) >= 60


@pytest.mark.parametrize(("cypher", "clause"), REFUSED, ids=[f"refused-{i}" for i in range(len(REFUSED))])
def test_hostile_query_is_refused(world: GraphStore, before: tuple[Stats, object],
                                  cypher: str, clause: str) -> None:
    with pytest.raises(QueryRefused, match="refused") as err:
        run_safe(world, cypher, {"n": 10**12}, timeout=2, limit=5)
    assert err.value.details["clause"] == clause, err.value.message
    assert totals(world) == before[1]
    assert not glob.glob(OUT + "*")


@pytest.mark.parametrize("cypher", BOUNDED, ids=[f"bounded-{i}" for i in range(len(BOUNDED))])
def test_heavy_query_is_bounded(world: GraphStore, before: tuple[Stats, object], cypher: str) -> None:
    start = time.monotonic()
    try:
        result = run_safe(world, cypher, timeout=1.0, limit=5)
        assert len(result.rows) <= 5
    except QueryTimeout:
        pass
    except QueryError as exc:  # Ladybug may run out of its buffer pool first
        assert "memory" in exc.message
    assert time.monotonic() - start < 15
    assert totals(world) == before[1]
    assert run_safe(world, "RETURN 1 AS one").scalar() == 1


def test_the_read_only_transaction_is_the_second_layer(world: GraphStore, before: tuple[Stats, object],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With the text check switched off, the database itself still refuses the write."""
    monkeypatch.setattr(safe, "check", lambda cypher, params=None: cypher)
    for cypher in ["CREATE (n:Actor {id: 'actor/x'})", "MATCH (n:Actor) SET n.name = 'x'",
                   "MATCH (n) DETACH DELETE n"]:
        with pytest.raises(QueryRefused, match="refused a write"):
            run_safe(world, cypher)
    assert totals(world) == before[1]


@pytest.mark.parametrize("cypher", [
    "MATCH (a:Actor) // CREATE (x) DELETE SET\nRETURN a.name AS name",
    "MATCH (a:Actor) WHERE a.name <> 'DROP TABLE Actor; LOAD CSV' RETURN a.name AS `CREATE`",
    "MATCH (a:Actor) /* MERGE */ RETURN count(*) AS n, 2 * 3 AS six;",
    "MATCH p = (a:Actor)-[:SUPPORTS|ARMS*1..6]->(b) RETURN length(p) AS hops",
    "MATCH p = (a:Actor)-[*3]-(b) RETURN count(p) AS n",
    "MATCH (a:Actor) WHERE EXISTS { MATCH (a)-[:THREATENS]->(:VictimGroup) } RETURN a.id",
    "MATCH (a:Actor) RETURN a.id, COUNT { MATCH (a)-->() } AS degree",
    "UNWIND range(1, 10) AS x RETURN sum(x) AS s",
    "UNWIND range(1, $n) AS x RETURN count(x) AS c",
    "RETURN 'it\\'s \"fine\"' AS s",
    "MATCH (a:Actor {id: $id}) RETURN a.name AS name",
])
def test_reading_queries_pass_the_check(cypher: str) -> None:
    sent = check(cypher, {"n": 100, "id": MILITIA})
    assert sent.strip() and not sent.rstrip().endswith(";")


@pytest.mark.parametrize("cypher", [
    "CALL db.labels()", "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType",
    "CALL show_tables() RETURN *", "CALL table_info('Actor') RETURN *",
    "MATCH (p:Assessment) RETURN duration.between(p.period_from, p.period_to) AS d",
    "MATCH p = (a)-[* SHORTEST 1..5]-(b) RETURN p",
])
def test_schema_procedures_and_builtin_namespaces_are_allowed(cypher: str) -> None:
    assert check(cypher) == cypher


def test_run_safe_returns_rows_and_passes_parameters(world: GraphStore) -> None:
    res = run_safe(world, "MATCH (a:Actor {id: $id}) RETURN a.name AS name, a.kind AS kind;",
                   {"id": MILITIA})
    assert res.dicts() == [{"name": "Night Riders", "kind": "militia"}] and not res.truncated
    total = run_safe(world, "MATCH (e:Event) RETURN sum(e.fatalities) AS f").scalar()
    assert total == 47 and type(total) is int


def test_row_cap_flags_truncation(world: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    capped = run_safe(world, "MATCH (c:Country) RETURN c.id ORDER BY c.id", limit=10)
    assert len(capped.rows) == 10 and capped.truncated
    whole = run_safe(world, "MATCH (c:Country) RETURN c.id", limit=1000)
    assert len(whole.rows) == 252 and not whole.truncated
    monkeypatch.setattr(world, "settings", world.settings.with_overrides(row_limit=3),  # type: ignore[attr-defined]
                        raising=False)
    default = run_safe(world, "MATCH (c:Country) RETURN c.id")
    assert len(default.rows) == 3 and default.truncated


def test_timeout_stops_the_query_and_says_so(world: GraphStore) -> None:
    heavy = ("UNWIND range(1, 20000) AS x UNWIND range(1, 20000) AS y "
             "WITH x, y WHERE (x * y) % 7 = 3 RETURN count(*)")
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="time limit"):
        run_safe(world, heavy, timeout=0.3)
    assert time.monotonic() - start < 10
    assert run_safe(world, "RETURN 1 AS one").scalar() == 1  # the store is still usable


def test_syntax_error_gives_the_databases_message_with_position(world: GraphStore) -> None:
    with pytest.raises(QueryError, match="could not run the query") as err:
        run_safe(world, "MATCH (n:Actor RETURN n")
    text = err.value.message
    assert "RETURN" in text and "line 1, column 16" in text, text
    assert err.value.details == {"line": 1, "column": 16}
    assert "oC_" not in text and "exception" not in text.lower()


def test_unknown_label_is_reported_or_empty(world: GraphStore) -> None:
    try:
        res = run_safe(world, "MATCH (n:Nope) RETURN n")
    except QueryError as exc:
        assert "Nope" in exc.message
    else:
        assert res.rows == []  # Neo4j only warns about an unknown label
