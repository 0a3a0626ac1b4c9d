"""Health (``/healthz``, ``/readyz``), the OpenAPI document and the offline docs page.

The docs page is Swagger UI from the ``flask-openapi3-swagger`` package, served by this app
(no CDN), started by a local script so the page passes the strict Content-Security-Policy.
"""

from __future__ import annotations

import copy
from importlib.resources import files
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, send_from_directory
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import BaseModel, Field

from api.common import PREFIX
from api.errors import ApiError, ErrorBody
from api.state import state

__all__ = ["READY_CYPHER", "SWAGGER_DIR", "bp", "docs_bp", "openapi_document"]

READY_CYPHER = "RETURN 1 AS ok"
SWAGGER_DIR = Path(str(files("flask_openapi3_swagger"))) / "templates" / "swagger"

bp = APIBlueprint("meta", __name__, abp_tags=[Tag(name="meta", description="Health of the service.")],
                  abp_responses={400: ErrorBody, 503: ErrorBody})
docs_bp = Blueprint("docs", __name__, url_prefix=PREFIX)


class Health(BaseModel):
    status: str = Field(description="ok")


class Ready(Health):
    backend: str


@bp.get("/healthz", summary="The process is up", responses={200: Health})
def healthz() -> dict[str, Any]:
    """Always ``{"status": "ok"}`` while the process serves requests."""
    return {"status": "ok"}


@bp.get("/readyz", summary="The graph store answers", responses={200: Ready})
def readyz() -> dict[str, Any]:
    """``ok`` when the store answers a trivial query; 503 otherwise."""
    st = state()
    try:
        store = st.store()
        store.run_read(READY_CYPHER, timeout=5.0)
    except Exception:  # noqa: BLE001 - any failure means not ready; the reason is logged
        current_app.logger.warning("readiness check failed", exc_info=True)
        raise ApiError(503, "not_ready", "the graph store does not answer") from None
    return {"status": "ok", "backend": store.backend}


def openapi_document() -> dict[str, Any]:
    """The app's OpenAPI 3.1 document, tidied: no null ``securitySchemes``, global security if reads need a token."""
    spec: dict[str, Any] = copy.deepcopy(current_app.api_doc)  # type: ignore[attr-defined]
    components = spec.setdefault("components", {})
    if components.get("securitySchemes") is None:
        components.pop("securitySchemes", None)
    if state().read_requires_token:
        spec["security"] = [{"bearerAuth": []}]
    return spec


@docs_bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI document (JSON)."""
    return jsonify(openapi_document())


@docs_bp.get("/docs")
def docs_page() -> str:
    """Interactive API documentation (Swagger UI), served offline."""
    return render_template("docs.html", spec_url=f"{PREFIX}/openapi.json")


@docs_bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str) -> Response:
    """Swagger UI's script and style sheet, from the installed package."""
    return send_from_directory(SWAGGER_DIR, filename, max_age=3600)
