"""Shape and size limits of researchers' Cypher: nesting, operator chains, list amplification.

The engine's parser and binder recurse over the expression tree: 3,000 nested parentheses,
20,000 ``NOT``\\ s or 24,000 chained ``+`` crash it or keep it busy for minutes before a query
timeout can apply. :func:`check_shape` refuses texts nested deeper than :data:`MAX_DEPTH`
(brackets and ``CASE … END`` together), runs of more than :data:`MAX_PREFIX` prefix operators
and more than :data:`MAX_OPERATORS` operators in all.

:func:`check_sizes` estimates the lists and strings that ``range()``, ``repeat()``, ``lpad()``
and ``rpad()`` build, with exact Cypher arithmetic (:mod:`queries.cypher_arith`), and
multiplies the sizes of calls that share an enclosing ``(…)`` or ``[…]``: the element
expression of ``list_transform(range(1,10000), x -> range(1,20000))`` or
``[x IN range(…) | range(…)]`` runs once per element. The estimate is a first line only: a
list reached through a variable is not seen here, and the worker's memory limit
(:mod:`queries.isolated`) stops what gets past.

Example:
    >>> check_sizes("RETURN size(range(0, 200000000 - (1/2) * 2 * 200000000))", {})
    Traceback (most recent call last):
    ...
    ontology.errors.QueryRefused: refused: range() of about 2e+08 elements (at most 10,000,000)
    >>> check_shape("RETURN " + "(" * 50 + "1" + ")" * 50)
    Traceback (most recent call last):
    ...
    ontology.errors.QueryRefused: refused: expressions nested 50 deep (at most 40)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ontology.errors import QueryRefused
from queries.cypher_arith import Number, evaluate, magnitude
from queries.cypher_text import arguments

__all__ = ["MAX_DEPTH", "MAX_LIST", "MAX_OPERATORS", "MAX_PREFIX", "check_shape", "check_sizes"]

MAX_DEPTH = 40
MAX_PREFIX = 16
MAX_OPERATORS = 2_000
MAX_LIST = 10_000_000
MAX_SIZED_CALLS = 100
# Functions whose size argument(s) must be literals or numeric parameters, within MAX_LIST.
# (argument index of the size, or -1 for range()'s span).
SIZED_FUNCTIONS = {"range": -1, "repeat": 1, "lpad": 1, "rpad": 1}

_FUNCTION = re.compile(r"(?<![\w.$])([A-Za-z_]\w*)\s*\(")
_CASE_OR_END = re.compile(r"\b(case|end)\b", re.IGNORECASE)
_PREFIX_RUN = re.compile(rf"(?:\bnot\b\s*){{{MAX_PREFIX + 1},}}|(?:[-+]\s*){{{MAX_PREFIX + 1},}}",
                         re.IGNORECASE)
_OPERATOR = re.compile(r"\b(?:and|or|xor|not|in|is|contains|starts|ends)\b|[-+*/%^=<>]+",
                       re.IGNORECASE)


def _refuse(what: str, clause: str) -> QueryRefused:
    return QueryRefused(f"refused: {what}", {"clause": clause})


def check_shape(code: str) -> None:
    """Refuse deep nesting, long prefix-operator runs and huge operator counts.

    ``code`` is the text with strings and comments blanked (:func:`queries.cypher_text.strip`).
    """
    depth = deepest = 0
    cases = {m.start(): m.group(1).lower() for m in _CASE_OR_END.finditer(code)}
    for i, ch in enumerate(code):
        word = cases.get(i)
        if ch in "([{" or word == "case":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}" or word == "end":
            depth = max(0, depth - 1)
    if deepest > MAX_DEPTH:
        raise _refuse(f"expressions nested {deepest} deep (at most {MAX_DEPTH})", "nesting")
    run = _PREFIX_RUN.search(code)
    if run:
        raise _refuse(f"more than {MAX_PREFIX} prefix operators in a row ({run.group(0)[:12].strip()} …)",
                      "nesting")
    operators = sum(1 for _ in _OPERATOR.finditer(code))
    if operators > MAX_OPERATORS:
        raise _refuse(f"{operators:,} operators (at most {MAX_OPERATORS:,})", "nesting")


def check_sizes(code: str, params: Mapping[str, Any]) -> None:
    """Refuse ``range()``/``repeat()``/``lpad()``/``rpad()`` calls that build too much."""
    calls = [m for m in _FUNCTION.finditer(code) if m.group(1).lower() in SIZED_FUNCTIONS]
    if len(calls) > MAX_SIZED_CALLS:
        raise _refuse(f"more than {MAX_SIZED_CALLS} calls of range()/repeat()/lpad()/rpad()", "range")
    sized: list[tuple[int, str, Number]] = []
    for m in calls:
        name = m.group(1).lower()
        size = _size(name, arguments(code, m.end()), params)
        if size is None:
            continue
        if size > MAX_LIST:
            raise _refuse(f"{name}() of about {float(size):.3g} elements (at most {MAX_LIST:,})", name)
        sized.append((m.start(), name, size))
    if len(sized) > 1:
        _check_products(code, sized)


def _size(name: str, args: list[str], params: Mapping[str, Any]) -> Number | None:
    index = SIZED_FUNCTIONS[name]
    if index < 0:
        if len(args) < 2:
            return None  # a syntax error the database reports
        values = [_number(name, a, params) for a in args[:3]]
        step = magnitude(values[2]) if len(values) > 2 and values[2] else 1
        return magnitude(values[1] - values[0]) / Fraction(step) + 1
    if len(args) <= index:
        return None
    return magnitude(_number(name, args[index], params))


def _number(function: str, expr: str, params: Mapping[str, Any]) -> Number:
    try:
        return evaluate(expr, params)
    except ValueError:
        raise _refuse(f"{function}() needs literal or numeric-parameter bounds", function) from None


def _check_products(code: str, sized: list[tuple[int, str, Number]]) -> None:
    """Calls inside one ``(…)`` or ``[…]`` may run once per element of another: multiply."""
    stack: list[int] = []
    for i, ch in enumerate(code):
        if ch in "([":
            stack.append(i)
        elif ch in ")]" and stack:
            start = stack.pop()
            inside = [(name, size) for at, name, size in sized if start < at < i]
            if len(inside) < 2:
                continue
            total: Number = 1
            for _, size in inside:
                total *= max(size, 1)
            if total > MAX_LIST:
                names = "()/".join(sorted({n for n, _ in inside}))
                raise _refuse(f"{names}() calls nested in one expression build about "
                              f"{float(total):.3g} elements (at most {MAX_LIST:,})", inside[0][0])
