"""`menjin bench pipeline`: camera frame → decision → Modbus coil on an emulated turnstile.

Two measurements on a complete site (people store with 1,000 enrolled people,
the school-gate blueprint, an emulated Modbus turnstile, the real models):

- `event_to_command_ms`: from `face_recognized` on the bus to the turnstile
  command leaving the hub (the access log row is committed before it);
- `frame_to_coil_ms`: from a camera frame handed to the gate watcher to the
  open coil written on the emulated turnstile (detection, embedding, 1:N match,
  rule, durable log, Modbus write).

Fusion is set to decide on one frame here so each sample is one frame; on a
real gate it waits for two agreeing frames (one more frame interval).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np

from hub.bench.report import print_results, summarise
from hub.callback import callback
from hub.const import EVENT_CALL_SERVICE, EVENT_FACE_RECOGNIZED
from hub.events import Event

BLUEPRINT_AUTOMATION = """
- id: school_gate
  use_blueprint:
    path: menjin/school_gate.yaml
    version: 1
    input:
      gate: school_gate
      require_liveness: false
      notify_guardians: false
"""


def register_bench(targets: Any) -> None:
    """Add the `pipeline` benchmark target."""
    parser: argparse.ArgumentParser = targets.add_parser(
        "pipeline", help="frame → decision → Modbus coil, on an emulated site")
    parser.add_argument("--people", type=int, default=1000, help="enrolled people")
    parser.add_argument("--runs", type=int, default=50, help="samples per measurement")
    parser.add_argument("--data", type=Path, default=None,
                        help="shared data folder (default $MENJIN_DATA_DIR or ../shared/data)")
    parser.add_argument("--detector-input", type=int, default=640,
                        help="longer side fed to the face detector (a gate camera where faces "
                             "are large can use 320)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    """Build the site, measure, print."""
    data = args.data or Path(os.environ.get("MENJIN_DATA_DIR", "../shared/data"))
    if not (data / "models").is_dir() or not (data / "faces" / "lfw").is_dir():
        print(f"Need the shared data folder with models/ and faces/lfw/: {data} not found "
              "(give --data DIR or set MENJIN_DATA_DIR).")
        return 1
    print_results(asyncio.run(async_measure(data, args.people, args.runs,
                                            args.detector_input)), args.json)
    return 0


async def async_measure(data: Path, people: int, runs: int, detector_input: int = 640
                        ) -> dict[str, Any]:
    """Run both measurements on a fresh emulated site."""
    from devices.emulators.modbus_turnstile import COIL_OPEN_IN, TurnstileEmulator
    from hub.bootstrap import async_from_config_dir
    from hub.face.imageio import read_image
    from hub.people.const import PersonKind
    from hub.people.enrolment import async_enroll_photos
    from hub.people.model import Person
    from hub.privacy.const import Purpose
    from hub.privacy.keys import SiteKey

    turnstile = TurnstileEmulator(walk_through=False)
    await turnstile.start(control_port=None)
    coil_times: list[float] = []
    coil_written = asyncio.Event()
    original = turnstile.store.on_write

    def on_write(table: str, address: int, values: list[int]) -> None:
        if table == "coils" and address == COIL_OPEN_IN and values and values[0]:
            coil_times.append(time.perf_counter())
            coil_written.set()
        if original is not None:
            original(table, address, values)

    turnstile.store.on_write = on_write
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        (folder / "secrets.yaml").write_text(f"site_key: {SiteKey.generate().as_text()}\n")
        (folder / "automations.yaml").write_text(BLUEPRINT_AUTOMATION)
        (folder / "configuration.yaml").write_text(textwrap.dedent(f"""
            menjin: {{time_zone: Asia/Shanghai}}
            logger: {{default: warning}}
            people: {{storage: {{durability: full}}}}
            modbus:
              scan_interval: 1
              devices:
                - {{host: 127.0.0.1, port: {turnstile.port}, profile: generic_modbus_turnstile,
                    name: Gate 1}}
            face:
              model_dir: {data / "models"}
              engine: {{detector: {{input_size: {detector_input}}}}}
              debounce: 0
              fusion: {{window: 1, min_agree: 1}}
              gates:
                - {{gate: school_gate, camera: camera.none, direction: in,
                    sample_interval: 5}}
            access:
              gates:
                school_gate: {{turnstile: turnstile.gate_1_turnstile, passage_timeout: 1}}
            automation: !include automations.yaml
        """))
        hub, _results = await async_from_config_dir(folder)
        try:
            store = hub.data["people_store"]
            engine = hub.data["face_engine"]
            rng = np.random.default_rng(7)
            for index in range(people):
                person_id = f"p{index:05d}"
                await store.persons.async_add(Person(person_id, f"Student {index}",
                                                     PersonKind.staff))
                await store.consents.async_grant(person_id, Purpose.gate_entry, "self",
                                                 "bench", "v1")
                vector = rng.standard_normal(128).astype(np.float32)
                vector /= np.linalg.norm(vector)
                await store.biometrics.async_enroll(person_id, [vector], "bench")
                await engine.async_add_embeddings(person_id, vector[None, :])
            probe_person = sorted((data / "faces" / "lfw").iterdir())[0]
            photos = sorted(probe_person.iterdir())
            await store.persons.async_add(Person("probe", "Probe", PersonKind.staff))
            await store.consents.async_grant("probe", Purpose.gate_entry, "self", "bench", "v1")
            await async_enroll_photos(store, engine, "probe", photos[:-1], "bench")
            frame = await hub.async_add_executor_job(_gate_frame, read_image(photos[-1]))
            if hub.states.get("turnstile.gate_1_turnstile") is None:
                await hub.bus.async_wait_for(
                    "state_changed",
                    lambda event_data: event_data["entity_id"] == "turnstile.gate_1_turnstile",
                    timeout=30)
            return {
                "people": people + 1,
                "event_to_command_ms": summarise(await _event_to_command(hub, runs)),
                "frame_to_coil_ms": summarise(
                    await _frame_to_coil(hub, frame, coil_times, coil_written, runs)),
                "frame_size": [int(frame.shape[1]), int(frame.shape[0])],
                "detector_input": detector_input,
            }
        finally:
            await hub.async_stop()
            await turnstile.stop()


def _gate_frame(photo: Any) -> Any:
    """The probe photo inside a 640x480 frame, the size a gate camera delivers."""
    canvas = np.full((480, 640, 3), 96, dtype=np.uint8)
    height, width = photo.shape[:2]
    top, left = (480 - height) // 2, (640 - width) // 2
    canvas[top:top + height, left:left + width] = photo if photo.ndim == 3 else photo[..., None]
    return canvas


async def _event_to_command(hub: Any, runs: int) -> list[float]:
    sent: list[float] = []
    waiter: asyncio.Future[float] | None = None

    @callback
    def on_call(event: Event) -> None:
        if event.data["domain"] == "turnstile" and waiter is not None and not waiter.done():
            waiter.set_result(time.perf_counter())

    remove = hub.bus.async_listen(EVENT_CALL_SERVICE, on_call)
    person = {"person_id": "probe", "person_name": "Probe", "person_kind": "staff",
              "person_groups": [], "gate": "school_gate", "direction": "in",
              "credential": "face", "score": 0.8, "live": True, "liveness": 0.9,
              "mask": "not_masked"}
    for _ in range(runs + 3):
        waiter = hub.loop.create_future()
        started = time.perf_counter()
        hub.bus.async_fire(EVENT_FACE_RECOGNIZED, person)
        commanded = await asyncio.wait_for(waiter, 10)
        sent.append((commanded - started) * 1000)
        await asyncio.sleep(0.01)
    remove()
    return sent[3:]


async def _frame_to_coil(hub: Any, frame: Any, coil_times: list[float],
                         coil_written: asyncio.Event, runs: int) -> list[float]:
    watcher = hub.data["face_watchers"]["school_gate"]
    samples: list[float] = []
    for _ in range(runs + 3):
        watcher._fired_tracks.clear()  # a new arrival each time, as if the last one left
        coil_written.clear()
        started = time.perf_counter()
        await watcher.async_process_frame(frame, force=True)
        try:
            await asyncio.wait_for(coil_written.wait(), 10)
        except TimeoutError:
            raise RuntimeError("the turnstile coil was never written: the pipeline is broken") \
                from None
        samples.append((coil_times[-1] - started) * 1000)
        await asyncio.sleep(0.02)
    return samples[3:]
