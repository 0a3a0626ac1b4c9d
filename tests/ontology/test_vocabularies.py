"""The reference vocabularies are complete and consistent."""

from __future__ import annotations

from collections import Counter

import pycountry

from graph.records import Edge, Node
from loaders import vocabularies
from ontology.build_countries import countries_turtle
from ontology.model import ONTOLOGY_DIR

RECORDS = list(vocabularies.read())
NODES = {r.id: r for r in RECORDS if isinstance(r, Node)}
EDGES = [r for r in RECORDS if isinstance(r, Edge)]


def of(label: str) -> list[Node]:
    return [n for n in NODES.values() if n.label == label]


def test_fourteen_risk_factors_with_framework_numbering() -> None:
    rfs = of("RiskFactor")
    assert sorted(n.props["notation"] for n in rfs) == sorted(f"RF{i}" for i in range(1, 15))
    scopes = Counter(n.props["scope"] for n in rfs)
    assert scopes == {"common": 8, "genocide": 2, "crimes-against-humanity": 2, "war-crimes": 2}


def test_indicators_numbered_under_their_factor_and_flagged() -> None:
    inds = of("Indicator")
    assert len(inds) == 124
    parents = {e.source: e.target for e in EDGES if e.type == "OF_FACTOR"}
    for ind in inds:
        rf = parents[ind.id]
        assert ind.props["notation"].split(".")[0] == rf.removeprefix("rf/RF")
        assert isinstance(ind.props["verified"], bool)
    verified = {n.props["notation"] for n in inds if n.props["verified"]}
    assert {"7.4", "8.8", "9.1", "13.10"} <= verified
    assert "1.1" not in verified  # unverified ones are loaded, but flagged
    assert len(verified) == 39


def test_response_options_have_category_stage_and_mitigations() -> None:
    options = of("ResponseOption")
    assert len(options) >= 25
    mitigates = Counter(e.source for e in EDGES if e.type == "MITIGATES")
    stage_rank = {"UP": 1, "EW": 2, "CR": 3, "PR": 4, "AR": 5}
    for opt in options:
        assert opt.props["categories"] and opt.props["stages"], opt.id
        assert opt.props["stage_rank"] == min(stage_rank[s] for s in opt.props["stages"])
        assert mitigates[opt.id] >= 1, opt.id
    tools = [o.props["ushmm_tool"] for o in options if "ushmm_tool" in o.props]
    assert len(tools) == len(set(tools)) == 23


def test_regions_and_countries() -> None:
    assert sorted(n.id for n in of("Region")) == [
        "region/balkans", "region/central-asia", "region/great-lakes", "region/middle-east"]
    members = Counter(e.target for e in EDGES if e.type == "IN_REGION")
    assert members["region/great-lakes"] == 12
    assert members["region/central-asia"] == 5
    countries = of("Country")
    assert len(countries) == len(pycountry.countries) + 1  # + Kosovo (XKX)
    assert NODES["country/RWA"].props["iso_numeric"] == "646"
    assert NODES["country/RWA"].props["cow_code"] == 517


def test_countries_file_is_generated_from_pycountry() -> None:
    on_disk = (ONTOLOGY_DIR / "vocab" / "countries.ttl").read_text(encoding="utf-8")
    assert on_disk == countries_turtle(), "run: python -m ontology.build_countries"


def test_trigger_types_and_capabilities() -> None:
    assert len(of("TriggerType")) == 12
    caps = {n.id for n in of("Capability")}
    assert {"capability/early-warning-unit", "capability/mediation-capacity",
            "capability/sanctions-regime", "capability/accountability-mechanism"} <= caps
