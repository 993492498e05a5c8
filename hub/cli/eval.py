"""`menjin eval faces|liveness|mask`: accuracy of the face engine on labelled photos."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add `eval` with its three targets."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "eval", help="measure face engine accuracy on a folder of labelled photos"
    )
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)

    faces = targets.add_parser("faces", help="verification and identification metrics")
    faces.add_argument("--dataset", type=Path, required=True,
                       help="folder with one sub-folder of images per person")
    faces.add_argument("--strangers", type=Path, default=None,
                       help="persons never enrolled (for FNIR at FPIR 1e-2)")
    faces.add_argument("--enroll", type=int, default=1, help="images enrolled per person")
    faces.add_argument("--plot", type=Path, default=None, help="write ROC + histograms PNG")
    faces.add_argument("--int8-recogniser", action="store_true",
                       help="use the published int8 SFace graph instead of its fp32 form")
    _common(faces)
    faces.set_defaults(func=_run_faces)

    liveness = targets.add_parser("liveness", help="APCER/BPCER on live/ and spoof/ folders")
    liveness.add_argument("--dataset", type=Path, required=True)
    liveness.add_argument("--threshold", type=float, default=None,
                          help="live-probability threshold (default: the engine's)")
    _common(liveness)
    liveness.set_defaults(func=_run_liveness)

    mask = targets.add_parser("mask", help="accuracy on with_mask/ and without_mask/")
    mask.add_argument("--dataset", type=Path, required=True)
    _common(mask)
    mask.set_defaults(func=_run_mask)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _clean(value: Any) -> Any:
    """JSON has no NaN: report undefined metrics as null."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _print(result: dict[str, Any], as_json: bool) -> None:
    result = _clean(result)
    if as_json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for key, value in result.items():
        if isinstance(value, dict):
            print(f"{key}:")
            for sub, item in value.items():
                print(f"  {sub}: {item}")
        else:
            print(f"{key}: {value}")


def _engine(args: argparse.Namespace, fp32: bool = True) -> Any:
    from hub.face.config import FaceEngineConfig
    from hub.face.engine import FaceEngine

    return FaceEngine(FaceEngineConfig(
        model_dir=args.model_dir, intra_op_threads=args.threads, fp32_recogniser=fp32))


def _guard(func: Any) -> Any:
    """Turn engine and dataset errors into one line and exit code 1."""
    def wrapper(args: argparse.Namespace) -> int:
        from hub.face.errors import FaceEngineError

        try:
            return int(func(args))
        except (FaceEngineError, FileNotFoundError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    return wrapper


@_guard
def _run_faces(args: argparse.Namespace) -> int:
    from hub.face.evaluate import evaluate_faces

    if args.enroll < 1:
        print("error: --enroll must be at least 1", file=sys.stderr)
        return 2
    engine = _engine(args, fp32=not args.int8_recogniser)
    result = evaluate_faces(engine, args.dataset, args.strangers, args.enroll, args.plot)
    _print(result, args.json)
    return 0


@_guard
def _run_liveness(args: argparse.Namespace) -> int:
    from hub.face.evaluate import evaluate_liveness

    _print(evaluate_liveness(_engine(args), args.dataset, args.threshold), args.json)
    return 0


@_guard
def _run_mask(args: argparse.Namespace) -> int:
    from hub.face.evaluate import evaluate_mask

    _print(evaluate_mask(_engine(args), args.dataset), args.json)
    return 0
