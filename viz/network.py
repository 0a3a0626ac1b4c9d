"""Network views: any ``nx.MultiDiGraph`` of the graph to styled, self-contained HTML.

:func:`build_view` turns a graph (from :mod:`viz.subgraphs` or :mod:`queries.analytics`)
into vis-network nodes and edges: colour and shape by class or actor role, edge colour by
relationship type, dash and width by confidence, node size by centrality, plain-text tooltips
with the properties and sources, a legend, and physics sized to the graph. Graphs larger than
``max_nodes`` are cut to their best-connected nodes, with a notice saying so.
:func:`render_html` renders a view with pyvis through our own template: vis-network is
inlined, nothing is fetched from anywhere, and every text from the data is escaped (tooltips
are set as text, JSON is embedded with ``<``, ``>`` and ``&`` escaped).

Example:
    >>> from queries.analytics import to_graph
    >>> g = to_graph([{"source": "actor/a", "source_name": "<b>A</b>", "type": "ARMS",
    ...                "target": "actor/b", "confidence": "low"}])
    >>> view = build_view(g, title="Test")
    >>> [n["label"] for n in view.nodes], view.edges[0]["dashes"]
    (['<b>A</b>', 'actor/b'], [2, 5])
    >>> html = render_html(view)
    >>> "<b>A</b>" in html, "\\\\u003cb\\\\u003eA" in html, "<script src" in html, "stylesheet" in html
    (False, True, False, False)
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from viz.layout import grouped_layout, node_scores, spiral_layout
from viz.style import edge_style, legend, node_style, role_property

__all__ = [
    "MAX_NODES",
    "PHYSICS_MAX_NODES",
    "STATIC_DIR",
    "View",
    "build_view",
    "dumps",
    "empty_view",
    "node_role",
    "options_for",
    "network_js",
    "render_html",
    "vis_js",
]

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES = HERE / "templates"
# Views are cut to this many nodes (best connected first) unless told otherwise.
MAX_NODES = 2000
# Above this many nodes the browser's physics is off, positions come from the server and the
# view opens clustered (by community): a cluster expands on click.
PHYSICS_MAX_NODES = 300
_SMALL = 150
_CLUSTER_COLOURS = ["#F3E0B5", "#CFE3F2", "#D5EBD8", "#EFD3E3", "#E4E4E4", "#F5D5C5", "#E0DCF0", "#DCEFEA"]
_HIDDEN_ATTRS = {"label", "name", "role", "perpetrator", "x", "y"}
# Labels are whole names wrapped on words at this many characters (never cut).
_LABEL_CHARS = 22
# Label size in canvas units; the page keeps it at >= 11 px on screen at the default zoom.
FONT_SIZE = 14
CLUSTER_ABOVE = PHYSICS_MAX_NODES


@dataclass
class View:
    """A network ready to draw: vis-network nodes, edges and options, legend, notices."""

    title: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: dict[str, list[dict[str, Any]]]
    options: dict[str, Any]
    subtitle: str = ""
    notice: str = ""
    empty_message: str = ""
    total_nodes: int = 0
    total_edges: int = 0
    measure: str = "degree"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def physics(self) -> bool:
        """Whether the browser lays the network out with physics."""
        return bool(self.options.get("physics", {}).get("enabled"))

    def as_dict(self) -> dict[str, Any]:
        """The view as JSON-ready data (what the page scripts read)."""
        return {"title": self.title, "subtitle": self.subtitle, "nodes": self.nodes, "edges": self.edges,
                "legend": self.legend, "options": self.options, "notice": self.notice,
                "empty_message": self.empty_message, "total_nodes": self.total_nodes,
                "total_edges": self.total_edges, "measure": self.measure, "meta": self.meta}


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.3g}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _wrap(key: str, value: Any) -> list[str]:
    text = _text(value)
    if not text:
        return []
    return textwrap.wrap(f"{key}: {text}", 72, subsequent_indent="   ", max_lines=6, placeholder=" …")


def wrap_label(name: str, width: int = _LABEL_CHARS) -> str:
    """A node's whole name on lines of about ``width`` characters (a long word stays whole).

    >>> wrap_label("Interim Government of Rwanda (Abatabazi)")
    'Interim Government of\\nRwanda (Abatabazi)'
    """
    return "\n".join(textwrap.wrap(name, width, break_long_words=False, break_on_hyphens=False)) or name


def _perpetrator_role() -> str | None:
    return next((r for r in role_property()[1] if "perpetrator" in r), None)


def node_role(attrs: Mapping[str, Any]) -> str | None:
    """The role drawn for a node: its ``role`` attribute, or potential perpetrator if flagged."""
    role = attrs.get("role")
    if isinstance(role, (list, tuple)):
        known = role_property()[1]
        ranked = sorted((r for r in role if r in known), key=known.index)
        role = ranked[0] if ranked else None
    if not role and attrs.get("perpetrator"):
        role = _perpetrator_role()
    return str(role) if role else None


def _node(node_id: str, attrs: Mapping[str, Any], score: float, measure: str) -> dict[str, Any]:
    cls = attrs.get("label")
    role = node_role(attrs)
    style = node_style(cls, role)
    class_label = node_style(cls).label
    name = str(attrs.get("name") or node_id)
    lines = [name, class_label + (f" · {style.label.lower()}" if role else "")]
    for key in sorted(attrs):
        if key not in _HIDDEN_ATTRS and attrs[key] not in (None, "", [], ()):
            lines += _wrap(key.replace("_", " "), attrs[key])
    lines += [f"{measure} centrality: {score:.2f}", f"id: {node_id}"]
    label = wrap_label(name)
    size = 12 + 26 * score ** 0.5
    return {
        "id": node_id, "label": label, "title": "\n".join(lines), "shape": style.shape,
        "size": round(size if style.shape != "box" else size / 2, 1),
        "color": {"background": style.colour, "border": "#222222" if role else "#FFFFFF",
                  "highlight": {"background": style.colour, "border": "#000000"},
                  "hover": {"background": style.colour, "border": "#000000"}},
        "borderWidth": 3 if role == _perpetrator_role() else 1.5,
        "font": {"size": FONT_SIZE, "strokeWidth": 3, "strokeColor": "#FFFFFF"},
        "cls": cls or "", "role": role or "", "name": name,
    }


def _edge(u: str, v: str, key: str, attrs: Mapping[str, Any], names: Mapping[str, str],
          rank: int) -> dict[str, Any]:
    confidence = attrs.get("confidence")
    style = edge_style(key, str(confidence) if confidence else None)
    lines = [f"{names.get(u, u)} — {style.label} → {names.get(v, v)}"]
    cited = [s for s in attrs.get("sources") or [] if isinstance(s, Mapping)]  # resolved by viz.provenance
    for k in sorted(attrs):
        if k == "sources" and cited:
            lines += _wrap("sources", [f"{s.get('title') or s['id']} ({s.get('grade', 'ungraded')})" for s in cited])
        elif attrs[k] not in (None, "", [], ()):
            lines += _wrap(k.replace("_", " "), attrs[k])
    edge: dict[str, Any] = {
        "id": f"{u}|{key}|{v}", "from": u, "to": v, "title": "\n".join(lines),
        "color": {"color": style.colour, "highlight": style.colour, "hover": style.colour, "opacity": 0.9},
        "dashes": style.dashes, "width": style.width, "arrows": "to",
        "rtype": key, "confidence": str(confidence or ""),
    }
    if cited:
        edge["sources"] = [{k: _text(x) if isinstance(x, (dt.date, dt.datetime)) else x for k, x in s.items()}
                           for s in cited]
    for name in ("valid_from", "valid_to", "date"):
        if attrs.get(name):
            edge[name] = _text(attrs[name])
    if rank:
        edge["smooth"] = {"enabled": True, "type": "curvedCW" if rank % 2 else "curvedCCW",
                          "roundness": 0.12 * ((rank + 1) // 2)}
    return edge


def _cap(graph: nx.MultiDiGraph, max_nodes: int, focus: Iterable[str]) -> nx.MultiDiGraph:
    keep = [f for f in focus if f in graph]
    ranked = sorted(graph.degree(), key=lambda kv: (-kv[1], str(kv[0])))
    chosen = set(keep)
    for node, _ in ranked:
        if len(chosen) >= max_nodes:
            break
        chosen.add(node)
    sub: nx.MultiDiGraph = graph.subgraph(chosen).copy()
    return sub


def options_for(n: int, label_chars: float = 12.0) -> dict[str, Any]:
    """vis-network options sized to ``n`` nodes: physics bounded, or off above the threshold.

    Springs are as long as the average label (``label_chars`` characters) is wide, and small
    graphs avoid overlaps; the page then pushes overlapping labels apart.
    """
    interaction = {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": False,
                   "multiselect": True, "hideEdgesOnDrag": n > _SMALL}
    edges = {"smooth": {"enabled": n <= _SMALL, "type": "continuous"}, "selectionWidth": 2,
             "arrows": {"to": {"scaleFactor": 0.6}}}
    nodes = {"font": {"face": "system-ui, sans-serif"}}
    if n > PHYSICS_MAX_NODES:
        return {"physics": {"enabled": False}, "layout": {"improvedLayout": False},
                "interaction": interaction, "edges": edges, "nodes": nodes}
    iterations = 250 if n <= _SMALL else 120
    return {
        "physics": {
            "enabled": True, "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000 if n <= _SMALL else -3000, "centralGravity": 0.4,
                          "springLength": round(60 + 6 * label_chars) if n <= _SMALL else 90,
                          "springConstant": 0.03, "damping": 0.45, "avoidOverlap": 0.6 if n <= _SMALL else 0.1},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25, "fit": False},
            "minVelocity": 1.0, "maxVelocity": 40, "timestep": 0.5,
        },
        "layout": {"improvedLayout": n <= _SMALL, "randomSeed": 7},
        "interaction": interaction, "edges": edges, "nodes": nodes,
    }


def build_view(graph: nx.MultiDiGraph, *, title: str = "", subtitle: str = "", max_nodes: int = MAX_NODES,
               focus: Iterable[str] = (), empty_message: str = "") -> View:
    """Style a graph for drawing.

    Args:
        graph: nodes carry ``label`` (class), ``name``, optional ``role``/``perpetrator`` and
            any properties to show; edges are keyed by relationship type, with ``confidence``,
            ``sources`` and other properties as attributes.
        title: heading of the view.
        subtitle: a line under the heading.
        max_nodes: larger graphs keep their best-connected nodes (and ``focus``), with a notice.
        focus: nodes always kept and drawn highlighted (the actor at the centre, path ends).
        empty_message: what an empty view says.

    Returns:
        A :class:`View`.
    """
    focus = [f for f in focus if f in graph]
    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    notice = ""
    if total_nodes > max_nodes:
        graph = _cap(graph, max_nodes, focus)
        notice = (f"Showing {graph.number_of_nodes():,} of {total_nodes:,} nodes and "
                  f"{graph.number_of_edges():,} of {total_edges:,} relationships (the best connected). "
                  "Narrow the view: fewer steps, a shorter time window or a higher confidence.")
    measure, scores = node_scores(graph)
    nodes = [_node(str(n), attrs, scores.get(str(n), 0.0), measure) for n, attrs in graph.nodes(data=True)]
    names = {n["id"]: n["name"] for n in nodes}
    for n in nodes:
        if n["id"] in focus:
            n["borderWidth"] = 4
            n["color"]["border"] = "#000000"
            n["font"]["size"] = 16
    seen: dict[tuple[str, str], int] = {}
    edges = []
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        pair = (min(str(u), str(v)), max(str(u), str(v)))
        rank = seen.get(pair, 0)
        seen[pair] = rank + 1
        edges.append(_edge(str(u), str(v), str(key), attrs, names, rank))
    options = options_for(len(nodes), label_chars=sum(min(len(n["name"]), _LABEL_CHARS) for n in nodes)
                          / max(len(nodes), 1))
    meta: dict[str, Any] = {}
    groups: list[list[str]] = []
    if len(nodes) > CLUSTER_ABOVE:
        groups = _communities(graph)
        meta["clusters"] = _clusters(groups, nodes, scores)
    if not options["physics"]["enabled"]:
        layout = grouped_layout(graph, groups) if groups else spiral_layout(graph)  # type: ignore[arg-type]
        positions = {str(k): xy for k, xy in layout.items()}
        for n in nodes:
            n["x"], n["y"] = positions.get(n["id"], (0.0, 0.0))
    classes = {str(n["cls"]) for n in nodes if not n["role"]}
    roles = {str(n["role"]) for n in nodes if n["role"]}
    types = {str(e["rtype"]) for e in edges}
    return View(title=title, subtitle=subtitle, nodes=nodes, edges=edges, legend=legend(classes, roles, types),
                options=options, notice=notice, empty_message=empty_message or "Nothing to show.",
                total_nodes=total_nodes, total_edges=total_edges, measure=measure, meta=meta)


def _communities(graph: nx.MultiDiGraph) -> list[list[str]]:
    """Communities of a large graph (Louvain, seeded: the same graph clusters the same way)."""
    simple = nx.Graph(graph.to_undirected())
    found = nx.community.louvain_communities(simple, seed=7, resolution=1.0)
    return [sorted(str(n) for n in c) for c in sorted(found, key=lambda c: (-len(c), min(map(str, c))))]


def _clusters(groups: list[list[str]], nodes: list[dict[str, Any]], scores: Mapping[str, float]) -> list[
        dict[str, Any]]:
    """One cluster per community: labelled by its best-connected member and its size; sets ``cgroup``."""
    by_id = {n["id"]: n for n in nodes}
    out = []
    for i, members in enumerate(groups):
        for m in members:
            by_id[m]["cgroup"] = i
        top = max(members, key=lambda m: (scores.get(m, 0.0), m))
        name = str(by_id[top]["name"])
        names = sorted(members, key=lambda m: (-scores.get(m, 0.0), m))[:8]
        out.append({
            "id": f"cluster:{i}", "group": i, "count": len(members), "name": f"{name} and {len(members) - 1} more",
            "label": f"{wrap_label(name)}\n+{len(members) - 1} more ({len(members)})" if len(members) > 1
            else wrap_label(name),
            "colour": _CLUSTER_COLOURS[i % len(_CLUSTER_COLOURS)],
            "title": f"{len(members)} nodes, among them: " + ", ".join(str(by_id[m]["name"]) for m in names)
            + ("…" if len(members) > len(names) else "") + "\nClick to open the cluster.",
        })
    return out


def empty_view(title: str, message: str) -> View:
    """A view with nothing to draw and a message saying why."""
    return build_view(nx.MultiDiGraph(), title=title, empty_message=message)


@cache
def vis_js() -> str:
    """vis-network 9.1.2 (standalone build, Apache-2.0/MIT), vendored from pyvis."""
    return (STATIC_DIR / "vis-network.min.js").read_text(encoding="utf-8")


@cache
def network_js() -> str:
    """Our drawing script: legend, tooltips, bounded physics (shared with the pages)."""
    return (STATIC_DIR / "akg-network.js").read_text(encoding="utf-8")


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True))
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    return env


class _Network(Network):  # type: ignore[misc]
    """pyvis' Network rendered through our template (no CDN tags, vis-network inlined)."""

    def __init__(self, view: View) -> None:
        super().__init__(height="100%", width="100%", directed=True, cdn_resources="in_line")
        self.view = view
        self.options = view.options
        for n in view.nodes:
            opts = {k: v for k, v in n.items() if k not in {"id", "label", "shape"}}
            self.add_node(n["id"], label=n["label"], shape=n["shape"], **opts)
        self._add_edges(view.edges)

    def _add_edges(self, edges: list[dict[str, Any]]) -> None:
        # pyvis' add_edge scans the node list per call; the view's edges are already checked.
        self.edges.extend({**e, "from": e["from"], "to": e["to"]} for e in edges)

    def generate_html(self, name: str = "index.html", local: bool = True, notebook: bool = False) -> str:
        data = {**self.view.as_dict(), "nodes": self.nodes, "edges": self.edges, "options": self.options}
        template = _environment().get_template("network.html")
        html: str = template.render(view=self.view, data=data, vis_js=vis_js(), network_js=network_js())
        self.html = html
        return html


def render_html(view: View) -> str:
    """The view as one self-contained HTML page (no external requests)."""
    return str(_Network(view).generate_html())


def dumps(view: View) -> str:
    """The view's data as JSON text."""
    return json.dumps(view.as_dict(), ensure_ascii=False, default=str)
