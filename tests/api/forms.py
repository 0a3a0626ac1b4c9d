"""Posting the pages' forms as a browser does: with the CSRF token the form carries."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(client: FlaskClient, page: str = "/console") -> str:
    """The CSRF token in the form of ``page`` (the session cookie stays in the client)."""
    html = client.get(page).get_data(as_text=True)
    found = _CSRF.search(html)
    assert found, f"no CSRF field on {page}"
    return found.group(1)


def post_form(client: FlaskClient, path: str, data: dict[str, Any], page: str | None = None,
              **kwargs: Any) -> TestResponse:
    """POST ``data`` plus the CSRF token of the form on ``page`` (default ``path``)."""
    return client.post(path, data={**data, "csrf": csrf_of(client, page or path)}, **kwargs)
