"""``akg export``: the whole graph in RDF, GraphML or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import store_from
from graph.export import FORMATS, export

__all__ = ["COMMANDS"]


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="ttl", show_default=True,
              help="Output format (csv writes nodes.csv and relationships.csv into a folder).")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="File to write (a folder for csv).")
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, output: Path) -> None:
    """Export the whole graph as Turtle, JSON-LD, N-Triples, GraphML or CSV."""
    with store_from(ctx, read_only=True) as store:
        for path in export(store, fmt, output):
            click.echo(f"wrote {path}")


COMMANDS = [export_cmd]
