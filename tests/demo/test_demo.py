"""`menjin demo --once --json` plays the whole morning, as a newcomer would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO_ROOT
from tests.e2e.site import data_dir


def test_demo_plays_the_morning_and_reports_json() -> None:
    env = {**os.environ, "MENJIN_DATA_DIR": str(data_dir())}
    env.pop("MENJIN_MODEL_DIR", None)  # the demo finds the models beside the photos
    result = subprocess.run(
        [sys.executable, "-m", "hub", "demo", "--once", "--json", "--port", "0"],
        capture_output=True, text=True, timeout=300, cwd=REPO_ROOT, env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    decisions = report["decisions"]
    assert [d["granted"] for d in decisions] == [True, True, False, True, False, True, False]
    assert [d["credential"] for d in decisions] == ["face"] * 5 + ["card", "card"]
    fever, stranger, contractor = decisions[2], decisions[4], decisions[6]
    assert fever["person"] == "hao"
    assert fever["reasons"] == ["temperature 38.3 °C is above 37.3 °C"]
    assert stranger["person"] is None and stranger["reasons"] == ["unknown_face"]
    assert contractor["person"] == "wu" and contractor["reasons"] == ["permit_expired"]
    assert decisions[5]["person"] == "bo"  # declined face capture, came in by card
    for decision in decisions:
        assert set(decision) >= {"person", "gate", "direction", "credential", "granted",
                                 "reasons", "time"}
    messages = [n["message"] for n in report["notifications"]]
    assert sum("entered school, Gate 3" in m for m in messages) == 4  # each admitted student
    assert any(m.startswith("Unknown face at Gate 3") for m in messages)
    assert all(n["delivered"] for n in report["notifications"])
    assert not any("Hao" in m for m in messages)  # refused: no "entered" message
