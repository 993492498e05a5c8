"""Schemas of the sections the core owns: `menjin:` (the site) and `logger:`."""

from __future__ import annotations

import voluptuous as vol

import hub.config.validation as cv
from hub.const import CONF_NAME, CONF_SITE, CONF_TIME_ZONE

CORE_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_NAME, default="menjin"): cv.string,
        vol.Optional(CONF_TIME_ZONE, default="UTC"): cv.time_zone,
        vol.Optional(CONF_SITE, default={}): vol.Schema(
            {
                vol.Optional("kind"): vol.In(["school", "residential", "worksite", "other"]),
                vol.Optional("address"): cv.string,
                vol.Optional("operator"): cv.string,
            }
        ),
    }
)

LOGGER_SCHEMA = vol.Schema(
    {
        vol.Optional("default", default="info"): cv.log_level,
        vol.Optional("logs", default={}): {cv.string: cv.log_level},
        vol.Optional("format"): cv.string,
    }
)
