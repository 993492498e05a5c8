"""Shared machinery of the Modbus emulators: a register store and a pymodbus server.

An emulator speaks Modbus TCP by default. `start(framer="rtu")` makes it a
device behind a serial device server (RTU frames over TCP), and
`start_serial(port)` puts it on an RS-485 bus (see `modbus_serial`). On RTU it
answers only its own slave id, and stays silent for the others, as a real
device on a shared bus does.

pymodbus keeps one process-wide device identity (its control block is a
singleton), so several emulators in one process — the usual case in tests and
the demo — would all answer 43/14 with the last identity set. Each emulator
therefore answers "Read Device Identification" from its own store through a
registered custom request class.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pymodbus.constants import DeviceInformation, ExcCodes
from pymodbus.exceptions import NoSuchIdException
from pymodbus.framer import FramerType
from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.pdu.device import DeviceInformationFactory, ModbusDeviceIdentification
from pymodbus.pdu.mei_message import ReadDeviceInformationRequest, ReadDeviceInformationResponse
from pymodbus.server import ModbusSerialServer, ModbusTcpServer
from pymodbus.server.base import ModbusBaseServer
from pymodbus.simulator import DataType, SimData, SimDevice

from devices.emulators.control import LOOPBACK, ControlServer, assert_loopback

_LOGGER = logging.getLogger(__name__)

COILS, DISCRETE, HOLDING, INPUT = "coils", "discrete_inputs", "holding_registers", "input_registers"
_TABLE_BY_FUNCTION = {
    1: COILS, 5: COILS, 15: COILS,
    2: DISCRETE,
    3: HOLDING, 6: HOLDING, 16: HOLDING, 22: HOLDING, 23: HOLDING,
    4: INPUT,
}
WriteHook = Callable[[str, int, list[int]], None]
FRAMERS = {"socket": FramerType.SOCKET, "rtu": FramerType.RTU}
DEFAULT_SLAVE_ID = 1


@dataclass(slots=True)
class Identity:
    """What a device answers to Modbus function 43/14 (Read Device Identification)."""

    vendor: str
    product_code: str
    revision: str = "1.0"
    vendor_url: str = "https://example.invalid/menjin-emulators"
    product_name: str = ""
    model_name: str = ""

    def as_pymodbus(self) -> ModbusDeviceIdentification:
        """The identity as pymodbus' identification object."""
        return ModbusDeviceIdentification(info_name={  # type: ignore[no-untyped-call]
            "VendorName": self.vendor,
            "ProductCode": self.product_code,
            "MajorMinorRevision": self.revision,
            "VendorUrl": self.vendor_url,
            "ProductName": self.product_name or self.product_code,
            "ModelName": self.model_name or self.product_code,
        })


@dataclass(slots=True)
class RegisterStore:
    """The four Modbus tables of one emulated device, with a hook on every write.

    pymodbus' server calls `async_getValues` / `async_setValues` /
    `device_ids` on whatever object is its context; this class is that object.
    """

    sizes: dict[str, int]
    identity: Identity
    on_write: WriteHook | None = None
    tables: dict[str, list[int]] = field(default_factory=dict)
    writes: list[tuple[float, str, int, list[int]]] = field(default_factory=list)
    # While True the device "hangs": requests get no answer, like a powered-off unit.
    silent: bool = False
    # None: every unit id answers (a Modbus TCP device). A number: only that slave id.
    device_id: int | None = None

    def __post_init__(self) -> None:
        for table in (COILS, DISCRETE, HOLDING, INPUT):
            self.tables.setdefault(table, [0] * self.sizes.get(table, 0))

    def device_ids(self) -> list[int]:
        """The slave id this device answers to (0: every unit id, a single TCP device)."""
        return [0 if self.device_id is None else self.device_id]

    def check_device(self, device_id: int) -> None:
        """Raise for a request meant for another slave: the server then stays silent."""
        if self.device_id is not None and device_id != self.device_id:
            raise NoSuchIdException(f"this device is slave {self.device_id}, not {device_id}")

    def get(self, table: str, address: int, count: int = 1) -> list[int]:
        """Read values directly (control surface and tests)."""
        return self.tables[table][address : address + count]

    def set(self, table: str, address: int, values: Sequence[int]) -> None:
        """Write values directly, without running the write hook."""
        self.tables[table][address : address + len(values)] = [int(v) for v in values]

    async def _maybe_hang(self) -> None:
        while self.silent:  # noqa: ASYNC110 - polling keeps the flag a plain attribute
            await asyncio.sleep(0.05)

    async def async_getValues(
        self, device_id: int, func_code: int, address: int, count: int = 1
    ) -> list[int] | list[bool] | ExcCodes:
        """Answer a read from the tables."""
        self.check_device(device_id)
        await self._maybe_hang()
        table = _TABLE_BY_FUNCTION.get(func_code)
        if table is None:
            return ExcCodes.ILLEGAL_FUNCTION
        values = self.tables[table]
        if address < 0 or count < 1 or address + count > len(values):
            return ExcCodes.ILLEGAL_ADDRESS
        chunk = values[address : address + count]
        if table in (COILS, DISCRETE):
            return [bool(v) for v in chunk]
        return list(chunk)

    async def async_setValues(
        self, device_id: int, func_code: int, address: int, values: Sequence[int] | Sequence[bool]
    ) -> ExcCodes | None:
        """Apply a write and tell the device model about it."""
        self.check_device(device_id)
        await self._maybe_hang()
        table = _TABLE_BY_FUNCTION.get(func_code)
        if table not in (COILS, HOLDING):
            return ExcCodes.ILLEGAL_FUNCTION
        values = [int(v) for v in values]
        current = self.tables[table]
        if address < 0 or address + len(values) > len(current):
            return ExcCodes.ILLEGAL_ADDRESS
        current[address : address + len(values)] = values
        self.writes.append((time.perf_counter(), table, address, values))
        del self.writes[:-1000]
        if self.on_write is not None:
            self.on_write(table, address, values)
        return None


class StoreDeviceInformationRequest(ReadDeviceInformationRequest):
    """43/14 answered from the emulator's own identity instead of pymodbus' singleton."""

    async def datastore_update(self, context: Any, device_id: int) -> ModbusPDU:
        """Build the identification response for this emulator."""
        identity = getattr(context, "identity", None)
        if not isinstance(identity, Identity):
            return await super().datastore_update(context, device_id)
        context.check_device(device_id)
        if not 0x00 <= self.read_code <= 0x04:
            return ExceptionResponse(self.function_code, ExcCodes.ILLEGAL_VALUE)
        control = _IdentityHolder(identity.as_pymodbus())
        information = DeviceInformationFactory.get(  # type: ignore[no-untyped-call]
            control, self.read_code, self.object_id)
        if self.read_code == DeviceInformation.SPECIFIC and not information.get(self.object_id):
            return ExceptionResponse(self.function_code, ExcCodes.ILLEGAL_ADDRESS)
        return ReadDeviceInformationResponse(
            read_code=self.read_code, information=information,
            dev_id=device_id, transaction_id=self.transaction_id,
        )


def _placeholder() -> SimDevice:
    """A minimal simulator device: pymodbus insists on one, our store replaces it."""
    return SimDevice(0, simdata=[SimData(0, datatype=DataType.REGISTERS)])


@dataclass(slots=True)
class _IdentityHolder:
    Identity: ModbusDeviceIdentification


class ModbusEmulator:
    """Base of a Modbus device: store, pymodbus server and HTTP control surface."""

    kind = "modbus"

    def __init__(self, store: RegisterStore) -> None:
        self.store = store
        self.store.on_write = self.on_write
        self._server: ModbusBaseServer | None = None
        self.control = ControlServer(self.state, self.actions())
        self.host = LOOPBACK
        self.port = 0
        self.serial_port: str | None = None
        self.framer = "socket"

    # Device model -------------------------------------------------------
    def on_write(self, table: str, address: int, values: list[int]) -> None:
        """React to a write from the hub (override in devices)."""

    def state(self) -> dict[str, Any]:
        """Device state for `GET /state`."""
        return {
            "kind": self.kind,
            "port": self.port,
            "serial_port": self.serial_port,
            "framer": self.framer,
            "device_id": self.store.device_id,
            "vendor": self.store.identity.vendor,
            "product_code": self.store.identity.product_code,
            "silent": self.store.silent,
            **{name: list(values) for name, values in self.store.tables.items()},
        }

    def actions(self) -> dict[str, Any]:
        """Scripted actions for `POST /<action>`; devices extend this."""
        return {"silence": self._silence, "wake": self._wake}

    def _silence(self, _body: dict[str, Any]) -> dict[str, Any]:
        self.store.silent = True
        return self.state()

    def _wake(self, _body: dict[str, Any]) -> dict[str, Any]:
        self.store.silent = False
        return self.state()

    # Lifecycle ------------------------------------------------------------
    async def start(self, host: str = LOOPBACK, port: int = 0, control_port: int | None = 0,
                    *, framer: str = "socket", device_id: int | None = None) -> int:
        """Listen on host:port (0 = any free port); return the Modbus port.

        `framer="rtu"` speaks RTU frames over TCP, like a device behind a serial
        device server; it then answers only `device_id` (default 1).
        """
        assert_loopback(host)
        if framer not in FRAMERS:
            raise ValueError(f"framer must be one of {sorted(FRAMERS)}, not {framer!r}")
        if framer == "rtu" and device_id is None:
            device_id = DEFAULT_SLAVE_ID
        self.store.device_id = device_id
        server = ModbusTcpServer(
            _placeholder(), address=(host, port), framer=FRAMERS[framer],
            custom_pdu=[StoreDeviceInformationRequest],
            ignore_missing_devices=device_id is not None,
        )
        await self._serve(server)
        sockets = getattr(server.transport, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1]) if sockets else port
        self.host = host
        self.framer = framer
        if control_port is not None:
            await self.control.start(host, control_port)
        _LOGGER.info("%s emulator on %s:%s (%s)", self.kind, host, self.port, framer)
        return self.port

    async def start_serial(self, port: str, *, device_id: int = DEFAULT_SLAVE_ID,
                           baudrate: int = 9600, bytesize: int = 8, parity: str = "N",
                           stopbits: int = 1, control_port: int | None = None) -> None:
        """Serve Modbus RTU as slave `device_id` on a serial port (an RS-485 bus)."""
        self.store.device_id = device_id
        server = ModbusSerialServer(
            _placeholder(), port=port, framer=FramerType.RTU, baudrate=baudrate,
            bytesize=bytesize, parity=parity, stopbits=stopbits,
            custom_pdu=[StoreDeviceInformationRequest], ignore_missing_devices=True,
        )
        await self._serve(server)
        self.serial_port = port
        self.framer = "rtu"
        if control_port is not None:
            await self.control.start(LOOPBACK, control_port)
        _LOGGER.info("%s emulator on %s as slave %s", self.kind, port, device_id)

    async def _serve(self, server: ModbusBaseServer) -> None:
        # Our store replaces the simulator memory; pymodbus only needs the three methods.
        server.context = self.store  # type: ignore[assignment]
        # 43/14 is a sub-function: pymodbus looks it up in the sub-table after the main one.
        sub_table = {code: dict(subs) for code, subs in server.decoder.pdu_sub_table.items()}
        sub_table.setdefault(0x2B, {})[0x0E] = (
            StoreDeviceInformationRequest, StoreDeviceInformationRequest)
        server.decoder.pdu_sub_table = sub_table
        await server.serve_forever(background=True)
        self._server = server

    async def stop(self) -> None:
        """Stop the Modbus server and the control surface."""
        await self.control.stop()
        if self._server is not None:
            await self._server.shutdown()  # type: ignore[no-untyped-call]
            self._server = None
