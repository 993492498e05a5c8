"""Fixtures shared by every test: a real hub on a real (temporary) config folder."""

from __future__ import annotations

import json
import textwrap
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from hub.core import Hub

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[Hub]:
    """A bare, started hub whose config folder is a fresh temporary directory."""
    instance = Hub(tmp_path)
    await instance.async_start()
    yield instance
    await instance.async_stop()


ConfigWriter = Callable[..., Path]


@pytest.fixture
def config_dir(tmp_path: Path) -> ConfigWriter:
    """Write a config folder: `config_dir(configuration="...", files={path: text})`.

    `integrations={domain: (manifest_dict, init_source)}` adds custom integrations.
    """

    def write(
        configuration: str = "",
        files: dict[str, str] | None = None,
        integrations: dict[str, tuple[dict[str, object], str]] | None = None,
    ) -> Path:
        folder = tmp_path / "config"
        folder.mkdir(exist_ok=True)
        (folder / "configuration.yaml").write_text(textwrap.dedent(configuration))
        for name, text in (files or {}).items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        for domain, (manifest, source) in (integrations or {}).items():
            package = folder / "custom_integrations" / domain
            package.mkdir(parents=True, exist_ok=True)
            (package / "manifest.json").write_text(
                json.dumps({"domain": domain, "name": domain, "version": "1.0", **manifest})
            )
            (package / "__init__.py").write_text(textwrap.dedent(source))
        return folder

    return write
