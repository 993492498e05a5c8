"""`menjin check-config`: validate a configuration folder without starting devices."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hub.cli.common import add_config_argument, print_issues
from hub.config.load import load_config_dir


def register(subparsers: Any) -> None:
    """Add the `check-config` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check-config", help="validate the configuration and exit (0 valid, 1 errors)"
    )
    add_config_argument(parser)
    parser.set_defaults(func=check_config)


def check_config(args: argparse.Namespace) -> int:
    """Load and validate everything; print every problem found."""
    config = load_config_dir(args.config)
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if config.issues:
        print_issues(config.issues)
        return 1
    domains = ", ".join(config.setup_order) or "none"
    print(f"Configuration in {config.config_dir} is valid. Integrations: {domains}.")
    return 0
