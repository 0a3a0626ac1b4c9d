"""The ``akg`` command: a thin click skin over the library.

Errors print one line (``error: …``) and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cli import (
    admin,
    data,
    demo,
    docs_cmd,
    events,
    evidence,
    load,
    provenance,
    query,
    recommendation,
    serve,
    signals,
    sources,
    viz,
)
from graph.settings import Settings
from ontology.errors import AkgError, StoreAbandoned

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--backend", help="Graph backend (ladybug or neo4j); default from AKG_BACKEND.")
@click.option("--db", "db_path", type=click.Path(path_type=Path),
              help="Ladybug database file; default from AKG_DB (data/akg.lbug).")
@click.version_option(package_name="atrocity-kg")
@click.pass_context
def cli(ctx: click.Context, backend: str | None, db_path: Path | None) -> None:
    """atrocity-kg: a knowledge graph of actors and risks for mass-atrocity early warning."""
    ctx.obj = Settings.from_env().with_overrides(backend=backend, db_path=db_path)


for module in (admin, data, demo, docs_cmd, events, evidence, load, provenance, query, recommendation, serve,
               signals, sources, viz):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Entry point of the console script."""
    try:
        code = cli.main(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except StoreAbandoned as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(1)  # leave without closing the database: the write is discarded on reopen
    except AkgError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(1)
