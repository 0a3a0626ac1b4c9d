"""The catalogue: headers, parameters, errors, docs, names against the model, Neo4j's parser."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import queries
from ontology.errors import OntologyError, QueryNotFound
from ontology.model import load_model
from queries import builtin, capabilities, lessons, leverage, params, planning, registry
from queries.docs import queries_markdown
from queries.registry import (
    BACKENDS,
    CYPHER_DIR,
    QueryParameterError,
    _load_file,
    catalogue,
    get,
    parameters_used,
)
from queries.safe import strip
from tests.graph.test_neo4j_cypher_lint import require_linter
from tests.neo4j_lint.check import lint

ROOT = Path(__file__).resolve().parents[2]

# The named queries issue 6 asks for (the catalogue may hold more).
ISSUE_6 = {
    "country_risk_profile", "perpetrators_in_country", "victim_groups_at_risk", "upcoming_triggers",
    "response_options_for_country", "recommendations_by_addressee_status", "capability_gaps",
    "lessons_learnt", "monitoring_cadence", "assessment_changes", "actor_ego_network",
    "paths_actor_to_group", "events_by_actor_country_period", "actor_cooccurrence",
    "countries_ranked_by_risk", "risk_watchlist", "counts_by_label", "schema_listing",
    "indicator_evidence_from_events",
}


def cypher_texts() -> list[tuple[str, str]]:
    """(where, text) for every Cypher text the query package can send, on any backend."""
    out: list[tuple[str, str]] = []
    for q in catalogue().values():
        if q.function is None:
            out += [(f"{q.name}[{key}]", text) for key, text in q.texts.items()]
    for module in (builtin, capabilities, lessons, leverage, planning):
        name = module.__name__.rsplit(".", 1)[-1]
        out += [(f"{name}.{n}", getattr(module, n)) for n in dir(module) if n.endswith("_CYPHER")]
    return out


def test_catalogue_has_every_required_query() -> None:
    assert ISSUE_6 <= set(catalogue())


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_headers_are_complete(name: str) -> None:
    q = get(name)
    assert q.description.endswith(".") and len(q.description) > 40
    assert q.users and set(q.users) <= set(registry.USERS)
    assert q.returns and all(re.fullmatch(r"[a-z_]+", c) for c in q.returns)
    assert len(set(q.returns)) == len(q.returns)
    for p in q.params:
        assert p.help, f"{name}: parameter {p.name} has no help text"
        if p.default not in (params.REQUIRED, None, "today"):
            assert p.coerce(p.default) == p.default
    if q.function is None:
        assert parameters_used(q.text_for("ladybug")) == {p.name for p in q.params}


def test_cypher_files_are_one_query_each_with_optional_siblings() -> None:
    names = {p.name.split(".")[0] for p in CYPHER_DIR.glob("*.cypher")}
    assert names == {q.name for q in catalogue().values() if q.function is None}
    for path in CYPHER_DIR.glob("*.*.cypher"):
        base, backend, _ = path.name.split(".")
        assert backend in BACKENDS and (CYPHER_DIR / f"{base}.cypher").exists()
        assert get(base).text_for(backend) != get(base).texts["default"]


def test_unknown_query_lists_near_names() -> None:
    with pytest.raises(QueryNotFound, match="did you mean country_risk_profile") as err:
        queries.run(None, "country_risk_profil")  # type: ignore[arg-type]
    assert "country_risk_profile" in err.value.details["near"]
    with pytest.raises(QueryNotFound, match="akg query --list"):
        get("zzzz")
    with pytest.raises(AttributeError):
        queries.__getattr__("zzzz")


def test_missing_and_mistyped_parameters_name_the_parameter_and_type() -> None:
    q = get("actor_ego_network")
    with pytest.raises(QueryParameterError, match=r"needs parameter 'actor' \(str\)") as err:
        q.bind({})
    assert err.value.details == {"parameter": "actor", "expected": "str"}
    assert err.value.code == "invalid_parameter"
    with pytest.raises(QueryParameterError, match="parameter 'depth' of actor_ego_network expects int, got 'two'"):
        q.bind({"actor": "actor/x", "depth": "two"})
    with pytest.raises(QueryParameterError, match="expects int, got True"):
        q.bind({"actor": "actor/x", "depth": True})
    with pytest.raises(QueryParameterError, match="must be between 1 and 3, got 4"):
        q.bind({"actor": "actor/x", "depth": 4})
    with pytest.raises(QueryParameterError, match="expects str, got 7"):
        q.bind({"actor": 7})
    with pytest.raises(QueryParameterError, match=r"has no parameter 'dept' \(it takes: actor, depth\)"):
        q.bind({"actor": "actor/x", "dept": 2})
    with pytest.raises(QueryParameterError, match="expects date, got '2024-13-01'"):
        get("country_risk_profile").bind({"country": "country/QZA", "as_of": "2024-13-01"})
    with pytest.raises(QueryParameterError, match=r"expects list\[str\]"):
        get("lessons_learnt").bind({"option": "option/x", "statuses": [1, 2]})


def test_parameters_are_coerced_from_strings_for_the_cli() -> None:
    bound = get("country_risk_profile").bind(
        {"country": "country/QZA", "as_of": "2024-01-31", "include_drafts": "yes"})
    assert bound == {"country": "country/QZA", "as_of": dt.date(2024, 1, 31), "include_drafts": True}
    assert get("lessons_learnt").bind({"option": "o", "statuses": "implemented, rejected"})["statuses"] \
        == ["implemented", "rejected"]
    assert get("actor_ego_network").bind({"actor": "a", "depth": " 3 "})["depth"] == 3
    assert get("upcoming_triggers").bind({})["today"] == dt.date.today()
    assert get("upcoming_triggers").bind({"today": dt.datetime(2024, 1, 2, 3, 4)})["today"] \
        == dt.date(2024, 1, 2)
    defaults = get("lessons_learnt").bind({"option": "o"})
    assert defaults["statuses"] == ["proposed", "adopted", "implemented", "rejected"]


@pytest.mark.parametrize(("header", "message"), [
    ("// name: bad\n// users: planners\n// returns: x\nRETURN 1 AS x", "lacks '// description:'"),
    ("// name: bad\n// description: D.\n// users: pilots\n// returns: x\nRETURN 1 AS x", "users must be"),
    ("// name: bad\n// description: D.\n// users: planners\n// colour: red\n// returns: x\nRETURN 1 AS x",
     "unknown header field 'colour'"),
    ("// name: bad\n// description: D.\n// users: planners\n// param n: integer\n// returns: x\nRETURN $n AS x",
     "cannot read parameter line"),
    ("// name: bad\n// description: D.\n// users: planners\n// param n: int = x\n// returns: x\nRETURN $n AS x",
     "default 'x' of n is not a int"),
    ("// name: bad\n// description: D.\n// users: planners\n// param n: int\n// returns: x\nRETURN 1 AS x",
     r"uses parameters \[\] but the header declares \['n'\]"),
    ("// name: bad\n// description: D.\n// users: planners\n// returns: x\nRETURN $m AS x",
     r"uses parameters \['m'\]"),
    ("// name: other\n// description: D.\n// users: planners\n// returns: x\nRETURN 1 AS x", "file is bad.cypher"),
    ("// name: bad\n// description: D.\n// users: planners\n// param store: str\n// returns: x\nRETURN $store AS x",
     "reserved"),
])
def test_malformed_headers_are_rejected(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "bad.cypher"
    path.write_text(header, encoding="utf-8")
    with pytest.raises(OntologyError, match=message):
        _load_file(path, {})


def test_docs_are_generated_and_fresh() -> None:
    text = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert text == queries_markdown(), "docs/queries.md is stale: regenerate it from " \
        "queries.docs.queries_markdown()"
    for name in catalogue():
        assert f"### {name}\n" in text and f"akg query run {name}" in text


# ---------------------------------------------------------------- names against the model
_LABELS = re.compile(r"\(\s*\w*\s*:\s*([A-Za-z_]\w*(?:\s*\|\s*[A-Za-z_]\w*)*)")
_TYPES = re.compile(r"\[\s*\w*\s*:\s*([A-Za-z_]\w*(?:\s*\|\s*[A-Za-z_]\w*)*)")
_PROPERTIES = re.compile(r"(?<![\w$.])([a-z_]\w*)\.([a-z_]\w*)\b")
_MAP_KEYS = re.compile(r"[{,]\s*([a-z_]\w*)\s*:")
_NAMESPACES = {"duration"}


@pytest.mark.parametrize(("where", "text"), cypher_texts(), ids=[w for w, _ in cypher_texts()])
def test_every_label_type_and_property_exists_in_the_model(where: str, text: str) -> None:
    m = load_model()
    code = strip(text)
    labels = {x.strip() for g in _LABELS.findall(code) for x in g.split("|")}
    types = {x.strip() for g in _TYPES.findall(code) for x in g.split("|")}
    map_keys = set(_MAP_KEYS.findall(code)) - set(m.properties)
    props = {p for obj, p in _PROPERTIES.findall(code) if obj not in _NAMESPACES} - map_keys
    assert labels and labels <= set(m.classes), labels - set(m.classes)
    assert types <= set(m.relationships), types - set(m.relationships)
    assert props <= set(m.properties), props - set(m.properties)


def test_the_name_check_catches_invented_names() -> None:
    code = strip("MATCH (a:Persn)-[:FRIENDS_WITH|SUPPORTS*1..2]->(b) WHERE a.colour = 'x' RETURN b")
    assert {x for g in _LABELS.findall(code) for x in g.split("|")} == {"Persn"}
    assert {x for g in _TYPES.findall(code) for x in g.split("|")} == {"FRIENDS_WITH", "SUPPORTS"}
    assert _PROPERTIES.findall(code) == [("a", "colour")]


@pytest.mark.slow
def test_every_neo4j_text_passes_neo4js_parser() -> None:
    """Every text the neo4j backend gets parses; a Ladybug-only text does not (negative control)."""
    require_linter()
    texts = [(w, t) for w, t in cypher_texts() if not w.endswith("[ladybug]")]
    control = get("paths_actor_to_group").text_for("ladybug")
    results = lint([t for _, t in texts] + [control])  # one node process for all
    assert len(texts) >= 19 and results[-1][1], "the Ladybug dialect should not parse as Neo4j Cypher"
    failures = [(w, errors) for (w, _), (_, errors) in zip(texts, results[:-1], strict=True) if errors]
    assert not failures, "\n".join(f"{w}: {'; '.join(e)}" for w, e in failures)
