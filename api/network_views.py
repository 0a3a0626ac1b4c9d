"""The self-contained network views under ``/viz/``, served on the ``pages`` blueprint.

Routes (endpoint names ``pages.viz_*``, as ``url_for`` in the templates expects):

``GET /viz/actor/<actor_id>``
    an actor's ego network (``depth`` 1-3, ``from``/``to`` window for events);
``GET /viz/country/<code>``
    a country's actors, victim groups and event clusters (``as_of``);
``GET /viz/paths?actor=…&group=…``
    the paths from an actor to a victim group (``max_hops`` 1-4);
``GET /viz/leverage/<actor_id>``
    every leverage chain over an actor (``steps`` 1-5);
``GET /viz/data/nodes?ids=…``
    styled vis-network nodes for ids the explorer received from the API (JSON);
``GET /viz/assets/<name>``
    vis-network and our drawing script.

Each view is one HTML file with its script inlined, so it carries its own Content Security
Policy (inline code only, no connections at all). Importing this module adds the routes to
:data:`api.pages.bp` (``api/__init__.py`` imports it), so the blueprint's handlers apply to them
as to every page: an unknown actor or country is the 404 page with search boxes, and a view that
ignored a bad date still shows, with the notice, but answers 400.
"""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
from flask import Response, abort, jsonify, request, send_from_directory

from api.page_args import date_arg, full_id, int_arg, notices, page_store
from api.pages import bp
from queries.leverage import DEFAULT_HOPS, MAX_HOPS
from viz.dashboard import country_id
from viz.network import STATIC_DIR, View, build_view, empty_view, render_html
from viz.provenance_pages import label_view, network_provenance
from viz.subgraphs import (
    actor_network,
    class_of,
    country_network,
    describe_actors,
    describe_groups,
    leverage_network,
    paths_network,
)

__all__ = ["VIEW_CSP", "VIZ_ASSETS", "viz_actor", "viz_asset", "viz_country", "viz_leverage", "viz_nodes",
           "viz_paths"]

VIEW_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
            "connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
VIZ_ASSETS = frozenset({"vis-network.min.js", "akg-network.js"})


def _view_response(view: View) -> Response:
    """The view as one HTML file under :data:`VIEW_CSP`, with the request's notices (bad dates) on top."""
    if notices():
        view = replace(view, notice=" ".join([*notices(), view.notice]).strip())
    response = Response(render_html(view), mimetype="text/html")
    response.headers["Content-Security-Policy"] = VIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/viz/actor/<path:actor_id>")
def viz_actor(actor_id: str) -> Response:
    """An actor's ego network (``depth`` 1-3, optional ``from``/``to`` window for events)."""
    aid, store = full_id("actor", actor_id), page_store()
    date_from, date_to = date_arg("from"), date_arg("to")
    graph = actor_network(store, aid, depth=int_arg("depth", 2, 1, 3), date_from=date_from, date_to=date_to)
    name = str(graph.nodes[aid].get("name") or aid)
    view = build_view(graph, title=f"{name}: ego network", focus=[aid],
                      empty_message=f"{name} has no recorded relationships yet.")
    return _view_response(label_view(view, network_provenance(store, graph, actor=aid, date_from=date_from,
                                                               date_to=date_to)))


@bp.get("/viz/country/<code>")
def viz_country(code: str) -> Response:
    """A country's actors, victim groups and event clusters."""
    cid, store, as_of = country_id(code), page_store(), date_arg("as_of")
    graph = country_network(store, cid, as_of=as_of)
    view = build_view(graph, title=f"{graph.graph['name']}: actors and victim groups",
                      empty_message="No actors or victim groups are recorded for this country.")
    return _view_response(label_view(view, network_provenance(store, graph, country=cid, date_to=as_of)))


@bp.get("/viz/paths")
def viz_paths() -> Response:
    """Paths from ``actor`` to victim ``group``."""
    actor, group = request.args.get("actor", ""), request.args.get("group", "")
    if not actor or not group:
        return _view_response(empty_view("Paths", "Give an actor and a victim group: /viz/paths?actor=…&group=…"))
    aid, gid = full_id("actor", actor), full_id("group", group)
    graph = paths_network(page_store(), aid, gid, max_hops=int_arg("max_hops", 4, 1, 4))
    names = [graph.nodes[n].get("name") or n for n in (aid, gid)]
    return _view_response(build_view(graph, title=f"Paths from {names[0]} to {names[1]}", focus=[aid, gid],
                                     empty_message="No path connects them (up to four steps)."))


@bp.get("/viz/leverage/<path:actor_id>")
def viz_leverage(actor_id: str) -> Response:
    """Every leverage chain over an actor (``steps``: longest chain, 1 to 5), or a plain statement of none."""
    aid = full_id("actor", actor_id)
    steps = int_arg("steps", DEFAULT_HOPS, 1, MAX_HOPS)
    graph = leverage_network(page_store(), aid, max_steps=steps)
    name = graph.nodes[aid].get("name") or aid
    if graph.graph["chains"]:
        strongest = "; ".join(graph.graph["paths"])
        subtitle = f"{graph.graph['chains']} chain(s) within {steps} hops, strongest: {strongest}"
    else:
        subtitle = (f"No leverage over {name} is recorded: no leverage, command, arms, support or membership "
                    f"chain reaches it within {steps} hops.")
    return _view_response(build_view(graph, title=f"Leverage over {name}", subtitle=subtitle, focus=[aid],
                                     empty_message="No leverage over this actor is recorded."))


@bp.get("/viz/data/nodes")
def viz_nodes() -> Response:
    """Styled vis-network nodes (role, tooltip) for ids the explorer received from the API."""
    ids = [i for i in request.args.get("ids", "").split(",") if i][:200]
    graph = nx.MultiDiGraph()
    for i in ids:
        graph.add_node(i, label=class_of(i), name=request.args.get(f"name.{i}") or i)
    describe_actors(page_store(), graph)
    describe_groups(page_store(), graph)
    return jsonify(build_view(graph).nodes)


@bp.get("/viz/assets/<name>")
def viz_asset(name: str) -> Response:
    """vis-network and our drawing script, from the viz package."""
    if name not in VIZ_ASSETS:
        abort(404)
    return send_from_directory(STATIC_DIR, name, mimetype="text/javascript", max_age=3600)
