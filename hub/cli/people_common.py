"""Shared plumbing of the people and privacy commands: open the store, report errors."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import voluptuous as vol

from hub.config.yaml_loader import YamlError
from hub.exceptions import HubError

StoreAction = Callable[[Any, argparse.Namespace], Awaitable[int]]


def actor() -> str:
    """Who is acting, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def run_with_store(args: argparse.Namespace, action: StoreAction) -> int:
    """Open the config folder's PeopleStore, run `action`, turn known errors into messages."""
    from hub.people.store import PeopleStore

    async def main() -> int:
        store = await PeopleStore.async_from_config_dir(Path(args.config))
        try:
            return await action(store, args)
        finally:
            await store.async_close()

    try:
        return asyncio.run(main())
    except HubError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except YamlError as err:
        print(f"Error: {err.file}:{err.line}: {err.message}", file=sys.stderr)
        return 1
    except vol.Invalid as err:
        print(f"Error in the people: section of configuration.yaml: {err}", file=sys.stderr)
        return 1
    except ValueError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1


def print_json(value: Any) -> None:
    """Pretty JSON on stdout (dates as ISO strings)."""
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))
