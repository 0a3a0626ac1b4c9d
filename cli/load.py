"""``akg load …``, ``akg validate PATH…`` and ``akg new-assessment``."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from cli.common import settings_of, store_from
from graph.base import WriteSummary
from graph.editorial import file_writer
from graph.ingest import FileResult, load_files
from graph.shacl import validate_store
from loaders import assessment

__all__ = ["COMMANDS"]

PATHS = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))


@click.group("load")
def load_group() -> None:
    """Load data into the store (each file in one transaction; re-loading changes nothing)."""


@load_group.command("assessment")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--by", help="Who is loading (recorded in the audit log).")
@click.option("--reason", help="Why (required to move a published assessment back to draft or reviewed).")
@click.option("--verbose", "-v", is_flag=True, help="List every statement added, changed or removed.")
@click.pass_context
def load_assessment(ctx: click.Context, paths: tuple[Path, ...], by: str | None, reason: str | None,
                    verbose: bool) -> None:
    """Validate, then load assessment files or folders of them.

    Loading a file again replaces what that assessment stated before: findings, roles,
    relationships, recommendations and triggers it no longer states are removed (shared actors
    and groups stay while another assessment states them). Every load goes to the audit log.
    """
    files = assessment.files_in(paths)
    if not files:
        raise click.UsageError("no assessment files (*.yaml, *.yml, *.json) found")
    limit = settings_of(ctx).max_assessment_bytes
    read = functools.partial(assessment.read, max_bytes=limit)
    total = WriteSummary()
    with store_from(ctx) as store:
        with click.progressbar(length=len(files), label="loading", file=sys.stderr,
                               show_pos=True) as bar:
            def done(result: FileResult) -> None:
                bar.update(1)
                total.add(result.summary)
            results = load_files(store, files, read, on_file=done, write=file_writer(by=by, reason=reason))
    for r in results:
        if r.loaded:
            s = r.summary
            click.echo(f"loaded  {r.path}: {s.nodes_created} nodes created, {s.nodes_updated} updated, "
                       f"{s.nodes_removed} removed; {s.edges_created} relationships created, "
                       f"{s.edges_updated} updated, {s.edges_removed} removed")
            for line in r.details if verbose else ():
                click.echo(f"  {line}")
        else:
            click.echo(f"FAILED  {r.path}: nothing loaded")
            for line in r.problems:
                click.echo(f"  {line}")
    ok = sum(r.loaded for r in results)
    click.echo(f"{ok} of {len(results)} files loaded; {total.nodes_created} nodes and "
               f"{total.edges_created} relationships created, {total.nodes_updated + total.edges_updated} "
               f"updated, {total.nodes_removed + total.edges_removed} removed, {total.changes} changes in all")
    if ok < len(results):
        raise click.exceptions.Exit(1)


@click.command("validate")
@PATHS
@click.pass_context
def validate_cmd(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Check assessment files (without touching the store); with no PATH, check the store
    against the SHACL shapes."""
    if not paths:
        with store_from(ctx, read_only=True) as store:
            report = validate_store(store)
        if report.conforms:
            click.echo(f"conforms: {report.triples} triples checked against ontology/shapes.ttl")
            return
        click.echo(report.text)
        raise click.exceptions.Exit(1)
    files = assessment.files_in(paths)
    limit = settings_of(ctx).max_assessment_bytes
    failed = 0
    for path in files:
        problems = assessment.validate_path(path, max_bytes=limit)
        if problems:
            failed += 1
        for label, found in (("", problems),
                             ("warning: ", [] if problems else assessment.warnings_of(path, max_bytes=limit))):
            for p in found:
                click.echo(f"{label}{path.parent / p[0] if p[0] == path.name else p[0]}"
                           f"{':' + str(p[1]) if p[1] else ''} {p[2] + ': ' if p[2] else ''}{p[3]}")
    click.echo(f"{len(files) - failed} of {len(files)} files valid")
    if failed or not files:
        raise click.exceptions.Exit(1)


@click.command("new-assessment")
@click.argument("iso3")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write; by default ISO3-YYYY-MM.yaml in the current folder.")
def new_assessment(iso3: str, output: Path | None) -> None:
    """Write an assessment template for a country to fill in."""
    from loaders.reference import reference

    code = iso3.upper()
    ref = reference()
    if code not in ref.countries:
        hint = ref.suggest_country(iso3)
        suggestion = f"; did you mean {hint}?" if hint else ""
        raise click.BadParameter(f"unknown country code {iso3!r}{suggestion}", param_hint="ISO3")
    text = assessment.template(code)
    target = output or Path(f"{code}-{text.split('id: ', 1)[1].split(chr(10), 1)[0].split('-', 1)[1]}.yaml")
    if target.exists():
        raise click.ClickException(f"{target} exists; not overwriting")
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target} (check it with: akg validate {target})")


COMMANDS = [load_group, validate_cmd, new_assessment]
