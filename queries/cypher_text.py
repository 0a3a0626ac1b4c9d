"""Reading Cypher text without a parser: comments and strings blanked, call arguments, numbers.

Used by the read-only check (:mod:`queries.safe`) and by the catalogue (``$parameters``).

Example:
    >>> strip("RETURN 'a // b' AS `x y` // note")
    "RETURN '      ' AS `___`        "
    >>> arguments("range(1, f(2, 3), [4, 5])", 6), numeric("10^3 + $n", {"n": 1})
    (['1', 'f(2, 3)', '[4, 5]'], 1001.0)
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from ontology.errors import QueryRefused

__all__ = ["arguments", "numeric", "strip"]

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


def numeric(expr: str, params: Mapping[str, Any]) -> float:
    """Evaluate an expression of numeric literals, numeric ``$parameters`` and + - * / ^ %.

    Raises:
        ValueError: anything else (names, function calls, strings) or an unusable number.
    """
    def param(m: re.Match[str]) -> str:
        value = params.get(m.group(1))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"${m.group(1)} is not a number")
        return repr(value)

    text = re.sub(r"\$([A-Za-z_]\w*)", param, expr).replace("^", "**")
    if not re.fullmatch(r"[\d\s.+\-*/%()eE]+", text):
        raise ValueError(f"not a numeric expression: {expr!r}")
    try:
        return _evaluate(ast.parse(text, mode="eval").body)
    except (SyntaxError, ZeroDivisionError, OverflowError, RecursionError, MemoryError):
        raise ValueError(f"not a usable number: {expr[:40]!r}") from None


def _evaluate(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow):
            if abs(right) > 64:
                raise OverflowError
            return float(left**right)
        ops = {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}
        for kind, result in ops.items():
            if isinstance(node.op, kind):
                return result
        if isinstance(node.op, (ast.Div, ast.FloorDiv)):
            return left / right
        if isinstance(node.op, ast.Mod):
            return left % right
    raise ValueError("not a numeric expression")
