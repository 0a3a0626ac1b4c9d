"""One JSON error shape for every response: ``{"error": {"code", "message", "details"}}``.

:func:`error_body` is the only place the shape is built; the handlers registered by
:func:`register` turn HTTP errors, request-validation errors, the project's :class:`AkgError`
tree and anything unexpected into it. Unexpected errors are logged with their traceback on the
server and answered with a bare ``internal error``: no stack trace or database message leaves.

Example:
    >>> error_body("not_found", "no country with id country/ZZZ")
    {'error': {'code': 'not_found', 'message': 'no country with id country/ZZZ', 'details': {}}}
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, jsonify
from pydantic import BaseModel, Field, ValidationError
from werkzeug.exceptions import HTTPException

from ontology.errors import (
    AkgError,
    InvalidRecord,
    QueryNotFound,
    QueryRefused,
    QueryTimeout,
    SourceFormatError,
    StoreLocked,
)
from queries import QueryError, QueryParameterError
from queries.isolated import QueryBusy, QueryCrashed, QueryTooLarge

__all__ = [
    "ApiError",
    "ErrorBody",
    "ErrorDetail",
    "StoreUnavailable",
    "error_body",
    "error_response",
    "register",
    "validation_error_response",
]

log = logging.getLogger("api")

# Codes of plain HTTP errors (werkzeug's), by status.
HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 408: "request_timeout", 411: "length_required",
    413: "too_large", 414: "uri_too_long", 415: "unsupported_media_type", 422: "unprocessable",
    429: "rate_limited", 431: "headers_too_large", 500: "internal", 501: "not_implemented",
    503: "unavailable", 504: "timeout",
}


class ErrorDetail(BaseModel):
    """The inside of an error response."""

    code: str = Field(description="Machine-readable error code, e.g. not_found, query_refused.")
    message: str = Field(description="What went wrong, for people.")
    details: dict[str, Any] = Field(default_factory=dict,
                                    description="Structured context: parameter, clause, errors…")


class ErrorBody(BaseModel):
    """Every error response of the API."""

    error: ErrorDetail


class ApiError(Exception):
    """An error the API answers with a given status (raised by views)."""

    def __init__(self, status: int, code: str, message: str,
                 details: Mapping[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})


class StoreUnavailable(AkgError):
    """The graph store could not be opened (missing, locked or unreachable)."""

    code = "store_unavailable"


def error_body(code: str, message: str, details: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"error": {"code": code, "message": message, "details": dict(details or {})}}


def error_response(status: int, code: str, message: str, details: Mapping[str, Any] | None = None,
                   headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response carrying :func:`error_body`."""
    response = jsonify(error_body(code, message, details))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


# Location parts pydantic adds for the members of a union (``constrained-str``, ``list[int]``…).
_UNION_MEMBER = re.compile(r"[\[\]-]|^(str|int|float|bool|none)$")


def _parameter(loc: tuple[int | str, ...]) -> str:
    """``params.x`` from ``("params", "x", "list[str]", 0)``: union members are not parameters."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, str) and _UNION_MEMBER.search(part):
            break
        parts.append(str(part))
    return ".".join(parts) or "body"


def validation_error_response(exc: ValidationError) -> Response:
    """400 naming the parameter(s) a request got wrong (flask-openapi3's validation callback)."""
    by_parameter: dict[str, list[str]] = {}
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
        text = "unknown parameter" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
        by_parameter.setdefault(_parameter(tuple(err["loc"])), []).append(text)
    errors = [{"parameter": name, "message": texts[0] if len(texts) == 1 else "none of the accepted types"}
              for name, texts in by_parameter.items()]
    first = errors[0] if errors else {"parameter": "request", "message": "invalid"}
    message = f"invalid parameter {first['parameter']!r}: {first['message']}"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    return error_response(400, "invalid_parameter", message,
                          {"parameter": first["parameter"], "errors": errors})


def _akg_status(exc: AkgError) -> tuple[int, str, str, dict[str, Any]]:
    """Status, code, message and details for one of the project's errors."""
    if isinstance(exc, SourceFormatError):
        return 422, exc.code, "the assessment is not valid", {"errors": exc.details["errors"]}
    if isinstance(exc, InvalidRecord):
        return 422, exc.code, exc.message, {"errors": exc.errors}
    if isinstance(exc, QueryParameterError | QueryRefused | QueryError):
        return 400, exc.code, exc.message, exc.details
    if isinstance(exc, QueryNotFound):
        return 404, exc.code, exc.message, exc.details
    if isinstance(exc, QueryTimeout):
        return 504, exc.code, exc.message, {}
    if isinstance(exc, QueryTooLarge):
        return 422, exc.code, exc.message, {}
    if isinstance(exc, QueryCrashed):
        return 502, exc.code, exc.message, {}
    if isinstance(exc, QueryBusy):
        return 503, exc.code, exc.message, exc.details
    if isinstance(exc, StoreLocked):
        return 503, exc.code, "the graph store is locked by another process; try again later", {}
    if isinstance(exc, StoreUnavailable):
        return 503, exc.code, "the graph store is unavailable; try again later", {}
    return 500, "internal", "internal error", {}


def _handle_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


def _handle_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        log.error("HTTP %s: %s", status, exc.description)
        message = "internal error"
    else:
        message = exc.description or exc.name
    response = error_response(status, HTTP_CODES.get(status, "error"), message)
    allow = exc.get_response().headers.get("Allow")
    if allow:
        response.headers["Allow"] = allow
    return response


def _handle_akg(exc: AkgError) -> Response:
    status, code, message, details = _akg_status(exc)
    if status >= 500:
        log.error("%s: %s", type(exc).__name__, exc.message, exc_info=status == 500)
    retry = details.get("retry_after")
    headers = {"Retry-After": str(retry)} if isinstance(retry, int) else {}
    return error_response(status, code, message, details, headers)


def _handle_unexpected(exc: Exception) -> Response:
    current_app.logger.exception("unhandled error")
    return error_response(500, "internal", "internal error")


def register(app: Flask) -> None:
    """Register the handlers that turn every error into the one shape."""
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(AkgError, _handle_akg)
    app.register_error_handler(Exception, _handle_unexpected)
