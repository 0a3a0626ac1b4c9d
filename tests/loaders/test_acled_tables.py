"""The column-wise ACLED chunks on hand-checkable rows: duplicates (in a batch and across batches),
places shared by several rows, Kosovo's rows (ISO code 0) as XKX, row hashes, and re-loads that
write only the rows that changed, including a row whose links alone changed."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import loaders.reference
from graph import ladybug_bulk
from graph.base import GraphStore
from graph.bulk import Bulk
from graph.datasets import scope_text, version_node
from graph.editorial import file_hash
from graph.ingest import load_dataset
from graph.registry import open_store
from loaders import acled
from loaders.actors import AliasTable
from tests.loaders.stores import base_store, settings  # noqa: F401 - the fixture

HEADER = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "inter1", "actor2", "inter2",
          "civilian_targeting", "iso", "country", "admin1", "admin2", "location", "latitude", "longitude",
          "geo_precision", "notes", "fatalities", "timestamp"]
VAC = ("Violence against civilians", "Attack")
BATTLE = ("Battles", "Armed clash")


def row(event: str, kind: tuple[str, str], actor1: str, *, place: str = "Village A", lat: str = "10.5",
        precision: str = "1", iso: str = "999", country: str = "Qaziria", actor2: str = "", fatalities: str = "0",
        stamp: str = "1") -> list[str]:
    civilians = kind[0] == "Violence against civilians"
    return [event, "2024-01-05", *kind, actor1, "Identity militia", actor2 or ("Civilians" if civilians else ""),
            "Civilians" if civilians else ("Identity militia" if actor2 else ""), "Civilian targeting" if civilians else "",
            iso, country, "North", "Upper Valley", place, lat if place or lat else "", "20.25" if lat else "",
            precision, f"Row {event}.", fatalities, stamp]


ROWS = [
    row("Q1", VAC, "Night Riders"),
    row("Q2", BATTLE, "Night Riders", actor2="Hill Front", precision="3"),      # same place, other precision
    row("Q1", BATTLE, "Someone Else"),                                          # duplicate id: left out
    row("Q3", VAC, "Hill Front", place="Village B"),
    row("Q4", ("Protests", "Peaceful protest"), "Protesters (Qaziria)", place="", lat=""),  # no place: the country
    row("K1", VAC, "Police Forces of Serbia", iso="0", country="Kosovo", place="Meja", lat="42.4"),
]


@pytest.fixture(autouse=True)
def qaziria(monkeypatch: pytest.MonkeyPatch) -> None:
    ref = loaders.reference.reference()
    monkeypatch.setitem(ref.countries, "QZA", "Qaziria")
    monkeypatch.setitem(ref.iso_numeric, "999", "QZA")


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def chunks(path: Path, block_size: int | None = None) -> list[Bulk]:
    source = acled.open_acled(path)
    if block_size:
        source.block_size = block_size
    return list(acled.chunks(source, AliasTable({}, {})))


def table(parts: list[Bulk], label: str) -> list[dict[str, Any]]:
    found = [c.node_tables[label] for c in parts if label in c.node_tables]
    return pa.concat_tables(found, promote_options="default").to_pylist() if found else []


def links(parts: list[Bulk], rel: str) -> list[tuple[str, str]]:
    return sorted((r["from"], r["to"]) for c in parts for et in c.edge_tables if et.type == rel
                  for r in et.table.to_pylist())


def test_rows_become_events_places_actors_and_links(tmp_path: Path) -> None:
    parts = chunks(write(tmp_path / "a.csv", ROWS))
    events = {e["id"]: e for e in table(parts, "Event")}
    assert sorted(events) == ["event/acled-K1", "event/acled-Q1", "event/acled-Q2", "event/acled-Q3",
                              "event/acled-Q4"]
    assert events["event/acled-Q1"]["event_type"] == "Violence against civilians"  # the first Q1 row
    assert events["event/acled-K1"]["iso3"] == "XKX"
    places = table(parts, "Location")
    assert sorted(p["name"] for p in places) == ["Meja", "Village A", "Village B"]
    village_a = next(p for p in places if p["name"] == "Village A")
    assert village_a["geo_precision"] == 1                                       # the first row's
    occurred = dict(links(parts, "OCCURRED_IN"))
    assert occurred["event/acled-Q1"] == occurred["event/acled-Q2"] == village_a["id"]
    assert occurred["event/acled-Q4"] == "country/QZA"
    assert occurred["event/acled-K1"].startswith("location/xkx-")
    assert (occurred["event/acled-K1"], "country/XKX") in links(parts, "IN_COUNTRY")
    assert len(links(parts, "IN_COUNTRY")) == 3
    assert links(parts, "PERPETRATED") == [
        ("actor/hill-front", "event/acled-Q2"), ("actor/hill-front", "event/acled-Q3"),
        ("actor/night-riders", "event/acled-Q1"), ("actor/night-riders", "event/acled-Q2"),
        ("actor/police-forces-of-serbia", "event/acled-K1")]
    assert sorted(a["id"] for a in table(parts, "Actor")) == [
        "actor/hill-front", "actor/night-riders", "actor/police-forces-of-serbia"]
    assert links(parts, "TARGETED") == [("event/acled-K1", "group/civilians-xkx"),
                                        ("event/acled-Q1", "group/civilians-qza"),
                                        ("event/acled-Q3", "group/civilians-qza")]
    assert ("group/civilians-xkx", "country/XKX") in links(parts, "LIVES_IN")


def test_batches_give_the_same_tables_as_one_batch(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", ROWS)
    whole, small = chunks(path), chunks(path, block_size=300)
    assert len(small) > 2
    for label in ("Event", "Location", "Actor", "VictimGroup"):
        assert sorted(table(small, label), key=str) == sorted(table(whole, label), key=str), label
    for rel in ("OCCURRED_IN", "IN_COUNTRY", "PERPETRATED", "OPERATES_IN", "TARGETED", "LIVES_IN", "EVIDENCES"):
        assert links(small, rel) == links(whole, rel), rel


def test_the_row_hash_follows_the_derived_row_and_its_links(tmp_path: Path) -> None:
    def hashes(rows: list[list[str]], header: list[str] = HEADER) -> dict[str, int]:
        return {e["id"]: e["row_hash"] for e in table(chunks(write(tmp_path / "h.csv", rows, header)), "Event")}

    first = hashes(ROWS)
    assert len(set(first.values())) == len(first)
    assert hashes([r[:-1] + ["99"] for r in ROWS]) == first                     # a column nothing comes from
    order = list(reversed(range(len(HEADER))))
    assert hashes([[r[i] for i in order] for r in ROWS], [HEADER[i] for i in order]) == first
    fatal = hashes([ROWS[0][:18] + ["5"] + ROWS[0][19:], *ROWS[1:]])
    actor = hashes([ROWS[0][:4] + ["Hill Front"] + ROWS[0][5:], *ROWS[1:]])
    for changed in (fatal, actor):
        assert {k for k in first if changed[k] != first[k]} == {"event/acled-Q1"}


@pytest.fixture
def store(base_store: Path, tmp_path: Path) -> Iterator[GraphStore]:  # noqa: F811
    copy = tmp_path / "akg.lbug"
    shutil.copy(base_store, copy)
    s = open_store(settings(copy))
    yield s
    s.close()


def load(store: GraphStore, path: Path) -> tuple[int, int, int, int]:
    source = acled.open_acled(path)
    rows, _ = acled.check(source)
    version = version_node("ACLED", file_hash(path), scope=scope_text(), file=path.name, rows=rows,
                           accessed=dt.date(2025, 1, 1))
    _, s = load_dataset(store, acled.chunks(source, AliasTable.from_store(store)), version, "Event")
    return s.nodes_created, s.nodes_updated, s.nodes_unchanged, s.nodes_removed


def perpetrators(store: GraphStore) -> list[list[str]]:
    return store.run_read("MATCH (a:Actor)-[:PERPETRATED]->(e:Event) RETURN e.id, a.id ORDER BY e.id, a.id").rows


def test_a_reload_writes_only_new_changed_and_removed_rows(store: GraphStore, tmp_path: Path) -> None:
    # events, places, actors, groups, and the version with its log entry
    assert load(store, write(tmp_path / "v1.csv", ROWS)) == (5 + 3 + 3 + 2 + 2, 0, 0, 0)
    before = perpetrators(store)
    # Q1's actor changes (its Event columns do not), Q3 is gone, Q5 is new, the rest only get a new timestamp
    v2 = [ROWS[0][:4] + ["Hill Front"] + ROWS[0][5:], *(r[:-1] + ["2"] for r in ROWS[1:3]), *ROWS[4:],
          row("Q5", VAC, "Night Riders")]
    created, updated, unchanged, removed = load(store, write(tmp_path / "v2.csv", v2))
    # Q5 (and the version with its log entry); Q1; Q2, Q4, K1 (and the place and group Q1 and Q5 name,
    # and the two shared nodes only the unchanged rows name: skipped, so counted unchanged); Q3
    assert (created, updated, unchanged, removed) == (1 + 2, 1, 3 + 2 + 2, 1)
    after = perpetrators(store)
    assert ["event/acled-Q1", "actor/hill-front"] in after and ["event/acled-Q1", "actor/night-riders"] not in after
    assert [r for r in after if r[0] not in ("event/acled-Q1", "event/acled-Q5")] == \
        [r for r in before if r[0] not in ("event/acled-Q1", "event/acled-Q3")]
    versions = store.run_read("MATCH (e:Event) RETURN DISTINCT e.dataset_version").rows
    assert len(versions) == 1                                                   # every event is the new version's
    # the same rows once more, in another file: nothing is written (the five events and the four shared
    # nodes they name are unchanged)
    assert load(store, write(tmp_path / "v3.csv", [r[:-1] + ["3"] for r in v2])) == (0 + 2, 0, 5 + 4, 0)
    assert perpetrators(store) == after


def test_the_switch_tests_the_stored_ids_a_slice_at_a_time(base_store: Path, tmp_path: Path,  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # Ladybug's switch (graph.ladybug_bulk): the five stored events in slices of two, one of them gone
    monkeypatch.setattr(ladybug_bulk, "SWITCH_SLICE", 2)
    copy = tmp_path / "akg.lbug"
    shutil.copy(base_store, copy)
    store = open_store(settings(copy))
    try:
        test_a_reload_writes_only_new_changed_and_removed_rows(store, tmp_path)
    finally:
        store.close()


@pytest.mark.parametrize("known", [True, False], ids=["larger-on-disk", "batches-larger"])
def test_a_file_too_large_to_keep_is_read_again_in_smaller_blocks(tmp_path: Path, known: bool) -> None:
    """The first pass keeps its batches while they fit; past that the second pass reads the file
    again with ``reread_block`` (a different batching) and derives the same tables. A file larger
    on disk than ``keep`` is known to be too large before it is read: both passes read it in
    ``reread_block`` blocks and neither keeps anything."""
    path = write(tmp_path / "a.csv", [*ROWS, *(row(f"R{i}", VAC, "Night Riders", place=f"Village {i}")
                                             for i in range(40))])
    kept = acled.open_acled(path)
    kept.block_size = 600
    assert acled.check(kept)[0] and kept._complete                  # every batch kept: no second read
    reread = acled.open_acled(path)
    size = path.stat().st_size
    # the batches hold the text and four bytes of offset per cell: more than the file's size
    reread.block_size, reread.keep, reread.reread_block = 600, (1500 if known else size + 1), 250
    sizes: list[int] = []
    original = reread._read

    def spy(block_size: int) -> Iterator[tuple[int, pa.RecordBatch]]:
        sizes.append(block_size)
        return original(block_size)

    reread._read = spy  # type: ignore[method-assign]
    acled.check(reread)
    assert not reread._complete and reread._too_large and reread._kept is None
    again, whole = list(acled.chunks(reread, AliasTable({}, {}))), list(acled.chunks(kept, AliasTable({}, {})))
    assert sizes == ([250, 250] if known else [600, 250])
    for label in ("Event", "Location", "Actor", "VictimGroup"):
        assert sorted(table(again, label), key=str) == sorted(table(whole, label), key=str), label
    for rel in ("OCCURRED_IN", "PERPETRATED", "TARGETED"):
        assert links(again, rel) == links(whole, rel), rel
