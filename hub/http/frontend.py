"""Serve the web UI: `/` is the single page, `/static/` its files.

aiohttp's static route resolves every path against the folder and refuses
anything that leaves it (`..`, encoded slashes, symlinks), so a request can
never read a file outside `hub/frontend/static`.
"""

from __future__ import annotations

from aiohttp import web

from hub.frontend import INDEX_FILE, STATIC_DIR
from hub.http.server import HubHTTP

STATIC_PREFIX = "/static"


async def index_handler(request: web.Request) -> web.StreamResponse:
    """The UI's one HTML page; the pages themselves are ES modules under /static."""
    response = web.FileResponse(INDEX_FILE)
    response.headers["Cache-Control"] = "no-cache"
    return response


def register_frontend(server: HubHTTP) -> None:
    """Add the UI routes to the server (before it starts)."""
    server.app.router.add_get("/", index_handler, name="ui:index")
    server.add_static(STATIC_PREFIX, STATIC_DIR)
