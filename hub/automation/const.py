"""Keys of automation and blueprint configs."""

from __future__ import annotations

from typing import Final

CONF_ID: Final = "id"
CONF_ALIAS: Final = "alias"
CONF_DESCRIPTION: Final = "description"
CONF_MODE: Final = "mode"
CONF_MAX: Final = "max"
CONF_TRIGGERS: Final = "triggers"
CONF_CONDITIONS: Final = "conditions"
CONF_ACTIONS: Final = "actions"
CONF_VARIABLES: Final = "variables"
CONF_USE_BLUEPRINT: Final = "use_blueprint"
CONF_TRACE: Final = "trace"
CONF_STORED_TRACES: Final = "stored_traces"
CONF_INITIAL_STATE: Final = "initial_state"

MODE_SINGLE: Final = "single"
MODE_RESTART: Final = "restart"
MODE_QUEUED: Final = "queued"
MODE_PARALLEL: Final = "parallel"
MODES: Final = (MODE_SINGLE, MODE_RESTART, MODE_QUEUED, MODE_PARALLEL)

DEFAULT_MAX_RUNS: Final = 10
DEFAULT_STORED_TRACES: Final = 20
