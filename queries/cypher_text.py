"""Reading Cypher text without a parser: comments and strings blanked, call arguments.

Used by the read-only check (:mod:`queries.safe`) and by the catalogue (``$parameters``).

Example:
    >>> strip("RETURN 'a // b' AS `x y` // note")
    "RETURN '      ' AS `___`        "
    >>> arguments("range(1, f(2, 3), [4, 5])", 6)
    ['1', 'f(2, 3)', '[4, 5]']
"""

from __future__ import annotations

import re

from ontology.errors import QueryRefused

__all__ = ["arguments", "strip"]

_LINE_ENDS = "\n\r\x0b\x0c\x85\u2028\u2029"


def strip(cypher: str) -> str:
    """The text with comments and string contents blanked and quoted names filled with ``_``.

    Positions are kept (every character maps to the same offset). Comments end at any line
    break a parser might honour, so text after one is always checked. An unterminated string,
    comment or quoted name raises :class:`QueryRefused`.

    """
    out: list[str] = []
    i, n = 0, len(cypher)
    while i < n:
        ch = cypher[i]
        nxt = cypher[i + 1] if i + 1 < n else ""
        if ch == "/" and nxt == "/":
            j = i
            while j < n and cypher[j] not in _LINE_ENDS:
                j += 1
            out.append(" " * (j - i))
            i = j
        elif ch == "/" and nxt == "*":
            end = cypher.find("*/", i + 2)
            if end < 0:
                raise _unterminated("/* comment")
            out.append(re.sub(r"[^\n]", " ", cypher[i : end + 2]))
            i = end + 2
        elif ch in "'\"":
            j = i + 1
            while j < n and cypher[j] != ch:
                j += 2 if cypher[j] == "\\" else 1
            if j >= n:
                raise _unterminated("string literal")
            out.append(ch + " " * (j - i - 1) + ch)
            i = j + 1
        elif ch == "`":
            end = cypher.find("`", i + 1)
            if end < 0:
                raise _unterminated("`quoted name`")
            out.append("`" + "_" * (end - i - 1) + "`")
            i = end + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _unterminated(what: str) -> QueryRefused:
    return QueryRefused(f"refused: unterminated {what}", {"clause": "syntax"})


def arguments(code: str, start: int) -> list[str]:
    """The top-level comma-separated arguments of a call whose '(' ends just before ``start``."""
    args: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in code[start:]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        if ch == "," and depth == 0:
            args.append("".join(current))
            current = []
        else:
            current.append(ch)
    args.append("".join(current))
    return [a.strip() for a in args]
