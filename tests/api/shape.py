"""The one check every error response must pass."""

from __future__ import annotations

from typing import Any

from werkzeug.test import TestResponse


def assert_error_shape(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """``{"error": {"code", "message", "details"}}`` with ``status``, JSON, and no internals."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "File \"", "RuntimeError", "/tmp/", ".lbug", "Binder exception"):
        assert leak not in text, f"{leak!r} leaked into {text}"
    if code is not None:
        assert error["code"] == code, error
    return dict(error)
