"""Send writes to the one writing process: a WSGI wrapper for the read-only workers of ``akg serve --workers N``.

With several worker processes only one may hold the store for writing (Ladybug allows one
writer process; on Neo4j one writer keeps the app's write lock meaningful). The read-only
workers wrap their app in :class:`WriteForwarder`: a request whose method can change something
(anything but ``GET``, ``HEAD`` and ``OPTIONS``) is sent unchanged — method, path, query string,
headers, body — to the writer over a private Unix socket, and the writer's answer is returned
as it is. The writer checks the bearer token itself. Requests known to only read
(:data:`READ_ONLY_POSTS`: researchers' Cypher, the console, sign-in and sign-out, which only set
a cookie signed with the key every process shares) are answered by the worker.

When the writer cannot be reached the client gets 503 ``store_unavailable`` in the API's
error shape, and nothing was written.

Example:
    >>> WriteForwarder.forwards("POST", "/api/v1/alerts/alert%2F1/status")
    True
    >>> WriteForwarder.forwards("POST", "/api/v1/query"), WriteForwarder.forwards("GET", "/api/v1/alerts")
    (False, False)
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

__all__ = ["READ_ONLY_POSTS", "SAFE_METHODS", "WriteForwarder"]

log = logging.getLogger("api")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY_POSTS = frozenset({"/api/v1/query", "/console", "/signin", "/signout"})
# Headers that describe one connection, not the request (RFC 9110 section 7.6.1).
_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
                  "upgrade"})
_TIMEOUT_S = 300.0

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _UnixConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a Unix socket."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.path)
        self.sock = sock


class WriteForwarder:
    """Answer reads with ``app``; send writes to the writer listening on ``writer_socket``."""

    def __init__(self, app: WsgiApp, writer_socket: str, max_body: int) -> None:
        self.app = app
        self.writer_socket = writer_socket
        self.max_body = max_body

    @staticmethod
    def forwards(method: str, path: str) -> bool:
        """Whether a request goes to the writer."""
        return method.upper() not in SAFE_METHODS and path.rstrip("/") not in READ_ONLY_POSTS

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET"))
        path = str(environ.get("PATH_INFO", "")) or "/"
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not self.forwards(method, path) or not 0 <= length <= self.max_body:
            return self.app(environ, start_response)  # a bad or too large body: the app says so
        body = environ["wsgi.input"].read(length) if length else b""
        target = str(environ.get("REQUEST_URI") or "") or _target(environ)
        headers = {_header_name(k): str(v) for k, v in environ.items()
                   if k.startswith("HTTP_") and _header_name(k).lower() not in _HOP}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = str(environ["CONTENT_TYPE"])
        headers["Content-Length"] = str(len(body))
        conn = _UnixConnection(self.writer_socket, _TIMEOUT_S)
        try:
            conn.request(method, target, body, headers)
            reply = conn.getresponse()
            data = reply.read()
            kept = [(k, v) for k, v in reply.getheaders() if k.lower() not in _HOP | {"content-length", "server"}]
            status = f"{reply.status} {reply.reason}"
        except OSError as exc:
            log.error("the writing process cannot be reached: %s", exc)
            data = json.dumps({"error": {"code": "store_unavailable", "message":
                                         "the writing process is not available; nothing was written, "
                                         "try again shortly", "details": {}}}).encode()
            kept = [("Content-Type", "application/json"), ("Retry-After", "5")]
            status = "503 Service Unavailable"
        finally:
            conn.close()
        start_response(status, [*kept, ("Content-Length", str(len(data)))])
        return [data]


def _header_name(key: str) -> str:
    """``HTTP_X_REQUESTED_WITH`` → ``X-Requested-With``."""
    return "-".join(part.capitalize() for part in key[5:].split("_"))


def _target(environ: dict[str, Any]) -> str:
    """The request target rebuilt from the WSGI fields (when the server gave no ``REQUEST_URI``)."""
    query = str(environ.get("QUERY_STRING") or "")
    path = quote(str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", "")), safe="/")
    return path + (f"?{query}" if query else "")
