"""The web API and UI.

```yaml
http:
  server_host: 127.0.0.1      # listen on the LAN only when you mean it
  server_port: 8123
  ssl_certificate: /etc/menjin/cert.pem
  ssl_key: /etc/menjin/key.pem
```

Users are created with `menjin auth add-user` (the first must be an admin;
there is no default password). Other integrations add views through
`hub.data["http"].register_view` before the hub starts.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.auth.store import AuthStore
from hub.const import EVENT_HUB_STARTED, EVENT_HUB_STOP
from hub.core import Hub
from hub.events import Event
from hub.http.api_access import ACCESS_VIEWS
from hub.http.api_core import CORE_VIEWS
from hub.http.api_credentials import CREDENTIAL_VIEWS
from hub.http.api_faces import FACE_VIEWS
from hub.http.api_people import PEOPLE_VIEWS
from hub.http.api_site import DATA_PREFERENCES, SITE_VIEWS
from hub.http.frontend import register_frontend
from hub.http.openapi import OpenAPIView
from hub.http.preferences import PreferenceStore
from hub.http.server import HTTPOptions, HubHTTP
from hub.http.websocket import URL as WEBSOCKET_URL
from hub.http.websocket import websocket_handler

_LOGGER = logging.getLogger(__name__)
DOMAIN = "http"

CONFIG_SCHEMA = vol.All(
    vol.Schema({
        vol.Optional("server_host", default="127.0.0.1"): cv.string,
        vol.Optional("server_port", default=8123): vol.All(vol.Coerce(int), vol.Range(0, 65535)),
        vol.Optional("ssl_certificate"): vol.All(cv.string, vol.IsFile()),
        vol.Optional("ssl_key"): vol.All(cv.string, vol.IsFile()),
    }),
    vol.Any(
        vol.Schema({vol.Required("ssl_certificate"): object, vol.Required("ssl_key"): object},
                   extra=vol.ALLOW_EXTRA),
        vol.Schema({vol.Optional("ssl_certificate"): None, vol.Optional("ssl_key"): None},
                   extra=vol.ALLOW_EXTRA),
        msg="give both ssl_certificate and ssl_key, or neither",
    ),
)


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Build the server now; start listening once every integration has added its views."""
    auth = await hub.async_add_executor_job(AuthStore, hub.config.storage_dir)
    options = HTTPOptions(
        host=config["server_host"], port=config["server_port"],
        ssl_certificate=Path(config["ssl_certificate"]) if "ssl_certificate" in config else None,
        ssl_key=Path(config["ssl_key"]) if "ssl_key" in config else None,
    )
    server = HubHTTP(hub, auth, options)
    for view in (*CORE_VIEWS, *PEOPLE_VIEWS, *CREDENTIAL_VIEWS, *FACE_VIEWS, *ACCESS_VIEWS,
                 *SITE_VIEWS, OpenAPIView):
        server.register_view(view)
    server.app.router.add_get(WEBSOCKET_URL, websocket_handler, name="api:websocket")
    register_frontend(server)
    hub.data[DOMAIN] = server
    hub.data[DATA_PREFERENCES] = await hub.async_add_executor_job(
        PreferenceStore, hub.config.storage_dir)
    if not auth.has_admin:
        _LOGGER.warning("No admin user yet: create one with `menjin auth add-user NAME "
                        "--role admin -c %s`", hub.config.config_dir)

    async def start(event: Event) -> None:
        try:
            await server.async_start()
        except OSError as err:
            _LOGGER.error("Web server cannot listen on %s:%s: %s", options.host, options.port,
                          err)

    async def stop(event: Event) -> None:
        await server.async_stop()

    hub.bus.async_listen_once(EVENT_HUB_STARTED, start)
    hub.bus.async_listen_once(EVENT_HUB_STOP, stop)
    return True
