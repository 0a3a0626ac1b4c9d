"""Tokens (inline and from a file, never logged), reads behind a token when configured, the rate limiter."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from api.security import RateLimiter, Tokens, load_tokens
from ontology.errors import AkgError
from tests.api.conftest import TOKEN, auth
from tests.api.shape import assert_error_shape


def test_tokens_from_setting_and_file(tmp_path: Path) -> None:
    token_file = tmp_path / "tokens"
    token_file.write_text("# planners\nfile-token-1\n\n  file-token-2  \n", encoding="utf-8")
    tokens = load_tokens(" a , b,", str(token_file))
    assert tokens == ["a", "b", "file-token-1", "file-token-2"]
    checker = Tokens(tokens)
    assert checker.valid("Bearer file-token-2") and not checker.valid("Bearer file-token")
    assert not checker.valid("Basic file-token-2") and not checker.valid("Bearer ")
    assert "file-token" not in repr(checker)
    with pytest.raises(AkgError, match="cannot read AKG_API_TOKEN_FILE") as err:
        load_tokens("", str(tmp_path / "missing"))
    assert "file-token" not in str(err.value)


def test_reads_can_require_a_token(variant: Any) -> None:
    client = variant(READ_REQUIRES_TOKEN=True, API_TOKENS=TOKEN).test_client()
    assert_error_shape(client.get("/api/v1/countries/RWA"), 401, "unauthorized")
    assert_error_shape(client.get("/api/v1/countries/RWA", headers=auth("nope")), 401, "unauthorized")
    assert client.get("/api/v1/countries/RWA", headers=auth()).status_code == 200
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["security"] == [{"bearerAuth": []}]


def test_tokens_are_never_logged(writable: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        client = writable.test_client()
        client.post("/api/v1/assessments", data="x: [", content_type="application/yaml", headers=auth())
        client.post("/api/v1/assessments", data="x: 1", headers=auth("wrong-secret-token"))
    assert TOKEN not in caplog.text and "wrong-secret-token" not in caplog.text


def test_rate_limiter_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, clock=lambda: now[0])
    assert all(limiter.take("c") == 0.0 for _ in range(60))
    assert limiter.take("c") == pytest.approx(1.0)
    now[0] += 1.0
    assert limiter.take("c") == 0.0 and limiter.take("other") == 0.0
