"""``akg recommendation``: record what became of a recommendation.

    akg recommendation status BIH-1995-06/r4 implemented --date 1995-07-25 \\
        --source icty-krstic-aj-2004 --note "Indictments issued" --outcome effective

One call of :func:`graph.recommendation_status.change_status` (the API's
``POST /api/v1/recommendations/{id}/status`` calls the same function): the status and outcome
must be in the ontology's vocabularies, a proposed recommendation takes no outcome, and an
unknown recommendation id is an error naming the nearest ones. Nothing is written on error.
"""

from __future__ import annotations

import datetime as dt

import click

from cli.common import store_from
from graph.recommendation_status import change_status
from ontology.model import load_model

__all__ = ["COMMANDS"]


def _choices(owner: str, prop: str) -> list[str]:
    return [str(v) for v in load_model().constraint(owner, prop).values or ()]


@click.group("recommendation")
def recommendation_cmd() -> None:
    """Recommendations: record status changes and coded outcomes (lessons learnt)."""


@recommendation_cmd.command("status")
@click.argument("rec_id")
@click.argument("status", type=click.Choice(_choices("StatusChange", "status")))
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Day the status changed (YYYY-MM-DD).")
@click.option("--source", required=True, help="Source that reports it: a Source id of the graph or a reference.")
@click.option("--note", help="A note on the change.")
@click.option("--outcome", type=click.Choice(_choices("StatusChange", "outcome_code")),
              help="Coded outcome (not for a proposed recommendation).")
@click.option("--by", help="Who records it (audit log).")
@click.pass_context
def status_cmd(ctx: click.Context, rec_id: str, status: str, day: dt.datetime, source: str, note: str | None,
               outcome: str | None, by: str | None) -> None:
    """Record that recommendation REC_ID (e.g. BIH-1995-06/r4) changed to STATUS."""
    with store_from(ctx) as store:
        done = change_status(store, rec_id, status, date=day.date(), source=source, note=note, outcome=outcome,
                             by=by)
    coded = f", outcome {done.outcome_code}" if done.outcome_code else ""
    cited = f" (cites {done.cites})" if done.cites else ""
    click.echo(f"{done.recommendation}: {done.status} on {done.changed_on}{coded}{cited}; recorded as {done.id}")


COMMANDS = [recommendation_cmd]
