"""SHACL shapes through pySHACL: valid fixtures conform, each invalid one fails for its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graph.shacl import validate_graph

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shapes"
EXPECTED = {
    "source_reliability_G.ttl": "akg:reliability",
    "finds_level_5.ttl": "akg:level",
    "indicator_without_factor.ttl": "akg:OF_FACTOR",
    "actor_unknown_kind.ttl": "akg:kind",
}


@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").glob("*.ttl")), ids=lambda p: p.name)
def test_valid_fixture_conforms(path: Path) -> None:
    report = validate_graph(Graph().parse(path))
    assert report.conforms, report.text


@pytest.mark.parametrize("path", sorted((FIXTURES / "invalid").glob("*.ttl")), ids=lambda p: p.name)
def test_invalid_fixture_fails_for_its_reason(path: Path) -> None:
    report = validate_graph(Graph().parse(path))
    assert not report.conforms
    assert EXPECTED[path.name] in report.text, report.text
