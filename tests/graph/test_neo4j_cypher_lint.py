"""Every Cypher text the neo4j backend can send passes Neo4j's own parser (offline, via node).

The parser is ``@neo4j-cypher/language-support`` in ``tests/neo4j_lint`` (``make tools``).
Without it these tests fail, not skip, so a missing tool is never mistaken for a pass; set
``AKG_SKIP_NEO4J_LINT=1`` to skip them deliberately.
"""

from __future__ import annotations

import os
import re

import pytest

from graph.neo4j_store import neo4j_statements
from graph.schema import neo4j_ddl
from tests.neo4j_lint.check import available, lint


def require_linter() -> None:
    """Skip on request; otherwise a missing parser is a failure with the fix in the message."""
    if os.environ.get("AKG_SKIP_NEO4J_LINT") == "1":
        pytest.skip("AKG_SKIP_NEO4J_LINT=1: Neo4j Cypher lint skipped")
    if not available():
        pytest.fail(
            "Neo4j's Cypher parser is not installed (tests/neo4j_lint/node_modules): "
            "run `make tools`",
            pytrace=False,
        )


# Labels and relationship types in a pattern: backticked names right after "(" or "[" and an
# optional variable ("(n:`Actor`:`Person`", "[r:`THREATENS`", "(:`Country`").
_PATTERN_NAMES = re.compile(r"([(\[]\s*\w*\s*)((?::\s*`(?:[^`]|``)*`\s*)+)")
_NAME = re.compile(r"`(?:[^`]|``)*`")


def shape(statement: str) -> str:
    """The statement with every label and relationship type in its patterns replaced by one name.

    Those names come from the ontology through ``quote()`` (backticks escaped), so their text cannot
    change how a statement parses, and the parser is given no schema to check them against:
    statements of one shape get the same diagnostics (the 890 statements have about 170 shapes).
    Aliases, variables and property keys are left alone.

    >>> shape("MATCH (n:`Actor` {`id`: k})-[r:`THREATENS`]->(:`VictimGroup`:`X`) RETURN n.`id` AS `id`")
    'MATCH (n:`L` {`id`: k})-[r:`L`]->(:`L`:`L`) RETURN n.`id` AS `id`'
    """
    return _PATTERN_NAMES.sub(lambda m: m.group(1) + _NAME.sub("`L`", m.group(2)), statement)


@pytest.mark.slow
def test_every_backend_statement_parses() -> None:
    """Every statement, linted once per shape (see :func:`shape`)."""
    require_linter()
    statements = neo4j_statements()
    assert set(neo4j_ddl()) <= set(statements)
    shapes: dict[str, list[str]] = {}
    for query in statements:
        shapes.setdefault(shape(query), []).append(query)
    failures = [(query, errors) for query, errors in lint([group[0] for group in shapes.values()]) if errors]
    report = "\n".join(f"{q}\n    {'; '.join(e)} (and {len(shapes[shape(q)]) - 1} more of this shape)"
                       for q, e in failures)
    assert not failures, f"{len(failures)} of {len(shapes)} shapes ({len(statements)} statements) fail:\n{report}"


def test_the_linter_catches_broken_queries() -> None:
    """Negative control: a syntax error and a semantic error are reported; valid text is not."""
    require_linter()
    syntax, semantic, valid = lint([
        "MATCH (n:Actor RETURN n",
        "MATCH (n:Actor) RETURN m",
        "UNWIND $ids AS k MATCH (n:`Actor` {`id`: k}) RETURN n.`id` AS id",
    ])
    assert any("Invalid input 'RETURN'" in e for e in syntax[1])
    assert any("`m` not defined" in e for e in semantic[1])
    assert valid[1] == []
