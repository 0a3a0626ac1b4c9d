"""The changes view tells a factor the later assessment did not restate from one it found absent."""

from __future__ import annotations

from typing import Any

from queries.builtin import _diff


def content(**levels: int) -> dict[str, dict[str, dict[str, Any]]]:
    factors = {f"rf/{k}": {"item": f"rf/{k}", "name": k, "level": v, "detail": None} for k, v in levels.items()}
    return {"risk-factor": factors, "actor": {}, "trigger": {}, "recommendation": {}}


def test_not_restated_is_not_removed() -> None:
    before = content(RF1=2, RF2=3, RF3=0, RF4=1)
    after = content(RF2=0, RF4=2)
    changes = {(c[0], c[1]): (c[3], c[4]) for c in _diff(before, after)}
    assert changes == {
        ("risk-factor-not-restated", "rf/RF1"): (2, None),   # present before, not assessed now
        ("risk-factor-removed", "rf/RF2"): (3, 0),            # explicitly assessed as absent
        ("risk-factor-up", "rf/RF4"): (1, 2),
    }                                                          # RF3 was absent and is not mentioned: no change


def test_a_factor_found_absent_twice_is_no_change() -> None:
    assert _diff(content(RF5=0), content(RF5=0)) == []
    assert _diff(content(RF5=0), content()) == []
