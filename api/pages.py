"""Pages for people: watch-list, country dashboard, network explorer, response planner and query
console, on the ``pages`` blueprint with its handlers (404 page, bad dates answer 400).

Server-rendered with Jinja (autoescaped); scripts and styles are served from this app
(``/pages-static/`` and ``/viz/assets/``), never from a CDN. The pages run under the API's
strict Content Security Policy. The self-contained network views under ``/viz/`` are in
:mod:`api.network_views`, which adds them to this blueprint (this module does not import it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    Response,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from api.errors import ApiError, error_response
from api.page_args import date_arg, full_id, int_arg, notices, page_store
from api.queries import query_pool, rate_limit
from api.state import state
from loaders.early_warning import coverage
from ontology.errors import AkgError
from ontology.model import load_model
from queries import catalogue, execute
from queries.analytics import centrality, communities
from queries.citations import role_sources
from queries.isolated import QueryBusy
from viz.dashboard import country_dashboard, watchlist
from viz.early_warning import country_signals, review_status, shown_until
from viz.network import build_view
from viz.planner import plan, plan_markdown
from viz.provenance import country_provenance, datasets_shown, score_datasets
from viz.provenance_pages import briefing_markdown, network_provenance, plan_provenance
from viz.results import cell_text, node_names, result_graph
from viz.style import class_styles, confidence_levels, edge_style, relationship_styles, role_styles
from viz.subgraphs import UnknownNode, actor_network, class_of
from viz.timeline import slider
from viz.vocab import stages

__all__ = ["bp"]

BROKERS = 5  # the explorer highlights this many nodes of highest betweenness

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static/pages",
               static_url_path="/pages-static")

CONSOLE_ROWS = 500


def _not_found(message: str, **search: Any) -> tuple[str, int]:
    sentence = message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
    return render_template("pages/not_found.html", message=sentence, **search), 404


@bp.app_context_processor
def _keep_as_of() -> dict[str, Any]:
    """``keep``: the query arguments a page's links carry on (a valid ``as_of``), e.g.
    ``url_for('pages.country', code='RWA', **keep)``."""
    as_of = g.get("as_of")
    return {"keep": {"as_of": as_of.isoformat()} if as_of else {}}


@bp.after_request
def _bad_dates_are_bad_requests(response: Response) -> Response:
    """A page that ignored a bad date still shows (with the notice) but answers 400."""
    if response.status_code == 200 and g.get("date_notices"):
        response.status_code = 400
    return response


@bp.app_errorhandler(404)
def _no_such_page(exc: HTTPException) -> Response | tuple[str, int]:
    """A URL that names no page: the 404 page with its search boxes (the API's paths keep their JSON)."""
    if request.path.startswith("/api/") or not request.accept_mimetypes.accept_html:
        return error_response(404, "not_found", exc.description or "not found")
    return _not_found(f"there is no page at {request.path}")


@bp.errorhandler(UnknownNode)
def _unknown(exc: UnknownNode) -> tuple[str, int]:
    """An unknown country or actor in a page URL: a 404 page with search boxes, the id in them."""
    ident = str(exc.details.get("id", "")).rsplit("/", 1)[-1]
    if "country/" in str(exc.details.get("id", "")):
        return _not_found(exc.message, country_q=ident)
    return _not_found(exc.message, actor_q=ident)


# ------------------------------------------------------------------------------ pages
@bp.get("/")
def home() -> str:
    """Watch-list: monitored countries by region with risk, trend, score and next trigger."""
    store = page_store()
    as_of = date_arg("as_of")
    data = watchlist(store, today=as_of)
    review = review_status(store, today=as_of)
    for _, members in data["regions"]:
        for r in members:
            r["review"] = review.get(r["country"])
        # due for review first, then by the strongest alert, keeping the risk order among the rest
        members.sort(key=lambda r: (not (r["review"] or {}).get("due_for_review"),
                                    -((r["review"] or {}).get("max_strength") or 0.0)))
    # the due box lists every country with alerts newer than its assessment, saying which are not watched
    due = sorted(({**r, "heading": data["headings"].get(r["country"])} for r in review.values()
                  if r["due_for_review"]), key=lambda r: (-(r["max_strength"] or 0.0), r["country"]))
    shown = [(r["country"], r["scored_on"]) for _, members in data["regions"] for r in members
             if r["score_risk"] is not None]
    return render_template("pages/home.html", data=data, due=due, as_of=as_of, active="home",
                           prov=datasets_shown(score_datasets(store, shown)))


@bp.get("/countries")
def countries() -> WerkzeugResponse | tuple[str, int]:
    """Find a country by name or ISO code: one match opens its dashboard, several are listed."""
    q = request.args.get("q", "").strip()
    rows = execute(page_store(), "country_overview", {}).dicts() if q else []
    exact = [r for r in rows if q.upper() in {str(r["notation"]), r["country"].upper()}]
    matches = exact or [r for r in rows if q.lower() in str(r["name"]).lower()]
    if len(matches) == 1:
        return redirect(url_for("pages.country", code=matches[0]["notation"]))
    message = f"{len(matches)} countries match “{q}”." if matches else (
        f"No country matches “{q}”." if q else "Give a country name or ISO code.")
    # several matches are a result list, not a page that was not found
    heading = "Countries" if matches else ("Not found" if q else "Find a country")
    html = render_template("pages/not_found.html", message=message, country_q=q, matches=matches, heading=heading)
    return html, 200 if matches else 404


@bp.get("/countries/<code>")
def country(code: str) -> str:
    """Country dashboard."""
    store = page_store()
    as_of = date_arg("as_of")
    data = country_dashboard(store, code, as_of=as_of)
    data["signals"] = country_signals(store, data["country"], as_of=as_of)
    data["coverage"] = shown_until(coverage(store, data["country"].split("/", 1)[1]), as_of)
    return render_template("pages/country.html", d=data, view=data["view"].as_dict(), active="country",
                           prov=country_provenance(store, data))


@bp.get("/explorer")
def explorer() -> str:
    """Network explorer: search an actor, draw its network, expand nodes, filter, path, export."""
    store = page_store()
    q = request.args.get("q", "").strip()
    actor = request.args.get("actor", "").strip()
    found = execute(store, "actor_search", {"q": q}, limit=50).dicts() if q else []
    if q and not actor and len(found) == 1:
        actor = found[0]["actor"]
    view = None
    prov = None
    span = None
    if actor:
        date_from, date_to, as_of = date_arg("from"), date_arg("to"), date_arg("as_of")
        if as_of:  # replay: events in the year up to that day (unless a window is given)
            date_to = date_to or as_of
            date_from = date_from or as_of - dt.timedelta(days=365)
        graph = actor_network(store, full_id("actor", actor), depth=int_arg("depth", 1, 1, 3), date_from=date_from,
                              date_to=date_to, as_of=as_of)
        view = build_view(graph, title=str(graph.nodes[full_id("actor", actor)].get("name") or actor),
                          focus=[full_id("actor", actor)],
                          empty_message="This actor has no recorded relationships yet.").as_dict()
        view["meta"]["communities"] = {r["id"]: r["community"] for r in communities(graph)}
        view["meta"]["brokers"] = {r["id"]: r["betweenness"] for r in centrality(graph)[:BROKERS]
                                   if r["betweenness"] > 0}
        prov = network_provenance(store, graph, actor=full_id("actor", actor), date_from=date_from, date_to=date_to)
        claims = role_sources(store, [n for n in graph if class_of(str(n)) == "Actor"])
        span = slider(view, as_of or date_to, also=[date_from, date_to, *(c.get("date") for c in claims)])
    return render_template("pages/explorer.html", q=q, found=found, actor=actor, view=view,
                           styles=_style_tables(), active="explorer", prov=prov, slider=span,
                           slider_action=url_for("pages.explorer"),
                           slider_keep={"actor": actor, "depth": request.args.get("depth", "")},
                           slider_note="Relationships valid on that day, and events in the year up to it.")


def _stage() -> str:
    """The ``stage`` filter: a stage code of the continuum, or empty (an unknown one is ignored and the
    page says so, status 400)."""
    value = request.args.get("stage", "").strip().upper()
    codes = [s.code for s in stages()]
    if value and value not in codes:
        notices().append(f"stage={value!r} is not one of {', '.join(codes)}, so it was ignored: "
                          "showing every stage.")
        return ""
    return value


def _plan_args() -> dict[str, Any]:
    code, group = request.args.get("country", "").strip(), request.args.get("group", "").strip()
    return {"country": code, "victim_group": full_id("group", group) if group else "",
            "min_level": int_arg("min_level", 2, 0, 3), "stage": _stage(), "as_of": date_arg("as_of")}


def _good_args() -> dict[str, str]:
    """The request's query arguments less the dates that were ignored (so links do not carry them on)."""
    args = request.args.to_dict()
    if "as_of" in args and not g.get("as_of"):
        del args["as_of"]
    return args


@bp.get("/planner")
def planner() -> str:
    """Response planner for a country or a victim group."""
    store = page_store()
    code, group = request.args.get("country", "").strip(), request.args.get("group", "").strip()
    args = _plan_args()
    day = {"as_of": args["as_of"]} if args["as_of"] else {}
    countries = [r for r in execute(store, "country_overview", day).dicts() if r["assessment"]]
    groups: dict[str, str] = {}
    for c in countries:
        for r in execute(store, "victim_groups_at_risk", {"country": c["country"], **day}).dicts():
            groups.setdefault(r["victim_group"], f"{r['name']} ({c['name']})")
    data = plan(store, **args) if code or group else None
    return render_template("pages/planner.html", p=data, countries=countries, groups=sorted(groups.items(),
                           key=lambda kv: kv[1]), country=code, stage_list=stages(),
                           group=group, active="planner", args=_good_args(),
                           prov=plan_provenance(store, data) if data else None)


@bp.get("/planner/briefing.md")
def planner_markdown() -> Response:
    """The plan as a Markdown briefing (download)."""
    data = plan(page_store(), **_plan_args())
    text = briefing_markdown(plan_markdown(data), data, plan_provenance(page_store(), data))
    if notices():
        text = "".join(f"> {n}\n" for n in notices()) + "\n" + text
    response = Response(text, mimetype="text/markdown")
    response.headers["Content-Disposition"] = 'attachment; filename="briefing.md"'
    return response


@bp.get("/planner/print")
def planner_print() -> str:
    """The plan as a print-ready page (save as PDF from the browser)."""
    data = plan(page_store(), **_plan_args())
    return render_template("pages/planner_print.html", p=data, prov=plan_provenance(page_store(), data))


@bp.route("/console", methods=["GET", "POST"])
def console() -> Response | str:
    """Query console: named queries with parameter forms, and read-only Cypher.

    Cypher runs in a query worker (:func:`api.queries.query_pool`) under the same per-client
    rate limit as ``POST /api/v1/query``; over the limit, or with every worker busy, the page
    answers 429/503 with ``Retry-After``.
    """
    queries = catalogue()
    chosen = request.values.get("query", "")
    cypher = request.form.get("cypher", "") if request.method == "POST" else ""
    result: dict[str, Any] | None = None
    error = ""
    status = 200
    headers: dict[str, str] = {}
    try:
        if cypher.strip():
            st = state()
            rate_limit()
            pool = query_pool()
            found = pool.run(None if pool.isolated else page_store(), cypher, timeout=st.query_timeout,
                             limit=min(st.row_limit, CONSOLE_ROWS))
            result = _result(found.columns, found.rows, found.truncated)
        elif chosen in queries and request.args.get("run"):
            params = {p.name: request.args[p.name] for p in queries[chosen].params
                      if request.args.get(p.name, "") != ""}
            found = execute(page_store(), chosen, params, limit=CONSOLE_ROWS)
            result = _result(found.columns, found.rows, found.truncated)
    except ApiError as exc:  # over the rate limit
        error, status, headers = exc.message, exc.status, exc.headers
    except QueryBusy as exc:
        error, status = exc.message, 503
        headers = {"Retry-After": str(exc.details.get("retry_after", 1))}
    except AkgError as exc:
        error = exc.message
    page = render_template("pages/console.html", queries=queries, chosen=chosen, cypher=cypher,
                           result=result, error=error, args=request.args, active="console")
    return Response(page, status=status, headers=headers, mimetype="text/html")


def _result(columns: list[str], rows: list[list[Any]], truncated: bool) -> dict[str, Any]:
    graph = result_graph(rows)
    view = build_view(graph, title="Result network").as_dict() if graph.number_of_edges() else None
    names = node_names(graph)
    return {"columns": columns, "rows": [[cell_text(c, names) for c in row] for row in rows], "truncated": truncated,
            "view": view}


def _style_tables() -> dict[str, Any]:
    """Styles the explorer needs to draw what the API returns (all from the model)."""
    prefixes = {c.id_prefix: c.name for c in load_model().classes.values()}
    return {"classes": {k: {"colour": s.colour, "shape": s.shape, "label": s.label} for k, s in class_styles().items()},
            "roles": {k: {"colour": s.colour, "shape": s.shape, "label": s.label} for k, s in role_styles().items()},
            "relationships": {k: {"colour": s.colour, "label": s.label} for k, s in relationship_styles().items()},
            "confidence": list(confidence_levels()), "prefixes": prefixes,
            "confidence_styles": {c: {"dashes": edge_style("", c).dashes, "width": edge_style("", c).width}
                                  for c in confidence_levels()}}
