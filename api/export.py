"""``/api/v1/export``: the whole graph as Turtle, JSON-LD, N-Triples, GraphML or CSV."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from flask import Response
from pydantic import Field

from api.common import api_blueprint, store
from api.models import QueryModel
from graph.attribution import attribution_lines
from graph.export import csv_text, export, iter_nodes, iter_rels

__all__ = ["MEDIA", "bp"]

bp = api_blueprint("export", "The whole graph in standard formats.")

MEDIA = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
         "graphml": "application/graphml+xml", "csv": "text/csv"}


class ExportQuery(QueryModel):
    format: Literal["ttl", "jsonld", "nt", "graphml", "csv"] = Field(description="Output format")
    table: Literal["nodes", "relationships"] = Field("nodes", description="CSV only: which table")


def _content() -> dict[str, Any]:
    """Text formats are strings; JSON-LD is any JSON document."""
    return {mt: {"schema": {"description": "JSON-LD document"} if mt.endswith("json") else {"type": "string"}}
            for mt in sorted(set(MEDIA.values()))}


@bp.get("/export", summary="Export the whole graph",
        responses={200: {"description": "The graph in the requested format", "content": _content()}})
def export_graph(query: ExportQuery) -> Response:
    """The graph as a file: RDF (ttl, jsonld, nt), GraphML, or one CSV table (``table``)."""
    s = store()
    if query.format == "csv":
        if query.table == "nodes":
            body = csv_text(iter_nodes(s), ["id", "label"]).encode()
        else:
            body = csv_text(iter_rels(s), ["type", "source", "target"]).encode()
        name = f"akg-{query.table}.csv"
    else:
        with tempfile.TemporaryDirectory(prefix="akg-export-") as tmp:
            out = Path(tmp) / f"akg.{query.format}"
            export(s, query.format, out)
            body = out.read_bytes()
        name = f"akg.{query.format}"
    response = Response(body, mimetype=MEDIA[query.format])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    lines = attribution_lines(s)
    if lines:  # also in the file itself for Turtle, N-Triples and GraphML
        response.headers["X-Data-Attribution"] = " | ".join(lines).encode("ascii", "replace").decode("ascii")
    return response
