"""Sign-in for the pages: a token exchanged for a session cookie, and CSRF tokens on every form.

With ``AKG_API_READ_REQUIRES_TOKEN=true`` every page, network view, export and the console
need a token. People sign in once at ``/signin`` with one of the API tokens; the answer sets
Flask's signed session cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure`` when served over
HTTPS) holding a fingerprint of the token (SHA-256, never the token), so removing a token from
the configuration ends its sessions. Scripts keep using ``Authorization: Bearer`` on the API.

Failed sign-ins are limited per client address (:data:`SIGNIN_ATTEMPTS` a minute, then 429).
Every form that posts carries a CSRF token (``csrf`` field, the session's random value), checked
in constant time on every ``POST`` to the pages, signed in or not. The cookie's signing key is
random per process unless the Flask ``SECRET_KEY`` is configured: a restart signs everyone out.

Example:
    >>> fingerprint("s3cret") == fingerprint("s3cret") != fingerprint("other")
    True
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers.response import Response

from api.errors import ApiError
from api.security import RateLimiter, Tokens
from api.state import state

__all__ = ["bp", "csrf_token", "fingerprint", "guard_pages", "init_app", "signed_in"]

bp = Blueprint("session", __name__, template_folder="templates")

_AUTH = "auth"
_ATTEMPTS = "akg_signin_attempts"
# Failed sign-ins allowed per client address a minute (guessing a token is hopeless anyway).
SIGNIN_ATTEMPTS = 10
_CSRF = "csrf"
# Endpoints that stay open without a session (the sign-in form and the pages' own assets).
OPEN_ENDPOINTS = frozenset({"session.signin", "session.signout", "pages.static", "pages.viz_asset"})


def fingerprint(token: str) -> str:
    """What the session stores instead of the token."""
    return hashlib.sha256(b"akg-session:" + token.encode()).hexdigest()


def init_app(app: Flask) -> None:
    """Cookie settings, a signing key, the sign-in blueprint and ``csrf_token()`` in templates."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_bytes(32)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Strict"
    app.config["SESSION_COOKIE_NAME"] = "akg_session"
    app.register_blueprint(bp)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["akg_signed_in"] = lambda: isinstance(session.get(_AUTH), str)


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get(_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_CSRF] = token
    return token


def check_csrf() -> None:
    """Refuse a form post without this session's CSRF token (403)."""
    expected = session.get(_CSRF)
    given = request.form.get(_CSRF, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), given.encode()):
        raise ApiError(403, "csrf_failed", "the form has expired or did not come from this site: "
                       "reload the page and submit it again")


def signed_in(tokens: Tokens) -> bool:
    """Whether the session belongs to a token that is still configured."""
    found = session.get(_AUTH)
    return isinstance(found, str) and tokens.has_fingerprint(found, fingerprint)


def guard_pages(tokens: Tokens, reads_need_token: bool) -> Response | None:
    """Before every page request: CSRF on posts; a session (or bearer token) when reads need one."""
    if request.endpoint in OPEN_ENDPOINTS:
        if request.method == "POST":
            check_csrf()
        return None
    if request.method == "POST":
        check_csrf()
    if not reads_need_token or signed_in(tokens) or tokens.valid(request.headers.get("Authorization")):
        return None
    if request.method == "GET" and request.blueprint == "pages":
        return redirect(url_for("session.signin", next=request.full_path.rstrip("?")))
    raise ApiError(401, "unauthorized", "sign in at /signin (or send 'Authorization: Bearer <token>')",
                   headers={"WWW-Authenticate": 'Bearer realm="akg"'})


def _local(target: str) -> str:
    """Only paths on this site are followed after sign-in (no open redirect)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Response | tuple[str, int]:
    """The sign-in form; a valid token starts a session and returns to ``next``."""
    target = _local(request.values.get("next", "/"))
    if request.method == "GET":
        return render_template("pages/signin.html", next=target, error=""), 200
    token = request.form.get("token", "").strip()
    tokens = state().tokens
    if not token or not tokens.valid(f"Bearer {token}"):
        limiter = current_app.extensions.setdefault(_ATTEMPTS, RateLimiter(SIGNIN_ATTEMPTS))
        wait = limiter.take(request.remote_addr or "unknown")
        if wait > 0:
            raise ApiError(429, "rate_limited", f"too many sign-in attempts: at most {SIGNIN_ATTEMPTS} "
                           "failed ones a minute", {"retry_after": math.ceil(wait)},
                           headers={"Retry-After": str(math.ceil(wait))})
        return render_template("pages/signin.html", next=target, error="That token is not valid."), 401
    session.clear()
    session[_AUTH] = fingerprint(token)
    session[_CSRF] = secrets.token_urlsafe(32)  # a new CSRF value for the new session
    return redirect(target)


@bp.post("/signout")
def signout() -> Response:
    """End the session."""
    session.clear()
    return redirect(url_for("session.signin"))
