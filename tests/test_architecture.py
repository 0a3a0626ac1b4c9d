"""Structural rules: import direction between packages, and no schema name outside the ontology."""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
from pathlib import Path

import networkx as nx
import pytest

from ontology.model import load_model

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["ontology", "graph", "loaders", "queries", "api", "viz", "cli"]
ALLOWED = {
    "ontology": set(),
    "graph": {"ontology"},
    "loaders": {"graph", "ontology"},
    "queries": {"graph", "ontology"},
    "viz": {"queries", "graph", "ontology"},
    "api": {"viz", "queries", "graph", "ontology", "loaders"},
    "cli": {"api", "viz", "queries", "graph", "ontology", "loaders"},
}


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_inward(package: str) -> None:
    bad = []
    for path in python_files(package):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in PACKAGES and top != package and top not in ALLOWED[package]:
                    bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad, "\n".join(bad)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Modules a file imports when it runs, lazy imports in functions included and the
    ``if TYPE_CHECKING:`` blocks (read by type checkers only) left out."""
    skipped = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
               and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
               for stmt in block.body for n in ast.walk(stmt)}
    names: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return names


def test_no_module_imports_one_that_imports_it_back() -> None:
    # A package's __init__ may import its own modules (it runs first whichever is imported);
    # otherwise a cycle, even through a lazy import, means two modules that are really one.
    modules = {_module_name(p): p for package in PACKAGES for p in python_files(package)}
    graph = nx.DiGraph()
    for name, path in modules.items():
        for target in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if target in modules and target != name and not (path.name == "__init__.py"
                                                                and target.startswith(name + ".")):
                graph.add_edge(name, target)
    cycles = sorted(" -> ".join([*c, c[0]]) for c in nx.simple_cycles(graph, length_bound=4))
    assert not cycles, "\n".join(cycles)


CYPHER_NAME = re.compile(r"[(\[]\s*\w*\s*:\s*`?([A-Za-z_][A-Za-z0-9_]*)`?")
UPPER = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]{4,}$")
# Upper-case strings in the packages that are not schema names (dataset names, codes, HTTP).
NOT_SCHEMA = {"ACLED", "UCDP", "READ", "WRITE", "NULL", "TRUE", "FALSE", "STRING", "INT64",
              "DOUBLE", "BOOLEAN", "DATE", "COPY", "LOAD", "CALL", "MATCH", "RETURN", "UNWIND",
              "CREATE", "MERGE", "DELETE", "DETACH", "REMOVE", "DROP", "ALTER", "ATTACH",
              "INSTALL", "EXPORT", "IMPORT", "CHECKPOINT", "COMMIT", "ROLLBACK", "BEGIN",
              "FOREACH", "WITH", "WHERE", "LIMIT", "ORDER", "UNION", "OPTIONAL", "YIELD", "SKIP",
              "EXPLAIN", "PROFILE", "USE", "SHOW", "GRANT", "DENY", "REVOKE", "TERMINATE",
              "EXTENSION", "DATABASE", "SEQUENCE", "MACRO", "COMMENT", "FROM", "TABLE",
              "NODE", "PRIMARY", "KEY", "INDEX", "CONSTRAINT", "TRANSACTION", "NEO4J_URI",
              "AKG_BACKEND", "AKG_DB", "GET", "POST", "PUT", "PATCH", "HEAD", "OPTIONS",
              "NFKD", "NFD", "NFC", "NFKC"}


def string_literals(path: Path) -> list[tuple[int, str]]:
    out = []
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    for tok in tokens:
        if tok.type == tokenize.STRING:
            try:
                value = ast.literal_eval(tok.string)
            except (ValueError, SyntaxError):
                value = tok.string  # f-strings: check their text
            if isinstance(value, str):
                out.append((tok.start[0], value))
        elif tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            out.append((tok.start[0], tok.string))
    return out


def module_names(path: Path) -> set[str]:
    """Names bound at module level (constants, functions, classes)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "ontology"])
def test_no_schema_name_outside_the_ontology(package: str) -> None:
    """Labels and relationship types in Python strings must be names the model defines."""
    m = load_model()
    known = set(m.classes) | set(m.relationships)
    bad = []
    for path in python_files(package):
        defined = module_names(path)
        for line, text in string_literals(path):
            if text in defined:
                continue  # e.g. an __all__ entry naming a constant of the module
            for name in CYPHER_NAME.findall(text):
                if name[0].isupper() and name not in known:
                    bad.append(f"{path.relative_to(ROOT)}:{line} unknown label/type {name!r}")
            if UPPER.match(text) and text not in known and text not in NOT_SCHEMA \
                    and difflib.get_close_matches(text, m.relationships, n=1, cutoff=0.75):
                bad.append(f"{path.relative_to(ROOT)}:{line} upper-case name {text!r} looks like a relationship "
                           "type but is not in the ontology")
    assert not bad, "\n".join(bad)


def test_name_check_catches_an_invented_name(tmp_path: Path) -> None:
    """The checker above is not vacuous."""
    fake = tmp_path / "x.py"
    fake.write_text('Q = "MATCH (a:Actor)-[:FRIENDS_WITH]->(b:Person) RETURN a"\nT = "BEFRIENDS_ALL"\n')
    found = [n for _, t in string_literals(fake) for n in CYPHER_NAME.findall(t)]
    assert "FRIENDS_WITH" in found and "Person" in found
    assert UPPER.match("THREATEN") and difflib.get_close_matches("THREATEN", load_model().relationships, cutoff=0.75)
