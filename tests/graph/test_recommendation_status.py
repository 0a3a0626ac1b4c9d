"""Recording a recommendation's status change: coded outcomes from the vocabulary, a dated
history that lessons learnt read, and clear errors that write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.base import GraphStore
from graph.recommendation_status import RecommendationNotFound, change_status
from ontology.errors import InvalidRecord
from queries import run
from queries.lessons import lessons
from tests.queries.world import build_world

REC = "rec/QZB-2019-06/r2"  # arms embargo, rejected by QZB-2019-06 (30 June 2019)
OPTION = "option/arms-embargo"


@pytest.fixture
def world_store(store: GraphStore) -> GraphStore:
    build_world(store)
    return store


def _stats(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    s = store.stats()
    return dict(s.nodes), dict(s.relationships)


def test_a_status_change_is_coded_dated_and_counted_once(world_store: GraphStore) -> None:
    done = change_status(world_store, "QZB-2019-06/r2", "adopted", date=dt.date(2021, 3, 1),
                         source="test-report-1", note="Embargo adopted after all", outcome="partly")
    assert done.id == "status-change/QZB-2019-06/r2/2021-03-01-adopted" and done.cites == "source/test-report-1"
    case = next(c for c in lessons(world_store, [OPTION])[OPTION].cases if c.recommendation == REC)
    assert (case.status, case.outcome_code, case.coded_on, case.citation) == (
        "adopted", "partly", dt.date(2021, 3, 1), "test-report-1")
    assert [h["status"] for h in case.history] == ["rejected", "adopted"]
    later = change_status(world_store, REC, "implemented", date=dt.date(2022, 1, 10), source="UN doc S/2022/1",
                          outcome="effective")
    assert later.cites is None  # a reference, not a Source of the graph
    found = lessons(world_store, [OPTION])[OPTION]
    assert sum(found.totals.values()) == len(found.cases) == 2  # still one case per recommendation
    rows = run(world_store, "lessons_learnt", option=OPTION)
    first: dict[str, Any] = dict(rows[0])
    assert (first["recommendation"], first["status"], first["outcome_code"]) == (REC, "implemented", "effective")
    assert rows[0]["option_summary"] == "used in 2 cases: 1 effective, 1 uncoded"
    # what was known before the change
    before = lessons(world_store, [OPTION], dt.date(2020, 1, 1))[OPTION]
    assert next(c for c in before.cases if c.recommendation == REC).status == "rejected"


def test_recording_the_same_change_again_changes_nothing(world_store: GraphStore) -> None:
    change_status(world_store, REC, "adopted", date=dt.date(2021, 3, 1), source="test-report-1")
    counts = _stats(world_store)
    again = change_status(world_store, REC, "adopted", date=dt.date(2021, 3, 1), source="test-report-1")
    assert again.summary.changes == 0 and _stats(world_store) == counts


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"status": "proposed", "outcome": "partly"}, "outcome", "a proposed recommendation has no outcome"),
    ({"status": "adopted", "outcome": "great"}, "outcome", "'great' is not one of effective, partly"),
    ({"status": "shelved"}, "status", "'shelved' is not one of proposed"),
    ({"status": "adopted", "date": dt.date(2019, 1, 1)}, "date", "before assessment/QZB-2019-06"),
    ({"status": "adopted", "source": " "}, "source", "give the source"),
])
def test_bad_changes_are_refused_and_write_nothing(world_store: GraphStore, kwargs: dict[str, object], field: str,
                                                  message: str) -> None:
    counts = _stats(world_store)
    args: dict[str, object] = {"date": dt.date(2021, 3, 1), "source": "test-report-1", **kwargs}
    status = str(args.pop("status"))
    with pytest.raises(InvalidRecord) as caught:
        change_status(world_store, REC, status, **args)  # type: ignore[arg-type]
    assert field in caught.value.errors and message in "; ".join(caught.value.errors[field])
    assert _stats(world_store) == counts


def test_unknown_recommendation_names_the_nearest(world_store: GraphStore) -> None:
    with pytest.raises(RecommendationNotFound, match=r"no recommendation with id rec/QZB-2019-06/r9; did you mean"):
        change_status(world_store, "QZB-2019-06/r9", "adopted", date=dt.date(2021, 3, 1), source="x")


def test_each_new_change_is_logged_once_with_who(world_store: GraphStore) -> None:
    from graph import audit
    change_status(world_store, REC, "adopted", date=dt.date(2021, 3, 1), source="test-report-1", by="desk")
    change_status(world_store, REC, "adopted", date=dt.date(2021, 3, 1), source="test-report-1", by="desk")
    entries = audit.read_log(world_store, target=REC)
    assert [(e["action"], e["by"], e["created"]) for e in entries] == [("recommendation-status", "desk", 1)]
    assert entries[0]["details"] == ["adopted on 2021-03-01; source test-report-1"]
