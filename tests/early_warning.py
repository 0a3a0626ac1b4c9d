"""A store with real UCDP GED events (Syria 2016-2019, CC BY 4.0) and their series and alerts, for
the early-warning tests of the API, pages and command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cli.admin import init_store
from graph.base import GraphStore
from graph.bulk import Bulk
from graph.ingest import load_bulk, load_files
from graph.ladybug_store import LadybugStore
from graph.settings import Settings
from loaders import assessment, ucdp
from loaders.actors import AliasTable
from loaders.early_warning import refresh, touched_windows
from loaders.event_frame import Collector
from loaders.thresholds import Thresholds

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "examples" / "events" / "ucdp_ged191_syria_2016_2019.csv"
ASSESSMENTS = sorted((ROOT / "examples" / "assessments").glob("*.yaml"))


def build_syria(db: Path) -> None:
    """:func:`build_syria_into` a new Ladybug database at ``db``."""
    store = LadybugStore(Settings(db_path=db, buffer_pool_mb=256, threads=2))
    try:
        build_syria_into(store)
    finally:
        store.close()


def build_syria_into(store: GraphStore) -> None:
    """Vocabularies, the example assessments, the Syria events; then series and alerts."""
    init_store(store)
    assert all(r.loaded for r in load_files(store, ASSESSMENTS, assessment.read))
    source = ucdp.open_ucdp(SYRIA)
    touched: dict[str, tuple[dt.date, dt.date]] = {}
    collected = Collector()

    def on_chunk(chunk: Bulk) -> None:
        touched_windows([chunk], touched)
        collected.add(chunk)
    load_bulk(store, ucdp.chunks(source, AliasTable.from_store(store, [ROOT / "examples" / "aliases.csv"])),
              on_chunk=on_chunk)
    refresh(store, touched, Thresholds(), loaded=collected.frames())
