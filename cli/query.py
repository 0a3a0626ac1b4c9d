"""``akg query``: the named-query catalogue, named queries, and researchers' read-only Cypher.

    akg query --list                     # names and a one-line summary, 80 columns
    akg query --list --long              # full descriptions, users and parameters
    akg query run country_risk_profile --param country=RWA --param as_of=1994-04-01
    akg query "MATCH (a:Actor) RETURN a.name LIMIT 5" --format json
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import textwrap
from functools import partial
from typing import Any

import click

import queries
from cli.common import echo_table, settings_of, store_from
from graph.base import ReadResult
from graph.export import csv_cell
from graph.settings import Settings
from queries.isolated import QueryPool

__all__ = ["COMMANDS"]


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="--param")
        out[key.strip()] = value
    return out


WIDTH = 80


def _summary_line(text: str, width: int) -> str:
    """The first sentence of ``text``, cut to ``width`` characters with an ellipsis."""
    first = text.split(". ")[0].split(": ")[0].rstrip(".")
    return first if len(first) <= width else first[: width - 1].rstrip() + "…"


def _list(long: bool) -> None:
    catalogue = queries.catalogue().values()
    if long:
        for q in catalogue:
            params = ", ".join(f"{p.name}: {p.type}" + ("" if p.required else f" = {p.shown_default()}")
                               for p in q.params) or "none"
            click.echo(f"{q.name}  [{', '.join(q.users)}]")
            click.echo(textwrap.fill(q.description, WIDTH, initial_indent="  ", subsequent_indent="  "))
            click.echo(textwrap.fill(f"parameters: {params}", WIDTH, initial_indent="  ", subsequent_indent="    "))
            click.echo("")
        return
    names = max(len(q.name) for q in catalogue)
    for q in catalogue:
        click.echo(f"{q.name.ljust(names)}  {_summary_line(q.description, WIDTH - names - 2)}".rstrip())
    click.echo(f"\n{len(catalogue)} queries; `akg query --list --long` gives details.", err=True)


def _cell(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict) and "id" in value and "label" in value:
        return value.get("name") or value["id"]
    if isinstance(value, dict) and "type" in value and "source" in value:
        return f"{value['source']} -[{value['type']}]-> {value['target']}"
    return value


def _print(result: ReadResult, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({"columns": result.columns, "rows": result.dicts(), "truncated": result.truncated},
                              default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v),
                              ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow([csv_cell(json.dumps(v, default=str) if isinstance(v, (list, dict)) else _cell(v))
                             for v in row])
    else:
        echo_table(result.columns, [[_cell(v) for v in row] for row in result.rows])
    note = " (truncated at the row limit)" if result.truncated else ""
    click.echo(f"{len(result.rows)} row(s){note}", err=True)


@click.command("query")
@click.argument("words", nargs=-1)
@click.option("--list", "list_all", is_flag=True, help="List the named queries (one line each, 80 columns).")
@click.option("--long", "long_list", is_flag=True, help="With --list: full descriptions, users and parameters.")
@click.option("--param", "-p", "pairs", multiple=True, metavar="KEY=VALUE",
              help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--timeout", type=float,
              help="Seconds before a researcher's query is stopped (default AKG_QUERY_TIMEOUT).")
@click.option("--limit", type=click.IntRange(min=1), help="Row cap (default AKG_ROW_LIMIT).")
@click.pass_context
def query_cmd(ctx: click.Context, words: tuple[str, ...], list_all: bool, long_list: bool, pairs: tuple[str, ...],
              fmt: str, timeout: float | None, limit: int | None) -> None:
    """Run a named query (`akg query run NAME --param k=v`) or read-only Cypher (`akg query "MATCH …"`).

    Id parameters take the id with or without its prefix: `--param country=RWA` is
    `--param country=country/RWA`.
    """
    if list_all or not words:
        _list(long_list)
        return
    params = _params(pairs)
    settings = settings_of(ctx)
    if words[0] == "run":
        if len(words) != 2:
            raise click.UsageError("usage: akg query run NAME [--param KEY=VALUE …]")
        with store_from(ctx, read_only=True) as store:
            result = queries.execute(store, words[1], params, timeout=timeout or settings.query_timeout_s,
                                     limit=limit or settings.row_limit)
    else:
        result = _isolated(ctx, settings, " ".join(words), params, timeout, limit)
    _print(result, fmt)


def _isolated(ctx: click.Context, settings: Settings, cypher: str, params: dict[str, str],
              timeout: float | None, limit: int | None) -> ReadResult:
    """A researcher's Cypher in one query worker (a crash or runaway ends only the worker)."""
    pool = QueryPool(settings, workers=1)
    try:
        run = partial(pool.run, cypher=cypher, params=params, timeout=timeout or settings.query_timeout_s,
                      limit=limit or settings.row_limit)
        if pool.isolated:
            return run(None)
        with store_from(ctx, read_only=True) as store:
            return run(store)
    finally:
        pool.close()


COMMANDS = [query_cmd]
