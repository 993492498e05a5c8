"""The device registry: pending entries, installer decisions from the CLI, persistence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hub.cli import main as menjin
from hub.core import Hub
from hub.devices.entry import DeviceEntry, DiscoveryInfo
from hub.devices.manager import async_setup_manager
from hub.entities.component import async_add_entities
from hub.entities.relay import RelayEntity
from tests.devices_helpers import wait_until


class _Relay(RelayEntity):
    async def async_turn_on(self) -> None:
        self._attr_is_on = True

    async def async_turn_off(self) -> None:
        self._attr_is_on = False


def _info(device_id: str, domains: tuple[str, ...], auto: bool = True) -> DiscoveryInfo:
    return DiscoveryInfo(device_id=device_id, source="modbus", integration="fake",
                         name=f"Device {device_id}", matched="test fingerprint",
                         domains=domains, model="M-1", auto_adopt=auto)


async def test_actuator_waits_for_cli_confirmation_while_hub_runs(hub: Hub, capsys) -> None:
    manager = await async_setup_manager(hub)
    adopted: list[str] = []

    async def adopt(entry: DeviceEntry) -> list[str]:
        relay = _Relay()
        relay._attr_name = entry.name
        await async_add_entities(hub, "relay", [relay], "fake")
        adopted.append(entry.id)
        return [relay.entity_id or ""]

    manager.async_register_adopt_handler("fake", adopt)
    assert await manager.async_discovered(_info("sensor1", ("sensor",))) is True
    assert await manager.async_discovered(_info("door1", ("relay",))) is False
    await manager.async_save()
    assert hub.states.all("relay") == []

    config = str(hub.config.config_dir)
    assert menjin(["devices", "-c", config, "--json"]) == 0
    listed = {item["id"]: item for item in json.loads(capsys.readouterr().out)}
    assert listed["door1"]["status"] == "pending" and listed["door1"]["entities"] == []
    assert listed["sensor1"]["status"] == "confirmed"
    assert set(listed["door1"]) >= {"id", "status", "source", "integration", "name", "model",
                                    "entities"}

    assert menjin(["devices", "confirm", "door1", "-c", config]) == 0
    await wait_until(lambda: adopted == ["door1"], "the running hub to adopt door1")
    await wait_until(lambda: hub.states.get("relay.device_door1"), "the relay entity")
    await manager.async_save()
    assert menjin(["devices", "confirm", "door1", "-c", config]) == 1  # not pending any more
    assert menjin(["devices", "ignore", "nope", "-c", config]) == 1
    capsys.readouterr()
    assert menjin(["devices", "-c", config, "--json"]) == 0
    listed = {item["id"]: item for item in json.loads(capsys.readouterr().out)}
    assert listed["door1"]["entities"] == ["relay.device_door1"]


async def test_ignored_device_never_gets_entities_and_decisions_persist(tmp_path: Path) -> None:
    hub = Hub(tmp_path)
    await hub.async_start()
    manager = await async_setup_manager(hub)
    await manager.async_discovered(_info("gate9", ("turnstile",)))
    await manager.async_ignore("gate9")
    assert await manager.async_discovered(_info("gate9", ("turnstile",))) is False
    await manager.async_discovered(_info("lock2", ("lock",)))
    await manager.async_confirm("lock2")
    await hub.async_stop()

    again = Hub(tmp_path)
    await again.async_start()
    try:
        restored = await async_setup_manager(again)
        assert restored.entries["gate9"].status == "ignored"
        assert restored.entries["lock2"].status == "confirmed"
        assert restored.is_adopted("lock2") and not restored.is_adopted("gate9")
    finally:
        await again.async_stop()


async def test_auto_adopt_never_applies_to_actuators(hub: Hub) -> None:
    manager = await async_setup_manager(hub)
    # A device that mixes a sensor with a lock is an actuator: it waits.
    assert await manager.async_discovered(_info("mixed", ("sensor", "lock"))) is False
    assert manager.entries["mixed"].actuator is True
    assert await manager.async_discovered(_info("cam", ("camera",), auto=False)) is False


def test_devices_cli_on_an_empty_folder(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "hub", "devices", "-c", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "No devices yet" in result.stdout
    (tmp_path / ".storage").mkdir()
    (tmp_path / ".storage" / "device_registry.json").write_text("{not json")
    result = subprocess.run([sys.executable, "-m", "hub", "devices", "-c", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "unreadable" in result.stderr
