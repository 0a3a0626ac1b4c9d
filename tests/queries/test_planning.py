"""Response planning on the fixture world: the situation decides the order, levers are matched
to option categories, every score term is listed and ties are explained."""

from __future__ import annotations

import datetime as dt

from graph.base import GraphStore
from loaders.early_warning import set_status
from queries.planning import LEVER_CATEGORIES, TIERS, matched_categories, plan_responses, situation, tier_of
from tests.queries.world import ARMS_CO, DONOR, GOVERNMENT, MASS, MILITIA, NEW_ACTOR, QZA, REGIONAL_BODY, SURGE

ONGOING, ACUTE, LATENT = dt.date(2024, 6, 1), dt.date(2025, 6, 1), dt.date(2024, 2, 15)


def test_situation_from_events_and_level(world: GraphStore) -> None:
    # two atrocity events (2024-03-10, 2024-05-20) in the 90 days before 1 June 2024
    now = situation(world, QZA, ONGOING)
    assert now.kind == "ongoing" and now.events == 2 and now.first == ("CR", "PR")
    # a year later: no events in the window, and QZA-2024-07 gives overall risk 3
    assert situation(world, QZA, ACUTE).kind == "acute"
    # before the events, with QZA-2024-01 at overall risk 2
    latent = situation(world, QZA, LATENT)
    assert latent.kind == "latent" and latent.first == ("UP", "EW")
    assert any("no atrocity events" in r for r in latent.reasons)


def test_urgency_orders_the_options(world: GraphStore) -> None:
    for day, first in ((ONGOING, {"CR", "PR"}), (LATENT, {"UP", "EW"})):
        options = plan_responses(world, QZA, as_of=day)["options"]
        assert options and set(options[0].stages) & first
        keys = [(o.tier, -o.score) for o in options]
        assert keys == sorted(keys)  # tier, then score high first
        assert all(o.tier == tier_of(o.stages, situation(world, QZA, day).kind) for o in options)
    ongoing = [o.option for o in plan_responses(world, QZA, as_of=ONGOING)["options"]]
    latent = [o.option for o in plan_responses(world, QZA, as_of=LATENT)["options"]]
    # upstream-only options sink while atrocities are under way and rise when risk is latent
    assert ongoing.index("option/civic-space-media") > ongoing.index("option/arms-embargo")
    assert latent.index("option/civic-space-media") < latent.index("option/arms-embargo")


def test_score_is_the_sum_of_its_listed_terms(world: GraphStore) -> None:
    for o in plan_responses(world, QZA, as_of=ONGOING)["options"]:
        assert round(sum(t.value for t in o.terms), 4) == o.score
        assert o.terms[0].kind == "urgency" and o.terms[0].reason
        assert {t.kind for t in o.terms} <= {"urgency", "alerts", "risk-factor", "factor", "leverage", "lesson"}


def test_ties_are_explained(world: GraphStore) -> None:
    options = plan_responses(world, QZA, as_of=ONGOING)["options"]
    tied = [o for o in options if o.tie]
    assert tied and all("tied at score" in (o.tie or "") and "stage rank" in (o.tie or "") for o in tied)
    for o in options:
        same = [x for x in options if (x.tier, x.score) == (o.tier, o.score)]
        assert (len(same) > 1) == bool(o.tie)


def test_levers_matched_to_option_categories(world: GraphStore) -> None:
    by_id = {o.option: o for o in plan_responses(world, QZA, as_of=ACUTE)["options"]}
    military = by_id["option/preventive-military-presence"]  # MIL only
    assert {s["stakeholder"] for s in military.stakeholders} == {GOVERNMENT, ARMS_CO, DONOR}
    assert REGIONAL_BODY not in {s["stakeholder"] for s in military.stakeholders}  # its lever is economic
    fund = by_id["option/rapid-response-fund"]  # ECO only
    match = next(s for s in fund.stakeholders if s["stakeholder"] == REGIONAL_BODY)
    assert match["levers"] == ["economic"] and match["matched_categories"] == ["ECO"]
    assert match["match"] == "economic lever serves ECO" and "—leverage(economic)→" in match["chain"]["path"]
    # a perpetrator is never proposed as the one to pull a lever
    assert all(s["stakeholder"] != MILITIA for o in by_id.values() for s in o.stakeholders)
    assert by_id["option/atrocity-risk-assessment"].stakeholders == []  # INF: nobody has that lever


def test_stage_filter(world: GraphStore) -> None:
    only = plan_responses(world, QZA, as_of=ONGOING, stage="UP")["options"]
    assert only and all("UP" in o.stages for o in only)


def test_lever_vocabulary_and_categories() -> None:
    assert set(LEVER_CATEGORIES) == {"diplomatic", "economic", "military", "legal", "informational"}
    assert matched_categories(["military"], ["ECO", "MIL"]) == {"MIL"}
    assert matched_categories(["legal"], ["ECO", "MIL"]) == set()
    assert set(TIERS) == {"ongoing", "acute", "latent"}
    assert tier_of(["AR"], "latent") == 2 and tier_of(["PR"], "ongoing") == 0


def test_open_alerts_raise_urgency_and_are_a_listed_term(world: GraphStore) -> None:
    # 15 October 2024: no atrocity event since July and QZA-2024-07 gives risk 3 (acute without alerts), but the
    # open mass-fatality alert of September 2024 (strength 0.7) means atrocities may be under way
    day = dt.date(2024, 10, 15)
    sit = situation(world, QZA, day)
    assert sit.kind == "ongoing" and sit.events == 0 and [a["alert"] for a in sit.alerts] == [MASS]
    assert sit.alert_pressure == 0.7 and any(MASS in r and "atrocity kind" in r for r in sit.reasons)
    options = plan_responses(world, QZA, as_of=day)["options"]
    first = [o for o in options if o.tier == 0]
    assert first and all(o.terms[1].kind == "alerts" and o.terms[1].value == 0.7 and o.terms[1].item == MASS
                         and "mass-fatality 2024-09 (strength 0.7, new)" in o.terms[1].reason for o in first)
    assert all(t.kind != "alerts" for o in options if o.tier > 0 for t in o.terms)
    assert all(round(sum(t.value for t in o.terms), 4) == o.score for o in options)


def test_only_open_alerts_of_the_window_count(world: GraphStore) -> None:
    # 20 August 2024: the May surge (new, 0.2) ended within 90 days; the March new-actor alert is dismissed
    sit = situation(world, QZA, dt.date(2024, 8, 20))
    assert [a["alert"] for a in sit.alerts] == [SURGE] and sit.alert_pressure == 0.2
    assert sit.kind == "acute"  # a surge is not an atrocity kind: the assessment's level decides
    assert NEW_ACTOR not in {a["alert"] for a in situation(world, QZA, dt.date(2024, 4, 15)).alerts}
    assert situation(world, QZA, LATENT).alerts == []  # before any alert


def test_an_escalated_alert_means_ongoing(world: GraphStore) -> None:
    set_status(world, SURGE, "escalated", today=dt.date(2024, 6, 2))
    try:
        sit = situation(world, QZA, dt.date(2024, 8, 20))
        assert sit.kind == "ongoing" and sit.alert_pressure == 0.4  # escalated: counted twice
    finally:
        set_status(world, SURGE, "new", today=dt.date(2024, 6, 2))
