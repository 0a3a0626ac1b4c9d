"""Check Neo4j-dialect Cypher with Neo4j's own parser (``lint.mjs``, run by node, offline).

``make tools`` installs the parser (``@neo4j-cypher/language-support``) into
``tests/neo4j_lint/node_modules``. Only errors (severity 1) count; "parameter not defined"
diagnostics are dropped by ``lint.mjs`` because every value is a ``$parameter`` by design.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

__all__ = ["HERE", "PACKAGE", "available", "lint", "lint_all"]

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "@neo4j-cypher" / "language-support"
_ERROR = 1


def available() -> bool:
    """True when node is on PATH and the parser package is installed."""
    return shutil.which("node") is not None and (PACKAGE / "package.json").is_file()


def lint_all(queries: list[str], timeout: float = 300.0) -> list[dict[str, object]]:
    """Every diagnostic (errors and warnings) for each query, as ``lint.mjs`` prints them."""
    node = shutil.which("node")
    if node is None or not available():
        raise RuntimeError("Neo4j Cypher parser not installed: run `make tools`")
    proc = subprocess.run(  # noqa: S603 - fixed program and script, queries go to stdin
        [node, str(HERE / "lint.mjs")],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"lint.mjs failed ({proc.returncode}): {proc.stderr.strip()}")
    results: list[dict[str, object]] = json.loads(proc.stdout)
    if len(results) != len(queries):
        raise RuntimeError(f"lint.mjs answered {len(results)} of {len(queries)} queries")
    return results


def lint(queries: list[str]) -> list[tuple[str, list[str]]]:
    """(query, error messages) for each query, in order; one node process per call."""
    out: list[tuple[str, list[str]]] = []
    for query, result in zip(queries, lint_all(queries), strict=True):
        diagnostics = result["diagnostics"]
        assert isinstance(diagnostics, list)
        errors = [str(d["message"]) for d in diagnostics if d.get("severity") == _ERROR]
        out.append((query, errors))
    return out
