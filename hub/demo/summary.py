"""What the demo reports at the end: decisions and the notifications they caused."""

from __future__ import annotations

from typing import Any

from hub.demo.runner import DemoSite


async def notifications_of(site: DemoSite) -> list[dict[str, Any]]:
    """Every notification the rules asked for, with whether it was delivered."""
    outbox = site.hub.data.get("notify_outbox")
    if outbox is None:
        return [{"recipient": call.get("guardians_of") or call.get("targets"),
                 "channel": "none", "message": call.get("message_key"),
                 "delivered": False} for call in site.notify_calls]
    received = {item.get("message") for item in site.received}
    messages = sorted(await outbox.async_list(), key=lambda message: message.created_at)
    return [{"recipient": message.recipient,
             "recipient_name": await _recipient_name(site, message.recipient),
             "channel": message.target, "message": message.message,
             "delivered": message.status == "sent" and message.message in received}
            for message in messages]


async def _recipient_name(site: DemoSite, recipient: str) -> str:
    """A guardian's name, or a configured desk's, for the printed summary."""
    kind, _, key = recipient.partition(":")
    if kind == "guardian":
        guardian = await site.hub.data["people_store"].persons.async_get_guardian(key)
        return str(guardian.name) if guardian is not None else recipient
    return key.replace("_", " ").capitalize() if key else recipient


def summary_lines(result: dict[str, Any]) -> list[str]:
    """A short text summary."""
    decisions = result["decisions"]
    granted = sum(1 for d in decisions if d["granted"])
    delivered = sum(1 for n in result["notifications"] if n["delivered"])
    lines = ["", f"{len(decisions)} decisions: {granted} granted, {len(decisions) - granted} "
             f"denied, each with its reasons in the access log.",
             f"{len(result['notifications'])} notifications, {delivered} delivered:"]
    lines += [f"  to {n.get('recipient_name') or n['recipient']} via {n['channel']}: "
              f"{n['message']}"
              f"{'' if n['delivered'] else ' (not delivered)'}"
              for n in result["notifications"]]
    return lines
