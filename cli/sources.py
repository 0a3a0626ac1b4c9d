"""``akg load ewp|csv|rdf`` and ``akg actors unresolved|merge``.

Importing this module adds the three ``load`` subcommands to the ``load`` group;
``COMMANDS`` holds the ``actors`` group for the root command.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import click

from cli.common import echo_table, store_from
from cli.load import load_group
from graph.base import WriteSummary
from graph.bulk import Bulk
from graph.datasets import scope_text, version_node
from graph.editorial import file_hash
from graph.ingest import FileResult, load_dataset, load_files, split
from graph.merge import merge_actors, unresolved_actors
from graph.records import Edge, Node
from loaders import ewp, mapped_csv, rdf
from ontology.errors import AkgError, SourceFormatError

__all__ = ["COMMANDS", "actors_group", "load_csv", "load_ewp", "load_rdf"]


def _fail(lines: Iterable[str], footer: str = "nothing loaded") -> None:
    for line in lines:
        click.echo(f"  {line}")
    click.echo(footer)
    raise click.exceptions.Exit(1)


def _problems(exc: SourceFormatError) -> list[str]:
    return [SourceFormatError.format_one(*p) for p in exc.problems]


def _summary(s: WriteSummary) -> str:
    return (f"{s.nodes_created} nodes created, {s.nodes_updated} updated, {s.nodes_unchanged} unchanged; "
            f"{s.edges_created} relationships created, {s.edges_updated} updated, "
            f"{s.edges_unchanged} unchanged")


def _write(ctx: click.Context, path: Path, records: Sequence[Node | Edge]) -> None:
    """Write one file's records in one transaction and report."""
    with store_from(ctx) as store:
        [result] = load_files(store, [path], lambda _: records)
    if not result.loaded:
        _fail(result.problems, f"FAILED {path}: nothing loaded")
    click.echo(f"loaded {path}: {_summary(result.summary)}")


@load_group.command("ewp")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--edition", help="Edition year (YYYY); by default from the file name or its columns.")
@click.option("--date", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Date of the edition (YYYY-MM-DD); by default from the file name.")
@click.option("--skip-unmatched", is_flag=True,
              help="Load the rows whose country matched; list the others.")
@click.pass_context
@click.option("--illustrative", is_flag=True, help="Mark the scores as made up (demos, tests).")
@click.option("--accessed", type=click.DateTime(["%Y-%m-%d"]), help="Day the file was downloaded; default today.")
@click.option("--by", help="Who is loading (recorded in the audit log).")
def load_ewp(ctx: click.Context, path: Path, edition: str | None, as_of: dt.datetime | None,
             skip_unmatched: bool, illustrative: bool, accessed: dt.datetime | None, by: str | None) -> None:
    """Load an Early Warning Project Statistical Risk Assessment CSV as dated risk scores."""
    try:
        parsed = ewp.parse(path, edition=edition, date=as_of.date() if as_of else None)
    except SourceFormatError as exc:
        _fail(_problems(exc), f"FAILED {path}: nothing loaded")
        return
    click.echo(f"{path.name}: {parsed.layout} layout, edition {parsed.edition}, dated {parsed.date}, "
               f"windows {', '.join(parsed.windows)}")
    for note in parsed.notes:
        click.echo(f"note: {note}", err=True)
    matched = parsed.rows - len(parsed.unmatched)
    click.echo(f"{parsed.rows} rows: {matched} matched, {len(parsed.unmatched)} unmatched; "
               f"{parsed.missing_values} missing risk values skipped")
    if parsed.unmatched:
        click.echo("unmatched countries:")
        lines = [str(u) for u in parsed.unmatched]
        if not skip_unmatched:
            _fail(lines, "nothing loaded: fix these names or codes (see loaders/data/cow_iso3.csv), "
                         "or pass --skip-unmatched to load the matched rows")
        for line in lines:
            click.echo(f"  {line}")
    if not parsed.records:
        _fail([], f"FAILED {path}: no row matched a country; nothing loaded")
    version = version_node("EWP", file_hash(path), scope=scope_text(edition=parsed.edition), file=path.name,
                           rows=matched, accessed=accessed.date() if accessed else dt.date.today(),
                           file_date=parsed.date, version=parsed.edition, illustrative=illustrative)
    nodes, edges = split(parsed.records)
    with store_from(ctx) as store:
        plan, summary = load_dataset(store, [Bulk(nodes, edges)], version, "RiskScore", by=by)
    if plan.unchanged:
        click.echo(f"{path.name}: unchanged (same content as the current version {plan.unchanged}); nothing loaded")
        return
    click.echo(f"loaded {path}: {_summary(summary)}; {summary.nodes_removed} scores of the edition the file no "
               f"longer has removed; dataset version {version.id}{' (illustrative)' if illustrative else ''}")


@load_group.command("csv")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", "mapping_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML mapping of columns to classes, ids, properties and relationships.")
@click.option("--skip-bad-rows", is_flag=True, help="Load the good rows; write the bad ones to a file.")
@click.option("--bad-rows-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Where bad rows go with --skip-bad-rows; by default a .bad-rows.csv file "
                   "named after the input, beside it.")
@click.pass_context
def load_csv(ctx: click.Context, path: Path, mapping_path: Path, skip_bad_rows: bool,
             bad_rows_file: Path | None) -> None:
    """Load any CSV list through a YAML mapping file (see docs/loading.md)."""
    try:
        mapping = mapped_csv.load_mapping(mapping_path)
        parsed = mapped_csv.parse(path, mapping)
    except SourceFormatError as exc:
        _fail(_problems(exc), f"FAILED {path}: nothing loaded")
        return
    for warning in parsed.warnings:
        click.echo(f"warning: {warning}", err=True)
    with store_from(ctx, read_only=True) as store:
        mapped_csv.check_references(store, parsed)
    rows = len(parsed.by_line) + len(parsed.bad_rows)
    if parsed.bad_rows:
        lines = [SourceFormatError.format_one(path.name, b.line, col, msg)
                 for b in parsed.bad_rows for col, msg in b.problems]
        if not skip_bad_rows:
            click.echo(f"{len(parsed.bad_rows)} of {rows} rows are bad:")
            _fail(lines, "nothing loaded: fix these rows, or pass --skip-bad-rows")
        out = bad_rows_file or path.with_name(path.stem + ".bad-rows.csv")
        mapped_csv.write_bad_rows(parsed, out)
        click.echo(f"skipped {len(parsed.bad_rows)} of {rows} rows (written to {out}):")
        for line in lines[:20]:
            click.echo(f"  {line}")
    if not parsed.by_line:
        _fail([], "nothing loaded: no good rows")
    _write(ctx, path, parsed.records)


@load_group.command("rdf")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "rdf_format", type=click.Choice(sorted(set(rdf.FORMATS.values()))),
              help="RDF syntax; by default from the file extension.")
@click.pass_context
def load_rdf(ctx: click.Context, paths: tuple[Path, ...], rdf_format: str | None) -> None:
    """Load RDF in the ontology's own terms (Turtle, JSON-LD, N-Triples), one transaction per file."""
    files: list[Path] = []
    for p in paths:
        files += sorted(f for f in p.rglob("*") if f.suffix.lower() in rdf.FORMATS) if p.is_dir() else [p]
    if not files:
        raise click.UsageError(f"no RDF files ({', '.join(sorted(rdf.FORMATS))}) found")
    with store_from(ctx) as store:
        results = load_files(store, files, functools.partial(rdf.read, rdf_format=rdf_format))
    for r in results:
        _report(r)
    if not all(r.loaded for r in results):
        raise click.exceptions.Exit(1)


def _report(r: FileResult) -> None:
    if r.loaded:
        click.echo(f"loaded {r.path}: {_summary(r.summary)}")
        return
    click.echo(f"FAILED {r.path}: nothing loaded")
    for line in r.problems:
        click.echo(f"  {line}")


@click.group("actors")
def actors_group() -> None:
    """Review actors made from dataset names: list the unresolved ones, merge duplicates."""


def _actor_id(text: str) -> str:
    return text if "/" in text else f"actor/{text}"


@actors_group.command("unresolved")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
@click.pass_context
def actors_unresolved(ctx: click.Context, fmt: str, limit: int | None) -> None:
    """List actors flagged unresolved, with how many events each perpetrated (most first)."""
    with store_from(ctx, read_only=True) as store:
        rows = unresolved_actors(store, limit)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    echo_table(["id", "name", "events", "aliases"],
               [(r["id"], r["name"], r["events"], "; ".join(r["aliases"] or [])) for r in rows])
    click.echo(f"\n{len(rows)} unresolved actor{'s' if len(rows) != 1 else ''}"
               " (merge one into a known actor with: akg actors merge ID KNOWN-ID)")


@actors_group.command("merge")
@click.argument("source")
@click.argument("target")
@click.option("--by", help="Who merges (recorded in the audit log).")
@click.pass_context
def actors_merge(ctx: click.Context, source: str, target: str, by: str | None) -> None:
    """Merge actor SOURCE into actor TARGET: move its relationships, keep its names as aliases,
    delete it. Ids may omit the actor/ prefix."""
    try:
        with store_from(ctx) as store:
            result = merge_actors(store, _actor_id(source), _actor_id(target), by=by)
    except AkgError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(result.describe())
    s = result.summary
    click.echo(f"relationships: {s.edges_created} new on {result.target}, "
               f"{s.edges_updated + s.edges_unchanged} merged into existing ones")


COMMANDS = [actors_group]
