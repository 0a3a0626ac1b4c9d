"""The HTTP API: ``create_app(config)`` builds the Flask app (flask-openapi3, pydantic v2).

Configuration comes from the same :class:`~graph.settings.Settings` as the CLI
(``Settings.from_env()``), with a mapping on top for tests and embedding:

``SETTINGS``
    a ``Settings`` to use instead of the environment's;
``STORE``
    an open ``GraphStore`` to serve (the app then neither opens nor closes one);
``API_TOKENS``, ``READ_REQUIRES_TOKEN``, ``WRITABLE``, ``QUERY_RATE``, ``CORS_ORIGINS``,
``QUERY_TIMEOUT``, ``ROW_LIMIT``, ``CACHE_SIZE``, ``MAX_CONTENT_LENGTH``
    override the matching settings (``WRITABLE`` defaults to "tokens are configured",
    ``CACHE_SIZE`` to 1024 responses on Ladybug and 0 elsewhere);

and any other Flask key (``TESTING``…). Endpoints live under ``/api/v1``; ``/healthz`` and
``/readyz`` at the root; the OpenAPI 3.1 document at ``/api/v1/openapi.json`` and its docs page
at ``/api/v1/docs``. The HTML pages are ``api.pages.bp``, which also carries the ``/viz/`` network
views of ``api.network_views`` (imported here, before the blueprint is registered).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Response, g, request
from flask.json.provider import DefaultJSONProvider
from flask_openapi3.models.info import Info
from flask_openapi3.openapi import OpenAPI
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers.response import Response as WerkzeugResponse

from api import (
    actors,
    alerts,
    analytics,
    assessments,
    countries,
    export,
    groups,
    maps,
    meta,
    network_views,  # noqa: F401 - adds the /viz/ routes to pages.bp
    pages,
    provenance,
    queries,
    recommendations,
    session,
    signals,
    triggers,
)
from api.errors import ErrorBody, register, validation_error_response
from api.security import RateLimiter, Tokens, add_cors, add_security_headers, load_tokens
from api.state import ApiState, ResponseCache, state
from graph.settings import Settings
from loaders.yaml_source import MAX_DEPTH, nesting_line

__all__ = [
    "API_TOKENS",
    "CACHE_SIZE",
    "CORS_ORIGINS",
    "MAX_CONTENT_LENGTH",
    "QUERY_RATE",
    "QUERY_TIMEOUT",
    "READ_REQUIRES_TOKEN",
    "ROW_LIMIT",
    "SETTINGS",
    "STORE",
    "WRITABLE",
    "create_app",
]

# Keys of the ``config`` mapping (named once, used everywhere).
SETTINGS = "SETTINGS"
STORE = "STORE"
API_TOKENS = "API_TOKENS"
READ_REQUIRES_TOKEN = "READ_REQUIRES_TOKEN"  # noqa: S105 - a config key, not a secret
WRITABLE = "WRITABLE"
QUERY_RATE = "QUERY_RATE"
CORS_ORIGINS = "CORS_ORIGINS"
QUERY_TIMEOUT = "QUERY_TIMEOUT"
ROW_LIMIT = "ROW_LIMIT"
CACHE_SIZE = "CACHE_SIZE"
MAX_CONTENT_LENGTH = "MAX_CONTENT_LENGTH"

log = logging.getLogger("api")

RESOURCES = (countries, actors, groups, triggers, recommendations, assessments, queries, analytics, export,
             alerts, signals, provenance, maps)
# Blueprints whose successful GET responses may be cached (reads of the graph only).
CACHED = frozenset(m.bp.name for m in RESOURCES)
STATIC_ENDPOINTS = frozenset({"static", "pages.static", "vendor.static", "docs.docs_asset", "meta.healthz"})
KEPT_HEADERS = frozenset({"Content-Type", "Content-Disposition"})


class JSONProvider(DefaultJSONProvider):
    """JSON with ISO dates, keys in the order the code builds them, never NaN or Infinity.

    Bodies nested deeper than :data:`loaders.yaml_source.MAX_DEPTH` are refused (400) before
    parsing; non-finite floats are written as ``null`` (strict JSON parsers reject ``NaN``).
    """

    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return super().dumps(finite(obj), **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        text = s.decode("utf-8", "replace") if isinstance(s, bytes) else s
        deep = nesting_line(text, MAX_DEPTH)
        if deep is not None:
            raise BadRequest(f"the JSON body is nested more than {MAX_DEPTH} levels deep (line {deep})")
        return super().loads(s, **kwargs)

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, dt.date | dt.datetime):
            return o.isoformat()
        if isinstance(o, set | frozenset | tuple):
            return list(o)
        return DefaultJSONProvider.default(o)


def finite(value: Any) -> Any:
    """NaN and ±Infinity (anywhere in lists and dicts) become None.

    >>> finite({"x": [1.0, float("nan"), float("-inf")], "y": "NaN"})
    {'x': [1.0, None, None], 'y': 'NaN'}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def _split(value: str | Sequence[str]) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [v for v in value if v]


def _state(config: Mapping[str, Any]) -> ApiState:
    settings = config.get(SETTINGS)
    if not isinstance(settings, Settings):
        settings = Settings.from_env()
    if API_TOKENS in config:
        tokens = _split(config[API_TOKENS])
    else:
        tokens = load_tokens(settings.api_tokens, settings.api_token_file)
    store = config.get(STORE)
    default_cache = 1024 if settings.backend == "ladybug" else 0
    return ApiState(
        settings=settings,
        tokens=Tokens(tokens),
        writable=bool(config.get(WRITABLE, bool(tokens))),
        read_requires_token=bool(config.get(READ_REQUIRES_TOKEN, settings.api_read_requires_token)),
        limiter=RateLimiter(int(config.get(QUERY_RATE, settings.api_query_rate))),
        cache=ResponseCache(int(config.get(CACHE_SIZE, default_cache))),
        cors_origins=_split(config.get(CORS_ORIGINS, settings.api_cors_origins)),
        query_timeout=float(config.get(QUERY_TIMEOUT, settings.query_timeout_s)),
        row_limit=int(config.get(ROW_LIMIT, settings.row_limit)),
        injected=store,
    )


def _package_version() -> str:
    try:
        return version("atrocity-kg")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def create_app(config: Mapping[str, Any] | None = None) -> OpenAPI:
    """Build the app; the store is opened on the first request that needs it, once per process."""
    config = dict(config or {})
    st = _state(config)
    app = OpenAPI(
        __name__,
        info=Info(title="atrocity-kg API", version=_package_version(),
                  description="Look-ups for mass-atrocity early warning and response planning."),
        security_schemes={"bearerAuth": {"type": "http", "scheme": "bearer",
                                         "description": "Token from AKG_API_TOKENS or AKG_API_TOKEN_FILE"}},
        doc_ui=False,
        validation_error_status=400,
        validation_error_model=ErrorBody,
        validation_error_callback=validation_error_response,
    )
    app.json = JSONProvider(app)
    app.config[MAX_CONTENT_LENGTH] = st.settings.api_max_body_bytes
    app.config.update({k: v for k, v in config.items() if k not in {SETTINGS, STORE}})
    app.extensions["akg"] = st
    if st.read_requires_token and not st.tokens:
        log.warning("AKG_API_READ_REQUIRES_TOKEN is set but no token is configured: every read is refused")

    register(app)
    session.init_app(app)
    for module in RESOURCES:
        app.register_api(module.bp)
    app.register_api(meta.bp)
    app.register_blueprint(meta.docs_bp)
    app.register_blueprint(maps.vendor_bp)
    app.register_blueprint(pages.bp)  # the pages and the /viz/ views (api.network_views)

    app.before_request(_fresh)
    app.before_request(_guard)
    app.before_request(_cached)
    app.after_request(_finish)
    app.teardown_request(_release)
    return app


def _fresh() -> None:
    """See writes committed by any process since the last request (api.state)."""
    if request.endpoint not in STATIC_ENDPOINTS:
        state().refresh()


def _release(exc: BaseException | None) -> None:
    """End the request's lease on the store it used."""
    del exc
    leased = g.pop("akg_store", None)
    if leased is not None:
        state().release(leased)


def _guard() -> WerkzeugResponse | None:
    """Reads need a token when configured so (health and docs stay open); pages need a session.

    A page session also lets the pages' own scripts read the API (GET only: writes always
    need a bearer token).
    """
    st = state()
    if request.blueprint in {"pages", session.bp.name}:
        return session.guard_pages(st.tokens, st.read_requires_token)
    if st.read_requires_token and request.blueprint in CACHED and request.method != "OPTIONS":
        if not (request.method == "GET" and session.signed_in(st.tokens)):
            st.tokens.require("read")
    return None


def _cache_eligible() -> bool:
    return request.method == "GET" and request.blueprint in CACHED and bool(state().cache)


def _cached() -> Response | None:
    """Answer a GET from the cache when this exact URL was answered since the last write."""
    if not _cache_eligible():
        return None
    st = state()
    g.akg_generation = st.cache.generation
    hit = st.cache.get(st.cache_key(request.full_path))
    if hit is None:
        return None
    status, body, headers = hit
    response = Response(body, status=status, headers=list(headers))
    response.headers["X-Cache"] = "hit"
    return response


def _finish(response: Response) -> Response:
    st = state()
    generation = g.get("akg_generation")
    if generation is not None and response.status_code == 200 and "X-Cache" not in response.headers \
            and not response.direct_passthrough:
        kept = tuple((k, v) for k, v in response.headers.items() if k in KEPT_HEADERS)
        st.cache.put(st.cache_key(request.full_path), generation, (200, response.get_data(), kept))
    add_cors(response, st.cors_origins)
    return add_security_headers(response)
