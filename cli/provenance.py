"""``akg retract assessment`` and ``akg log``: withdraw an assessment; read the audit log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from cli.common import echo_table, store_from
from graph import audit
from graph.datasets import is_loading, list_versions
from graph.editorial import retract

__all__ = ["COMMANDS"]


@click.group("retract")
def retract_group() -> None:
    """Withdraw something from the graph's current view (kept in the audit log)."""


@retract_group.command("assessment")
@click.argument("assessment_id")
@click.option("--reason", required=True, help="Why the assessment is withdrawn (recorded in the log).")
@click.option("--by", help="Who retracts it (recorded in the log).")
@click.pass_context
def retract_assessment(ctx: click.Context, assessment_id: str, reason: str, by: str | None) -> None:
    """Retract ASSESSMENT_ID (e.g. KAZ-2026-06 or assessment/KAZ-2026-06).

    The assessment stays listed with status ``retracted``; everything it stated leaves the
    current graph unless another assessment states it too.
    """
    aid = assessment_id if assessment_id.startswith("assessment/") else f"assessment/{assessment_id}"
    with store_from(ctx) as store:
        out = retract(store, aid, reason=reason, by=by)
    s = out.summary
    click.echo(f"retracted {aid} (was {out.previous_status}): {s.nodes_removed + s.edges_removed} statements "
               f"removed, {s.nodes_updated + s.edges_updated} updated")


@click.command("log")
@click.option("--country", help="Only entries about this country (ISO3).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only entries on or after this day.")
@click.option("--target", help="Only entries about this id (assessment/…, dataset/…, rec/…).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with the details of each entry).")
@click.pass_context
def log_cmd(ctx: click.Context, country: str | None, since: dt.datetime | None, target: str | None,
            limit: int, as_json: bool) -> None:
    """The audit log, newest first: every load, retraction, status change and merge."""
    with store_from(ctx, read_only=True) as store:
        rows = audit.read_log(store, country=country.upper() if country else None,
                              since=since.date() if since else None, target=target, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    echo_table(["at", "action", "target", "created", "updated", "removed", "by", "reason"],
               [[r["at"][:19], r["action"], r["target"], r["created"], r["updated"], r["removed"],
                 r["by"] or "", r["reason"] or ""] for r in rows])


@click.command("datasets")
@click.option("--all", "show_all", is_flag=True, help="Also list versions a newer one replaced (or abandoned).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with licence and citation).")
@click.pass_context
def datasets_cmd(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """Loaded dataset versions: which file, scope, rows, access date, and whether current or illustrative.

    A version whose load is under way, or was interrupted (state ``loading``, with the rows in
    scope written so far), is listed too: loading the same file again completes it.
    """
    with store_from(ctx, read_only=True) as store:
        rows = list_versions(store, every=show_all)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    # rows: the file's; in scope: those the version holds (a --country load reads the whole file)
    echo_table(["id", "dataset", "version", "scope", "in scope", "file rows", "accessed", "current", "state",
                "illustrative", "file"],
               [[r["id"], r["dataset"], r["version"], r["scope"], r["rows_in_scope"], r["rows"], r["accessed"],
                 r["current"], load_state(r), r["illustrative"], r["file"]] for r in rows])


def load_state(version: dict[str, Any]) -> str:
    """How a version's load went, for a table: ``loading (1200 rows written)`` while unfinished.

    >>> load_state({"load_state": "loading", "rows_committed": 1200})
    'loading (1200 rows written)'
    >>> load_state({"load_state": None, "rows_committed": None})
    'complete'
    """
    state = version.get("load_state") or "complete"
    return f"{state} ({version.get('rows_committed') or 0} rows written)" if is_loading(version) else state


COMMANDS = [retract_group, log_cmd, datasets_cmd]
