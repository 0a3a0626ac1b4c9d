"""Commands that move data out of the store or check it: export, validate."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import store_from
from graph.export import FORMATS, export
from graph.shacl import validate_store

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


@click.command("validate")
@click.pass_context
def validate_cmd(ctx: click.Context) -> None:
    """Check the store against the ontology's SHACL shapes (via its RDF export)."""
    with store_from(ctx, read_only=True) as store:
        report = validate_store(store)
    if report.conforms:
        click.echo(f"conforms: {report.triples} triples checked against ontology/shapes.ttl")
        return
    click.echo(report.text)
    raise click.exceptions.Exit(1)


COMMANDS = [export_cmd, validate_cmd]
