"""Known answers of the map queries on the fixture graph (``world.py``); ``test_named`` runs them
on every backend with the other named queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.base import GraphStore
from queries.registry import execute, get
from tests.queries.world import EVENT1, EVENT2, MASS, NEW_ACTOR, QZA, QZB, SURGE

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


def map_country_levels(s: GraphStore) -> None:
    rows = {r["country"]: r for r in run(s, "map_country_levels", as_of=LATE)}
    qza, qzb = rows[QZA], rows[QZB]
    assert (qza["overall_risk"], qza["risk_trend"], qza["assessed_on"], qza["monitored"]) == (3, "rising",
                                                                                             D(2024, 7, 31), True)
    assert (qza["score_risk"], qza["score_rank"], qza["region"]) == (0.052, 9, "region/test-region")
    assert (qzb["overall_risk"], qzb["score_risk"], qzb["monitored"]) == (1, 0.2, False)
    # the shapes' key: ISO numeric codes from the vocabulary, none for Kosovo
    assert rows["country/RWA"]["iso_numeric"] == "646" and rows["country/XKX"]["iso_numeric"] is None
    early = {r["country"]: r for r in run(s, "map_country_levels", as_of=D(2024, 1, 31))}
    assert pick([early[QZA]], "assessed_on", "overall_risk", "score_rank") == [(D(2024, 1, 31), 2, 20)]


def map_event_summary(s: GraphStore) -> None:
    [row] = run(s, "map_event_summary", country=QZA, date_to=LATE)
    assert pick([row], "events", "fatalities", "first_date", "last_date", "dataset_versions") == [
        (3, 47, D(2019, 12, 3), D(2024, 5, 20), [])]  # the fixture's events carry no dataset version
    assert (row["min_latitude"], row["max_longitude"]) == (1.5, 2.5)  # the box of the country's places
    [recent] = run(s, "map_event_summary", country=QZA, date_from=D(2024, 1, 1), date_to=LATE)
    assert pick([recent], "events", "fatalities") == [(2, 35)]
    [none] = run(s, "map_event_summary", country=QZB, date_from=D(2030, 1, 1), date_to=D(2030, 2, 1))
    assert none["events"] == 0 and none["min_latitude"] is None  # no event, no place


def map_event_points(s: GraphStore) -> None:
    rows = run(s, "map_event_points", country=QZA, date_to=LATE)
    assert pick(rows, "event", "latitude", "longitude", "place", "area", "fatalities") == [
        (EVENT1, 1.5, 2.5, "Valley district", "Valley", 12), (EVENT2, 1.5, 2.5, "Valley district", "Valley", 5)]
    assert rows[1]["sub_event_type"] == "Attack" and rows[1]["civilian_targeting"] is True
    assert run(s, "map_event_points", country=QZB, date_to=LATE) == []  # its event has no place


def map_event_grid(s: GraphStore) -> None:
    rows = run(s, "map_event_grid", country=QZA, date_to=LATE, cell=100)
    assert [(int(r["cell_y"]), int(r["cell_x"]), r["events"]) for r in rows] == [(1, 2, 1), (1, 2, 1)]
    assert sorted(r["fatalities"] for r in rows) == [5, 12] and rows[0]["sub_event_type"] == "Attack"
    assert [(r["latitude_micro"], r["longitude_micro"]) for r in rows] == [(1_500_000, 2_500_000)] * 2
    fine = run(s, "map_event_grid", country=QZA, date_to=LATE, cell=25)
    assert {(int(r["cell_y"]), int(r["cell_x"])) for r in fine} == {(6, 10)}


def map_alerts_of_country(s: GraphStore) -> None:
    rows = run(s, "map_alerts_of_country", country=QZA, date_to=LATE)
    assert pick(rows, "alert", "evidence_events", "located_events", "latitude_micro", "longitude_micro") == [
        (MASS, 1, 0, None, None), (SURGE, 1, 0, None, None), (NEW_ACTOR, 1, 1, 1_500_000, 2_500_000)]
    later = run(s, "map_alerts_of_country", country=QZA, date_from=D(2024, 4, 1), date_to=D(2024, 6, 30))
    assert [r["alert"] for r in later] == [SURGE]
    assert run(s, "map_alerts_of_country", country=QZB, date_to=LATE) == []


MAP_ANSWERS = [map_country_levels, map_event_summary, map_event_points, map_event_grid, map_alerts_of_country]
