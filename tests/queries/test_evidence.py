"""response_evidence_for_country: known answers on the query fixture graph (``world.py``) with the
USHMM fixture file (tests/fixtures/ushmm/all_factors_3.csv, invented numbers) loaded, on every
backend; the link table and its rule evaluator; the Cypher texts against the model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

import queries
from graph.base import GraphStore
from graph.records import Edge, Node
from graph.registry import open_store
from loaders import ushmm
from loaders.csv_table import slug
from ontology.errors import OntologyError
from ontology.model import load_model
from queries import evidence
from queries.evidence import Context, FactorLink, evaluate, load_links, parse_rule, response_evidence
from queries.registry import QueryParameterError, execute, get
from queries.safe import strip
from tests.conftest import _wipe_neo4j, backend_params, settings_for
from tests.queries.world import A1, A2, ARMY, DONOR, HILL, LOCATION, MILITIA, QZA, QZB, VALLEY, build_world

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "ushmm" / "all_factors_3.csv"
EXTRACT = ROOT / "examples" / "ushmm" / "all_factors_3_extract.csv"
D = dt.date
LATE = D(2024, 12, 31)
EARLY = D(2024, 3, 1)
CONFLICT_EVENT = "event/test-state-based-1"
AE = "option/arms-embargo"
F_CONCURRENT, F_STATE_IMPL = "factor/concurrent-use-of-multiple-tools", "factor/state-implementer"
F_UNBIASED, F_CONFLICT = "factor/unbiased-implementer-or-intervention", "factor/ongoing-armed-conflict"
F_TARGET, F_SHOCK = "factor/state-target", "factor/economic-shock"


@pytest.fixture(scope="module", params=backend_params())
def graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The query fixture graph, a state-based conflict event in QZA and the USHMM fixture file."""
    settings = settings_for(request.param, tmp_path_factory.mktemp("evidence"))
    store = open_store(settings.with_overrides(buffer_pool_mb=512))
    if request.param == "neo4j":
        store.init_schema()
        _wipe_neo4j(store)
    build_world(store)
    store.write([Node.make(CONFLICT_EVENT, date=D(2024, 6, 1), fatalities=40, dataset="UCDP-GED",
                           source_event_id="QZA-SB1", event_type="state-based conflict")],
                [Edge.make("OCCURRED_IN", CONFLICT_EVENT, LOCATION)])
    records = list(ushmm.read(FIXTURE, file_date=D(2025, 8, 4)))
    store.write([r for r in records if isinstance(r, Node)], [r for r in records if isinstance(r, Edge)])
    try:
        yield store
    finally:
        if request.param == "neo4j":
            _wipe_neo4j(store)
        store.close()


def run(store: GraphStore, **params: Any) -> list[dict[str, Any]]:
    result = execute(store, "response_evidence_for_country", params)
    assert result.columns == list(get("response_evidence_for_country").returns)
    return result.dicts()


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["factor"]: i for i in items}


def mitigating(store: GraphStore, rfs: list[str]) -> set[str]:
    return {r[0] for r in store.run_read(
        "MATCH (o:ResponseOption)-[:MITIGATES]->(rf:RiskFactor) WHERE rf.id IN $ids RETURN DISTINCT o.id",
        {"ids": rfs}).rows}


# ---------------------------------------------------------------------------- known answers

def response_evidence_for_country(s: GraphStore) -> None:
    """The known answer on the plain query fixture graph (no USHMM data loaded): the options of
    response_options_for_country, their strategies from the vocabulary, no factors, and a score
    of one per present risk factor mitigated. Listed in tests/queries/test_named.py ANSWERS."""
    rows = run(s, country=QZA, as_of=LATE)
    expected = mitigating(s, ["rf/RF7", "rf/RF10"])
    assert {r["option"] for r in rows} == expected and len(rows) == len(expected) > 5
    keys = [(r["stage_rank"], r["category"], r["option"]) for r in rows]
    assert keys == sorted(keys)
    assert {r["assessment"] for r in rows} == {A2}
    for r in rows:
        assert r["score"] == len(r["risk_factors"]) == len(r["explanation"])
        assert all(t["kind"] == "risk-factor" and t["value"] == 1 for t in r["explanation"])
    arms = next(r for r in rows if r["option"] == AE)
    assert arms["risk_factors"] == ["rf/RF7"] and arms["strategies"] == ["strategy/dissuade", "strategy/degrade"]
    assert arms["explanation"][0]["reason"] == ("mitigates rf/RF7 (Enabling circumstances or preparatory action), "
                                               f"found at level 3 by {A2}")
    assert run(s, country=QZB, as_of=LATE) == []
    assert run(s, country=QZA, as_of=D(2000, 1, 1)) == []


def test_known_answer_on_the_plain_world(world: GraphStore) -> None:
    response_evidence_for_country(world)


def test_known_answer_with_the_evidence_loaded(graph: GraphStore) -> None:
    rows = run(graph, country=QZA, as_of=LATE)
    assert {r["option"] for r in rows} == mitigating(graph, ["rf/RF7", "rf/RF10"])
    arms = next(r for r in rows if r["option"] == AE)
    assert arms["assessment"] == A2 and arms["risk_factors"] == ["rf/RF7"]
    assert [f["factor"] for f in arms["raises"]] == [F_CONCURRENT, F_CONFLICT, F_TARGET, F_UNBIASED]
    assert [f["factor"] for f in arms["lowers"]] == [F_STATE_IMPL]
    assert arms["present"] == [F_CONCURRENT, F_CONFLICT, F_STATE_IMPL, F_UNBIASED]
    assert arms["absent"] == []
    raises, lowers = by_id(arms["raises"]), by_id(arms["lowers"])
    assert raises[F_TARGET]["status"] == "unknown" and raises[F_TARGET]["evidence"] == ["no target given"]
    assert lowers[F_STATE_IMPL] == {
        "factor": F_STATE_IMPL, "name": "State implementer", "status": "present", "greater_findings": 0,
        "lesser_findings": 2, "mixed_findings": 1, "research_strength": -0.75, "practitioner_strength": None,
        "evidence": [f"rec/QZA-2024-07/r2 is addressed to {DONOR}, a government"]}
    assert raises[F_UNBIASED]["evidence"] == [f"rec/QZA-2024-07/r2 is addressed to {DONOR}, identified as stakeholder"]
    assert raises[F_CONCURRENT]["evidence"] == [f"{A2} recommends {AE} with option/targeted-sanctions"]
    assert raises[F_CONFLICT]["evidence"] == [
        f"{A2} does not observe ind/1.1",
        "1 'state-based conflict' event in country/QZA from 2024-01-01 to 2024-12-31 (first 2024-06-01, "
        "last 2024-06-01)"]
    # 1 (RF7) + 1.0 (concurrent use) - 0.75 (state implementer) + 1.5 (unbiased) + 0.5 (armed conflict)
    assert arms["score"] == 3.25
    assert [(t["kind"], t["item"], t["value"]) for t in arms["explanation"]] == [
        ("risk-factor", "rf/RF7", 1), ("factor", F_CONCURRENT, 1), ("factor", F_CONFLICT, 0.5),
        ("factor", F_STATE_IMPL, -0.75), ("factor", F_UNBIASED, 1.5)]
    assert arms["explanation"][3]["reason"] == (
        "State implementer is present and research finds it lowers the option's effectiveness (0 greater, "
        "2 lesser, 1 mixed findings; vote count -0.75)")
    assert sum(t["value"] for t in arms["explanation"]) == arms["score"]
    tool_only = next(r for r in rows if r["option"] == "option/military-intervention")
    assert tool_only["raises"] == tool_only["lowers"] == [] and tool_only["score"] == 1
    assert tool_only["strategies"] == ["strategy/dissuade", "strategy/degrade", "strategy/protect",
                                       "strategy/transition"]


def test_an_earlier_date_uses_the_earlier_assessment(graph: GraphStore) -> None:
    rows = run(graph, country=QZA, as_of=EARLY)
    arms = next(r for r in rows if r["option"] == AE)
    assert arms["assessment"] == A1 and arms["score"] == 1 and arms["present"] == arms["absent"] == []
    statuses = {f["factor"]: f["status"] for f in arms["raises"] + arms["lowers"]}
    assert set(statuses.values()) == {"unknown"}  # A1 does not recommend an arms embargo; no conflict event yet
    assert by_id(arms["raises"])[F_CONCURRENT]["evidence"] == [f"{A1} does not recommend {AE}"]


@pytest.mark.parametrize(("target", "status", "evidence"), [
    (ARMY, "present", [f"{ARMY} is a state-security-force"]),
    (MILITIA, "absent", [f"{MILITIA} is a militia"]),
    (HILL, "present", [f"{ARMY} (threatens {HILL}) is a state-security-force"]),
    (VALLEY, "absent", [f"{MILITIA} (threatens {VALLEY}) is a militia"]),
])
def test_a_target_settles_the_target_kind_factors(graph: GraphStore, target: str, status: str,
                                                  evidence: list[str]) -> None:
    arms = next(r for r in run(graph, country=QZA, as_of=LATE, target=target) if r["option"] == AE)
    found = by_id(arms["raises"])[F_TARGET]
    assert (found["status"], found["evidence"]) == (status, evidence)
    assert arms["score"] == (4.25 if status == "present" else 3.25)


def test_an_unknown_target_is_refused(graph: GraphStore) -> None:
    with pytest.raises(QueryParameterError, match="'target': 'actor/nobody' is not an actor"):
        run(graph, country=QZA, as_of=LATE, target="actor/nobody")


def test_the_library_function_gives_the_same_answer_with_every_factor(graph: GraphStore) -> None:
    answer = response_evidence(graph, QZA, LATE)
    assert (answer.assessment, answer.assessment_date) == (A2, D(2024, 7, 31))
    rows = evidence.rows_of(answer)
    assert [r[0] for r in rows] == [r["option"] for r in run(graph, country=QZA, as_of=LATE)]
    arms = next(o for o in answer.options if o.option == AE)
    shock = next(f for f in arms.factors if f.factor == F_SHOCK)
    assert (shock.direction, shock.status, shock.rule) == ("mixed", "unknown", "indicator:1.8")
    assert shock.note == "USHMM TfAP v3, all_factors_3.csv line 15; research: Weaker"
    assert shock.sources == ["source/ushmm-tools-v3"] and shock.outcomes == ["Conflict"]
    assert arms.as_dict()["factors"][0]["factor"] == F_CONCURRENT
    assert response_evidence(graph, QZB, LATE).options == []


def test_other_links_change_status_and_score(graph: GraphStore) -> None:
    links = {F_SHOCK: FactorLink(F_SHOCK, "Economic shock", parse_rule("rf:RF7>=3"), "test", 1),
             F_STATE_IMPL: FactorLink(F_STATE_IMPL, "State implementer", parse_rule("rf:RF1>=2"), "test", 2)}
    arms = next(o for o in response_evidence(graph, QZA, LATE, links=links).options if o.option == AE)
    status = {f.factor: (f.status, f.evidence) for f in arms.factors}
    assert status[F_SHOCK] == ("present", [f"{A2} finds rf/RF7 at level 3 (>= 3)"])
    assert status[F_STATE_IMPL] == ("unknown", [f"{A2} does not assess rf/RF1"])
    assert status[F_UNBIASED][0] == "unlinked"
    assert [(t.item, t.value) for t in arms.explanation] == [("rf/RF7", 1.0), (F_SHOCK, 0.0)]
    early = next(o for o in response_evidence(graph, QZA, EARLY, links=links).options if o.option == AE)
    assert next(f for f in early.factors if f.factor == F_SHOCK).status == "absent"


# ---------------------------------------------------------------------------- rules without a store

def context(**kw: Any) -> Context:
    base: dict[str, Any] = {
        "store": cast(GraphStore, None), "country": QZA, "as_of": LATE, "assessment": "assessment/X",
        "assessment_date": LATE, "findings": {}, "observed": {}, "roles": {}, "addressees": {},
        "recommended": set()}
    base.update(kw)
    return Context(**base)


@pytest.mark.parametrize(("rule", "ctx", "expected"), [
    ("indicator:1.1", {"observed": {"ind/1.1": "Armed conflict"}}, "present"),
    ("indicator:1.1", {"findings": {"rf/RF1": ("Instability", 1)}}, "absent"),
    ("indicator:1.1", {"findings": {"rf/RF1": ("Instability", 2)}}, "unknown"),
    ("not indicator:1.1", {"findings": {"rf/RF1": ("Instability", 0)}}, "present"),
    ("not indicator:1.1", {}, "unknown"),
    ("indicator:3.2 | indicator:3.3", {"observed": {"ind/3.3": "No independent judiciary"}}, "present"),
    ("rf:RF2>=2", {"findings": {"rf/RF2": ("Record", 2)}}, "present"),
    ("rf:RF2>=3", {"findings": {"rf/RF2": ("Record", 2)}}, "absent"),
    ("addressee-role:enabler", {"addressees": {AE: [("rec/1", "actor/a", "government")]},
                                "roles": {"actor/a": "enabler"}}, "present"),
    ("not addressee-role:enabler;potential-perpetrator", {"addressees": {AE: [("rec/1", "actor/a", None)]}},
     "present"),
    ("addressee-kind:ngo", {"addressees": {AE: [("rec/1", "actor/a", "government")]}}, "absent"),
    ("addressee-kind:ngo", {"addressees": {"option/other": [("rec/1", "actor/a", "ngo")]}}, "unknown"),
    ("target-kind:militia", {"target": "actor/a", "target_actors": [("actor/a", "militia")]}, "present"),
    ("target-kind:militia", {}, "unknown"),
    ("options-recommended>=2", {"recommended": {AE}}, "absent"),
    ("options-recommended>=2", {"recommended": {AE, "option/mediation"}}, "present"),
    ("options-recommended>=2", {"recommended": {"option/mediation"}}, "unknown"),
])
def test_rule_states(rule: str, ctx: dict[str, Any], expected: str) -> None:
    assert evaluate(parse_rule(rule), context(**ctx), AE)[0] == expected


@pytest.mark.parametrize("bad", ["indicator:one", "rf:RF1>2", "events:Battles", "addressee-role:Enabler",
                                 "colour:red", "indicator:1.1 |", ""])
def test_malformed_rules_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="cannot read clause"):
        parse_rule(bad)


def test_rules_print_as_they_read() -> None:
    for link in load_links().values():
        assert parse_rule(str(link.rule)) == link.rule


# ---------------------------------------------------------------------------- the link table

def test_every_linked_factor_is_in_the_published_data_and_the_extract() -> None:
    links = load_links()
    assert len(links) == 18
    factors = ushmm.parse(EXTRACT).factors
    for factor_id, link in links.items():
        assert factor_id == f"factor/{slug(link.name)}"
        assert factor_id in factors, link.name
        assert link.why


def test_a_malformed_link_table_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text("# comment\nfactor,rule,why\nEconomic shock,indicator:1.8,ok\nState target,target:x,no\n",
                    encoding="utf-8")
    with pytest.raises(OntologyError, match=r"links.csv:4: cannot read clause 'target:x'"):
        load_links(path)
    path.write_text("factor,rule\n", encoding="utf-8")
    with pytest.raises(OntologyError, match="the header must be factor,rule,why"):
        load_links(path)
    path.write_text("factor,rule,why\nEconomic shock,indicator:1.8,a\neconomic  shock,indicator:1.8,b\n",
                    encoding="utf-8")
    with pytest.raises(OntologyError, match="links.csv:3: 'economic  shock' is also on line 2"):
        load_links(path)


# ---------------------------------------------------------------------------- the Cypher texts

def texts() -> list[tuple[str, str]]:
    return [(n, getattr(evidence, n)) for n in evidence.__all__ if n.endswith("_CYPHER")]


@pytest.mark.parametrize(("where", "text"), texts(), ids=[w for w, _ in texts()])
def test_cypher_names_exist_in_the_model(where: str, text: str) -> None:
    from tests.queries.test_catalogue import _LABELS, _MAP_KEYS, _PROPERTIES, _TYPES

    m = load_model()
    code = strip(text)
    labels = {x.strip() for g in _LABELS.findall(code) for x in g.split("|")}
    types = {x.strip() for g in _TYPES.findall(code) for x in g.split("|")}
    props = {p for _, p in _PROPERTIES.findall(code)} - (set(_MAP_KEYS.findall(code)) - set(m.properties))
    assert labels and labels <= set(m.classes), labels - set(m.classes)
    assert types <= set(m.relationships) and props <= set(m.properties), (types, props)


@pytest.mark.slow
def test_cypher_texts_pass_neo4js_parser() -> None:
    from tests.graph.test_neo4j_cypher_lint import require_linter
    from tests.neo4j_lint.check import lint

    require_linter()
    failures = [(w, e) for (w, _), (_, e) in zip(texts(), lint([t for _, t in texts()]), strict=True) if e]
    assert not failures, failures


def test_the_query_is_in_the_catalogue() -> None:
    q = get("response_evidence_for_country")
    assert q.function is not None and [p.name for p in q.params] == ["country", "as_of", "target"]
    assert "response_evidence_for_country" in dir(queries) or callable(queries.response_evidence_for_country)
