"""Walk evaluation folders: one folder per person, or class folders at any depth."""

from __future__ import annotations

from pathlib import Path

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".pgm", ".ppm", ".bmp", ".gif", ".webp"})


def is_image(path: Path) -> bool:
    """True for a regular file with an image suffix (skips README, .DS_Store)."""
    return path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES


def identity_folders(root: Path) -> dict[str, list[Path]]:
    """Map person name -> sorted image paths, for a folder of per-person folders."""
    if not root.is_dir():
        raise FileNotFoundError(f"Dataset folder {root} does not exist.")
    people: dict[str, list[Path]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        images = sorted(p for p in folder.rglob("*") if is_image(p))
        if images:
            people[folder.name] = images
    if not people:
        raise FileNotFoundError(f"{root} has no per-person folders with images.")
    return people


def class_images(root: Path, classes: tuple[str, ...]) -> dict[str, list[Path]]:
    """Map class folder name -> all images below it (any depth)."""
    found: dict[str, list[Path]] = {}
    for name in classes:
        folder = root / name
        if not folder.is_dir():
            raise FileNotFoundError(f"{root} must contain a {name}/ folder.")
        found[name] = sorted(p for p in folder.rglob("*") if is_image(p))
    return found
