"""Styles come from the ontology: every class, role, relationship type and confidence has one."""

from __future__ import annotations

from ontology.model import load_model
from viz.style import (
    CLUSTER,
    class_styles,
    confidence_levels,
    edge_style,
    legend,
    node_style,
    relationship_styles,
    role_property,
    role_styles,
)


def test_every_class_and_relationship_has_a_style() -> None:
    m = load_model()
    assert set(class_styles()) == set(m.classes) | {CLUSTER}
    assert set(relationship_styles()) == set(m.relationships)
    for name, style in class_styles().items():
        assert style.colour.startswith("#") and style.shape, name
        if name in m.classes:
            assert style.label == (m.classes[name].label or name)


def test_roles_are_the_models_role_values_and_drawn_apart_from_classes() -> None:
    rel, roles = role_property()
    assert rel in load_model().relationships and roles
    assert list(role_styles()) == list(roles)
    class_shapes = {s.shape for s in class_styles().values()}
    assert not {s.shape for s in role_styles().values()} & class_shapes  # shape tells the role, not colour alone
    assert node_style("Actor", roles[0]).colour != node_style("Actor").colour


def test_actor_network_types_have_distinct_colours() -> None:
    """Types met in actor, country and event views never share a colour."""
    m = load_model()
    actor_cls = m.class_of("actor/x").name
    group_cls = m.class_of("group/x").name
    seen = [t for t, r in m.relationships.items()
            if len(r.domain) == 1 and (actor_cls in r.domain | r.range or group_cls in r.range)]
    colours = [relationship_styles()[t].colour for t in seen]
    assert len(colours) == len(set(colours)), seen


def test_confidence_sets_dash_and_width_strongest_solid() -> None:
    levels = confidence_levels()
    assert levels
    strongest, weakest = edge_style("ARMS", levels[0]), edge_style("ARMS", levels[-1])
    assert strongest.dashes is False and weakest.dashes
    assert strongest.width > weakest.width
    assert strongest.colour == weakest.colour == relationship_styles()["ARMS"].colour
    assert edge_style("ARMS").dashes is False


def test_legend_lists_only_what_is_shown() -> None:
    out = legend({"Actor"}, set(), {"ARMS"})
    assert [e["label"] for e in out["nodes"]] == [class_styles()["Actor"].label]
    assert [e["label"] for e in out["edges"]] == [relationship_styles()["ARMS"].label]
    assert len(out["confidence"]) == len(confidence_levels())
