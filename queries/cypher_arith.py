"""Exact Cypher arithmetic on literals and numeric ``$parameters``, for the checker's size estimates.

Cypher integers are 64-bit and exact: ``1/2`` is ``0`` (division truncates toward zero) and
``-7 % 2`` is ``-1`` (the remainder takes the dividend's sign). Floats appear when a float literal
is involved, and ``^`` always gives a float. The checker must compute what the database will
compute, so it does not use Python floats: integers stay Python ints with Cypher's truncating
division, floats become :class:`fractions.Fraction` (exact rationals, so no rounding hides a
large value). Precedence follows openCypher: unary ``+``/``-`` binds tighter than ``^`` (left
associative), then ``* / %``, then ``+ -``.

Example:
    >>> evaluate("200000000 - (1/2) * 2 * 200000000", {})
    200000000
    >>> evaluate("200000000 - (1.0/2) * 2 * 200000000", {})
    Fraction(0, 1)
    >>> evaluate("-7 % 2", {}), evaluate("-2^2", {}), evaluate("$n * 3", {"n": 5})
    (-1, Fraction(4, 1), 15)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

__all__ = ["LIMIT", "Number", "magnitude", "evaluate"]

Number = int | Fraction
# Magnitudes past this are refused (far beyond any list the database could build).
LIMIT = 2**70
MAX_DEPTH = 32
_TOKEN = re.compile(r"\s*(?:(\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)"
                    r"|(\d+)|\$([A-Za-z_]\w*)|([-+*/%^()]))")


def evaluate(expr: str, params: Mapping[str, Any]) -> Number:
    """The exact value of ``expr`` under Cypher's rules.

    Raises:
        ValueError: anything but numbers, numeric parameters, + - * / % ^ and parentheses;
            division by zero; a value past :data:`LIMIT`; nesting deeper than 32.
    """
    tokens = _tokens(expr, params)
    parser = _Parser(tokens)
    value = parser.sum(0)
    if parser.pos != len(tokens):
        raise ValueError(f"not a numeric expression: {expr[:40]!r}")
    return value


def _tokens(expr: str, params: Mapping[str, Any]) -> list[Number | str]:
    out: list[Number | str] = []
    pos = 0
    text = expr.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"not a numeric expression: {expr[:40]!r}")
        pos = m.end()
        floating, integer, param, op = m.groups()
        if floating is not None:
            out.append(Fraction(floating))
        elif integer is not None:
            out.append(_bounded(int(integer)))
        elif param is not None:
            value = params.get(param)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"${param} is not a number")
            if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
                raise ValueError(f"${param} is not a finite number")
            out.append(Fraction(value) if isinstance(value, float) else _bounded(value))
        else:
            out.append(op)
    return out


def magnitude(value: Number) -> Number:
    """``abs()`` that keeps the type (int stays int, Fraction stays Fraction)."""
    return -value if value < 0 else value


def _bounded(value: Number) -> Number:
    if magnitude(value) > LIMIT:
        raise ValueError("number too large")
    return value


def _truncate(q: Fraction) -> int:
    """Toward zero, as Cypher's integer division."""
    return int(q)  # int() of a Fraction truncates toward zero


class _Parser:
    def __init__(self, tokens: list[Number | str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Number | str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Number | str:
        token = self.peek()
        if token is None:
            raise ValueError("unexpected end of expression")
        self.pos += 1
        return token

    def sum(self, depth: int) -> Number:
        value = self.product(depth)
        while self.peek() in ("+", "-"):
            op = self.take()
            right = self.product(depth)
            value = _bounded(value + right if op == "+" else value - right)
        return value

    def product(self, depth: int) -> Number:
        value = self.power(depth)
        while self.peek() in ("*", "/", "%"):
            op = self.take()
            right = self.power(depth)
            if op == "*":
                value = _bounded(value * right)
                continue
            if right == 0:
                raise ValueError("division by zero")
            quotient = Fraction(value) / Fraction(right)
            both_int = isinstance(value, int) and isinstance(right, int)
            if op == "/":
                value = _truncate(quotient) if both_int else quotient
            else:
                value = value - right * _truncate(quotient)
        return value

    def power(self, depth: int) -> Number:
        value = self.unary(depth)
        while self.peek() == "^":
            self.take()
            exponent = self.unary(depth)
            if exponent != int(exponent) or magnitude(exponent) > 64:
                raise ValueError("exponent not usable for an estimate")
            value = _bounded(Fraction(value) ** int(exponent))  # ^ always yields a float
        return value

    def unary(self, depth: int) -> Number:
        sign = 1
        while self.peek() in ("+", "-"):
            if self.take() == "-":
                sign = -sign
        return sign * self.atom(depth)

    def atom(self, depth: int) -> Number:
        item = self.take()
        if item == "(":
            if depth >= MAX_DEPTH:
                raise ValueError("expression nested too deeply")
            value = self.sum(depth + 1)
            if self.take() != ")":
                raise ValueError("unbalanced parentheses")
            return value
        if isinstance(item, str):
            raise ValueError(f"unexpected {item!r}")
        return item
