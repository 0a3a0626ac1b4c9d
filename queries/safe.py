"""Researchers' own Cypher: refused before it reaches the database unless it only reads.

Two layers. :func:`check` looks at the text with comments and string literals blanked out
and refuses writes, schema changes, file access, extension management, settings, procedure
calls off an allow-list, several statements, unbounded or deep variable-length patterns, deep
nesting and huge ``range()``/``repeat()``/``lpad()``/``rpad()`` calls (:mod:`queries.cypher_size`).
:func:`run_safe` then runs what is left through ``store.run_read`` (a read-only transaction, a
timeout and a row cap), so a query the check misses still cannot write; researchers' queries from
the API, the console and the CLI go through :mod:`queries.isolated` instead, which runs them in a
worker process with a memory limit.

The check is deliberately conservative: it refuses some harmless texts (a variable called
``use``, say) rather than let a harmful one through. Ladybug executes ``COPY … TO``,
``EXPORT DATABASE``, ``LOAD FROM`` and ``CALL timeout=…`` even inside a read-only transaction,
so for those this check is the only barrier.

Example:
    >>> check("MATCH (a:Actor) // CREATE (x)\\nRETURN a.name, 'DROP TABLE' AS s;")[-25:]
    "a.name, 'DROP TABLE' AS s"
    >>> check("match (a) DeTaCh   DELETE a")
    Traceback (most recent call last):
    ...
    ontology.errors.QueryRefused: refused: DETACH is not allowed: researchers' queries may only read
    >>> check("MATCH p = (a)-[*]->(b) RETURN p")
    Traceback (most recent call last):
    ...
    ontology.errors.QueryRefused: refused: variable-length pattern without an upper bound (use *1..6 at most)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from graph.base import GraphStore, ReadResult
from graph.settings import Settings
from ontology.errors import AkgError, QueryRefused, StoreError
from queries.cypher_size import MAX_LIST, check_shape, check_sizes
from queries.cypher_text import strip

__all__ = [
    "ALLOWED_CALLS",
    "MAX_CHARS",
    "MAX_HOPS",
    "MAX_LIST",
    "QueryError",
    "check",
    "clean_message",
    "plain",
    "run_safe",
    "strip",
]

MAX_CHARS = 100_000
MAX_HOPS = 6

# Procedures and table functions that only describe the schema (lower case; both dialects).
ALLOWED_CALLS = frozenset({
    "show_tables", "table_info", "show_functions", "db_version",
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
})

# Words that start a clause that writes, reads files, manages the database or its extensions.
# Lower case; matched as whole words outside strings, comments and `quoted names`.
_REFUSED_WORDS = frozenset({
    "create", "merge", "set", "delete", "detach", "remove", "drop", "alter", "rename",
    "insert", "foreach", "load", "copy", "attach", "use", "install", "uninstall", "export",
    "import", "checkpoint", "begin", "commit", "rollback", "transactions", "database",
    "databases", "grant", "deny", "revoke", "show", "terminate", "nextval", "setseed",
    "project", "analyze",
})
# Namespaces of built-in Neo4j functions that only compute values; other dotted functions
# (apoc.*, plugins) are refused.
_SAFE_FUNCTION_NAMESPACES = frozenset({
    "duration", "date", "datetime", "localdatetime", "localtime", "time", "point", "vector",
})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CALL_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)")
_DOTTED_CALL = re.compile(r"(?<![\w.$])([A-Za-z_]\w*)((?:\s*\.\s*[A-Za-z_]\w*)+)\s*\(")
_QUOTED_CALL = re.compile(r"`_*`\s*\(")
_BOUNDS = re.compile(r"\s*(?:[A-Za-z_]+(?:\s*\([^)]*\))?\s*)*(\d+)?\s*(\.\.\s*(\d+)?)?")
_QUANTIFIER = re.compile(r"[)\]>-]\s*\{([\d\s,]*)\}")
_REPEAT = re.compile(
    r"(?:\)|->|-)\s*[+*]\s*(?=$|[(<,-]|(?:where|return|with|match|optional|union|order|limit|skip"
    r"|call|unwind)\b)",
    re.IGNORECASE,
)
_POSITION = re.compile(r"\s*\(line:? (\d+), (offset|column):? (\d+)(?: \(offset: \d+\))?\)")


class QueryError(AkgError):
    """The database could not run a researcher's query (syntax or binding); the message is its own."""

    code = "query_error"


def _refuse(what: str, clause: str) -> QueryRefused:
    return QueryRefused(f"refused: {what}", {"clause": clause})


def check(cypher: str, params: Mapping[str, Any] | None = None) -> str:
    """Refuse anything but one read-only query; return the text to send (a final ``;`` dropped).

    Raises:
        QueryRefused: naming the clause or construct that was refused.
    """
    if len(cypher) > MAX_CHARS:
        raise _refuse(f"the query is longer than {MAX_CHARS:,} characters", "length")
    code = strip(cypher)
    bad = next((c for c in code if not (32 <= ord(c) < 127 or c in "\t\r\n")), None)
    if bad is not None:
        raise _refuse(f"character {bad!r} outside strings (only ASCII is accepted in query text)",
                      "character")
    body = code.rstrip()
    if body.endswith(";"):
        body = body[:-1]
    if ";" in body:
        raise _refuse("more than one statement (remove the ';')", "multiple statements")
    if not body.strip():
        raise _refuse("the query is empty", "empty")
    check_shape(body)
    _check_words(body)
    _check_paths(body)
    check_sizes(body, params or {})
    return cypher[: len(body)]


def _check_words(code: str) -> None:
    words = [(m.group(0).lower(), m.end()) for m in _WORD.finditer(code)]
    for k, (word, end) in enumerate(words):
        if word in _REFUSED_WORDS:
            raise _refuse(f"{word.upper()} is not allowed: researchers' queries may only read",
                          word.upper())
        if word == "comment" and k + 1 < len(words) and words[k + 1][0] == "on":
            raise _refuse("COMMENT ON is not allowed: researchers' queries may only read", "COMMENT")
        if word == "call":
            rest = code[end:].lstrip()
            if rest.startswith(("{", "(")):
                continue  # a subquery; its clauses are checked like the rest
            m = _CALL_NAME.match(code, end)
            name = re.sub(r"\s+", "", m.group(1)).lower() if m else ""
            if name not in ALLOWED_CALLS:
                shown = name or rest[:20]
                raise _refuse(f"CALL {shown} is not allowed (allowed: {', '.join(sorted(ALLOWED_CALLS))})",
                              "CALL")
    if _QUOTED_CALL.search(code):
        raise _refuse("calling a function by a `quoted name` is not allowed", "function")
    for m in _DOTTED_CALL.finditer(code):
        k = m.start() - 1
        while k >= 0 and code[k] in " \t\r\n":
            k -= 1
        if code[max(0, k - 3): k + 1].lower() == "call":
            continue  # a procedure: checked against ALLOWED_CALLS above
        if m.group(1).lower() not in _SAFE_FUNCTION_NAMESPACES:
            name = m.group(1) + re.sub(r"\s+", "", m.group(2))
            raise _refuse(f"function {name}() is not allowed", "function")


def _check_paths(code: str) -> None:
    """Variable-length relationships and quantified paths need an upper bound <= MAX_HOPS."""
    stack: list[str] = []  # open brackets; "r" marks a relationship's [ ... ]
    for i, ch in enumerate(code):
        if ch in "([{":
            k = i - 1
            while k >= 0 and code[k] in " \t\r\n":
                k -= 1
            stack.append("r" if ch == "[" and k >= 0 and code[k] == "-" else ch)
        elif ch in ")]}":
            if stack:
                stack.pop()
        elif ch == "*" and stack and stack[-1] == "r":
            _check_bound(code, i + 1)
    for m in _QUANTIFIER.finditer(code):
        low, comma, high = m.group(1).replace(" ", "").partition(",")
        upper = (int(high) if high.strip() else None) if comma else (int(low) if low.strip() else None)
        _bounded(upper)
    if _REPEAT.search(code):
        raise _refuse(f"quantified path pattern without an upper bound (use {{1,{MAX_HOPS}}} at most)",
                      "variable-length pattern")


def _check_bound(code: str, start: int) -> None:
    m = _BOUNDS.match(code, start)
    assert m is not None  # the pattern can match the empty string
    low, dots, high = m.group(1), m.group(2), m.group(3)
    upper = (int(high) if high else None) if dots else (int(low) if low else None)
    _bounded(upper)


def _bounded(upper: int | None) -> None:
    if upper is None:
        raise _refuse(f"variable-length pattern without an upper bound (use *1..{MAX_HOPS} at most)",
                      "variable-length pattern")
    if upper > MAX_HOPS:
        raise _refuse(f"variable-length pattern up to {upper} hops (at most {MAX_HOPS})",
                      "variable-length pattern")


def plain(value: Any) -> Any:
    """Decimals (Ladybug's sums) become int or float, inside lists and dicts too.

    >>> from decimal import Decimal
    >>> plain([Decimal("3"), {"x": Decimal("1.5")}])
    [3, {'x': 1.5}]
    """
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _settings(store: GraphStore) -> Settings:
    found = getattr(store, "settings", None)
    return found if isinstance(found, Settings) else Settings.from_env()


def clean_message(exc: StoreError) -> QueryError:
    """The database's own message (first line), without parser internals, with the position.

    >>> clean_message(StoreError("Parser exception: Invalid input <RETRN>: expected rule "
    ...                          "oC_Cypher (line: 1, offset: 0)")).message
    'the database could not run the query (line 1, column 1): Invalid input <RETRN>'
    """
    text = re.sub(r"^(?:Parser|Binder|Catalog|Runtime|Connection) exception: ", "", exc.message.strip())
    text = re.sub(r":? expected rule oC_\w+", "", text)
    details: dict[str, Any] = {}
    where = ""
    pos = _POSITION.search(text)
    if pos:
        column = int(pos.group(3)) + (1 if pos.group(2) == "offset" else 0)
        details = {"line": int(pos.group(1)), "column": column}
        where = f" (line {details['line']}, column {column})"
        text = (text[: pos.start()] + text[pos.end():]).strip()
    return QueryError(f"the database could not run the query{where}: {text}", details)


def run_safe(
    store: GraphStore,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    limit: int | None = None,
) -> ReadResult:
    """Check a researcher's query, then run it read-only with a time limit and a row cap.

    ``timeout`` (seconds) and ``limit`` (rows) default to the store's settings
    (``AKG_QUERY_TIMEOUT``, ``AKG_ROW_LIMIT``). The result's ``truncated`` says whether rows
    were cut off at the cap.

    Raises:
        QueryRefused: the check refused the text (or the database refused a write).
        QueryTimeout: the query ran past its time limit.
        QueryError: the database reported a syntax or binding error (its message, cleaned).
    """
    values = dict(params or {})
    text = check(cypher, values)
    settings = _settings(store)
    try:
        result = store.run_read(
            text, values,
            timeout=settings.query_timeout_s if timeout is None else timeout,
            limit=settings.row_limit if limit is None else limit,
        )
    except StoreError as exc:
        raise clean_message(exc) from None
    return ReadResult(result.columns, plain(result.rows), result.truncated)
