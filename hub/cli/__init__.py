"""The `menjin` command line.

Each command lives in its own module under `hub.cli` and exposes
`register(subparsers)`, which adds its parser and sets `func` to a callable
taking the parsed namespace and returning the process exit code. Benchmarks
are targets of `menjin bench` and register themselves the same way through
`register_bench(bench_subparsers)`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from hub import __version__

# Top-level commands: name -> (module, one-line help). Only the module of the
# command being run is imported, so `menjin --version` never loads the models.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("hub.cli.run", "run the hub"),
    "demo": ("hub.cli.demo", "run the demo school gate on emulated devices"),
    "check-config": ("hub.cli.check_config", "validate the configuration and exit"),
    "models": ("hub.cli.models", "list the face models found, with hashes and licences"),
    "eval": ("hub.cli.eval", "measure face, liveness and mask accuracy on a dataset"),
    "trace": ("hub.cli.trace", "show the recorded runs of an automation"),
    "auth": ("hub.cli.auth", "create users and access tokens"),
    "bench": ("hub.cli.bench", "run a benchmark and print its numbers"),
    "emulate": ("hub.cli.emulate", "run an emulated device on loopback"),
    "devices": ("hub.cli.devices", "list, confirm or ignore discovered devices"),
    "people": ("hub.cli.people", "add, list, show, suspend and remove people"),
    "enroll": ("hub.cli.enroll", "enrol faces from photos (consent required)"),
    "consent": ("hub.cli.consent", "record or withdraw a person's consent"),
    "export": ("hub.cli.export", "export everything held about one person (JSON)"),
    "erase": ("hub.cli.erase", "erase everything held about one person"),
    "retention": ("hub.cli.retention", "delete data whose retention period is over"),
    "pipia": ("hub.cli.pipia", "write the personal-information impact assessment"),
    "audit": ("hub.cli.audit", "verify or read the audit log"),
    "outbox": ("hub.cli.outbox", "list pending, sent and dead notifications; retry dead ones"),
    "visitor": ("hub.cli.visitor", "issue a QR visitor pass and deliver it"),
    "backup": ("hub.cli.backup", "back up the site to one archive, or restore it"),
}

# Modules that provide `menjin bench <target>` targets.
BENCH_MODULES = (
    "devices.bench",
    "hub.bench.bus",
    "hub.bench.pipeline",
    "hub.face.bench",
    "hub.bench.storage",
    "hub.bench.notify",
    "hub.bench.ui",
)


def _chosen_command(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """Build the parser; only the chosen command's module is imported."""
    parser = argparse.ArgumentParser(
        prog="menjin",
        description="Privacy-first hub for face-recognition gates.",
    )
    parser.add_argument("--version", action="version", version=f"menjin {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = _chosen_command(argv)
    for name, (module_name, help_text) in COMMANDS.items():
        if name == chosen:
            importlib.import_module(module_name).register(subparsers)
        else:
            subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `menjin` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args))
    except KeyboardInterrupt:
        return 130
