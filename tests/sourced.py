"""A small graph with sources, dataset versions and illustrative data, for the provenance tests.

Vocabularies; the fictional Qaziria (QZA) with its assessment ``tests/fixtures/assessments/
QZA-2024-01.yaml`` (one graded source cited by every finding, role, relationship and trigger);
the ACLED fixture file (plus one made-up battle two months before the assessment, so that the
planner finds a USHMM effectiveness factor present) and the UCDP GED fixture file, loaded as
*illustrative* dataset versions; one made-up
Early Warning Project score for QZA (illustrative); the USHMM Tools for Atrocity Prevention
fixture (evidence for the planner); and a second fictional country, Qazbekia (QZB), assessed by
``QZB-2024-05.yaml`` (two graded sources, an unverified indicator) but with no events and no
score, so pages about it must show no "illustrative data" banner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import loaders.reference
import loaders.ucdp
from cli.admin import init_store
from graph.base import GraphStore
from graph.bulk import Bulk
from graph.datasets import version_node
from graph.editorial import file_hash, file_writer
from graph.ingest import load_dataset, load_files, split
from graph.records import Edge, Node
from loaders import acled, assessment, ucdp, ushmm
from loaders.actors import AliasTable

FIX = Path(__file__).resolve().parent / "fixtures"
QZA, QZB = "country/QZA", "country/QZB"
SOURCE = "source/qz-monitor-2023-12"
SCORE = "score/test-ewp-QZA-2024"
ACCESSED = dt.date(2025, 1, 15)


@contextmanager
def qaziria() -> Iterator[None]:
    """The fictional countries in the reference tables while loading."""
    ref = loaders.reference.reference()
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(ref.countries, "QZA", "Qaziria")
        mp.setitem(ref.countries, "QZB", "Qazbekia")
        mp.setitem(ref.iso_numeric, "999", "QZA")
        mp.setitem(loaders.ucdp._NAMES, "qaziria", "QZA")
        loaders.ucdp.iso3_of.cache_clear()
        try:
            yield
        finally:
            loaders.ucdp.iso3_of.cache_clear()


EXTRA_ACLED_ROW = ("QZA1000,2023-11-20,2023,1,Political violence,Battles,Armed clash,Qaziria Armed Forces,,"
                   "State forces,Hill Front,,Rebel group,State forces-Rebel group,,999,Test Region,Qaziria,South,"
                   "Lowland,,Town B,11.0,21.0,2,Test Monitor,National,Synthetic clash before the assessment.,3,,"
                   "1700438400\n")


def build(store: GraphStore, tmp: Path) -> None:
    """Write the graph described in the module docstring into an empty store (``tmp``: a scratch folder)."""
    events = tmp / "acled_sourced.csv"
    events.write_text((FIX / "acled" / "acled_sample.csv").read_text(encoding="utf-8") + EXTRA_ACLED_ROW,
                      encoding="utf-8")
    with qaziria():
        init_store(store)
        store.write([Node.make(QZA, name="Qaziria", notation="QZA", monitored=True),
                     Node.make(QZB, name="Qazbekia", notation="QZB", monitored=True)], [])
        results = load_files(store, [FIX / "assessments" / "QZA-2024-01.yaml",
                                     FIX / "assessments" / "QZB-2024-05.yaml"], assessment.read,
                             write=file_writer(by="tests"))
        assert [r.problems for r in results if not r.loaded] == []
        for name, module, path in (("ACLED", acled, events),
                                   ("UCDP-GED", ucdp, FIX / "ucdp" / "ucdp_ged_sample.csv")):
            source = acled.open_acled(path) if module is acled else ucdp.open_ucdp(path)
            rows, bad = module.check(source)
            version = version_node(name, file_hash(path), scope="all", file=path.name, rows=rows - len(bad),
                                   accessed=ACCESSED, version="test", illustrative=True)
            load_dataset(store, module.chunks(source, AliasTable.from_store(store), skip_lines={b.line for b in bad}),
                         version, "Event", by="tests")
        score = Node.make(SCORE, name="EWP 2024 QZA (made up)", dataset="EWP", edition="2024", risk=0.052, rank=9,
                          date=dt.date(2024, 11, 1))
        digest = hashlib.sha256(b"made-up EWP score for QZA").hexdigest()
        version = version_node("EWP", digest, scope="edition=2024", file="made-up.csv", rows=1, accessed=ACCESSED,
                               version="2024", illustrative=True)
        load_dataset(store, [Bulk([score], [Edge.make("SCORES", SCORE, QZA)])], version, "RiskScore", by="tests")
        nodes, edges = split(ushmm.read(FIX / "ushmm" / "all_factors_3.csv"))
        store.write(nodes, edges)
