"""``akg demo``: build the store from the bundled examples, then serve the API and pages."""

from __future__ import annotations

from pathlib import Path

import click

from cli.admin import init_store, print_stats
from cli.common import settings_of, store_from
from graph.base import GraphStore
from graph.ingest import load_bulk, load_files, split
from loaders import acled, assessment, ewp, ucdp, ushmm
from loaders.actors import AliasTable
from loaders.early_warning import refresh
from loaders.reference import reference
from loaders.thresholds import Thresholds

__all__ = ["COMMANDS", "build_demo"]

EXAMPLES = Path("examples")
# Countries whose real event data ship in examples/events (see examples/EVENTS.md).
REAL = ("SYR",)


def build_demo(store: GraphStore, examples: Path = EXAMPLES) -> list[str]:
    """Load vocabularies, assessments, event files and EWP scores; return what was loaded."""
    out = []
    summary = init_store(store)
    out.append(f"vocabularies: {summary.nodes_created} nodes and {summary.edges_created} relationships created")
    files = assessment.files_in([examples / "assessments"])
    results = load_files(store, files, assessment.read)
    failed = [r for r in results if not r.loaded]
    for r in failed:
        out.extend(r.problems)
    created = sum(r.summary.nodes_created for r in results)
    out.append(f"assessments: {len(results) - len(failed)} of {len(results)} files loaded ({created} nodes created)")
    alias_files = [p for p in [examples / "aliases.csv"] if p.exists()]
    for name, module, opener in (("ACLED", acled, acled.open_acled), ("UCDP GED", ucdp, ucdp.open_ucdp)):
        for path in sorted((examples / "events").glob(f"{'acled' if module is acled else 'ucdp'}*.csv")):
            source = opener(path)
            rows, bad = module.check(source)
            if bad:
                out.append(f"{path}: {len(bad)} bad cells; skipped them")
            # the real UCDP GED events of Syria replace the illustrative rows of Syria in the demo
            keep = [c for c in reference().countries if c not in REAL] if path.name.endswith("_demo.csv") else None
            s = load_bulk(store, module.chunks(source, AliasTable.from_store(store, alias_files),
                                               skip_lines={b.line for b in bad}, countries=keep))
            note = f" (illustrative rows of {', '.join(REAL)} left out)" if keep else ""
            out.append(f"{name} {path.name}: {rows} rows, {s.nodes_created} nodes and {s.edges_created} "
                       f"relationships created{note}")
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
        s = store.write(nodes, edges)
        out.append(f"EWP {path.name}: edition {parsed.edition}, {parsed.rows - len(parsed.unmatched)} countries "
                   f"matched, {s.nodes_created} scores created")
    return out


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, help="Port to serve on.")
@click.option("--no-serve", is_flag=True, help="Build the demo store and stop.")
@click.pass_context
def demo_cmd(ctx: click.Context, host: str, port: int, no_serve: bool) -> None:
    """Build the demo store from examples/ (vocabularies, assessments, events, EWP scores) and serve it."""
    with store_from(ctx) as store:
        for line in build_demo(store):
            click.echo(line)
        print_stats(store)
    if no_serve:
        return
    from cli.serve import run_server

    run_server(settings_of(ctx), host=host, port=port)


COMMANDS = [demo_cmd]
