"""``akg load acled`` and ``akg load ucdp``: event datasets through the bulk path, then the series and
signals of the months the load touched."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from cli.common import store_from
from cli.load import load_group
from cli.signals import echo_refresh
from graph.bulk import Bulk
from graph.ingest import load_bulk
from loaders import acled, ucdp
from loaders.actors import AliasTable
from loaders.early_warning import refresh, touched_windows
from loaders.event_csv import BadCell, CsvSource
from loaders.event_frame import Collector
from loaders.thresholds import load_thresholds

__all__ = ["COMMANDS"]

SHOWN = 30


def _common(f: Callable[..., None]) -> Callable[..., None]:
    options = [
        click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--aliases", "alias_files", multiple=True, type=click.Path(exists=True, path_type=Path),
                     help="CSV of alias,id pairs mapping dataset actor names to actor/ or group/ ids."),
        click.option("--country", "countries", multiple=True, help="Only rows of this ISO3 country (repeatable)."),
        click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only events on or after this date."),
        click.option("--skip-bad-rows", is_flag=True,
                     help="Load the good rows and write the bad ones to PATH.bad-rows.txt."),
        click.option("--thresholds", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Alert thresholds (YAML) for the series and signals computed after the load."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _run(ctx: click.Context, path: Path, source: CsvSource,
         check: Callable[[CsvSource], tuple[int, list[BadCell]]],
         build: Callable[..., Iterator[Bulk]], alias_files: tuple[Path, ...], countries: tuple[str, ...],
         since: dt.datetime | None, skip_bad_rows: bool, thresholds: Path | None) -> None:
    started = time.perf_counter()
    limits = load_thresholds(thresholds)  # a bad thresholds file stops the load before it starts
    total, bad = check(source)
    if bad and not skip_bad_rows:
        for cell in bad[:SHOWN]:
            click.echo(cell.text(path.name), err=True)
        more = f" (first {SHOWN} shown)" if len(bad) > SHOWN else ""
        raise click.ClickException(f"{len(bad)} bad cell(s){more}; nothing was loaded. Fix them, or use "
                                   "--skip-bad-rows to load the good rows and report the bad ones")
    skip = {cell.line for cell in bad}
    if bad:
        report = path.with_name(path.name + ".bad-rows.txt")
        report.write_text("".join(cell.text(path.name) + "\n" for cell in bad), encoding="utf-8")
        click.echo(f"skipping {len(skip)} bad row(s); listed in {report}", err=True)
    codes = [c.upper() for c in countries] or None
    with store_from(ctx) as store:
        aliases = AliasTable.from_store(store, alias_files)
        touched: dict[str, tuple[dt.date, dt.date]] = {}
        collected = Collector()
        with click.progressbar(length=total, label=f"loading {path.name}", file=sys.stderr,
                               show_pos=True, show_eta=True) as bar:
            def progress(chunk: Bulk) -> None:
                touched_windows([chunk], touched)
                collected.add(chunk)
                bar.update(max(chunk.rows, 1))
            summary = load_bulk(store, build(source, aliases, skip_lines=skip, countries=codes,
                                             since=since.date() if since else None), on_chunk=progress)
        loaded = time.perf_counter()
        signals = refresh(store, touched, limits, loaded=collected.frames())
    seconds = loaded - started
    click.echo(f"{path.name}: {total:,} rows in {seconds:.1f} s ({total / max(seconds, 1e-9):,.0f} rows/s); "
               f"{summary.nodes_created:,} nodes and {summary.edges_created:,} relationships created, "
               f"{summary.nodes_updated + summary.edges_updated:,} updated, "
               f"{summary.nodes_unchanged:,} nodes unchanged; {summary.changes:,} changes in all")
    echo_refresh(signals, time.perf_counter() - loaded)


@load_group.command("acled")
@_common
@click.pass_context
def load_acled(ctx: click.Context, path: Path, alias_files: tuple[Path, ...], countries: tuple[str, ...],
               since: dt.datetime | None, skip_bad_rows: bool, thresholds: Path | None) -> None:
    """Load an ACLED CSV export (events, places, actors, targeted groups) in one transaction."""
    _run(ctx, path, acled.open_acled(path), acled.check, acled.chunks, alias_files, countries, since,
         skip_bad_rows, thresholds)


@load_group.command("ucdp")
@_common
@click.pass_context
def load_ucdp(ctx: click.Context, path: Path, alias_files: tuple[Path, ...], countries: tuple[str, ...],
              since: dt.datetime | None, skip_bad_rows: bool, thresholds: Path | None) -> None:
    """Load a UCDP GED CSV (one-sided violence marks atrocity events) in one transaction."""
    _run(ctx, path, ucdp.open_ucdp(path), ucdp.check, ucdp.chunks, alias_files, countries, since,
         skip_bad_rows, thresholds)


COMMANDS: list[click.Command] = []  # the commands live in the `load` group
