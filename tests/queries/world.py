"""The fixture graph of the query tests, with answers known by construction.

Vocabularies (``init_store``), the shared fictional world of ``tests/data.py`` (assessment
QZA-2020-01, one event), the assessments QZA-2024-01 (``tests/fixtures``), QZA-2024-07
(published) and QZA-2024-10 (draft) of the fictional Qaziria, a second fictional country
(QZB, "Qazbekia") with one older assessment, a few more events and two risk scores per country.
Everything is invented; no real person or group is named.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cli.admin import init_store
from graph.base import GraphStore
from graph.records import Edge, Node
from loaders import assessment, reference
from tests import data

HERE = Path(__file__).resolve().parent
ASSESSMENT_FILES = [
    HERE.parent / "fixtures" / "assessments" / "QZA-2024-01.yaml",
    HERE / "fixtures" / "QZA-2024-07.yaml",
    HERE / "fixtures" / "QZA-2024-10.yaml",
]

QZA, QZB = data.COUNTRY, "country/QZB"
A0, A1, A2, A3 = (data.ASSESSMENT, "assessment/QZA-2024-01", "assessment/QZA-2024-07",
                  "assessment/QZA-2024-10")
QZB_ASSESSMENT = "assessment/QZB-2019-06"
MILITIA, ARMY, GOVERNMENT = data.MILITIA, data.ARMY, data.GOVERNMENT
REGIONAL_BODY, ARMS_CO, DONOR = data.REGIONAL_BODY, data.ARMS_CO, "actor/test-donor"
VALLEY, HILL = data.GROUP, "group/hill-herders"
LOCATION = "location/qz-valley-district"
EVENT1, EVENT2, EVENT3, EVENT4 = data.EVENT, "event/test-2", "event/test-3", "event/test-4"
SURGE, NEW_ACTOR, MASS = ("alert/QZA-surge-2024-05-0000000001", "alert/QZA-new-actor-2024-03-0000000002",
                          "alert/QZA-mass-fatality-2024-09-0000000003")


def early_warning_nodes() -> list[Node]:
    """Two monthly series points of QZA and three alerts (one dismissed, one after the last assessment)."""
    def point(month: int, events: int, fatalities: int) -> Node:
        return Node.make(f"series/QZA/month/all/x/2024-{month:02d}-01", iso3="QZA", granularity="month",
                         period_start=dt.date(2024, month, 1), dimension="all", slice="*", event_count=events,
                         fatality_count=fatalities, civilian_event_count=events, civilian_death_count=fatalities)

    def alert(aid: str, kind: str, month: int, status: str, strength: float, **props: object) -> Node:
        return Node.make(aid, name=aid, iso3="QZA", alert_kind=kind, period_start=dt.date(2024, month, 1),
                         period_end=dt.date(2024, month, 28), alert_status=status, signal_strength=strength,
                         explanation=f"{kind} in 2024-{month:02d}", **props)
    return [point(3, 1, 5), point(5, 1, 30),
            alert(SURGE, "surge", 5, "new", 0.2, dimension="all", slice="*", observed=1.0, baseline=0.1,
                  tail_probability=0.005),
            alert(NEW_ACTOR, "new-actor", 3, "dismissed", 0.35, dimension="actor", slice=data.MILITIA,
                  observed=1.0, baseline=0.0, status_reason="known group"),
            alert(MASS, "mass-fatality", 9, "new", 0.7, dimension="all", slice="civilian deaths >= 25",
                  observed=30.0, baseline=25.0)]


def early_warning_edges() -> list[Edge]:
    """The points' and alerts' countries, the alerts' evidence and subjects."""
    return [Edge.make("RAISED_FOR", a, QZA) for a in (SURGE, NEW_ACTOR, MASS)] + [
        Edge.make("SERIES_OF", f"series/QZA/month/all/x/2024-{m:02d}-01", QZA) for m in (3, 5)] + [
        Edge.make("BASED_ON", SURGE, EVENT3), Edge.make("BASED_ON", NEW_ACTOR, EVENT2),
        Edge.make("BASED_ON", MASS, EVENT3), Edge.make("POINTS_TO", NEW_ACTOR, data.MILITIA)]


def extra_nodes() -> list[Node]:
    """The second country, more events, a location and the risk scores."""
    return [
        Node.make(QZB, name="Qazbekia", notation="QZB", monitored=False),
        Node.make(QZB_ASSESSMENT, name="Qazbekia, June 2019", date=dt.date(2019, 6, 30),
                  status="published", overall_risk=1, risk_trend="stable", authors=["Test team"]),
        Node.make("rec/QZB-2019-06/r1", name="Freeze the assets of the militia's financiers",
                  status="implemented", priority="high",
                  outcome="Assets frozen in 2020; recruitment fell."),
        Node.make("rec/QZB-2019-06/r2", name="Embargo arms to the border guards",
                  status="rejected", outcome="Vetoed."),
        Node.make(LOCATION, name="Valley district", admin1="Valley", latitude=1.5, longitude=2.5),
        Node.make(EVENT2, date=dt.date(2024, 3, 10), fatalities=5, dataset="ACLED",
                  source_event_id="QZA2", event_type="Violence against civilians",
                  sub_event_type="Attack", civilian_targeting=True, iso3="QZA", area="Valley"),
        Node.make(EVENT3, date=dt.date(2024, 5, 20), fatalities=30, dataset="UCDP-GED",
                  source_event_id="QZA3", event_type="one-sided violence", civilian_targeting=True,
                  iso3="QZA"),
        Node.make(EVENT4, date=dt.date(2024, 6, 15), fatalities=0, dataset="ACLED",
                  source_event_id="QZB4", event_type="Protests", sub_event_type="Peaceful protest",
                  iso3="QZB"),
        Node.make("score/ewp-QZA-2023", name="EWP 2023 QZA", dataset="EWP", edition="2023",
                  window="2024-2025", risk=0.031, rank=20, date=dt.date(2023, 11, 1)),
        Node.make("score/ewp-QZA-2024", name="EWP 2024 QZA", dataset="EWP", edition="2024",
                  window="2025-2026", risk=0.052, rank=9, date=dt.date(2024, 11, 1)),
        Node.make("score/ewp-QZB-2024", name="EWP 2024 QZB", dataset="EWP", edition="2024",
                  window="2025-2026", risk=0.011, rank=60, date=dt.date(2024, 11, 1)),
        Node.make("score/other-QZB-2024", name="Other model QZB", dataset="OTHER", edition="2024",
                  window="2025", risk=0.2, rank=1, date=dt.date(2024, 12, 1)),
    ]


def extra_edges() -> list[Edge]:
    """Relationships of the extra nodes."""
    return [
        Edge.make("ASSESSES", QZB_ASSESSMENT, QZB),
        Edge.make("MAKES", QZB_ASSESSMENT, "rec/QZB-2019-06/r1"),
        Edge.make("MAKES", QZB_ASSESSMENT, "rec/QZB-2019-06/r2"),
        Edge.make("OF_OPTION", "rec/QZB-2019-06/r1", "option/targeted-sanctions"),
        Edge.make("OF_OPTION", "rec/QZB-2019-06/r2", "option/arms-embargo"),
        Edge.make("ADDRESSED_TO", "rec/QZB-2019-06/r1", REGIONAL_BODY),
        Edge.make("ADDRESSED_TO", "rec/QZB-2019-06/r2", REGIONAL_BODY),
        Edge.make("IN_COUNTRY", LOCATION, QZA),
        Edge.make("OCCURRED_IN", EVENT1, LOCATION),
        Edge.make("OCCURRED_IN", EVENT2, LOCATION),
        Edge.make("OCCURRED_IN", EVENT3, QZA),
        Edge.make("OCCURRED_IN", EVENT4, QZB),
        Edge.make("PERPETRATED", MILITIA, EVENT2),
        Edge.make("PERPETRATED", ARMY, EVENT2),
        Edge.make("PERPETRATED", ARMY, EVENT3),
        Edge.make("TARGETED", EVENT2, VALLEY),
        Edge.make("TARGETED", EVENT3, VALLEY),
        Edge.make("EVIDENCES", EVENT1, "ind/7.5"),
        Edge.make("EVIDENCES", EVENT2, "ind/11.1"),
        Edge.make("EVIDENCES", EVENT3, "ind/11.1"),
        Edge.make("SCORES", "score/ewp-QZA-2023", QZA),
        Edge.make("SCORES", "score/ewp-QZA-2024", QZA),
        Edge.make("SCORES", "score/ewp-QZB-2024", QZB),
        Edge.make("SCORES", "score/other-QZB-2024", QZB),
    ]


def build_world(store: GraphStore) -> None:
    """Write the whole fixture graph into an empty store."""
    init_store(store)
    store.write(data.world_nodes(), data.world_edges())
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(reference.reference().countries, "QZA", "Qaziria")
        for path in ASSESSMENT_FILES:
            records = list(assessment.read(path))
            store.write([r for r in records if isinstance(r, Node)],
                        [r for r in records if isinstance(r, Edge)])
    store.write(extra_nodes(), extra_edges())
    store.write(early_warning_nodes(), early_warning_edges())
