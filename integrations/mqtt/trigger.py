"""`trigger: mqtt`: a message on a topic (wildcards allowed), optionally with a given payload.

```yaml
triggers:
  - trigger: mqtt
    topic: site/intercom/+/call
    payload: ring            # optional: only this payload
```

The trigger variables carry `topic`, `payload` (text) and `payload_json` when
the payload is a JSON object or list.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe, trigger_variables
from hub.automation.triggers.tracking import HoldTimers
from hub.callback import callback
from hub.context import Context
from hub.exceptions import HubError
from integrations.mqtt.client import ReceivedMessage
from integrations.mqtt.const import DATA_MQTT

if TYPE_CHECKING:
    from hub.core import Hub

MAX_PAYLOAD = 64 * 1024


def _topic_filter(value: Any) -> str:
    topic = cv.string(value)
    if not topic or len(topic) > 1024:
        raise vol.Invalid("a topic must have 1 to 1024 characters")
    levels = topic.split("/")
    for index, level in enumerate(levels):
        if "#" in level and (level != "#" or index != len(levels) - 1):
            raise vol.Invalid("'#' may only be a whole last level of the topic")
        if "+" in level and level != "+":
            raise vol.Invalid("'+' must be a whole level of the topic")
    return topic


TRIGGER_SCHEMA = vol.Schema(
    {
        vol.Required("topic"): _topic_filter,
        vol.Optional("payload"): cv.string,
        vol.Optional("qos", default=0): vol.In([0, 1, 2]),
    },
    extra=vol.ALLOW_EXTRA,
)


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Subscribe through the mqtt integration's shared client."""
    discovery = hub.data.get(DATA_MQTT)
    if discovery is None:
        raise HubError(f"{info.name}: the mqtt trigger needs the mqtt integration set up")
    wanted = config.get("payload")
    runner = HoldTimers(hub)

    @callback
    def on_message(message: ReceivedMessage) -> None:
        if len(message.payload) > MAX_PAYLOAD:
            return
        payload = message.payload.decode("utf-8", errors="replace")
        if wanted is not None and payload != wanted:
            return
        parsed: Any = None
        try:
            parsed = json.loads(payload)
        except ValueError:
            parsed = None
        variables = trigger_variables(
            "mqtt", info, f"mqtt message on {message.topic}", topic=message.topic,
            payload=payload, qos=message.qos,
            payload_json=parsed if isinstance(parsed, dict | list) else None,
        )
        runner.fire_now(action, variables, Context())

    remove = discovery.client.async_subscribe(config["topic"], on_message, config["qos"])

    def detach() -> None:
        remove()

    return detach
