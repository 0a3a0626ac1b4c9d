"""``akg load acled`` and ``akg load ucdp``: event datasets through the bulk path, then the series and
signals of the months the load touched."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from cli.common import settings_of, store_from
from cli.load import load_group
from cli.signals import echo_refresh
from graph.bulk import Bulk
from graph.datasets import current_versions, scope_text, version_node
from graph.editorial import file_hash
from graph.ingest import load_dataset
from loaders import acled, ucdp
from loaders.actors import AliasTable
from loaders.early_warning import refresh, touched_windows
from loaders.event_csv import BadCell, CsvSource
from loaders.event_frame import Collector
from loaders.reference import reference
from loaders.thresholds import load_thresholds
from ontology.errors import StoreAbandoned, StoreError

__all__ = ["COMMANDS"]

SHOWN = 30


def _country_codes(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """The ``--country`` codes in upper case; an unknown one stops the command before it reads anything.

    Example:
        >>> _country_codes(None, None, ("rwa",))  # type: ignore[arg-type]
        ('RWA',)
    """
    ref = reference()
    codes = tuple(c.strip().upper() for c in value)
    for code in codes:
        if code not in ref.countries:
            hint = ref.suggest_country(code)
            raise click.BadParameter(f"unknown country code {code!r}; give an ISO3 code"
                                     + (f" (did you mean {hint}?)" if hint else ""))
    return codes


def _common(f: Callable[..., None]) -> Callable[..., None]:
    options = [
        click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--aliases", "alias_files", multiple=True, type=click.Path(exists=True, path_type=Path),
                     help="CSV of alias,id pairs mapping dataset actor names to actor/ or group/ ids."),
        click.option("--country", "countries", multiple=True, callback=_country_codes,
                     help="Only rows of this ISO3 country (repeatable)."),
        click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only events on or after this date."),
        click.option("--skip-bad-rows", is_flag=True,
                     help="Load the good rows and write the bad ones to PATH.bad-rows.txt."),
        click.option("--thresholds", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Alert thresholds (YAML) for the series and signals computed after the load."),
        click.option("--illustrative", is_flag=True,
                     help="Mark the data as made up (demos, tests): every page that shows it says so."),
        click.option("--accessed", type=click.DateTime(["%Y-%m-%d"]),
                     help="Day the file was downloaded (for the citation); default today."),
        click.option("--version", "version_label", help="The publisher's version or edition (e.g. 24.1)."),
        click.option("--by", help="Who is loading (recorded in the audit log)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _run(ctx: click.Context, path: Path, source: CsvSource, dataset: str,
         check: Callable[[CsvSource], tuple[int, list[BadCell]]],
         build: Callable[..., Iterator[Bulk]], alias_files: tuple[Path, ...], countries: tuple[str, ...],
         since: dt.datetime | None, skip_bad_rows: bool, illustrative: bool, accessed: dt.datetime | None,
         version_label: str | None, by: str | None, thresholds: Path | None) -> None:
    started = time.perf_counter()
    limits = load_thresholds(thresholds)  # a bad thresholds file stops the load before it starts
    digest = file_hash(path)
    codes = list(countries) or None
    scope = scope_text(codes, since.date() if since else None)
    with store_from(ctx) as store:
        same = [v for v in current_versions(store, dataset) if v["scope"] == scope and v["content_hash"] == digest]
    if same:
        click.echo(f"{path.name}: unchanged (same content as the current version {same[0]['id']}, scope "
                   f"{scope}); nothing to load ({time.perf_counter() - started:.2f} s)")
        return
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
    version = version_node(dataset, digest, scope=scope, file=path.name, rows=total - len(skip),
                           accessed=accessed.date() if accessed else dt.date.today(),
                           file_date=dt.date.fromtimestamp(path.stat().st_mtime), version=version_label,
                           illustrative=illustrative)
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
            chunks = build(source, aliases, skip_lines=skip, countries=codes, since=since.date() if since else None)
            plan, summary = load_dataset(store, chunks, version, "Event", by=by, on_chunk=progress)
        loaded = time.perf_counter()
        # events the new version no longer has may sit in other months: then every month is recomputed
        try:
            signals = refresh(store, None if summary.nodes_removed else touched, limits,
                              loaded=None if summary.nodes_removed else collected.frames(),
                              weekly_categories=settings_of(ctx).weekly_category_points)
        except StoreError as exc:  # the load is committed: say so, not only why the series failed
            note = (f"{path.name} is loaded (dataset version {version.id} is current), but computing its series "
                    f"and signals afterwards failed: {exc.message}; run `akg signals compute` once that is fixed")
            raise (StoreAbandoned if isinstance(exc, StoreAbandoned) else StoreError)(note) from None
    seconds = loaded - started
    click.echo(f"{path.name}: {total:,} rows in {seconds:.1f} s ({total / max(seconds, 1e-9):,.0f} rows/s); "
               f"{summary.nodes_created:,} nodes and {summary.edges_created:,} relationships created, "
               f"{summary.nodes_updated + summary.edges_updated:,} updated, "
               f"{summary.nodes_unchanged:,} nodes unchanged, {summary.nodes_removed:,} events the new version no "
               f"longer has removed; {summary.changes:,} changes in all")
    retired = plan.switch.retire if plan.switch else []
    click.echo(f"dataset version {version.id} ({scope}{', illustrative' if illustrative else ''}) is current"
               + (f"; replaces {', '.join(retired)}" if retired else ""))
    echo_refresh(signals, time.perf_counter() - loaded)


@load_group.command("acled")
@_common
@click.pass_context
def load_acled(ctx: click.Context, path: Path, alias_files: tuple[Path, ...], countries: tuple[str, ...],
               since: dt.datetime | None, skip_bad_rows: bool, illustrative: bool, accessed: dt.datetime | None,
               version_label: str | None, by: str | None, thresholds: Path | None) -> None:
    """Load an ACLED CSV export (events, places, actors, targeted groups) in one transaction, as a new
    version of the dataset: events of the same scope that the export no longer has are removed."""
    _run(ctx, path, acled.open_acled(path), "ACLED", acled.check, acled.chunks, alias_files, countries, since,
         skip_bad_rows, illustrative, accessed, version_label, by, thresholds)


@load_group.command("ucdp")
@_common
@click.pass_context
def load_ucdp(ctx: click.Context, path: Path, alias_files: tuple[Path, ...], countries: tuple[str, ...],
              since: dt.datetime | None, skip_bad_rows: bool, illustrative: bool, accessed: dt.datetime | None,
              version_label: str | None, by: str | None, thresholds: Path | None) -> None:
    """Load a UCDP GED CSV (one-sided violence marks atrocity events) in one transaction, as a new
    version of the dataset: events of the same scope that the file no longer has are removed."""
    _run(ctx, path, ucdp.open_ucdp(path), "UCDP-GED", ucdp.check, ucdp.chunks, alias_files, countries, since,
         skip_bad_rows, illustrative, accessed, version_label, by, thresholds)


COMMANDS: list[click.Command] = []  # the commands live in the `load` group
