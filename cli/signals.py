"""``akg signals compute|show`` and ``akg alerts list|ack|dismiss|escalate``: early warning from events."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

import queries
from cli.common import echo_table, settings_of, store_from
from loaders.early_warning import AlertNotFound, Refresh, refresh, set_status
from loaders.event_frame import first_dates
from loaders.series import weekly_points
from loaders.thresholds import load_thresholds

__all__ = ["COMMANDS", "echo_refresh"]


def echo_refresh(r: Refresh, seconds: float) -> None:
    """One line on what a refresh computed, and the events it could not count."""
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(r.by_kind.items())) or "none"
    click.echo(f"signals: {r.countries} country(ies), {r.events:,} events read, {r.points:,} series points "
               f"stored ({r.points_deleted:,} removed), {r.alerts:,} alerts ({r.alerts_new:,} new; {kinds}) "
               f"in {seconds:.1f} s")
    if r.undated_events:
        click.echo(f"warning: {r.undated_events:,} stored event(s) have no country or no date and are in no "
                   "series", err=True)


@click.group("signals")
def signals_group() -> None:
    """Event series and the signals computed from them."""


@signals_group.command("compute")
@click.option("--country", "countries", multiple=True, help="ISO3 code (repeatable); default: every country.")
@click.option("--thresholds", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Alert thresholds (YAML): defaults, regions and countries sections.")
@click.pass_context
def compute(ctx: click.Context, countries: tuple[str, ...], thresholds: Path | None) -> None:
    """Recompute every month of the stored events' series and alerts (after a threshold change)."""
    limits = load_thresholds(thresholds)
    started = dt.datetime.now()
    with store_from(ctx) as store:
        known = first_dates(store)
        codes = [c.upper() for c in countries]
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise click.ClickException(f"no stored events for {', '.join(unknown)}: nothing to compute there")
        windows = {k: (v[0], v[1]) for k, v in known.items() if not codes or k in codes}
        result = refresh(store, windows, limits, weekly_categories=settings_of(ctx).weekly_category_points)
    echo_refresh(result, (dt.datetime.now() - started).total_seconds())


@signals_group.command("show")
@click.argument("iso3")
@click.option("--dimension", default="all", show_default=True,
              type=click.Choice(["all", "admin1", "actor", "group", "category", "indicator"]))
@click.option("--slice", "slice_", default="", help="One slice of the dimension (default: every slice).")
@click.option("--granularity", default="month", show_default=True, type=click.Choice(["month", "week"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def show(ctx: click.Context, iso3: str, dimension: str, slice_: str, granularity: str, as_json: bool) -> None:
    """A country's stored series (events, fatalities, civilian events and deaths per period)."""
    with store_from(ctx, read_only=True) as store:
        rows = queries.run(store, "country_signals", country=f"country/{iso3.upper()}", dimension=dimension,
                           slice=slice_, granularity=granularity)
        if not rows and granularity == "week" and dimension != "all":  # not stored: from the events
            rows = weekly_points(store, iso3.upper(), dimension, slice_)
        if not rows:
            has = first_dates(store, iso3.upper())
            raise click.ClickException(f"{iso3.upper()}: no stored series"
                                       + ("" if has else " (no events of this country are stored)"))
    if as_json:
        click.echo(json.dumps(rows, default=str, indent=1))
        return
    echo_table(["period", "slice", "events", "fatalities", "civ. events", "civ. deaths"],
               [[r["period_start"], r["slice"], r["events"], r["fatalities"], r["civilian_events"],
                 r["civilian_deaths"]] for r in rows])


@click.group("alerts")
def alerts_group() -> None:
    """Alerts: list them, acknowledge, dismiss (with a reason) or escalate one."""


@alerts_group.command("list")
@click.option("--country", default="", help="ISO3 code.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Periods starting on or after this day.")
@click.option("--status", default="", type=click.Choice(["", "new", "acknowledged", "dismissed", "escalated"]))
@click.option("--kind", default="", type=click.Choice(["", "surge", "civilian-share", "new-actor", "new-group",
                                                       "spread", "mass-fatality"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_alerts(ctx: click.Context, country: str, since: dt.datetime | None, status: str, kind: str,
                as_json: bool) -> None:
    """Alerts, newest period first, strongest first."""
    with store_from(ctx, read_only=True) as store:
        rows: list[dict[str, Any]] = queries.execute(
            store, "alerts_list", {"country": f"country/{country.upper()}" if country else "",
                                   "since": since.date() if since else dt.date(1900, 1, 1), "status": status,
                                   "kind": kind}).dicts()
    if as_json:
        click.echo(json.dumps(rows, default=str, indent=1))
        return
    echo_table(["alert", "period", "kind", "slice", "observed", "baseline", "strength", "status"],
               [[r["alert"], r["period_start"], r["kind"], str(r["slice"])[:40], f"{r['observed']:g}",
                 f"{r['baseline']:.1f}", f"{r['strength']:.2f}", r["status"]] for r in rows])


def _status(ctx: click.Context, alert_id: str, status: str, reason: str | None) -> None:
    with store_from(ctx) as store:
        try:
            done = set_status(store, alert_id if alert_id.startswith("alert/") else f"alert/{alert_id}", status,
                              reason)
        except AlertNotFound as exc:
            raise click.ClickException(exc.message) from None
    click.echo(f"{done['id']}: {done['status']}" + (f" ({done['reason']})" if done["reason"] else ""))


@alerts_group.command("ack")
@click.argument("alert_id")
@click.pass_context
def ack(ctx: click.Context, alert_id: str) -> None:
    """Acknowledge an alert (an analyst has seen it)."""
    _status(ctx, alert_id, "acknowledged", None)


@alerts_group.command("dismiss")
@click.argument("alert_id")
@click.option("--reason", required=True, help="Why the alert does not warrant action.")
@click.pass_context
def dismiss(ctx: click.Context, alert_id: str, reason: str) -> None:
    """Dismiss an alert, with the reason."""
    _status(ctx, alert_id, "dismissed", reason)


@alerts_group.command("escalate")
@click.argument("alert_id")
@click.option("--reason", default=None, help="Why it is escalated.")
@click.pass_context
def escalate(ctx: click.Context, alert_id: str, reason: str | None) -> None:
    """Escalate an alert (it goes to the review of the country's assessment)."""
    _status(ctx, alert_id, "escalated", reason)


COMMANDS: list[click.Command] = [signals_group, alerts_group]
