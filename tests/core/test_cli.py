"""The CLI as an installer uses it: check-config, run, bench, version."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO_ROOT, ConfigWriter


def menjin(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub", *args],
        capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT,
    )


def test_version() -> None:
    result = menjin("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("menjin ")


def test_check_config_passes_on_demo_site() -> None:
    result = menjin("check-config", "-c", str(REPO_ROOT / "config"))
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout


def test_check_config_prints_every_error_as_file_line(config_dir: ConfigWriter) -> None:
    folder = config_dir("menjin:\n  time_zone: Nowhere/City\nnot_a_thing: {}\n")
    result = menjin("check-config", "-c", str(folder))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    config_file = folder / "configuration.yaml"
    assert lines[0].startswith(f"{config_file}:2: [menjin.time_zone]")
    assert lines[1].startswith(f"{config_file}:3: [not_a_thing] unknown integration")
    assert lines[2] == "2 configuration errors found."
    assert "Traceback" not in result.stderr


def test_run_refuses_to_start_on_bad_config(config_dir: ConfigWriter) -> None:
    folder = config_dir("menjin:\n  name: [unterminated\n")
    result = menjin("run", "-c", str(folder))
    assert result.returncode == 1
    assert "Invalid YAML" in result.stderr
    assert "menjin did not start" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_reaches_ready_and_stops_gracefully_on_sigterm(config_dir: ConfigWriter) -> None:
    folder = config_dir(
        "menjin:\n  name: Test site\nhello: {}\n",
        integrations={
            "hello": ({}, (
                "import logging\n"
                "async def async_setup(hub, config):\n"
                "    async def bye(event):\n"
                "        logging.getLogger('hello').warning('hello saw hub_stop')\n"
                "    hub.bus.async_listen('hub_stop', bye)\n"
                "    return True\n"
            )),
        },
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "run", "-c", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    output: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if "menjin ready in" in line:
            break
    assert any("menjin ready in" in line for line in output), "".join(output)
    assert any("Set up hello in" in line for line in output)
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=30)
    assert process.returncode == 0, rest
    assert "hello saw hub_stop" in rest


def test_bench_bus_reports_every_key() -> None:
    result = menjin("bench", "bus", "--events", "2000", "--json")
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout)
    for key in (
        "fire_callback_1l_events_per_s",
        "fire_callback_10l_events_per_s",
        "fire_coroutine_1l_events_per_s",
        "state_set_per_s",
    ):
        assert numbers[key] > 0


def test_no_command_prints_help() -> None:
    result = menjin()
    assert result.returncode == 2
    assert "check-config" in result.stderr


def test_readme_names_the_test_command() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "pytest" in readme and "pytest" in ci
    assert Path(REPO_ROOT / "config" / "configuration.yaml").is_file()
