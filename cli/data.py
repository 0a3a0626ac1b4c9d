"""``akg export``: the whole graph in RDF, GraphML, CSV or Cypher; ``akg copy``: from one backend to the other."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import settings_of, store_from
from graph.export import FORMATS, export
from graph.registry import backend_names, open_store
from graph.transfer import copy_graph

__all__ = ["COMMANDS"]


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="ttl", show_default=True,
              help="Output format (csv writes nodes.csv and relationships.csv into a folder; cypher a script "
                   "for an empty Neo4j: cypher-shell -f FILE).")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="File to write (a folder for csv).")
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, output: Path) -> None:
    """Export the whole graph as Turtle, JSON-LD, N-Triples, GraphML, CSV or a Cypher script."""
    with store_from(ctx, read_only=True) as store:
        for path in export(store, fmt, output):
            click.echo(f"wrote {path}")


@click.command("copy")
@click.option("--from", "source", type=click.Choice(backend_names()), required=True,
              help="Backend to read (its connection from the usual settings).")
@click.option("--to", "target", type=click.Choice(backend_names()), required=True,
              help="Backend to write into.")
@click.option("--to-db", type=click.Path(path_type=Path),
              help="Ladybug file to write into when --to is ladybug (default: --db / AKG_DB).")
@click.pass_context
def copy_cmd(ctx: click.Context, source: str, target: str, to_db: Path | None) -> None:
    """Copy the whole graph between backends in one transaction (upsert: copying again changes nothing)."""
    if source == target:
        raise click.UsageError("--from and --to name the same backend")
    base = settings_of(ctx)
    src = open_store(base.with_overrides(backend=source), read_only=True)
    try:
        dst = open_store(base.with_overrides(backend=target, db_path=to_db))
        try:
            summary = copy_graph(src, dst)
        finally:
            dst.close()
    finally:
        src.close()
    click.echo(f"copied {source} to {target}: {summary.nodes_created} nodes and "
               f"{summary.edges_created} relationships created, {summary.nodes_updated + summary.edges_updated} "
               f"updated, {summary.nodes_unchanged + summary.edges_unchanged} unchanged")


COMMANDS = [export_cmd, copy_cmd]
