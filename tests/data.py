"""The shared fictional world used by the contract, query, API and viz tests.

Everything here is invented: the country uses an ISO user-assigned code (QZA), the actors and
groups do not exist, and no real person is named.
"""

from __future__ import annotations

import datetime as dt

from graph.records import Edge, Node

COUNTRY = "country/QZA"
REGION = "region/test-region"
ARMY = "actor/qz-army"
MILITIA = "actor/qz-night-riders"
GOVERNMENT = "actor/qz-government"
REGIONAL_BODY = "actor/test-regional-body"
ARMS_CO = "actor/test-arms-co"
GROUP = "group/valley-people"
SOURCE = "source/test-report-1"
ASSESSMENT = "assessment/QZA-2020-01"
RF7 = "rf/RF7"
IND75 = "ind/7.5"
EVENT = "event/test-1"


def world_nodes() -> list[Node]:
    """Nodes of the fictional world."""
    return [
        Node.make(REGION, name="Test Region", position=9),
        Node.make(COUNTRY, name="Qaziria", notation="QZA", monitored=True, review_interval_months=6),
        Node.make(GOVERNMENT, name="Government of Qaziria", kind="government"),
        Node.make(ARMY, name="Qaziria Armed Forces", kind="state-security-force", aliases=["QAF"]),
        Node.make(MILITIA, name="Night Riders", kind="militia", aliases=["NR", "Riders of the Night"]),
        Node.make(REGIONAL_BODY, name="Test Regional Body", kind="regional-organisation"),
        Node.make(ARMS_CO, name="Test Arms Company", kind="company"),
        Node.make(GROUP, name="Valley People", basis="ethnic", protected=True,
                  population_estimate=250_000),
        Node.make(SOURCE, name="Test report", title="Test report", publisher="Test Monitor",
                  published=dt.date(2020, 1, 15), url="https://example.org/report",
                  reliability="B", credibility=2),
        Node.make(RF7, name="Enabling circumstances or preparatory action", notation="RF7",
                  position=7, scope="common", verified=True),
        Node.make(IND75, name="New militias or more support to them", notation="7.5",
                  position=5, verified=True),
        Node.make(ASSESSMENT, name="Qaziria, January 2020", date=dt.date(2020, 1, 31),
                  status="published", overall_risk=2, risk_trend="rising",
                  authors=["Test team"]),
        Node.make(EVENT, date=dt.date(2019, 12, 3), fatalities=12, dataset="ACLED",
                  source_event_id="QZA1", event_type="Violence against civilians",
                  civilian_targeting=True, iso3="QZA", area="Valley"),
    ]


def world_edges() -> list[Edge]:
    """Relationships of the fictional world."""
    return [
        Edge.make("IN_REGION", COUNTRY, REGION),
        Edge.make("OPERATES_IN", MILITIA, COUNTRY),
        Edge.make("COMMANDS", GOVERNMENT, ARMY, confidence="high", sources=[SOURCE],
                  valid_from=dt.date(2019, 1, 1)),
        Edge.make("SUPPORTS", ARMY, MILITIA, confidence="medium", sources=[SOURCE]),
        Edge.make("ARMS", ARMS_CO, MILITIA, confidence="low", sources=[SOURCE],
                  valid_from=dt.date(2019, 6, 1), valid_to=dt.date(2019, 12, 31)),
        Edge.make("THREATENS", MILITIA, GROUP, confidence="medium", sources=[SOURCE],
                  owners=[ASSESSMENT]),
        Edge.make("HAS_LEVERAGE_OVER", REGIONAL_BODY, GOVERNMENT, lever="economic"),
        Edge.make("LIVES_IN", GROUP, COUNTRY),
        Edge.make("OF_FACTOR", IND75, RF7),
        Edge.make("ASSESSES", ASSESSMENT, COUNTRY),
        Edge.make("FINDS", ASSESSMENT, RF7, level=2, trend="rising",
                  rationale="Militia recruitment reported", sources=[SOURCE]),
        Edge.make("OBSERVES", ASSESSMENT, IND75, evidence="Recruitment drives", sources=[SOURCE]),
        Edge.make("IDENTIFIES", ASSESSMENT, MILITIA, role="potential-perpetrator"),
        Edge.make("PERPETRATED", MILITIA, EVENT),
        Edge.make("TARGETED", EVENT, GROUP),
        Edge.make("CITES", ASSESSMENT, SOURCE),
    ]
