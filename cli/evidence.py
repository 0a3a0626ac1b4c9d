"""``akg load ushmm-tools PATH``: the USHMM Tools for Atrocity Prevention factor data.

Importing this module adds the ``ushmm-tools`` subcommand to the ``load`` group; it adds no
root command, so ``COMMANDS`` is empty.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.common import store_from
from cli.load import load_group
from graph.base import WriteSummary
from graph.ingest import load_files
from loaders import ushmm
from ontology.errors import SourceFormatError

__all__ = ["COMMANDS", "load_ushmm_tools"]

COMMANDS: list[click.Command] = []


def _fail(lines: list[str], footer: str) -> None:
    for line in lines:
        click.echo(f"  {line}")
    click.echo(footer)
    raise click.exceptions.Exit(1)


def _summary(s: WriteSummary) -> str:
    return (f"{s.nodes_created} nodes created, {s.nodes_updated} updated, {s.nodes_unchanged} unchanged; "
            f"{s.edges_created} relationships created, {s.edges_updated} updated, "
            f"{s.edges_unchanged} unchanged")


@load_group.command("ushmm-tools")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--file-date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Date of the file (YYYY-MM-DD), kept on the Source node; by default its modification date.")
@click.option("--skip-unmapped", is_flag=True,
              help="Load the tools that map to a response option; list the others.")
@click.pass_context
def load_ushmm_tools(ctx: click.Context, path: Path, file_date: dt.datetime | None, skip_unmapped: bool) -> None:
    """Load a USHMM Tools for Atrocity Prevention all_factors CSV (version 2 or 3) as evidence
    on response options: effectiveness factors, CONDITIONED_BY findings and strategies."""
    try:
        parsed = ushmm.parse(path, file_date=file_date.date() if file_date else None)
    except SourceFormatError as exc:
        _fail([SourceFormatError.format_one(*p) for p in exc.problems], f"FAILED {path}: nothing loaded")
        return
    reviewed = sum(1 for t in parsed.tools.values() if t.evidence_review)
    click.echo(f"{path.name}: version {parsed.version} ({parsed.layout.folder}), file dated {parsed.file_date}; "
               f"{parsed.rows} rows")
    for note in parsed.notes:
        click.echo(f"note: {note}", err=True)
    mapped = [t for t in parsed.tools.values() if t.option is not None]
    click.echo(f"tools: {len(parsed.tools)} ({len(mapped)} mapped to response options, {reviewed} with an "
               f"evidence review); factors: {len(parsed.factors)}; findings: {len(parsed.findings)} "
               f"tool-factor rows, {parsed.research_findings} research findings; "
               f"strategies: {len(parsed.strategy_edges)} tool-strategy links")
    if parsed.unmapped:
        click.echo(f"unmapped tools ({len(parsed.unmapped)}):")
        lines = [f"{name!r} (lines {', '.join(str(n) for n in found[:8])}{' …' if len(found) > 8 else ''})"
                 for name, found in parsed.unmapped.items()]
        if not skip_unmapped:
            _fail(lines, "nothing loaded: add the tool to a response option's ushmm_tool in "
                         "ontology/vocab/response_options.ttl, or pass --skip-unmapped to load the others")
        for line in lines:
            click.echo(f"  {line}")
    records = parsed.records(skip_unmapped=True)
    with store_from(ctx) as store:
        [result] = load_files(store, [path], lambda _: records)
    if not result.loaded:
        _fail(result.problems, f"FAILED {path}: nothing loaded")
    click.echo(f"loaded {path}: {_summary(result.summary)}")
