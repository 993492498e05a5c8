"""`menjin export PERSON`: everything held about one person, as JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import actor, run_with_store
from hub.people.store import PeopleStore
from hub.privacy.rights import async_export_person


def register(subparsers: Any) -> None:
    """Add the `export` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export", help="export everything held about one person (JSON)")
    add_config_argument(parser)
    parser.add_argument("person")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--include-biometrics", action="store_true",
                        help="also export the face embeddings (audited)")
    parser.set_defaults(func=lambda a: run_with_store(a, _export))


async def _export(store: PeopleStore, args: argparse.Namespace) -> int:
    data = await async_export_person(store, args.person, actor(), args.include_biometrics)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    if args.output is None:
        print(text)
    else:
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        print(f"Wrote {args.output}", file=sys.stderr)
    return 0
