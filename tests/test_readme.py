"""The README's five-minute tour works as written: its akg commands and curl calls run on the demo data."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from api import create_app
from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
TOUR = (ROOT / "README.md").read_text(encoding="utf-8").split("## A five-minute tour", 1)[1].split("\n## ", 1)[0]
AKG = [sys.executable, "-c", "from cli import main; main()"]


def commands(prefix: str) -> list[str]:
    """Shell lines of the tour's code blocks that start with ``prefix`` (continuations joined)."""
    blocks = re.findall(r"```sh\n(.*?)```", TOUR, re.S)
    text = "\n".join(blocks).replace("\\\n", " ")
    return [re.sub(r"\s+#.*$", "", line).strip() for line in text.splitlines() if line.strip().startswith(prefix)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = tmp_path_factory.mktemp("readme") / "akg.lbug"
    env = {**os.environ, "AKG_DB": str(db)}
    subprocess.run([*AKG, "demo", "--no-serve"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    yield db


def test_the_tour_has_commands() -> None:
    assert len(commands(".venv/bin/akg")) >= 3 and len(commands("curl")) >= 6


@pytest.mark.parametrize("line", commands(".venv/bin/akg"))
def test_akg_commands_of_the_tour(line: str, demo_db: Path) -> None:
    args = shlex.split(line)[1:]
    out = subprocess.run([*AKG, *args], cwd=ROOT, env={**os.environ, "AKG_DB": str(demo_db)},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


@pytest.mark.parametrize("line", commands("curl"))
def test_curl_calls_of_the_tour(line: str, demo_db: Path) -> None:
    client = create_app({"SETTINGS": Settings(db_path=demo_db, buffer_pool_mb=512), "TESTING": True}).test_client()
    parts = shlex.split(line)
    url = next(p for p in parts if p.startswith("http://127.0.0.1:8000"))
    path = url.removeprefix("http://127.0.0.1:8000")
    if "-X" in parts and parts[parts.index("-X") + 1] == "POST":
        body = parts[parts.index("-d") + 1]
        response = client.post(path, data=body, headers={"Content-Type": "application/json"})
    else:
        response = client.get(path)
    assert response.status_code == 200, (line, response.get_data(as_text=True)[:300])
    payload = response.get_json()
    assert payload and json.dumps(payload)
