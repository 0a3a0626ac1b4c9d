"""Configuration: environment variables read into one frozen settings object.

No other module reads ``os.environ``. Each field is declared once with its variable,
default and help text (listed in docs/settings.md, which a test keeps in step).

Example:
    >>> s = Settings.from_env({"AKG_BACKEND": "ladybug", "AKG_DB": "/tmp/x.lbug"})
    >>> s.backend, str(s.db_path)
    ('ladybug', '/tmp/x.lbug')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["Settings", "setting_docs"]


def _setting(env: str, default: Any, help: str) -> Any:
    return field(default=default, metadata={"env": env, "help": help})


@dataclass(frozen=True)
class Settings:
    """Every configurable value of atrocity-kg."""

    backend: str = _setting("AKG_BACKEND", "ladybug", "Graph backend: ladybug (embedded) or neo4j.")
    db_path: Path = _setting("AKG_DB", Path("data/akg.lbug"), "Ladybug database file.")
    buffer_pool_mb: int = _setting(
        "AKG_BUFFER_POOL_MB", 2048, "Ladybug buffer pool in MiB (the library's own default takes 80% of RAM)."
    )
    threads: int = _setting("AKG_THREADS", 0, "Ladybug worker threads; 0 means one per core.")
    stage_rows: int = _setting(
        "AKG_STAGE_ROWS", 250_000,
        "Ladybug: a dataset file of at least this many rows loads staged (into a copy of the store, in "
        "several transactions, then swapped in; needs free disk for a second copy); 0 means never."
    )
    stage_transaction_rows: int = _setting(
        "AKG_STAGE_TRANSACTION_ROWS", 1_000_000,
        "Ladybug staged loads: table rows (nodes and relationships) written per transaction."
    )
    stage_buffer_pool_mb: int = _setting(
        "AKG_STAGE_BUFFER_POOL_MB", 0,
        "Ladybug staged loads: buffer pool of the copy being written, MiB; 0 means AKG_BUFFER_POOL_MB (the "
        "dataset-version switch of a re-load runs in one transaction and needs about as much as one)."
    )
    neo4j_transaction_rows: int = _setting(
        "AKG_NEO4J_TRANSACTION_ROWS", 100_000,
        "Neo4j: a dataset file of at least this many rows loads in transactions of this many rows in scope, "
        "logged on its version so a killed load resumes (graph.neo4j_batched); 0 keeps one transaction."
    )
    neo4j_uri: str = _setting("NEO4J_URI", "", "Neo4j server URI, e.g. neo4j://127.0.0.1:7687.")
    neo4j_username: str = _setting("NEO4J_USERNAME", "neo4j", "Neo4j user name.")
    neo4j_password: str = _setting("NEO4J_PASSWORD", "", "Neo4j password (never printed).")
    neo4j_database: str = _setting("NEO4J_DATABASE", "neo4j", "Neo4j database name.")
    query_timeout_s: float = _setting(
        "AKG_QUERY_TIMEOUT", 10.0, "Time limit in seconds for researchers' queries."
    )
    row_limit: int = _setting("AKG_ROW_LIMIT", 10_000, "Row cap for researchers' queries.")
    query_workers: int = _setting(
        "AKG_QUERY_WORKERS", 2, "Worker processes running researchers' Cypher at once (more are refused, 503)."
    )
    query_memory_mb: int = _setting(
        "AKG_QUERY_MEMORY_MB", 1024, "Memory a query worker may add to its idle size (MiB, RLIMIT_AS)."
    )
    api_tokens: str = _setting(
        "AKG_API_TOKENS", "", "Comma-separated bearer tokens allowed to write through the API."
    )
    api_token_file: str = _setting(
        "AKG_API_TOKEN_FILE", "", "File with one bearer token per line (alternative to AKG_API_TOKENS)."
    )
    api_read_requires_token: bool = _setting(
        "AKG_API_READ_REQUIRES_TOKEN", False, "Require a token for read endpoints too."
    )
    api_max_body_bytes: int = _setting(
        "AKG_API_MAX_BODY_BYTES", 2_000_000, "Largest request body the API accepts."
    )
    api_query_rate: int = _setting(
        "AKG_API_QUERY_RATE", 30, "POST /query requests allowed per client per minute."
    )
    api_cors_origins: str = _setting(
        "AKG_API_CORS_ORIGINS", "", "Comma-separated origins allowed by CORS (off when empty)."
    )
    max_assessment_bytes: int = _setting(
        "AKG_MAX_ASSESSMENT_BYTES", 5_000_000, "Largest assessment file accepted."
    )
    weekly_category_points: bool = _setting(
        "AKG_WEEKLY_CATEGORY_POINTS", False,
        "Store weekly series points per event category too (monthly points and the country's weekly "
        "totals are always stored; without them, weekly category series are computed from the events "
        "when asked for)."
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from ``environ`` (default: the process environment)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.metadata["env"], raw, type(f.default))
        return cls(**values)

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some values replaced (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _convert(env: str, raw: str, kind: type[Any]) -> Any:
    try:
        if kind is bool:
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if issubclass(kind, Path):
            return Path(raw)
        return kind(raw)
    except ValueError:
        raise ValueError(f"{env}={raw!r} is not a valid {kind.__name__}") from None


def setting_docs() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting, for the docs."""
    return [(f.metadata["env"], str(f.default), f.metadata["help"]) for f in fields(Settings)]
