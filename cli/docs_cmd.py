"""``akg docs``: regenerate the documentation pages that are built from code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from loaders.assessment_schema import SCHEMA_FILE, schema_json
from ontology.docgen import ontology_markdown
from queries.docs import queries_markdown

__all__ = ["COMMANDS", "GENERATED"]

GENERATED: dict[str, Callable[[], str]] = {"ontology.md": ontology_markdown, "queries.md": queries_markdown}
# Files generated next to the code rather than into docs/.
SHIPPED = {SCHEMA_FILE: schema_json}


@click.command("docs")
@click.option("--out", type=click.Path(path_type=Path), default=Path("docs"), show_default=True,
              help="Folder to write into.")
@click.option("--check", is_flag=True, help="Only report pages that are out of date (exit 1).")
def docs_cmd(out: Path, check: bool) -> None:
    """Regenerate docs/ontology.md, docs/queries.md and the assessment JSON Schema from the sources."""
    stale = []
    for name, build in GENERATED.items():
        path = out / name
        text = build()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {path}")
    for path, build in SHIPPED.items():
        text = build()
        if check:
            if path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.write_text(text, encoding="utf-8")
            click.echo(f"wrote {path}")
    if stale:
        click.echo("out of date: " + ", ".join(stale) + " (run `akg docs`)")
        raise click.exceptions.Exit(1)


COMMANDS = [docs_cmd]
