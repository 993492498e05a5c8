"""`menjin bench TARGET`: benchmarks that print numbers (never pass/fail)."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from hub.cli import BENCH_MODULES


def register(subparsers: Any) -> None:
    """Add `bench` with one sub-command per benchmark target."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "bench", help="run a benchmark and print its numbers"
    )
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)
    for module_name in BENCH_MODULES:
        importlib.import_module(module_name).register_bench(targets)
