"""``akg demo``: build the store from the bundled examples, then serve the API and pages.

The demo data is the repository's ``examples/`` folder, shipped inside the ``cli`` package as
``cli/examples`` (a link in a checkout, a copy in a built wheel), so ``akg demo`` works from any
directory and from an installed package. ``--examples DIR`` reads another copy; a folder without
assessments is a one-line error, never a store with vocabularies only.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path
from typing import IO, Any

import click

from cli.admin import init_store
from cli.common import settings_of, store_from
from graph.base import GraphStore
from graph.bulk import Bulk
from graph.datasets import scope_text, version_node
from graph.editorial import file_hash, file_writer
from graph.ingest import load_dataset, load_files, split
from loaders import acled, assessment, ewp, ucdp, ushmm
from loaders.actors import AliasTable
from loaders.early_warning import refresh
from loaders.reference import reference
from loaders.thresholds import Thresholds

__all__ = ["COMMANDS", "DemoDataInvalid", "build_demo", "find_examples"]

EXAMPLES = Path(str(files("cli") / "examples")).resolve()
# Countries whose real event data ship in examples/events (see examples/EVENTS.md).
REAL = ("SYR",)
SHOWN_FILES, SHOWN_PROBLEMS = 3, 3  # of the files that fail, and per file; `akg validate` lists them all


class DemoDataInvalid(click.ClickException):
    """A demo file failed validation: what loaded so far, the first problems per file, then the error."""

    def __init__(self, message: str, lines: list[str]) -> None:
        super().__init__(message)
        self.lines = lines

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.lines:
            click.echo(line, err=True)
        super().show(file)


def find_examples(given: Path | None = None) -> Path:
    """The demo data folder: ``given``, else the copy shipped with the package.

    Raises:
        click.ClickException: the folder holds no ``assessments/*.yaml`` (one line, exit 1).
    """
    folder = given if given is not None else EXAMPLES
    if not any((folder / "assessments").glob("*.yaml")):
        where = "" if given is not None else " (the copy shipped with the package is missing)"
        raise click.ClickException(f"no demo data: {folder}/assessments has no *.yaml files{where}; "
                                   "give --examples DIR, a copy of the repository's examples/ folder")
    return folder


def build_demo(store: GraphStore, examples: Path = EXAMPLES) -> list[str]:
    """Load vocabularies, assessments, event files and EWP scores; return what was loaded.

    Raises:
        click.ClickException: an assessment file fails validation (the events name its actors).
    """
    out = []
    summary = init_store(store)
    out.append(f"vocabularies: {summary.nodes_created} nodes and {summary.edges_created} relationships created")
    paths = assessment.files_in([examples / "assessments"])
    results = load_files(store, paths, assessment.read, write=file_writer(by="akg demo"))
    failed = [r for r in results if not r.loaded]
    created = sum(r.summary.nodes_created for r in results)
    out.append(f"assessments: {len(results) - len(failed)} of {len(results)} files loaded ({created} nodes created)")
    if failed:
        for r in failed[:SHOWN_FILES]:
            out.extend(f"  {p}" for p in r.problems[:SHOWN_PROBLEMS])
            if len(r.problems) > SHOWN_PROBLEMS:
                out.append(f"  … {len(r.problems) - SHOWN_PROBLEMS} more in {r.path.name}")
        if len(failed) > SHOWN_FILES:
            out.append(f"  … and {len(failed) - SHOWN_FILES} more files with problems")
        raise DemoDataInvalid(f"{len(failed)} demo assessment file(s) failed validation; "
                              f"`akg validate {examples / 'assessments'}` lists every problem", out)
    alias_files = [p for p in [examples / "aliases.csv"] if p.exists()]
    for name, module, opener in (("ACLED", acled, acled.open_acled), ("UCDP-GED", ucdp, ucdp.open_ucdp)):
        files = sorted((examples / "events").glob(f"{'acled' if module is acled else 'ucdp'}*.csv"))
        for path in sorted(files, key=lambda p: (not p.name.endswith("_demo.csv"), p.name)):
            source = opener(path)
            rows, bad = module.check(source)
            if bad:
                out.append(f"{path}: {len(bad)} bad cells; skipped them")
            # The illustrative files (made up from published totals, examples/EVENTS.md) leave out the
            # countries whose real events ship beside them; the real files load after them, scoped to
            # their country, so neither version replaces the other.
            real = not path.name.endswith("_demo.csv")
            keep = None if real else [c for c in reference().countries if c not in REAL]
            version = version_node(
                name, file_hash(path), scope=scope_text(REAL if real else None), file=path.name,
                rows=rows - len(bad), accessed=dt.date.today(), version="19.1" if real else "demo",
                illustrative=not real)
            chunks = module.chunks(source, AliasTable.from_store(store, alias_files),
                                   skip_lines={b.line for b in bad}, countries=keep)
            _, s = load_dataset(store, chunks, version, "Event", by="akg demo")
            note = "real, CC BY 4.0" if real else f"illustrative; rows of {', '.join(REAL)} left out"
            out.append(f"{name} {path.name} ({note}): {rows} rows, {s.nodes_created} nodes and "
                       f"{s.edges_created} relationships created")
    signals = refresh(store, None, Thresholds())
    out.append(f"signals: {signals.points:,} series points and {signals.alerts:,} alerts from "
               f"{signals.events:,} events of {signals.countries} countries")
    for path in sorted((examples / "ushmm").glob("*.csv")):
        nodes, edges = split(ushmm.read(path))
        s = store.write(nodes, edges)
        out.append(f"USHMM evidence {path.name}: {s.nodes_created} nodes and {s.edges_created} relationships created")
    for path in sorted((examples / "ewp").glob("*.csv")):
        parsed = ewp.parse(path)
        nodes, edges = split(parsed.records)
        matched = parsed.rows - len(parsed.unmatched)
        version = version_node("EWP", file_hash(path), scope=scope_text(edition=parsed.edition), file=path.name,
                               rows=matched, accessed=dt.date.today(), file_date=parsed.date,
                               version=parsed.edition, illustrative=True)
        _, s = load_dataset(store, [Bulk(nodes, edges)], version, "RiskScore", by="akg demo")
        out.append(f"EWP {path.name} (illustrative): edition {parsed.edition}, {matched} countries matched, "
                   f"{s.nodes_created} scores created")
    return out


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to serve on.")
@click.option("--no-serve", is_flag=True, help="Build the demo store and stop.")
@click.option("--examples", "examples", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Demo data folder (default: the copy shipped with the package).")
@click.pass_context
def demo_cmd(ctx: click.Context, host: str, port: int, no_serve: bool, examples: Path | None) -> None:
    """Build the demo store from examples/ (vocabularies, assessments, events, EWP scores) and serve it."""
    from cli.serve import check_port, run_server

    folder = find_examples(examples)
    if not no_serve:
        check_port(host, port)  # before the build: a busy port is a one-line error, not a wasted minute
    with store_from(ctx) as store:
        for line in build_demo(store, folder):
            click.echo(line)
        stats = store.stats()
    where = settings_of(ctx).db_path if store.backend == "ladybug" else store.backend
    click.echo(f"demo store {where}: {stats.total_nodes:,} nodes, {stats.total_relationships:,} relationships "
               "(`akg stats` counts them per label)")
    if no_serve:
        return
    run_server(settings_of(ctx), host=host, port=port)


COMMANDS = [demo_cmd]
