"""Helpers shared by CLI commands."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from hub.config.issues import ConfigIssue

DEFAULT_CONFIG_DIR = "config"


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    """Add `-c/--config DIR`, defaulting to $MENJIN_CONFIG or ./config."""
    parser.add_argument(
        "-c",
        "--config",
        type=Path,
        default=Path(os.environ.get("MENJIN_CONFIG", DEFAULT_CONFIG_DIR)),
        metavar="DIR",
        help="configuration folder (default: $MENJIN_CONFIG or ./config)",
    )


def print_issues(issues: list[ConfigIssue]) -> None:
    """Print every configuration problem as `FILE:LINE: message` on stderr."""
    for issue in issues:
        print(str(issue), file=sys.stderr)
    count = len(issues)
    print(f"{count} configuration error{'s' if count != 1 else ''} found.", file=sys.stderr)
