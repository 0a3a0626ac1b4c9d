"""``akg demo``: build the store from the bundled examples, then serve the API and pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.admin import init_store, print_stats
from cli.common import settings_of, store_from
from graph.base import GraphStore
from graph.bulk import Bulk
from graph.datasets import scope_text, version_node
from graph.editorial import file_hash, file_writer
from graph.ingest import load_dataset, load_files, split
from loaders import acled, assessment, ewp, ucdp, ushmm
from loaders.actors import AliasTable

__all__ = ["COMMANDS", "build_demo"]

EXAMPLES = Path("examples")


def build_demo(store: GraphStore, examples: Path = EXAMPLES) -> list[str]:
    """Load vocabularies, assessments, event files and EWP scores; return what was loaded."""
    out = []
    summary = init_store(store)
    out.append(f"vocabularies: {summary.nodes_created} nodes and {summary.edges_created} relationships created")
    files = assessment.files_in([examples / "assessments"])
    results = load_files(store, files, assessment.read, write=file_writer(by="akg demo"))
    failed = [r for r in results if not r.loaded]
    for r in failed:
        out.extend(r.problems)
    created = sum(r.summary.nodes_created for r in results)
    out.append(f"assessments: {len(results) - len(failed)} of {len(results)} files loaded ({created} nodes created)")
    alias_files = [p for p in [examples / "aliases.csv"] if p.exists()]
    for name, module, opener in (("ACLED", acled, acled.open_acled), ("UCDP-GED", ucdp, ucdp.open_ucdp)):
        for path in sorted((examples / "events").glob(f"{'acled' if module is acled else 'ucdp'}*.csv")):
            source = opener(path)
            rows, bad = module.check(source)
            if bad:
                out.append(f"{path}: {len(bad)} bad cells; skipped them")
            # the bundled event files are made up from published totals (examples/EVENTS.md)
            version = version_node(name, file_hash(path), scope="all", file=path.name, rows=rows - len(bad),
                                   accessed=dt.date.today(), version="demo", illustrative=True)
            chunks = module.chunks(source, AliasTable.from_store(store, alias_files),
                                   skip_lines={b.line for b in bad})
            _, s = load_dataset(store, chunks, version, "Event", by="akg demo")
            out.append(f"{name} {path.name} (illustrative): {rows} rows, {s.nodes_created} nodes and "
                       f"{s.edges_created} relationships created")
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
