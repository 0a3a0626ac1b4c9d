"""The ``akg`` command: a thin click skin over the library.

Errors print one line (``error: …``) and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from graph.settings import Settings
from ontology.errors import AkgError, StoreAbandoned

__all__ = ["cli", "main"]

# Each command and the modules that define it: the first holds it (in its ``COMMANDS``), the others
# add subcommands to it (``akg load acled``, ``ucdp``, ``ewp``, ``csv``, ``rdf``, ``ushmm-tools``).
# They are imported when the command runs (or ``--help`` lists them all), so ``akg load`` does not
# first import Flask and the API (``serve``) or the Neo4j driver (``copy``): about two thirds of
# its start-up time.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "init": ("cli.admin",), "stats": ("cli.admin",), "ontology": ("cli.admin",),
    "export": ("cli.data",), "copy": ("cli.data",),
    "demo": ("cli.demo",),
    "docs": ("cli.docs_cmd",),
    "load": ("cli.load", "cli.events", "cli.evidence", "cli.sources"),
    "validate": ("cli.load",), "new-assessment": ("cli.load",),
    "retract": ("cli.provenance",), "log": ("cli.provenance",), "datasets": ("cli.provenance",),
    "query": ("cli.query",),
    "recommendation": ("cli.recommendation",),
    "serve": ("cli.serve",),
    "signals": ("cli.signals",), "alerts": ("cli.signals",),
    "actors": ("cli.sources",),
    "viz": ("cli.viz",),
}


class _Commands(click.Group):
    """A group whose commands are imported by name when first asked for (see ``COMMAND_MODULES``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in COMMAND_MODULES:
            home, *extensions = [importlib.import_module(m) for m in COMMAND_MODULES[cmd_name]]
            del extensions  # imported for what they add to the command
            found = next(c for c in home.COMMANDS if c.name == cmd_name)
            self.add_command(found)
        return found


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--backend", help="Graph backend (ladybug or neo4j); default from AKG_BACKEND.")
@click.option("--db", "db_path", type=click.Path(path_type=Path),
              help="Ladybug database file; default from AKG_DB (data/akg.lbug).")
@click.version_option(package_name="atrocity-kg")
@click.pass_context
def cli(ctx: click.Context, backend: str | None, db_path: Path | None) -> None:
    """atrocity-kg: a knowledge graph of actors and risks for mass-atrocity early warning."""
    ctx.obj = Settings.from_env().with_overrides(backend=backend, db_path=db_path)


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
