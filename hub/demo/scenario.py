"""The morning at Gate 3: who arrives, in what order, and what the gate must decide."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp

from hub.const import EVENT_ACCESS_DECISION
from hub.demo.runner import CARD_BO, CARD_CONTRACTOR, PORTS, DemoSite
from hub.exceptions import HubError

_LOGGER = logging.getLogger(__name__)
NEUTRAL_FRAME = "card_0.jpg"  # the emulator's empty test card: nobody at the gate
STEP_TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class Step:
    """One arrival: what happens, and the gate the decision is expected at."""

    title: str
    gate: str
    action: Callable[[DemoSite], Awaitable[None]]
    expect_granted: bool


async def _show(site: DemoSite, image: str) -> None:
    async with aiohttp.ClientSession() as client, client.post(
        f"http://127.0.0.1:{PORTS['camera']}/show", json={"image": image}
    ) as response:
        if response.status != 200:
            raise HubError(f"camera emulator refused {image}: {await response.text()}")


def arrive(person: str) -> Callable[[DemoSite], Awaitable[None]]:
    """The person walks up to the Gate 3 camera."""

    async def action(site: DemoSite) -> None:
        await _show(site, str(site.probes[person]))

    return action


def fever(person: str, celsius: float) -> Callable[[DemoSite], Awaitable[None]]:
    """The thermal sensor reads a fever, then the person faces the camera."""

    async def action(site: DemoSite) -> None:
        site.emulators["thermal"].set_temperature(celsius)
        for _ in range(100):
            state = site.hub.states.get("sensor.gate_3_thermal_temperature")
            if state is not None and state.state == str(celsius):
                break
            await asyncio.sleep(0.05)
        await _show(site, str(site.probes[person]))

    return action


def card(number: str, gate: str) -> Callable[[DemoSite], Awaitable[None]]:
    """A card is tapped: on the MQTT reader emulator when a broker runs, else as its event."""

    async def action(site: DemoSite) -> None:
        reader = site.emulators.get("reader")
        if reader is not None and gate == "gate_3":
            reader._action_read({"card": number})
            return
        site.hub.bus.async_fire("credential_presented",
                                {"gate": gate, "type": "card", "value": number})

    return action


STEPS = (
    Step("Lina arrives", "gate_3", arrive("lina"), True),
    Step("Ming arrives", "gate_3", arrive("ming"), True),
    Step("Hao arrives with a fever", "gate_3", fever("hao", 38.3), False),
    Step("Wei arrives", "gate_3", arrive("wei"), True),
    Step("A stranger tries the gate", "gate_3", arrive("stranger"), False),
    Step("Bo, who declined face capture, taps his card", "gate_3", card(CARD_BO, "gate_3"),
         True),
    Step("A contractor with an expired permit taps his card", "works_gate",
         card(CARD_CONTRACTOR, "works_gate"), False),
)


def _at_gate(gate: str) -> Callable[[Any], bool]:
    def matches(data: Any) -> bool:
        return bool(data["gate"] == gate)

    return matches


def describe(decision: dict[str, Any], tz: Any) -> str:
    """One line per decision, as the demo prints it."""
    moment = datetime.fromtimestamp(decision["time"], tz).strftime("%H:%M:%S")
    who = decision.get("person_name") or "unknown"
    verdict = "GRANTED" if decision["granted"] else "DENIED "
    reasons = "; ".join(decision.get("reasons") or [])
    score = decision.get("score")
    detail = reasons or (f"score {score:.2f}" if isinstance(score, float) else "")
    return (f"{moment}  {decision.get('gate_name') or decision['gate']:<15} "
            f"{decision['direction']:<3} {who:<22} {decision['credential']:<5} {verdict} "
            f"{detail}")


async def async_play(site: DemoSite, on_line: Callable[[str], None]) -> list[dict[str, Any]]:
    """Play every step; return the decisions in order."""
    tz = site.hub.config.tzinfo
    played = []
    for step in STEPS:
        await _show(site, NEUTRAL_FRAME)
        await asyncio.sleep(0.6)  # the previous person walks away
        on_line(f"-- {step.title}")
        waiter = asyncio.ensure_future(site.hub.bus.async_wait_for(
            EVENT_ACCESS_DECISION, _at_gate(step.gate), timeout=STEP_TIMEOUT))
        await asyncio.sleep(0)
        await step.action(site)
        try:
            event = await waiter
        except TimeoutError:
            on_line(f"   (no decision within {STEP_TIMEOUT:.0f} s)")
            continue
        decision = dict(event.data) | {"time": event.time_fired}
        played.append(decision)
        on_line(describe(decision, tz))
        if step.title.startswith("Hao"):
            site.emulators["thermal"].set_temperature(36.6)
        if decision["granted"] and decision["gate"] == "gate_3":
            await asyncio.sleep(1.0)  # let the turnstile count the passage
    await _show(site, NEUTRAL_FRAME)
    await asyncio.sleep(1.5)  # the last passage and its notifications
    return played
