"""`menjin models`: which face models were found, where, with hashes and licences."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `models` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "models", help="list the face models found, their hashes, sources and licences"
    )
    parser.add_argument("--model-dir", type=Path, default=None,
                        help="folder to look in first (as `face: model_dir:` in the config)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the report; exit 1 when a required model is missing or wrong."""
    from hub.face.models import report_models

    rows, searched = report_models(args.model_dir)
    ok = all(row.found for row in rows if row.required)
    if args.json:
        json.dump({"ok": ok, "searched": searched, "models": [asdict(r) for r in rows]},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0 if ok else 1
    print("Searched: " + (", ".join(searched) or "no folder (none configured)"))
    for row in rows:
        need = "required" if row.required else "optional"
        if row.found:
            print(f"{row.kind:<11} {need:<9} {row.path}")
            print(f"{'':<21} source: {row.source}; licence: {row.licence}")
            print(f"{'':<21} sha256: {row.sha256}")
        else:
            print(f"{row.kind:<11} {need:<9} MISSING: {row.problem}")
    return 0 if ok else 1
