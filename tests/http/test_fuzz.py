"""A bounded schemathesis pass over the whole OpenAPI description, as an admin.

Every generated request must get a documented status, a documented content
type and never a server error; invalid requests must be refused. The
"valid data accepted" check is left out here: business rules that a JSON
schema cannot say (a child's consent comes from a guardian, an end after its
start) refuse some schema-valid bodies on purpose. `scripts/fuzz_api.py`
runs every check with more examples.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.http.sitefixture import Site, add_class, require_face_data, start_site

SCHEMATHESIS = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    try:
        require_face_data()
    except RuntimeError as err:
        pytest.fail(str(err), pytrace=False)
    # With the face engine: without it the face routes answer 503 by design.
    instance = await start_site(tmp_path / "config", face=True)
    await add_class(instance)
    yield instance
    await instance.hub.async_stop()


async def test_schemathesis_finds_no_failures(site: Site, tmp_path: Path) -> None:
    if shutil.which(SCHEMATHESIS) is None:
        pytest.fail("schemathesis is not installed: pip install schemathesis", pytrace=False)
    process = await asyncio.create_subprocess_exec(
        SCHEMATHESIS, "run", f"{site.url}/api/openapi.json",
        "-H", f"Authorization: Bearer {site.tokens['admin']}",
        "--max-examples", "5", "--seed", "7", "--phases", "examples,coverage,fuzzing",
        "--checks", "all", "--exclude-checks", "positive_data_acceptance",
        "--suppress-health-check", "all", "--report-dir", str(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=170)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-6000:]
    assert "generated" in text
