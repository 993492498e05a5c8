"""Cameras: configured MJPEG/snapshot cameras, zeroconf discovery, and cameras that misbehave."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from devices.emulators.camera import CameraEmulator
from tests.devices_helpers import start_hub, state, wait_until


async def test_configured_cameras_stream_and_recover_from_garbage(tmp_path: Path) -> None:
    camera = CameraEmulator(zeroconf=False)
    port = await camera.start()
    hub = await start_hub(tmp_path / "config", f"""
        camera:
          timeout: 1
          cameras:
            - name: Gate MJPEG
              stream_url: http://127.0.0.1:{port}/stream.mjpg
            - name: Gate snapshot
              snapshot_url: http://127.0.0.1:{port}/snapshot.jpg
              frame_interval: 0.1
              username: admin
              password: s3cret-pass
    """)
    try:
        for entity_id in ("camera.gate_mjpeg", "camera.gate_snapshot"):
            await wait_until(lambda eid=entity_id: state(hub, eid) == "streaming", entity_id)
        entity = hub.data["entity_components"]["camera"].entities["camera.gate_snapshot"]
        assert entity.latest_frame.shape == (240, 320, 3)
        assert (await entity.async_camera_image()).startswith(b"\xff\xd8")

        camera.mode = "garbage"
        for entity_id in ("camera.gate_mjpeg", "camera.gate_snapshot"):
            await wait_until(lambda eid=entity_id: state(hub, eid) == "unavailable", entity_id)
        camera.mode = "normal"
        for entity_id in ("camera.gate_mjpeg", "camera.gate_snapshot"):
            await wait_until(lambda eid=entity_id: state(hub, eid) == "streaming", entity_id)
        registry = (tmp_path / "config" / ".storage" / "device_registry.json")
        await wait_until(registry.exists, "the registry file")
        assert "s3cret-pass" not in registry.read_text()
    finally:
        await hub.async_stop()
        await camera.stop()


async def test_a_camera_that_hangs_is_unavailable_and_the_hub_runs_on(tmp_path: Path) -> None:
    async def hang(_request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.Response()

    app = web.Application()
    app.router.add_get("/snapshot.jpg", hang)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    hub = await start_hub(tmp_path / "config", f"""
        camera:
          timeout: 0.3
          cameras:
            - {{name: Hanging, snapshot_url: "http://127.0.0.1:{port}/snapshot.jpg"}}
            - {{name: Nowhere, snapshot_url: "http://127.0.0.1:9/snapshot.jpg"}}
    """)
    try:
        entity = hub.data["entity_components"]["camera"].entities["camera.hanging"]
        await wait_until(lambda: entity.last_error, "a timeout")
        assert state(hub, "camera.hanging") == "unavailable"
        nowhere = hub.data["entity_components"]["camera"].entities["camera.nowhere"]
        await wait_until(lambda: nowhere.last_error, "a connection error")
        assert state(hub, "camera.nowhere") == "unavailable"
        assert hub.is_running
    finally:
        await hub.async_stop()
        await runner.cleanup()


async def test_zeroconf_discovers_the_emulated_camera_on_loopback(tmp_path: Path) -> None:
    camera = CameraEmulator(name="Zeroconf gate cam")
    port = await camera.start()
    hub = await start_hub(tmp_path / "config", """
        camera:
          auto_adopt: true
        zeroconf:
          interfaces: [127.0.0.1]
          announce: false
    """)
    try:
        manager = hub.data["device_manager"]
        device_id = f"zeroconf_zeroconf_gate_cam_{port}"
        await wait_until(lambda: device_id in manager.entries, "the zeroconf discovery")
        entry = manager.entries[device_id]
        assert entry.source == "zeroconf" and entry.model == "MJ-CAM1"
        assert "menjin_kind=camera" in entry.matched
        await wait_until(lambda: any(s.state == "streaming" for s in hub.states.all("camera")),
                         "the discovered camera streaming")
    finally:
        await hub.async_stop()
        await camera.stop()


async def test_zeroconf_match_without_the_integration_is_recorded_as_pending(
        tmp_path: Path) -> None:
    camera = CameraEmulator(name="Orphan cam")
    port = await camera.start()
    hub = await start_hub(tmp_path / "config", """
        zeroconf:
          announce: false
    """)
    try:
        manager = hub.data["device_manager"]
        device_id = f"zeroconf_orphan_cam_{port}"
        await wait_until(lambda: device_id in manager.entries, "the pending entry")
        assert manager.entries[device_id].status == "pending"
        assert "add 'camera:'" in manager.entries[device_id].matched
    finally:
        await hub.async_stop()
        await camera.stop()
