"""``akg load ucdp`` computes signals; ``akg signals compute|show`` and ``akg alerts list|ack|dismiss|escalate``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import cli as root

GLOBAL = Path(__file__).resolve().parents[1] / "fixtures" / "ucdp" / "ged231_global_sample.csv"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "akg.lbug"
    monkeypatch.setenv("AKG_DB", str(path))
    monkeypatch.setenv("AKG_BUFFER_POOL_MB", "128")
    assert CliRunner().invoke(root, ["init"]).exit_code == 0
    return path


def akg(*args: str) -> Result:
    return CliRunner().invoke(root, list(args))


def points(output: str) -> int:
    """The number of series points a refresh reports."""
    found = re.search(r"([\d,]+) series points stored", output)
    assert found, output
    return int(found.group(1).replace(",", ""))


def test_load_computes_signals_and_alerts_can_be_handled(db: Path, tmp_path: Path) -> None:
    loaded = akg("load", "ucdp", str(GLOBAL))
    assert loaded.exit_code == 0, loaded.output
    assert "signals: " in loaded.output and "series points stored" in loaded.output
    listed = json.loads(akg("alerts", "list", "--json", "--kind", "mass-fatality").output)
    assert listed and all(a["kind"] == "mass-fatality" for a in listed)
    first = listed[0]["alert"]
    assert akg("alerts", "ack", first).output.strip() == f"{first}: acknowledged"
    refused = akg("alerts", "dismiss", first)
    assert refused.exit_code == 2 and "--reason" in refused.output
    done = akg("alerts", "dismiss", first, "--reason", "a single event in a sampled file")
    assert done.exit_code == 0 and "dismissed (a single event in a sampled file)" in done.output
    assert [a["alert"] for a in json.loads(akg("alerts", "list", "--json", "--status", "dismissed").output)] == [first]
    unknown = akg("alerts", "escalate", "alert/SYR-surge-1990-01-0000000000")
    assert unknown.exit_code == 1 and "no alert with id alert/SYR-surge-1990-01-0000000000" in unknown.output
    shown = akg("signals", "show", "SYR", "--dimension", "category")
    assert shown.exit_code == 0 and "battles" in shown.output
    quiet = akg("signals", "show", "ISL")
    assert quiet.exit_code == 1 and "no events of this country are stored" in quiet.output
    again = akg("signals", "compute", "--country", "SYR")
    assert again.exit_code == 0 and "(0 new;" in again.output
    assert "no stored events for ISL" in akg("signals", "compute", "--country", "ISL").output


def test_a_bad_thresholds_file_stops_before_anything_changes(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "thresholds.yaml"
    bad.write_text("defaults:\n  surge_min_events: -5\n  speed: 3\n", encoding="utf-8")
    result = akg("load", "ucdp", str(GLOBAL), "--thresholds", str(bad))
    assert result.exit_code == 1  # `akg` prints the error as one line per problem (cli.main)
    assert "thresholds.yaml:2 defaults.surge_min_events: must not be negative (-5)" in str(result.exception)
    assert "thresholds.yaml:3 defaults.speed: unknown threshold" in str(result.exception)
    assert "Event " not in akg("stats").output  # nothing was loaded
    assert akg("signals", "compute", "--thresholds", str(bad)).exit_code == 1


def test_weekly_category_points_on_request(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert akg("load", "ucdp", str(GLOBAL)).exit_code == 0
    week = ("signals", "show", "SYR", "--dimension", "category", "--granularity", "week", "--json")
    computed = akg(*week)  # not stored: computed from the events
    assert computed.exit_code == 0, computed.output
    rows = json.loads(computed.output)
    assert rows and {r["dimension"] for r in rows} == {"category"}
    plain = points(akg("signals", "compute", "--country", "SYR").output)
    monkeypatch.setenv("AKG_WEEKLY_CATEGORY_POINTS", "1")
    assert points(akg("signals", "compute", "--country", "SYR").output) == plain + len(rows)
    assert json.loads(akg(*week).output) == rows  # now read from the stored points: the same
