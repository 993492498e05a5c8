"""The web UI: plain HTML, ES modules and CSS, served by the hub with no build step."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
INDEX_FILE = STATIC_DIR / "index.html"
