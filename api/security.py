"""Bearer tokens, the per-client rate limit, CORS and the security headers.

Tokens come from ``AKG_API_TOKENS`` (comma-separated) and/or ``AKG_API_TOKEN_FILE`` (one per
line, ``#`` comments). They are compared in constant time and never logged or echoed.

Example:
    >>> tokens = Tokens(["s3cret"])
    >>> tokens.valid("Bearer s3cret"), tokens.valid("Bearer nope"), tokens.valid(None)
    (True, False, False)
    >>> bucket = RateLimiter(per_minute=2, clock=lambda: 0.0)
    >>> [bucket.take("127.0.0.1") for _ in range(3)]
    [0.0, 0.0, 30.0]
"""

from __future__ import annotations

import hmac
import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from time import monotonic

from flask import Response, request

from api.errors import ApiError
from ontology.errors import AkgError

_NAMED = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]{0,39}):(.+)$")

__all__ = ["CSP", "RateLimiter", "Tokens", "add_cors", "add_security_headers", "load_tokens"]

# Pages may load scripts, styles, images and data only from this server.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CSP,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def load_tokens(inline: str, token_file: str) -> list[str]:
    """Tokens from the comma-separated setting and the token file (blank lines, ``#`` skipped).

    Raises:
        AkgError: the token file cannot be read (its content is never shown).
    """
    tokens = [t.strip() for t in inline.split(",") if t.strip()]
    if token_file:
        try:
            lines = Path(token_file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise AkgError(f"cannot read AKG_API_TOKEN_FILE {token_file}: {exc.strerror}") from None
        tokens += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return tokens


class Tokens:
    """The bearer tokens allowed to write (and to read, when reads need a token)."""

    def __init__(self, tokens: Iterable[str]) -> None:
        plain = list(tokens)
        named = [_NAMED.match(t) for t in plain]
        # ``name:secret`` gives a token a name for the audit log; the name is not part of the secret
        self._names = [m.group(1) if m else f"token {i + 1}" for i, m in enumerate(named)]
        self._tokens = [(m.group(2) if m else t).encode() for m, t in zip(named, plain, strict=True)]

    def name_of_request(self) -> str | None:
        """The name of the token the current request carries (for the audit log), if any."""
        header = request.headers.get("Authorization") or ""
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        secret = given.strip().encode()
        for name, token in zip(self._names, self._tokens, strict=True):
            if hmac.compare_digest(secret, token):
                return name
        return None

    def __bool__(self) -> bool:
        return bool(self._tokens)

    def __repr__(self) -> str:
        return f"Tokens(<{len(self._tokens)} configured>)"

    def valid(self, header: str | None) -> bool:
        """Whether an ``Authorization`` header carries one of the tokens (constant time)."""
        if not header or not header.startswith("Bearer "):
            return False
        given = header[len("Bearer "):].strip().encode()
        found = False
        for token in self._tokens:
            found |= hmac.compare_digest(given, token)
        return found

    def require(self, action: str) -> None:
        """Raise 401 (403 when no token is configured at all) unless the request has a token."""
        if not self._tokens and action == "write":
            raise ApiError(403, "writes_disabled",
                           "writing through the API is disabled: no API token is configured "
                           "(AKG_API_TOKENS or AKG_API_TOKEN_FILE)")
        if not self.valid(request.headers.get("Authorization")):
            raise ApiError(401, "unauthorized",
                           f"a valid bearer token is required to {action} "
                           "(header 'Authorization: Bearer <token>')",
                           headers={"WWW-Authenticate": 'Bearer realm="akg"'})


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests a minute, bursts up to that many."""

    MAX_CLIENTS = 10_000

    def __init__(self, per_minute: int, clock: Callable[[], float] = monotonic) -> None:
        self.capacity = float(max(per_minute, 1))
        self.rate = self.capacity / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Take one token; returns 0 when allowed, else the seconds to wait."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                self._prune(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def check(self, client: str) -> None:
        """Raise 429 with Retry-After when the client is over its rate."""
        wait = self.take(client)
        if wait > 0:
            raise ApiError(429, "rate_limited",
                           f"too many queries: at most {int(self.capacity)} a minute per client",
                           {"retry_after": math.ceil(wait)},
                           headers={"Retry-After": str(math.ceil(wait))})

    def _prune(self, now: float) -> None:
        if len(self._buckets) <= self.MAX_CLIENTS:
            return
        full = [c for c, (t, last) in self._buckets.items()
                if t + (now - last) * self.rate >= self.capacity]
        for client in full:
            del self._buckets[client]


def add_security_headers(response: Response) -> Response:
    """Headers every response carries (pages and JSON alike)."""
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response


def add_cors(response: Response, origins: Sequence[str]) -> Response:
    """Allow the configured origins (``*`` for any); nothing when none is configured."""
    origin = request.headers.get("Origin")
    if not origins or not origin:
        return response
    if "*" in origins:
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers.add("Vary", "Origin")
    else:
        return response
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return response
