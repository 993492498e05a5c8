"""The pipeline benchmark keeps working (its numbers are read by people, not asserted)."""

from __future__ import annotations

import json

import pytest

from hub.cli import main
from tests.e2e.site import data_dir


def test_bench_pipeline_measures_a_real_decision(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "pipeline", "--people", "3", "--runs", "2", "--json",
                 "--data", str(data_dir())]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["people"] == 4
    for key in ("event_to_command_ms", "frame_to_coil_ms"):
        assert result[key]["n"] == 2
        assert result[key]["median"] > 0
