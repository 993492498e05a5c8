"""`menjin run`: run the hub on a configuration folder until stopped."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from hub.bootstrap import async_from_config_dir
from hub.cli.common import add_config_argument, print_issues
from hub.config.load import load_config_dir
from hub.instance import HubAlreadyRunningError, InstanceLock
from hub.logging_setup import configure_logging

_LOGGER = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add the `run` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser("run", help="run the hub")
    add_config_argument(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Refuse to start on any configuration error; otherwise run until a signal."""
    config = load_config_dir(args.config)
    if config.issues:
        print_issues(config.issues)
        print("menjin did not start: fix the errors above (menjin check-config "
              f"-c {args.config} checks them without starting).", file=sys.stderr)
        return 1
    configure_logging(config.logger, args.verbose)
    try:
        with InstanceLock(args.config):
            return asyncio.run(_async_run(args, config))
    except HubAlreadyRunningError as err:
        print(f"menjin did not start: {err}", file=sys.stderr)
        return 1


async def _async_run(args: argparse.Namespace, config: Any) -> int:
    hub, _results = await async_from_config_dir(args.config, config, handle_signals=True)
    return await hub.async_wait_stopped()
