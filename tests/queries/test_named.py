"""A known answer for every named query, on the fixture graph of ``world.py``, on every backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import queries
from graph.base import GraphStore
from ontology.model import load_model
from queries.registry import QueryParameterError, catalogue, execute, get
from tests.queries.map_answers import MAP_ANSWERS
from tests.queries.test_evidence import response_evidence_for_country
from tests.queries.world import (
    A0,
    A1,
    A2,
    A3,
    ARMS_CO,
    ARMY,
    DONOR,
    EVENT1,
    EVENT2,
    EVENT3,
    EVENT4,
    GOVERNMENT,
    HILL,
    LOCATION,
    MASS,
    MILITIA,
    NEW_ACTOR,
    QZA,
    QZB,
    QZB_ASSESSMENT,
    REGIONAL_BODY,
    SURGE,
    VALLEY,
)

D = dt.date
LATE = D(2024, 12, 31)
Rows = list[dict[str, Any]]


def run(store: GraphStore, name: str, **params: Any) -> Rows:
    """Rows of a named query; its columns must be the ones its header declares."""
    result = execute(store, name, params)
    assert result.columns == list(get(name).returns)
    return result.dicts()


def pick(rows: Rows, *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(r[k] for k in keys) for r in rows]


def country_risk_profile(s: GraphStore) -> None:
    rows = run(s, "country_risk_profile", country=QZA, as_of=LATE)
    assert {r["assessment"] for r in rows} == {A2}
    assert pick(rows, "section", "item", "level", "trend") == [
        ("overall", QZA, 3, "rising"),
        ("risk-factor", "rf/RF7", 3, "rising"), ("risk-factor", "rf/RF9", 1, "falling"),
        ("risk-factor", "rf/RF10", 2, "rising"),
        ("indicator", "ind/7.5", None, None), ("indicator", "ind/10.1", None, None)]
    assert rows[1]["text"] == "The army arms the Night Riders."
    drafts = run(s, "country_risk_profile", country=QZA, as_of=LATE, include_drafts=True)
    assert pick(drafts, "assessment", "section", "item", "level") == [
        (A3, "overall", QZA, 1), (A3, "risk-factor", "rf/RF7", 3), (A3, "risk-factor", "rf/RF9", 1)]
    early = run(s, "country_risk_profile", country=QZA, as_of=D(2024, 3, 1))
    assert pick(early, "assessment", "item", "level") == [
        (A1, QZA, 2), (A1, "rf/RF7", 2), (A1, "rf/RF9", 2), (A1, "ind/7.5", None)]
    assert run(s, "country_risk_profile", country=QZA, as_of=D(2019, 1, 1)) == []
    assert pick(run(s, "country_risk_profile", country=QZA, as_of=D(2020, 2, 1)), "assessment")[0] == (A0,)


def perpetrators_in_country(s: GraphStore) -> None:
    rows = run(s, "perpetrators_in_country", country=QZA, as_of=LATE)
    assert [r["actor"] for r in rows] == [ARMY, MILITIA]
    army, militia = rows
    assert army["assessment"] == A2 and army["kind"] == "state-security-force"
    assert (army["supporters"], army["funders"], army["arms_suppliers"], army["commanders"]) == \
        ([], [], [ARMS_CO], [GOVERNMENT])
    assert sorted(militia["supporters"]) == [ARMY, GOVERNMENT]
    assert (militia["funders"], militia["arms_suppliers"], militia["commanders"]) == ([], [], [])
    early = run(s, "perpetrators_in_country", country=QZA, as_of=D(2024, 3, 1))
    assert [(r["actor"], r["assessment"], r["arms_suppliers"]) for r in early] == [(MILITIA, A1, [])]
    assert run(s, "perpetrators_in_country", country=QZA, as_of=D(2019, 6, 15)) == []


def victim_groups_at_risk(s: GraphStore) -> None:
    rows = run(s, "victim_groups_at_risk", country=QZA, as_of=LATE)
    assert pick(rows, "victim_group", "actor", "confidence") == [
        (HILL, ARMY, "low"), (VALLEY, MILITIA, "high")]
    assert rows[1]["basis"] == "ethnic" and rows[1]["population_estimate"] == 250_000
    assert rows[0]["protected"] is True and rows[1]["actor_name"] == "Night Riders"
    early = run(s, "victim_groups_at_risk", country=QZA, as_of=D(2024, 3, 1))
    assert pick(early, "victim_group", "actor") == [(HILL, None), (VALLEY, MILITIA)]
    before_threat = run(s, "victim_groups_at_risk", country=QZA, as_of=D(2023, 1, 1))
    assert pick(before_threat, "victim_group", "actor") == [(HILL, None), (VALLEY, None)]
    assert run(s, "victim_groups_at_risk", country=QZB) == []


def upcoming_triggers(s: GraphStore) -> None:
    rows = run(s, "upcoming_triggers", today=D(2024, 8, 1), months=6)
    assert pick(rows, "country", "trigger", "trigger_type", "expected_from", "expected_to",
                "likelihood", "assessment") == [
        (QZA, "trigger/qz-commemoration-2024", "trigger-type/commemoration", D(2024, 11, 10),
         D(2024, 11, 10), "medium", A2),
        (QZA, "trigger/qz-elections-2024", "trigger-type/elections", D(2024, 12, 1), D(2024, 12, 15),
         "high", A2)]
    assert rows[0]["country_name"] == "Qaziria"
    spring = run(s, "upcoming_triggers", today=D(2024, 3, 1), months=3)
    assert pick(spring, "trigger", "expected_from", "assessment") == [
        ("trigger/qz-elections-2024", D(2024, 5, 1), A1)]
    assert run(s, "upcoming_triggers", today=D(2024, 3, 1), months=1) == []
    assert run(s, "upcoming_triggers", today=D(2025, 1, 1), months=12) == []


def response_options_for_country(s: GraphStore) -> None:
    rows = run(s, "response_options_for_country", country=QZA, min_level=2, as_of=LATE)
    expected = {r[0] for r in s.run_read(
        "MATCH (o:ResponseOption)-[:MITIGATES]->(rf:RiskFactor) WHERE rf.id IN $ids RETURN DISTINCT o.id",
        {"ids": ["rf/RF7", "rf/RF10"]}).rows}
    assert {r["option"] for r in rows} == expected and len(rows) == len(expected) > 5
    keys = [(r["stage_rank"], r["category"], r["option"]) for r in rows]
    assert keys == sorted(keys)
    assert all(r["category"] == min(r["categories"]) for r in rows)
    assert all(sorted(r["stakeholders_with_leverage"]) == [GOVERNMENT, DONOR] for r in rows)
    by_option = {r["option"]: r for r in rows}
    assert sorted(by_option["option/counter-hate-speech"]["risk_factors"]) == ["rf/RF10", "rf/RF7"]
    assert by_option["option/arms-embargo"]["risk_factors"] == ["rf/RF7"]
    severe = run(s, "response_options_for_country", country=QZA, min_level=3, as_of=LATE)
    assert {r["option"] for r in severe} < expected
    assert all(r["risk_factors"] == ["rf/RF7"] for r in severe)
    early = run(s, "response_options_for_country", country=QZA, as_of=D(2024, 3, 1))
    assert all(r["stakeholders_with_leverage"] == [GOVERNMENT] for r in early)
    assert "option/inclusive-governance" in {r["option"] for r in early}  # mitigates RF9 only
    assert run(s, "response_options_for_country", country=QZB, as_of=LATE) == []


def recommendations_by_addressee_status(s: GraphStore) -> None:
    rows = run(s, "recommendations_by_addressee_status")
    assert pick(rows, "addressee", "status", "recommendation") == [
        (DONOR, "proposed", "rec/QZA-2024-07/r2"),
        (REGIONAL_BODY, "adopted", "rec/QZA-2024-07/r1"),
        (REGIONAL_BODY, "implemented", "rec/QZB-2019-06/r1"),
        (REGIONAL_BODY, "implemented", "rec/QZA-2024-10/r1"),
        (REGIONAL_BODY, "proposed", "rec/QZA-2024-01/r1"),
        (REGIONAL_BODY, "rejected", "rec/QZB-2019-06/r2")]
    done = run(s, "recommendations_by_addressee_status", addressee=REGIONAL_BODY, status="implemented")
    assert pick(done, "recommendation", "country", "option") == [
        ("rec/QZB-2019-06/r1", QZB, "option/targeted-sanctions"),
        ("rec/QZA-2024-10/r1", QZA, "option/targeted-sanctions")]
    assert done[0]["outcome"] == "Assets frozen in 2020; recruitment fell."
    assert [r["recommendation"] for r in run(s, "recommendations_by_addressee_status", country=QZB)] == \
        ["rec/QZB-2019-06/r1", "rec/QZB-2019-06/r2"]


def capability_gaps(s: GraphStore) -> None:
    rows = run(s, "capability_gaps", country=QZA)
    assert sorted(pick(rows, "reason", "actor", "capability", "level", "rated_by")) == [
        ("assessed-low", DONOR, "capability/early-warning-unit", 0, A2),
        ("assessed-low", REGIONAL_BODY, "capability/sanctions-regime", 1, A1),
        ("to-build", DONOR, "capability/early-warning-unit", 0, A2),
        ("to-build", REGIONAL_BODY, "capability/sanctions-regime", 1, A1)]
    strict = run(s, "capability_gaps", country=QZA, max_level=0)
    assert sorted(pick(strict, "reason", "actor")) == [
        ("assessed-low", DONOR), ("to-build", DONOR), ("to-build", REGIONAL_BODY)]
    # QZB's only assessment is of June 2019: the regional body's sanctions regime was rated in
    # January 2024 (QZA-2024-01), so it is no gap of QZB as of 2019 (the default date) ...
    assert run(s, "capability_gaps", country=QZB) == []
    # ... but is one as of 2025
    assert pick(run(s, "capability_gaps", country=QZB, as_of=D(2025, 1, 1)), "reason", "actor", "capability",
                "assessed_on") == [("assessed-low", REGIONAL_BODY, "capability/sanctions-regime", D(2024, 1, 31))]
    # before QZA-2024-07 rated the donor, the donor's early-warning unit is no assessed gap
    early = run(s, "capability_gaps", country=QZA, as_of=D(2024, 3, 1))
    assert pick(early, "reason", "actor", "capability") == [
        ("assessed-low", REGIONAL_BODY, "capability/sanctions-regime"),
        ("to-build", REGIONAL_BODY, "capability/sanctions-regime")]


def lessons_learnt(s: GraphStore) -> None:
    rows = run(s, "lessons_learnt", option="option/targeted-sanctions")
    # QZA's r1 is stated by QZA-2024-01 and QZA-2024-07 (QZA-2024-10 is a draft): one case, latest status
    assert pick(rows, "recommendation", "status", "country", "stated_in") == [
        ("rec/QZB-2019-06/r1", "implemented", QZB, [QZB_ASSESSMENT]),
        ("rec/QZA-2024-07/r1", "adopted", QZA, [A1, A2])]
    assert rows[0]["option_summary"] == "used in 2 cases: 2 uncoded" and rows[0]["option_totals"] == {"uncoded": 2}
    assert [h["status"] for h in rows[1]["history"]] == ["proposed", "adopted"]
    done = run(s, "lessons_learnt", option="option/targeted-sanctions", statuses=["implemented", "rejected"])
    assert pick(done, "recommendation", "outcome", "addressee") == [
        ("rec/QZB-2019-06/r1", "Assets frozen in 2020; recruitment fell.", REGIONAL_BODY)]
    assert pick(run(s, "lessons_learnt", option="option/arms-embargo"), "recommendation", "status") == [
        ("rec/QZB-2019-06/r2", "rejected"), ("rec/QZA-2024-07/r2", "proposed")]
    assert run(s, "lessons_learnt", option="option/targeted-sanctions", as_of=D(2019, 1, 1)) == []


def leverage_chains(s: GraphStore) -> None:
    rows = run(s, "leverage_chains", country=QZA)
    assert rows[0]["path"] == "Government of Qaziria —commands→ Qaziria Armed Forces" and rows[0]["strength"] == 0.9
    assert [r["strength"] for r in rows] == sorted((r["strength"] for r in rows), reverse=True)
    three = [r for r in rows if r["hops"] == 3]
    assert pick(three, "stakeholder", "target", "levers") == [(REGIONAL_BODY, MILITIA, ["economic"])]
    assert three[0]["path"] == ("Test Regional Body —leverage(economic)→ Government of Qaziria —commands→ "
                                "Qaziria Armed Forces —supports→ Night Riders")
    assert three[0]["steps"][1]["sources"] == [{"id": "source/test-report-1", "title": "Test report"}]
    one = run(s, "leverage_chains", actor=MILITIA, max_hops=1)
    assert {r["hops"] for r in one} == {1} and len(one) == 3
    with pytest.raises(QueryParameterError, match="max_hops"):
        run(s, "leverage_chains", actor=MILITIA, max_hops=6)
    with pytest.raises(QueryParameterError, match="exactly one"):
        run(s, "leverage_chains")
    with pytest.raises(QueryParameterError, match="no actor"):
        run(s, "leverage_chains", actor="actor/nobody")


def country_brokers(s: GraphStore) -> None:
    # QZA's supporters (the government) tie straight to the perpetrators: nobody sits between
    assert run(s, "country_brokers", country=QZA) == []


def country_communities(s: GraphStore) -> None:
    rows = run(s, "country_communities", country=QZA)
    assert pick(rows, "id", "community") == [
        (ARMY, 0), (DONOR, 0), (HILL, 0), (GOVERNMENT, 1), (REGIONAL_BODY, 1), (MILITIA, 2), (VALLEY, 2)]


def country_bridges(s: GraphStore) -> None:
    rows = run(s, "country_bridges", country=QZA)
    assert pick(rows, "source", "target", "other_side") == [
        (ARMY, DONOR, [DONOR]), (GOVERNMENT, REGIONAL_BODY, [REGIONAL_BODY])]


def monitoring_cadence(s: GraphStore) -> None:
    rows = run(s, "monitoring_cadence", today=D(2025, 3, 1), include_never=False)
    assert rows == [{"country": QZA, "name": "Qaziria", "last_assessed": D(2024, 7, 31), "retrospective": False,
                     "review_interval_months": 6, "due": D(2025, 1, 31), "status": "overdue",
                     "days_overdue": 29}]  # the draft of 2024-10-15 does not count
    assert run(s, "monitoring_cadence", today=D(2024, 12, 1), include_never=False) == []
    everyone = run(s, "monitoring_cadence", today=D(2025, 3, 1))
    monitored = s.run_read("MATCH (c:Country) WHERE c.monitored = true RETURN count(c)").scalar()
    assert everyone[0]["country"] == QZA and len(everyone) == monitored
    assert {r["status"] for r in everyone[1:]} == {"never-assessed"}
    assert all(r["review_interval_months"] == 12 and r["due"] is None for r in everyone[1:])
    shorter = run(s, "monitoring_cadence", today=D(2025, 3, 1), include_never=False,
                  default_interval_months=1)
    assert [r["country"] for r in shorter] == [QZA]  # QZA sets its own interval


def assessment_changes(s: GraphStore) -> None:
    rows = run(s, "assessment_changes", country=QZA)
    assert {(r["older"], r["newer"]) for r in rows} == {(A1, A2)}
    assert pick(rows, "change", "item", "before", "after") == [
        ("risk-factor-up", "rf/RF7", 2, 3), ("risk-factor-down", "rf/RF9", 2, 1),
        ("risk-factor-new", "rf/RF10", None, 2),
        ("actor-added", ARMY, None, "potential-perpetrator"), ("actor-added", DONOR, None, "stakeholder"),
        ("trigger-added", "trigger/qz-commemoration-2024", None, None),
        ("recommendation-added", "rec/QZA-2024-07/r2", None, "proposed"),
        ("recommendation-status-changed", "rec/QZA-2024-07/r1", "proposed", "adopted")]
    to_draft = run(s, "assessment_changes", country=QZA, older="QZA-2024-07", newer=A3)
    assert pick(to_draft, "change", "item", "before", "after") == [
        ("risk-factor-not-restated", "rf/RF10", 2, None),
        ("actor-removed", GOVERNMENT, "enabler", None), ("actor-removed", DONOR, "stakeholder", None),
        ("trigger-removed", "trigger/qz-commemoration-2024", None, None),
        ("trigger-removed", "trigger/qz-elections-2024", None, None),
        ("recommendation-closed", "rec/QZA-2024-07/r2", "proposed", None),
        ("recommendation-closed", "rec/QZA-2024-10/r1", "adopted", "implemented")]
    older_only = run(s, "assessment_changes", country=QZA, newer=A1)
    assert {(r["older"], r["newer"]) for r in older_only} == {(A0, A1)}
    assert pick(older_only, "change", "item") == [("risk-factor-new", "rf/RF9"),
                                                  ("actor-added", GOVERNMENT),
                                                  ("actor-added", REGIONAL_BODY),
                                                  ("trigger-added", "trigger/qz-elections-2024"),
                                                  ("recommendation-added", "rec/QZA-2024-01/r1")]
    assert run(s, "assessment_changes", country=QZB) == []
    with pytest.raises(QueryParameterError, match="QZA-2023-01 is not an assessment of country/QZA"):
        run(s, "assessment_changes", country=QZA, older="QZA-2023-01")


def actor_ego_network(s: GraphStore) -> None:
    ring1 = [(MILITIA, "THREATENS", VALLEY), (ARMY, "SUPPORTS", MILITIA), (GOVERNMENT, "COMMANDS", ARMY),
             (GOVERNMENT, "HAS_LEVERAGE_OVER", MILITIA), (GOVERNMENT, "SUPPORTS", MILITIA),
             (ARMS_CO, "ARMS", ARMY), (ARMS_CO, "ARMS", MILITIA)]
    rows = run(s, "actor_ego_network", actor=MILITIA, depth=1)
    assert sorted(pick(rows, "source", "type", "target")) == sorted(ring1)
    assert {r["hops"] for r in rows} == {1}
    ring2 = [(ARMY, "THREATENS", HILL), (DONOR, "HAS_LEVERAGE_OVER", ARMY),
             (REGIONAL_BODY, "HAS_LEVERAGE_OVER", GOVERNMENT)]
    rows2 = run(s, "actor_ego_network", actor=MILITIA, depth=2)
    assert sorted(pick(rows2, "source", "type", "target", "hops")) == \
        sorted([(*e, 1) for e in ring1] + [(*e, 2) for e in ring2])
    lever = next(r for r in rows2 if r["source"] == REGIONAL_BODY)
    assert (lever["lever"], lever["source_name"], lever["target_name"]) == \
        ("economic", "Test Regional Body", "Government of Qaziria")
    assert len(run(s, "actor_ego_network", actor=MILITIA, depth=3)) == len(rows2)
    assert run(s, "actor_ego_network", actor="actor/nobody") == []


def paths_actor_to_group(s: GraphStore) -> None:
    rows = run(s, "paths_actor_to_group", actor=GOVERNMENT, victim_group=VALLEY, max_hops=3)
    found = sorted((r["hops"], tuple(r["nodes"]), tuple(r["relationships"])) for r in rows)
    gov, mil, army = GOVERNMENT, MILITIA, ARMY
    assert found == sorted([
        (2, (gov, mil, VALLEY), ("SUPPORTS", "THREATENS")),
        (2, (gov, mil, VALLEY), ("HAS_LEVERAGE_OVER", "THREATENS")),
        (3, (gov, army, mil, VALLEY), ("COMMANDS", "SUPPORTS", "THREATENS")),
        (3, (gov, army, EVENT2, VALLEY), ("COMMANDS", "PERPETRATED", "TARGETED")),
        (3, (gov, army, EVENT3, VALLEY), ("COMMANDS", "PERPETRATED", "TARGETED")),
        (3, (gov, mil, EVENT1, VALLEY), ("SUPPORTS", "PERPETRATED", "TARGETED")),
        (3, (gov, mil, EVENT1, VALLEY), ("HAS_LEVERAGE_OVER", "PERPETRATED", "TARGETED")),
        (3, (gov, mil, EVENT2, VALLEY), ("SUPPORTS", "PERPETRATED", "TARGETED")),
        (3, (gov, mil, EVENT2, VALLEY), ("HAS_LEVERAGE_OVER", "PERPETRATED", "TARGETED"))])
    assert [r["hops"] for r in rows] == sorted(r["hops"] for r in rows)
    assert len(run(s, "paths_actor_to_group", actor=GOVERNMENT, victim_group=VALLEY, max_hops=4)) == 11
    assert pick(run(s, "paths_actor_to_group", actor=GOVERNMENT, victim_group=VALLEY, max_paths=1),
                "hops") == [(2,)]
    assert run(s, "paths_actor_to_group", actor=DONOR, victim_group=VALLEY, max_hops=1) == []


def events_by_actor_country_period(s: GraphStore) -> None:
    rows = run(s, "events_by_actor_country_period", country=QZA, date_from=D(2024, 1, 1), date_to=LATE)
    assert pick(rows, "event", "country", "location", "fatalities") == [
        (EVENT2, QZA, LOCATION, 5), (EVENT3, QZA, None, 30)]
    assert sorted(rows[0]["actors"]) == [ARMY, MILITIA] and rows[1]["actors"] == [ARMY]
    assert rows[1]["targeted_groups"] == [VALLEY] and rows[1]["dataset"] == "UCDP-GED"
    militia = run(s, "events_by_actor_country_period", actor=MILITIA, date_to=LATE)
    assert pick(militia, "event", "date") == [(EVENT1, D(2019, 12, 3)), (EVENT2, D(2024, 3, 10))]
    qzb = run(s, "events_by_actor_country_period", country=QZB, date_to=LATE)
    assert pick(qzb, "event", "actors", "targeted_groups", "civilian_targeting") == [(EVENT4, [], [], None)]
    may = run(s, "events_by_actor_country_period", date_from=D(2024, 5, 1), date_to=D(2024, 5, 31))
    assert [r["event"] for r in may] == [EVENT3]


def events_in_country_period(s: GraphStore) -> None:
    def same(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:  # lists compared as sets
        return [{k: sorted(v) if isinstance(v, list) else v for k, v in r.items()} for r in rows]
    def by_event(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: str(r["event"]))
    rows = run(s, "events_in_country_period", country=QZA, date_from=D(2024, 1, 1), date_to=LATE)
    # from the country: the events placed at a location and those placed at the country itself, each
    # part in date order; the two parts of the UNION ALL come in either order on Ladybug (no CALL {}
    # there to order the whole)
    assert by_event(same(rows)) == by_event(same(run(s, "events_by_actor_country_period", country=QZA,
                                                     date_from=D(2024, 1, 1), date_to=LATE)))
    assert sorted(pick(rows, "event", "location")) == [(EVENT2, LOCATION), (EVENT3, None)]
    assert pick(run(s, "events_in_country_period", country=QZB, date_to=LATE), "event") == [(EVENT4,)]
    assert run(s, "events_in_country_period", country=QZA, date_from=D(2024, 4, 1), date_to=D(2024, 4, 30)) == []


def actor_cooccurrence(s: GraphStore) -> None:
    rows = run(s, "actor_cooccurrence", country=QZA, date_to=LATE)
    assert rows == [{"actor_a": ARMY, "name_a": "Qaziria Armed Forces", "actor_b": MILITIA,
                     "name_b": "Night Riders", "events": 1, "fatalities": 5,
                     "first_date": D(2024, 3, 10), "last_date": D(2024, 3, 10)}]
    assert run(s, "actor_cooccurrence", date_to=LATE) == rows
    assert run(s, "actor_cooccurrence", country=QZA, date_to=LATE, min_events=2) == []
    assert run(s, "actor_cooccurrence", country=QZB, date_to=LATE) == []
    assert run(s, "actor_cooccurrence", date_from=D(2024, 4, 1), date_to=LATE) == []


def countries_ranked_by_risk(s: GraphStore) -> None:
    cols = ("country", "overall_risk", "assessed_on", "score_risk", "score_rank", "scored_on")
    assert pick(run(s, "countries_ranked_by_risk", as_of=LATE), *cols) == [
        (QZA, 3, D(2024, 7, 31), 0.052, 9, D(2024, 11, 1)),
        (QZB, 1, D(2019, 6, 30), 0.2, 1, D(2024, 12, 1))]
    assert pick(run(s, "countries_ranked_by_risk", as_of=LATE, dataset="EWP"), *cols)[1] == \
        (QZB, 1, D(2019, 6, 30), 0.011, 60, D(2024, 11, 1))
    assert pick(run(s, "countries_ranked_by_risk", as_of=D(2024, 6, 30)), *cols) == [
        (QZA, 2, D(2024, 1, 31), 0.031, 20, D(2023, 11, 1)),
        (QZB, 1, D(2019, 6, 30), None, None, None)]
    assert run(s, "countries_ranked_by_risk", as_of=D(2019, 1, 1)) == []


def risk_watchlist(s: GraphStore) -> None:
    rows = run(s, "risk_watchlist", as_of=LATE)
    assert rows == [{"country": QZA, "name": "Qaziria", "assessment": A2, "date": D(2024, 7, 31),
                     "overall_risk": 3, "risk_trend": "rising", "previous_assessment": A1,
                     "previous_date": D(2024, 1, 31), "previous_risk": 2, "change": 1}]
    assert run(s, "risk_watchlist", as_of=D(2025, 12, 31)) == rows  # the draft is ignored
    assert run(s, "risk_watchlist", as_of=D(2024, 3, 1)) == []  # 2020-01 and 2024-01 both 2


def counts_by_label(s: GraphStore) -> None:
    rows = {(r["kind"], r["name"]): r["count"] for r in run(s, "counts_by_label")}
    assert {k: rows[k] for k in [("node", "Actor"), ("node", "Assessment"), ("node", "Event"),
                                 ("node", "Recommendation"), ("node", "RiskScore"),
                                 ("node", "VictimGroup"), ("node", "Trigger"), ("node", "Country"),
                                 ("relationship", "PERPETRATED"), ("relationship", "THREATENS"),
                                 ("relationship", "HAS_LEVERAGE_OVER")]} == {
        ("node", "Actor"): 6, ("node", "Assessment"): 5, ("node", "Event"): 4,
        ("node", "Recommendation"): 6, ("node", "RiskScore"): 4, ("node", "VictimGroup"): 2,
        ("node", "Trigger"): 2, ("node", "Country"): 252, ("relationship", "PERPETRATED"): 4,
        ("relationship", "THREATENS"): 2, ("relationship", "HAS_LEVERAGE_OVER"): 3}
    assert ("node", "EffectivenessFactor") not in rows and all(rows.values())
    full = run(s, "counts_by_label", include_empty=True)
    m = load_model()
    assert len(full) == len(m.classes) + len(m.relationships) and {
        "node": len(m.classes), "relationship": len(m.relationships)} == {
        k: sum(1 for r in full if r["kind"] == k) for k in ("node", "relationship")}


def schema_listing(s: GraphStore) -> None:
    rows = {r["name"]: r for r in run(s, "schema_listing")}
    assert len(rows) == len(load_model().classes) + len(load_model().relationships)
    assert (rows["THREATENS"]["kind"], rows["THREATENS"]["source"], rows["THREATENS"]["target"]) == \
        ("relationship", "Actor", "VictimGroup")
    assert rows["CITES"]["source"] == "any" and rows["OCCURRED_IN"]["target"] == "Country|Location"
    assert "overall_risk" in rows["Assessment"]["properties"] and rows["Assessment"]["kind"] == "node"
    assert rows["HAS_LEVERAGE_OVER"]["properties"].count("lever") == 1


def indicator_evidence_from_events(s: GraphStore) -> None:
    cols = ("indicator", "risk_factor", "country", "events", "fatalities", "first_date", "last_date")
    rows = run(s, "indicator_evidence_from_events", date_to=LATE)
    assert pick(rows, *cols) == [
        ("ind/11.1", "rf/RF11", QZA, 2, 35, D(2024, 3, 10), D(2024, 5, 20)),
        ("ind/7.5", "rf/RF7", QZA, 1, 12, D(2019, 12, 3), D(2019, 12, 3))]
    assert [r["indicator"] for r in run(s, "indicator_evidence_from_events", date_from=D(2024, 1, 1),
                                        date_to=LATE)] == ["ind/11.1"]
    assert [r["indicator"] for r in run(s, "indicator_evidence_from_events", indicator="ind/7.5",
                                        date_to=LATE)] == ["ind/7.5"]
    assert run(s, "indicator_evidence_from_events", country=QZB, date_to=LATE) == []


def country_network(s: GraphStore) -> None:
    rows = run(s, "country_network", country=QZA, as_of=LATE)
    assert pick(rows, "source", "type", "target") == [
        (ARMY, "SUPPORTS", MILITIA), (ARMY, "THREATENS", HILL), (GOVERNMENT, "COMMANDS", ARMY),
        (GOVERNMENT, "HAS_LEVERAGE_OVER", MILITIA), (GOVERNMENT, "SUPPORTS", MILITIA),
        (MILITIA, "THREATENS", VALLEY), (DONOR, "HAS_LEVERAGE_OVER", ARMY),
        (REGIONAL_BODY, "HAS_LEVERAGE_OVER", GOVERNMENT)]
    early = run(s, "country_network", country=QZA, as_of=D(2024, 3, 1))
    assert (ARMY, "THREATENS", HILL) not in pick(early, "source", "type", "target") and len(early) == 7
    assert run(s, "country_network", country=QZB) == []


def country_overview(s: GraphStore) -> None:
    rows = run(s, "country_overview", country=QZA, as_of=LATE)
    assert rows == [{"country": QZA, "name": "Qaziria", "notation": "QZA", "region": "region/test-region",
                     "region_name": "Test Region", "monitored": True, "review_interval_months": 6,
                     "assessment": A2, "assessed_on": D(2024, 7, 31), "overall_risk": 3,
                     "risk_trend": "rising", "score_risk": 0.052, "score_rank": 9,
                     "scored_on": D(2024, 11, 1), "score_dataset": "EWP"}]
    qzb = run(s, "country_overview", country=QZB, as_of=LATE)
    assert pick(qzb, "region", "monitored", "overall_risk", "score_risk", "score_dataset") == [
        (None, False, 1, 0.2, "OTHER")]
    assert [r["country"] for r in run(s, "country_overview", level=3, as_of=LATE)] == [QZA]
    assert [r["country"] for r in run(s, "country_overview", region="region/test-region")] == [QZA]
    early = run(s, "country_overview", country=QZA, as_of=D(2024, 3, 1))
    assert pick(early, "assessment", "overall_risk", "score_risk") == [(A1, 2, 0.031)]
    monitored = s.run_read("MATCH (c:Country) WHERE c.monitored = true RETURN count(c)").scalar()
    assert len(run(s, "country_overview", monitored_only=True)) == monitored


def actor_search(s: GraphStore) -> None:
    rows = run(s, "actor_search", q="NIGHT")
    assert pick(rows, "actor", "kind", "countries", "roles") == [
        (MILITIA, "militia", [QZA], ["potential-perpetrator"])]
    assert sorted(rows[0]["assessments"]) == sorted([A0, A1, A2, A3])
    assert rows[0]["aliases"] == ["NR", "Riders of the Night"]
    assert [r["actor"] for r in run(s, "actor_search", q="nr")] == [MILITIA]  # an alias
    assert [r["actor"] for r in run(s, "actor_search", country=QZA)] == [GOVERNMENT, MILITIA, ARMY]
    donors = run(s, "actor_search", kind="government")
    assert pick(donors, "actor", "countries", "roles") == [
        (GOVERNMENT, [QZA], ["enabler"]), (DONOR, [], ["stakeholder"])]
    assert run(s, "actor_search", actor=ARMS_CO)[0]["roles"] == []
    assert run(s, "actor_search", q="nobody at all") == []


def country_lookup(s: GraphStore) -> None:
    from queries.lookups import latest_score

    def overview_row(**params: Any) -> Rows:  # the look-up's rows as country_overview gives them
        out = []
        for r in run(s, "country_lookup", **params):
            score = latest_score(r.pop("scores"))
            assert score.pop("score_versions") == []  # the fixture's scores name no dataset version
            out.append({**r, **score})
        return out

    (row,) = run(s, "country_lookup", country=QZA, as_of=LATE)
    assert sorted((x["date"], x["risk"], x["rank"], x["dataset"]) for x in row["scores"]) == [
        (D(2023, 11, 1), 0.031, 20, "EWP"), (D(2024, 11, 1), 0.052, 9, "EWP")]
    assert overview_row(country=QZA, as_of=LATE) == run(s, "country_overview", country=QZA, as_of=LATE)
    qzb = overview_row(country="QZB", as_of=LATE)
    assert pick(qzb, "region", "monitored", "overall_risk", "score_risk", "score_rank", "score_dataset") == [
        (None, False, 1, 0.2, 1, "OTHER")]
    early = overview_row(country=QZA, as_of=D(2024, 3, 1))
    assert pick(early, "assessment", "assessed_on", "overall_risk", "score_risk") == [(A1, D(2024, 1, 31), 2, 0.031)]
    assert pick(overview_row(country=QZA, as_of=D(2019, 1, 1)), "assessment", "scored_on") == [(None, None)]
    assert run(s, "country_lookup", country="country/QZZ") == []
    for c in s.run_read("MATCH (c:Country) RETURN c.id AS id").dicts():  # the list query's row, id first
        day = {"country": c["id"], "as_of": LATE}
        assert overview_row(**day) == run(s, "country_overview", **day), c


def actor_lookup(s: GraphStore) -> None:
    from queries.citations import role_sources
    from queries.lookups import CLAIM_FIELDS, role_claims

    (row,) = run(s, "actor_lookup", actor=MILITIA)
    assert pick([row], "actor", "kind", "countries", "roles") == [(MILITIA, "militia", [QZA], ["potential-perpetrator"])]
    assert sorted(row["assessments"]) == sorted([A0, A1, A2, A3])
    claims = role_claims(s, row["claims"])
    assert [(c["assessment"], c["role"]) for c in claims] == [
        (A3, "potential-perpetrator"), (A2, "potential-perpetrator"), (A1, "potential-perpetrator"),
        (A0, "potential-perpetrator")]
    assert any(c["sources"] for c in claims) and all(set(c) == set(CLAIM_FIELDS) for c in claims)
    (arms,) = run(s, "actor_lookup", actor=ARMS_CO.removeprefix("actor/"))  # a bare id gets its prefix
    assert (arms["roles"], arms["assessments"]) == ([], [])
    assert [c["assessment"] for c in arms["claims"]] == [None] and role_claims(s, arms["claims"]) == []
    assert run(s, "actor_lookup", actor="actor/nobody") == []
    for a in run(s, "actor_search"):  # the search's row for each actor, id first, and its role claims
        (found,) = run(s, "actor_lookup", actor=a["actor"])
        assert {k: sorted(v) if isinstance(v, list) else v for k, v in found.items() if k in a} == \
            {k: sorted(v) if isinstance(v, list) else v for k, v in a.items()}
        assert role_claims(s, found["claims"]) == [{k: r[k] for k in CLAIM_FIELDS}
                                                    for r in role_sources(s, [a["actor"]])], a["actor"]


def assessment_list(s: GraphStore) -> None:
    rows = run(s, "assessment_list", country=QZA)
    assert pick(rows, "assessment", "status", "overall_risk", "findings", "actors", "triggers",
                "recommendations") == [
        (A3, "draft", 1, 2, 3, 0, 1), (A2, "published", 3, 3, 5, 2, 2),
        (A1, "published", 2, 2, 3, 1, 1), (A0, "published", 2, 1, 1, 0, 0)]
    assert rows[2]["reviewers"] == ["Regional desk"] and rows[2]["horizon_months"] == 12
    assert [r["assessment"] for r in run(s, "assessment_list", status="draft")] == [A3]
    assert [r["country"] for r in run(s, "assessment_list", assessment=QZB_ASSESSMENT)] == [QZB]
    assert len(run(s, "assessment_list")) == 5


def victim_group_threats(s: GraphStore) -> None:
    rows = run(s, "victim_group_threats", victim_group=VALLEY, as_of=LATE)
    assert len(rows) == 1
    row = rows[0]
    assert (row["actor"], row["confidence"], row["events"], row["countries"]) == (MILITIA, "high", 2, [QZA])
    assert sorted(row["sources"]) == ["source/qz-monitor-2023-12", "source/test-report-1"]
    assert sorted(row["backers"]) == [ARMY, GOVERNMENT, ARMS_CO]
    hill = run(s, "victim_group_threats", victim_group=HILL, as_of=D(2024, 3, 1))
    assert pick(hill, "victim_group", "actor", "events", "backers") == [(HILL, None, 0, [])]
    later = run(s, "victim_group_threats", victim_group=HILL, as_of=LATE)
    assert pick(later, "actor", "confidence", "backers") == [(ARMY, "low", [ARMS_CO, GOVERNMENT])] or \
        sorted(later[0]["backers"]) == [GOVERNMENT, ARMS_CO]
    assert run(s, "victim_group_threats", victim_group="group/nobody") == []


def alerts_list(s: GraphStore) -> None:
    rows = run(s, "alerts_list", country=QZA)
    assert pick(rows, "alert", "status", "evidence_events") == [(MASS, "new", 1), (SURGE, "new", 1),
                                                                 (NEW_ACTOR, "dismissed", 1)]
    assert rows[1]["tail_probability"] == 0.005 and rows[1]["explanation"] == "surge in 2024-05"
    assert [r["alert"] for r in run(s, "alerts_list", status="dismissed")] == [NEW_ACTOR]
    assert [r["alert"] for r in run(s, "alerts_list", kind="surge", since=D(2024, 4, 1))] == [SURGE]
    assert run(s, "alerts_list", country=QZB) == []


def alert_evidence(s: GraphStore) -> None:
    assert pick(run(s, "alert_evidence", alert=NEW_ACTOR), "event", "fatalities") == [(EVENT2, 5)]
    assert sorted(run(s, "alert_evidence", alert=NEW_ACTOR)[0]["actors"]) == [ARMY, MILITIA]
    assert run(s, "alert_evidence", alert="alert/none") == []


def country_signals(s: GraphStore) -> None:
    rows = run(s, "country_signals", country=QZA, date_to=LATE)
    assert pick(rows, "period_start", "events", "fatalities") == [(D(2024, 3, 1), 1, 5), (D(2024, 5, 1), 1, 30)]
    assert run(s, "country_signals", country=QZA, dimension="category", date_to=LATE) == []
    assert run(s, "country_signals", country=QZB, date_to=LATE) == []


def review_due(s: GraphStore) -> None:
    later = run(s, "review_due", today=D(2025, 3, 1))
    assert pick(later, "country", "last_assessed", "alerts_since_assessment", "new_alerts", "max_strength",
                "due_for_review") == [(QZA, D(2024, 7, 31), 1, 2, 0.7, True)]
    before = run(s, "review_due", today=D(2024, 8, 1))  # the September alert is not yet there
    assert pick(before, "alerts_since_assessment", "new_alerts", "due_for_review") == [(0, 1, False)]


ANSWERS: dict[str, Callable[[GraphStore], None]] = {
    f.__name__: f for f in [
        country_risk_profile, perpetrators_in_country, victim_groups_at_risk, upcoming_triggers,
        response_options_for_country, recommendations_by_addressee_status, capability_gaps,
        lessons_learnt, monitoring_cadence, assessment_changes, actor_ego_network,
        paths_actor_to_group, events_by_actor_country_period, events_in_country_period, actor_cooccurrence,
        countries_ranked_by_risk, risk_watchlist, counts_by_label, schema_listing,
        indicator_evidence_from_events, country_network, country_overview, actor_search, country_lookup,
        actor_lookup,
        assessment_list, victim_group_threats, response_evidence_for_country, alerts_list, alert_evidence,
        country_signals, review_due, leverage_chains, country_brokers, country_communities, country_bridges,
        *MAP_ANSWERS]
}


def test_every_named_query_has_a_known_answer_test() -> None:
    assert set(ANSWERS) == set(catalogue())


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_known_answer(world: GraphStore, name: str) -> None:
    ANSWERS[name](world)


def test_run_returns_dicts_or_a_frame(world: GraphStore) -> None:
    rows = queries.run(world, "risk_watchlist", as_of=LATE)
    assert isinstance(rows, list) and rows[0]["country"] == QZA
    frame = queries.run(world, "risk_watchlist", as_of=LATE, as_frame=True)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(get("risk_watchlist").returns) and frame.shape == (1, 10)
    assert queries.risk_watchlist(world, as_of=LATE) == rows
    empty = queries.run(world, "risk_watchlist", as_of=D(2000, 1, 1), as_frame=True)
    assert isinstance(empty, pd.DataFrame) and empty.empty and len(empty.columns) == 10


def test_execute_caps_rows_of_cypher_and_python_queries(world: GraphStore) -> None:
    capped = execute(world, "monitoring_cadence", {"today": D(2025, 3, 1)}, limit=3)
    assert len(capped.rows) == 3 and capped.truncated
    python = execute(world, "schema_listing", {}, limit=5)
    assert len(python.rows) == 5 and python.truncated
    whole = execute(world, "risk_watchlist", {"as_of": LATE}, limit=5)
    assert len(whole.rows) == 1 and not whole.truncated


def test_sums_come_back_as_plain_numbers(world: GraphStore) -> None:
    rows = run(world, "indicator_evidence_from_events", date_to=LATE)
    assert all(type(r["fatalities"]) is int for r in rows)  # Ladybug's sum() gives a Decimal
