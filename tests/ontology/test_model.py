"""The ontology is tested like code: every name defined, documented and consistent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontology.errors import OntologyError
from ontology.model import ONTOLOGY_DIR, build_model, load_model


def test_every_class_relationship_and_property_is_documented() -> None:
    m = load_model()
    for cls in m.classes.values():
        assert cls.label and cls.definition and cls.id_prefix, cls.name
        assert "name" in cls.properties
    for rel in m.relationships.values():
        assert rel.label and rel.definition, rel.name
        assert rel.domain and rel.range, rel.name
        assert {"sources", "confidence", "valid_from", "valid_to", "note"} <= set(rel.properties)
    for prop in m.properties.values():
        assert prop.label and prop.definition, prop.name


def test_design_relationships_are_all_present() -> None:
    m = load_model()
    expected = {
        "IN_REGION": ("Country", "Region"), "IN_COUNTRY": ("Location", "Country"),
        "OPERATES_IN": ("Actor", "Country"), "ALLIED_WITH": ("Actor", "Actor"),
        "SUPPORTS": ("Actor", "Actor"), "FUNDS": ("Actor", "Actor"), "ARMS": ("Actor", "Actor"),
        "COMMANDS": ("Actor", "Actor"), "MEMBER_OF": ("Actor", "Actor"),
        "OPPOSES": ("Actor", "Actor"), "HAS_LEVERAGE_OVER": ("Actor", "Actor"),
        "THREATENS": ("Actor", "VictimGroup"), "LIVES_IN": ("VictimGroup", "Country"),
        "PERPETRATED": ("Actor", "Event"), "TARGETED": ("Event", "VictimGroup"),
        "OCCURRED_IN": ("Event", "Location"), "EVIDENCES": ("Event", "Indicator"),
        "OF_FACTOR": ("Indicator", "RiskFactor"), "ASSESSES": ("Assessment", "Country"),
        "FINDS": ("Assessment", "RiskFactor"), "OBSERVES": ("Assessment", "Indicator"),
        "IDENTIFIES": ("Assessment", "Actor"), "CONCERNS": ("Assessment", "VictimGroup"),
        "ANTICIPATES": ("Assessment", "Trigger"), "OF_TYPE": ("Trigger", "TriggerType"),
        "MAKES": ("Assessment", "Recommendation"), "OF_OPTION": ("Recommendation", "ResponseOption"),
        "ADDRESSED_TO": ("Recommendation", "Actor"), "TARGETS": ("Recommendation", "RiskFactor"),
        "MITIGATES": ("ResponseOption", "RiskFactor"), "HAS_CAPABILITY": ("Actor", "Capability"),
        "BUILDS": ("Recommendation", "Capability"),
        "CONDITIONED_BY": ("ResponseOption", "EffectivenessFactor"),
        "SUPPORTS_STRATEGY": ("ResponseOption", "Strategy"), "CITES": ("Actor", "Source"),
    }
    for name, (src, dst) in expected.items():
        rel = m.relationship(name)
        assert src in rel.domain and dst in rel.range, name
    assert {"Trigger", "VictimGroup"} <= m.relationship("TARGETS").range
    assert m.relationship("HAS_LEVERAGE_OVER").properties["lever"].datatype == "string"
    assert m.constraint("FINDS", "level").max == 3
    assert m.constraint("IDENTIFIES", "role").values == (
        "potential-perpetrator", "enabler", "stakeholder", "spoiler")


def test_unknown_names_raise_with_suggestions() -> None:
    m = load_model()
    with pytest.raises(OntologyError, match="did you mean THREATENS"):
        m.relationship("THREATEN")
    with pytest.raises(OntologyError, match="did you mean Actor"):
        m.node_class("Actr")
    with pytest.raises(OntologyError, match="must start with a class prefix"):
        m.class_of("nobody/x")


def test_malformed_ontology_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "akg.ttl"
    text = (ONTOLOGY_DIR / "akg.ttl").read_text(encoding="utf-8").splitlines()
    text[40] = text[40] + " this is not turtle ;;"
    bad.write_text("\n".join(text), encoding="utf-8")
    with pytest.raises(OntologyError) as info:
        build_model(bad, ONTOLOGY_DIR / "shapes.ttl")
    assert str(bad) in str(info.value) and "line 41" in str(info.value)


def test_shapes_naming_unknown_properties_are_rejected(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix akg: <https://w3id.org/atrocity-kg/ontology#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "akg:X a sh:NodeShape ; sh:targetClass akg:Actor ;\n"
        "  sh:property [ sh:path akg:colour ; sh:minCount 1 ] .\n", encoding="utf-8")
    with pytest.raises(OntologyError, match="unknown property"):
        build_model(ONTOLOGY_DIR / "akg.ttl", shapes)
