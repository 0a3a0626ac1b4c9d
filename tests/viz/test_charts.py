"""Server-side SVG charts: labelled, escaped, readable without colour."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from viz.charts import bar_chart, by_month, by_perpetrator, hbar_chart, risk_line

EVENTS: list[dict[str, Any]] = [
    {"date": dt.date(1994, 4, 7), "fatalities": 100, "actors": ["actor/a"]},
    {"date": dt.date(1994, 6, 1), "fatalities": 20, "actors": ["actor/a", "actor/b"]},
    {"date": dt.date(1994, 6, 9), "fatalities": None, "actors": []},
]


def test_by_month_fills_gaps_and_by_perpetrator_ranks() -> None:
    assert by_month(EVENTS) == [("1994-04", 100.0), ("1994-05", 0.0), ("1994-06", 20.0)]
    assert by_perpetrator(EVENTS, {"actor/a": "<A>"}) == [("<A>", 120.0), ("actor/b", 20.0),
                                                          ("(unattributed)", 0.0)]


def test_charts_are_valid_svg_with_values_as_text() -> None:
    for svg in (bar_chart(by_month(EVENTS), title="Deaths"), hbar_chart([("<script>x", 3)], title="<T>"),
                risk_line([(dt.date(1994, 1, 1), 2, "a"), (dt.date(1994, 7, 1), 3, "<b>")], title="Risk")):
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg") and root.get("role") == "img"
        text = "".join(root.itertext())
        assert "<script" not in svg and "style=" not in svg
        assert any(ch.isdigit() for ch in text)
    assert "3 high" in risk_line([(dt.date(1994, 1, 1), 3, "x")], title="r")


def test_empty_charts_say_so() -> None:
    assert "No data." in bar_chart([], title="t")
    assert "No assessment yet." in risk_line([], title="t")
