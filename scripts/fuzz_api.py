"""Fuzz the REST API with schemathesis against its own OpenAPI description.

Starts a hub on a temporary demo-like site (people store, gates, a class with
guardians; no face engine unless --face), creates an admin token, and runs
`schemathesis run` against /api/openapi.json with that token. Prints
schemathesis' summary; exits with its status.

    .venv/bin/python scripts/fuzz_api.py --max-examples 30
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.http.sitefixture import add_class, start_site  # noqa: E402


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = await start_site(Path(tmp) / "config", face=args.face)
        await add_class(site)
        try:
            command = [
                shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis"),
                "run", f"{site.url}/api/openapi.json",
                "-H", f"Authorization: Bearer {site.tokens['admin']}",
                "--max-examples", str(args.max_examples), "--checks", args.checks,
                "--seed", str(args.seed), "--suppress-health-check", "all",
                *args.extra,
            ]
            process = await asyncio.create_subprocess_exec(*command)
            return await process.wait()
        finally:
            await site.hub.async_stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--checks", default="all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--face", action="store_true", help="with the face engine")
    parser.add_argument("extra", nargs="*", help="more schemathesis arguments (after --)")
    sys.exit(asyncio.run(main(parser.parse_args())))
