"""Series (hand-computed), each signal kind, thresholds files, incremental refresh and the alert
workflow; UCDP date-times and Kosovo on real UCDP GED rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from graph.base import GraphStore
from graph.ingest import load_bulk
from graph.records import Node
from loaders import acled, series, ucdp
from loaders.actors import AliasTable
from loaders.early_warning import AlertNotFound, refresh, set_status, touched_windows
from loaders.event_frame import EventFrames
from loaders.signals import AlertDraft, evaluate
from loaders.thresholds import DEFAULTS, Thresholds, load_thresholds, parse_thresholds
from ontology.errors import InvalidRecord, SourceFormatError
from tests.loaders.stores import base_store, store  # noqa: F401 - fixtures

FIX = Path(__file__).resolve().parents[1] / "fixtures"
GLOBAL = FIX / "ucdp" / "ged231_global_sample.csv"
D = dt.date


def frames(rows: list[dict[str, Any]], actors: list[tuple[str, str]] = (),  # type: ignore[assignment]
           groups: list[tuple[str, str]] = (), indicators: list[tuple[str, str]] = ()) -> EventFrames:  # type: ignore[assignment]
    base = {"iso3": "QZA", "area": None, "dataset": "UCDP-GED", "event_type": "state-based conflict",
            "sub_event_type": None, "disorder_type": None, "civilian_targeting": False, "fatalities": 1,
            "civilian_deaths": None}
    ev = pd.DataFrame([{**base, **r} for r in rows])
    ev["date"] = pd.to_datetime(ev["date"])
    return EventFrames(ev, pd.DataFrame(list(actors), columns=["id", "actor"]),
                       pd.DataFrame(list(groups), columns=["id", "group"]),
                       pd.DataFrame(list(indicators), columns=["id", "indicator"]))


# ------------------------------------------------------------------------------------------ series
def test_series_by_hand() -> None:
    f = frames([
        {"id": "a", "date": "2024-01-01", "area": "North", "fatalities": 4, "civilian_targeting": True,
         "event_type": "one-sided violence", "civilian_deaths": 4},
        {"id": "b", "date": "2024-01-31", "area": "South", "fatalities": 10},
        {"id": "c", "date": "2024-02-05", "area": "North", "fatalities": 0, "dataset": "ACLED",
         "event_type": "Violence against civilians", "sub_event_type": "Sexual violence",
         "disorder_type": "Political violence", "civilian_targeting": True}],
        actors=[("a", "actor/x"), ("b", "actor/x"), ("b", "actor/y"), ("c", "actor/y")],
        groups=[("a", "group/g"), ("c", "group/g")], indicators=[("a", "ind/11.1"), ("c", "ind/7.9")])
    p = series.compute(f)

    def get(gran: str, dim: str, key: str) -> list[tuple[str, int, int, int, int]]:
        sel = p[(p.granularity == gran) & (p.dimension == dim) & (p.slice == key)]
        return [tuple(r) for r in sel[["period_start", "event_count", "fatality_count", "civilian_event_count",
                                       "civilian_death_count"]].values.tolist()]
    assert get("month", "all", "*") == [("2024-01-01", 2, 14, 1, 4), ("2024-02-01", 1, 0, 1, 0)]
    assert get("month", "admin1", "North") == [("2024-01-01", 1, 4, 1, 4), ("2024-02-01", 1, 0, 1, 0)]
    assert get("month", "actor", "actor/x") == [("2024-01-01", 2, 14, 1, 4)]
    assert get("month", "actor", "actor/y") == [("2024-01-01", 1, 10, 0, 0), ("2024-02-01", 1, 0, 1, 0)]
    assert get("month", "group", "group/g") == [("2024-01-01", 1, 4, 1, 4), ("2024-02-01", 1, 0, 1, 0)]
    assert get("month", "indicator", "ind/7.9") == [("2024-02-01", 1, 0, 1, 0)]
    assert get("month", "category", "violence-against-civilians") == [("2024-01-01", 1, 4, 1, 4),
                                                                      ("2024-02-01", 1, 0, 1, 0)]
    assert get("month", "category", "sexual-violence") == [("2024-02-01", 1, 0, 1, 0)]
    assert get("month", "category", "battles") == [("2024-01-01", 1, 10, 0, 0)]
    # ISO weeks start on Monday: 2024-01-01 is a Monday, 2024-01-31 a Wednesday, 2024-02-05 a Monday
    assert get("week", "all", "*") == [("2024-01-01", 1, 4, 1, 4), ("2024-01-29", 1, 10, 0, 0),
                                       ("2024-02-05", 1, 0, 1, 0)]
    assert p[(p.granularity == "week") & (p.dimension == "actor")].empty  # weekly only for all and category
    ids = series.point_ids(p)
    assert ids.is_unique and ids.iloc[0].startswith("series/QZA/month/")


# ------------------------------------------------------------------------------------------ signals
def quiet_history(months: int = 24, per_month: int = 5, **extra: Any) -> list[dict[str, Any]]:
    """``per_month`` events on the 10th of each month from January 2022, in area North."""
    out = []
    for m in range(months):
        day = (pd.Timestamp("2022-01-10") + pd.DateOffset(months=m)).date()
        out += [{"id": f"h{m}-{i}", "date": day.isoformat(), "area": "North", **extra} for i in range(per_month)]
    return out


def run(f: EventFrames, month: str = "2024-01-01", named: set[str] | None = None,
        **limits: float) -> list[AlertDraft]:
    first = f.events["date"].min().date()
    return evaluate(f, {"QZA": (D.fromisoformat(month), D.fromisoformat(month))}, {"QZA": first},
                    lambda _: {**DEFAULTS, **limits}, {"QZA": named or set()})


def kinds(alerts: list[AlertDraft]) -> list[tuple[str, str]]:
    return sorted((a.kind, a.slice) for a in alerts)


def test_surge_alerts_with_its_numbers() -> None:
    now = [{"id": f"n{i}", "date": "2024-01-15", "area": "North"} for i in range(30)]
    alerts = [a for a in run(frames(quiet_history() + now)) if a.kind == "surge"]
    whole = next(a for a in alerts if a.dimension == "all")
    assert (whole.observed, whole.baseline) == (30.0, 5.0)
    assert whole.tail_probability is not None and whole.tail_probability < 1e-9
    assert "30 events (all events) in 1 month(s) against 5.0 expected" in whole.explanation
    assert sorted(whole.evidence) == sorted(f"n{i}" for i in range(30))
    assert whole.id.startswith("alert/QZA-surge-2024-01-") and whole.id in {a.id for a in alerts}
    assert {a.dimension for a in alerts} == {"all", "admin1", "category"}


def test_quiet_country_does_not_alert_on_0_to_2() -> None:
    now = [{"id": f"n{i}", "date": "2024-01-15"} for i in range(2)]
    history = [{"id": "old", "date": "2022-01-10"}]
    assert [a for a in run(frames(history + now)) if a.kind == "surge"] == []
    # a low minimum lets the same jump through: the floor is what keeps it quiet
    low = [(a.dimension, a.slice) for a in run(frames(history + now), surge_min_events=2) if a.kind == "surge"]
    assert ("all", "*") in low


def test_short_history_never_alerts() -> None:
    f = frames(quiet_history(months=6) + [{"id": f"n{i}", "date": "2022-07-15"} for i in range(60)])
    assert run(f, "2022-07-01") == []


def test_civilian_share_rising() -> None:
    now = [{"id": f"n{i}", "date": "2024-01-15", "civilian_targeting": i < 8, "event_type":
            "one-sided violence" if i < 8 else "state-based conflict"} for i in range(10)]
    hist = quiet_history(per_month=10)
    alerts = [a for a in run(frames(hist + now)) if a.kind == "civilian-share"]
    assert len(alerts) == 1 and alerts[0].observed == 0.8 and alerts[0].baseline == 0.0
    assert len(alerts[0].evidence) == 8


def test_new_actor_and_new_named_group() -> None:
    now = [{"id": f"n{i}", "date": "2024-01-15"} for i in range(3)]
    f = frames(quiet_history() + now, actors=[(f"n{i}", "actor/new") for i in range(3)] + [("h0-0", "actor/old"),
               ("n0", "actor/old")], groups=[("n1", "group/named"), ("n2", "group/unnamed")])
    found = kinds(run(f, named={"group/named"}))
    assert ("new-actor", "actor/new") in found and ("new-group", "group/named") in found
    assert ("new-actor", "actor/old") not in found and ("new-group", "group/unnamed") not in found
    assert ("new-actor", "actor/new") not in kinds(run(f, new_actor_min_events=4))


def test_spread_to_new_areas() -> None:
    now = [{"id": f"n{a}{i}", "date": "2024-01-15", "area": a} for a in ("East", "West") for i in range(3)]
    alerts = [a for a in run(frames(quiet_history() + now)) if a.kind == "spread"]
    assert len(alerts) == 1 and alerts[0].slice == "East; West" and alerts[0].observed == 2
    assert [a for a in run(frames(quiet_history() + now), spread_min_new_areas=3) if a.kind == "spread"] == []


def test_mass_fatality() -> None:
    now = [{"id": "big", "date": "2024-01-15", "civilian_deaths": 40, "fatalities": 45},
           {"id": "small", "date": "2024-01-16", "civilian_deaths": 24, "fatalities": 24}]
    alerts = [a for a in run(frames(quiet_history() + now)) if a.kind == "mass-fatality"]
    assert len(alerts) == 1 and alerts[0].observed == 40 and alerts[0].evidence == ["big"]
    assert len([a for a in run(frames(quiet_history() + now), mass_fatality_civilian_deaths=20)
                if a.kind == "mass-fatality"][0].evidence) == 2


# ------------------------------------------------------------------------------------------ thresholds
def test_thresholds_resolve_defaults_region_country(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("defaults:\n  surge_min_events: 8\nregions:\n  middle-east:\n    surge_min_events: 20\n"
                    "countries:\n  SYR: {surge_min_events: 40, window_months: 3}\n", encoding="utf-8")
    t = load_thresholds(path)
    assert t.for_country("SYR")["surge_min_events"] == 40 and t.for_country("SYR")["window_months"] == 3
    assert t.for_country("IRQ")["surge_min_events"] == 20 and t.for_country("RWA")["surge_min_events"] == 8
    assert Thresholds().for_country("SYR") == DEFAULTS


@pytest.mark.parametrize(("text", "expected"), [
    ("defaults:\n  surge_min_events: -1\n", "t.yaml:2 defaults.surge_min_events: must not be negative (-1)"),
    ("defaults:\n  surge_probability: often\n", "t.yaml:2 defaults.surge_probability: must be a number, not 'often'"),
    ("defaults:\n  surge_probability: true\n", "t.yaml:2 defaults.surge_probability: must be a number, not True"),
    ("defaults:\n  surge_probability: 2\n", "t.yaml:2 defaults.surge_probability: must be between 0 and 1 (2)"),
    ("defaults:\n  baseline: 12\n", "t.yaml:2 defaults.baseline: unknown threshold (did you mean baseline_months?)"),
    ("default:\n  baseline_months: 12\n", "t.yaml:1 default: unknown section (known: defaults, regions, countries)"),
    ("regions:\n  narnia: {}\n", "t.yaml:2 regions.narnia: unknown region"),
    ("countries:\n  SYX:\n    surge_min_events: 3\n", "t.yaml:2 countries.SYX: unknown ISO3 country code"),
    ("- 1\n", "t.yaml:1: a thresholds file is a mapping with defaults, regions, countries"),
])
def test_thresholds_errors_name_file_and_line(text: str, expected: str) -> None:
    with pytest.raises(SourceFormatError) as err:
        parse_thresholds(text, "t.yaml")
    assert str(err.value).startswith(expected)


def test_every_error_of_a_file_is_reported_at_once() -> None:
    with pytest.raises(SourceFormatError) as err:
        parse_thresholds("defaults:\n  surge_min_events: -1\n  window_months: x\n", "t.yaml")
    assert len(err.value.problems) == 2


# ------------------------------------------------------------------------------------------ real UCDP rows
def test_ucdp_date_times_and_kosovo(store: GraphStore) -> None:  # noqa: F811
    source = ucdp.open_ucdp(GLOBAL)
    assert ucdp.check(source) == (1000, [])  # "2013-01-03 00:00:00.000" dates are accepted
    load_bulk(store, ucdp.chunks(source, AliasTable.from_store(store)))
    rows = store.run_read("MATCH (e:Event {id: 'event/ucdp-300380'}) RETURN e.date, e.iso3, e.area").rows
    assert rows == [[D(2013, 1, 3), "SYR", "Idlib governorate"]]
    kosovo = store.run_read("MATCH (e:Event) WHERE e.iso3 = 'XKX' RETURN e.area, count(*)").rows
    assert kosovo == [["Kosovo province", 3]]
    assert store.run_read("MATCH (e:Event) WHERE e.iso3 = 'SRB' RETURN count(*)").scalar() == 4
    assert store.run_read("MATCH (e:Event) WHERE e.iso3 IS NULL RETURN count(*)").scalar() == 0


def test_acled_kosovo_rows_are_xkx(tmp_path: Path, store: GraphStore) -> None:  # noqa: F811
    header = ",".join(acled.REQUIRED + ["admin1"])
    path = tmp_path / "acled.csv"
    path.write_text(header + "\nXKX1,1999-04-01,Violence against civilians,Attack,Police Forces of Serbia,"
                    "Civilians (Kosovo),0,Kosovo,Meja,42.4,20.37,30,Gjakove\n", encoding="utf-8")
    source = acled.open_acled(path)
    assert acled.check(source) == (1, [])
    load_bulk(store, acled.chunks(source, AliasTable.from_store(store)))
    assert store.run_read("MATCH (e:Event) RETURN e.iso3, e.area").rows == [["XKX", "Gjakove"]]


# ------------------------------------------------------------------------------------------ refresh
def ucdp_rows(path: Path, rows: list[tuple[str, str, str, int]]) -> Path:
    """A small GED file: (id, date_start as UCDP writes it, type_of_violence, best)."""
    head = ",".join(ucdp.REQUIRED + ["adm_1", "deaths_civilians"])
    body = "".join(f"{i},{t},Government of Syria,Civilians,Syria,{d},{d},{b},35.1,36.7,Idlib governorate,{b}\n"
                   for i, d, t, b in rows)
    path.write_text(head + "\n" + body, encoding="utf-8")
    return path


@pytest.fixture
def loaded(store: GraphStore, tmp_path: Path) -> Iterator[GraphStore]:  # noqa: F811
    history = [(f"{100 + m}", f"{2020 + m // 12}-{m % 12 + 1:02d}-10 00:00:00.000", "1", 2) for m in range(24)]
    load_into(store, ucdp_rows(tmp_path / "history.csv", history))
    yield store


def load_into(store: GraphStore, path: Path) -> dict[str, tuple[dt.date, dt.date]]:  # noqa: F811
    touched: dict[str, tuple[dt.date, dt.date]] = {}
    load_bulk(store, ucdp.chunks(ucdp.open_ucdp(path), AliasTable.from_store(store)),
              on_chunk=lambda chunk: touched_windows([chunk], touched))
    return touched


def test_refresh_is_incremental_and_keeps_decisions(loaded: GraphStore, tmp_path: Path) -> None:
    first = refresh(loaded, None, Thresholds())
    assert first.points > 0 and first.alerts == 0 and first.undated_events == 0
    count = "MATCH (s:SeriesPoint) WHERE s.granularity = 'month' AND s.dimension = 'all' RETURN count(*)"
    assert loaded.run_read(count).scalar() == 24
    # a new month with a mass killing: only that month is recomputed, and it alerts
    touched = load_into(loaded, ucdp_rows(tmp_path / "jan.csv", [("900", "2022-01-20 00:00:00.000", "3", 60)]))
    assert touched == {"SYR": (D(2022, 1, 20), D(2022, 1, 20))}
    second = refresh(loaded, touched, Thresholds())
    assert second.by_kind == {"mass-fatality": 1} and second.alerts_new == 1
    assert second.points < first.points  # the touched month only
    alert = loaded.run_read("MATCH (a:Alert)-[:BASED_ON]->(e:Event) RETURN a.id, a.alert_status, e.id").rows
    assert [r[1:] for r in alert] == [["new", "event/ucdp-900"]]
    set_status(loaded, alert[0][0], "dismissed", "reported; monitored elsewhere", today=D(2022, 2, 1))
    again = refresh(loaded, touched, Thresholds())
    assert again.alerts_new == 0
    assert loaded.run_read("MATCH (a:Alert) RETURN a.alert_status, a.status_reason, a.status_changed").rows == [
        ["dismissed", "reported; monitored elsewhere", D(2022, 2, 1)]]
    assert loaded.run_read(count).scalar() == 25


def test_refresh_writes_only_changes_and_recomputes_whole_months(loaded: GraphStore, tmp_path: Path) -> None:
    first = refresh(loaded, None, Thresholds())
    assert first.points_written == first.points > 0
    linked = "MATCH (s:SeriesPoint)-[:SERIES_OF]->(:Country {id: 'country/SYR'}) RETURN count(*)"
    assert loaded.run_read(linked).scalar() == first.points  # every point hangs off its country
    again = refresh(loaded, None, Thresholds())  # nothing changed: nothing is written or deleted
    assert (again.points, again.points_written, again.points_deleted, again.alerts_new) == (first.points, 0, 0, 0)
    # a late-June event next to the stored one of 10 June 2021: June is recomputed from both
    touched = load_into(loaded, ucdp_rows(tmp_path / "june.csv", [("950", "2021-06-25 00:00:00.000", "1", 5)]))
    third = refresh(loaded, touched, Thresholds())
    june = loaded.run_read("MATCH (s:SeriesPoint) WHERE s.granularity = 'month' AND s.dimension = 'all' "
                           "AND s.period_start = date('2021-06-01') RETURN s.event_count, s.fatality_count, "
                           "s.political_violence_count").rows
    assert june == [[2, 7, 2]]
    week = loaded.run_read("MATCH (s:SeriesPoint) WHERE s.granularity = 'week' AND s.dimension = 'all' "
                           "AND s.period_start = date('2021-06-21') RETURN s.event_count").rows
    assert week == [[1]]
    # new: the week of the 21st and its category weeks, the new slices; changed: June's other points
    assert 0 < third.points_written <= third.points and third.points_deleted == 0
    assert refresh(loaded, None, Thresholds()).points_written == 0  # the incremental result is the full one


def test_weekly_category_points_only_when_asked(loaded: GraphStore, tmp_path: Path) -> None:
    weekly = ("MATCH (s:SeriesPoint) WHERE s.granularity = 'week' AND s.dimension = $dimension "
              "RETURN s.period_start, s.slice, s.event_count, s.fatality_count, s.civilian_event_count, "
              "s.civilian_death_count, s.political_violence_count ORDER BY s.slice, s.period_start")
    plain = refresh(loaded, None, Thresholds())
    assert loaded.run_read(weekly, {"dimension": "all"}).rows  # the country's weekly totals always
    assert loaded.run_read(weekly, {"dimension": "category"}).rows == []
    months = loaded.run_read("MATCH (s:SeriesPoint) WHERE s.granularity = 'month' "
                             "RETURN s.id, s.event_count ORDER BY s.id").rows
    asked = refresh(loaded, None, Thresholds(), weekly_categories=True)
    stored = loaded.run_read(weekly, {"dimension": "category"}).rows
    assert stored and asked.points == plain.points + len(stored) and asked.points_written == len(stored)
    # computed from the events on request: what the refresh stores when asked
    on_request = series.weekly_points(loaded, "SYR", "category")
    assert [[r["period_start"], r["slice"], r["events"], r["fatalities"], r["civilian_events"], r["civilian_deaths"],
             r["political_violence_events"]] for r in on_request] == stored
    key, lo, hi = stored[0][1], stored[1][0] - dt.timedelta(days=1), stored[3][0] + dt.timedelta(days=1)
    one = series.weekly_points(loaded, "SYR", "category", key, lo, hi)
    assert [r["period_start"] for r in one] == [stored[1][0], stored[2][0], stored[3][0]]
    assert series.weekly_points(loaded, "QZZ", "category") == []
    # asked no more: the recomputed weeks (from the touched day's) get no category points, the others
    # keep theirs until they are recomputed; the monthly points are the same either way
    touched = load_into(loaded, ucdp_rows(tmp_path / "june.csv", [("950", "2021-06-25 00:00:00.000", "1", 5)]))
    assert refresh(loaded, touched, Thresholds()).points_deleted == 0  # no category point in those weeks yet
    left = loaded.run_read(weekly, {"dimension": "category"}).rows
    assert left == stored and series.weekly_points(loaded, "SYR", "category", "", D(2021, 6, 21), D(2021, 6, 21))
    again = refresh(loaded, None, Thresholds())
    assert loaded.run_read(weekly, {"dimension": "category"}).rows == [] and again.points_deleted == len(left)
    after = dict(loaded.run_read("MATCH (s:SeriesPoint) WHERE s.granularity = 'month' "
                                 "RETURN s.id, s.event_count ORDER BY s.id").rows)
    assert {k: v for k, v in after.items() if "2021-06" not in k} == {k: v for k, v in months if "2021-06" not in k}


def test_status_changes_refused(loaded: GraphStore) -> None:
    with pytest.raises(AlertNotFound):
        set_status(loaded, "alert/SYR-surge-2020-01-0000000000", "acknowledged")
    with pytest.raises(InvalidRecord, match="needs a reason"):
        set_status(loaded, "alert/SYR-surge-2020-01-0000000000", "dismissed")
    with pytest.raises(InvalidRecord, match="status must be one of"):
        set_status(loaded, "alert/SYR-surge-2020-01-0000000000", "closed")


def test_events_without_country_are_reported(loaded: GraphStore) -> None:
    loaded.write([Node.make("event/x-1", date=D(2021, 1, 1), dataset="csv")], [])
    assert refresh(loaded, None, Thresholds()).undated_events == 1
