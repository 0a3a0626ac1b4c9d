"""``akg viz``: write a network view (self-contained HTML, opens offline in any browser)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.common import store_from
from viz.dashboard import country_id
from viz.network import View, build_view, render_html
from viz.subgraphs import actor_network, country_network, leverage_network, paths_network

__all__ = ["COMMANDS", "viz_cmd"]


def _full(prefix: str, ident: str) -> str:
    return ident if ident.startswith(f"{prefix}/") else f"{prefix}/{ident}"


@click.command("viz")
@click.argument("kind", type=click.Choice(["actor", "country", "paths", "leverage"]))
@click.argument("ids", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="HTML file to write (default: <kind>-<id>.html); '-' writes to standard output.")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(1, 3),
              help="Steps from the actor (actor) or longest leverage chain (leverage).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Country view: relationships valid on this day (default today).")
@click.option("--max-nodes", default=2000, show_default=True, type=click.IntRange(10, 20000),
              help="Larger networks keep their best-connected nodes, with a notice.")
@click.pass_context
def viz_cmd(ctx: click.Context, kind: str, ids: tuple[str, ...], output: Path | None, depth: int,
            as_of: dt.datetime | None, max_nodes: int) -> None:
    """Write a network view as one offline HTML file.

    \b
      akg viz actor interahamwe -o interahamwe.html
      akg viz country RWA -o rwanda.html
      akg viz paths far tutsi -o far-to-tutsi.html      (actor, then victim group)
      akg viz leverage sdn-government -o leverage.html
    """
    expected = 2 if kind == "paths" else 1
    if len(ids) != expected:
        raise click.UsageError(f"'akg viz {kind}' takes {expected} id(s), got {len(ids)}")
    with store_from(ctx, read_only=True) as store:
        view: View
        if kind == "actor":
            aid = _full("actor", ids[0])
            graph = actor_network(store, aid, depth=depth)
            view = build_view(graph, title=f"{graph.nodes[aid].get('name') or aid}: ego network", focus=[aid],
                              max_nodes=max_nodes, empty_message="No relationships are recorded for this actor.")
        elif kind == "country":
            cid = country_id(ids[0])
            graph = country_network(store, cid, as_of=as_of.date() if as_of else None)
            view = build_view(graph, title=f"{graph.graph['name']}: actors and victim groups", max_nodes=max_nodes,
                              empty_message="No actors or victim groups are recorded for this country.")
        elif kind == "paths":
            aid, gid = _full("actor", ids[0]), _full("group", ids[1])
            graph = paths_network(store, aid, gid)
            view = build_view(graph, title=f"Paths from {aid} to {gid}", focus=[aid, gid], max_nodes=max_nodes,
                              empty_message="No path connects them (up to four steps).")
        else:
            aid = _full("actor", ids[0])
            graph = leverage_network(store, aid, max_steps=depth)
            view = build_view(graph, title=f"Leverage over {graph.nodes[aid].get('name') or aid}", focus=[aid],
                              max_nodes=max_nodes, empty_message="No leverage over this actor is recorded.")
    html = render_html(view)
    if output is not None and str(output) == "-":
        click.echo(html)
        return
    target = output or Path(f"{kind}-{'-'.join(i.rsplit('/', 1)[-1] for i in ids)}.html")
    target.write_text(html, encoding="utf-8")
    click.echo(f"wrote {target}: {len(view.nodes)} nodes, {len(view.edges)} relationships"
               + (f" ({view.notice})" if view.notice else ""))


COMMANDS = [viz_cmd]
