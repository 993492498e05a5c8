"""One shared Modbus connection per bus, with timeouts, retries and reconnect.

A bus is how the hub reaches its devices: a Modbus TCP gateway, a serial
device server that forwards RTU frames over TCP, or an RS-485 port on a USB
adapter. Every device on one bus shares its connection, and requests are
serialised with a lock: an RS-485 pair carries one request at a time, and
many cheap gateways accept one client and one request at a time.

A broken link (refused, closed, adapter unplugged) closes the connection; the
next request reconnects, but not more often than the backoff allows, so a bus
that is gone costs one quick error per request instead of a timeout each. On
RTU a slave that does not answer is not a broken link: only that slave is
backed off, so one wrong slave id does not stall the other devices on the bus.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from typing import Any

from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException
from pymodbus.framer import FramerType

from .bus import ModbusBus
from .const import RECONNECT_MAX_SECONDS, RECONNECT_MIN_SECONDS, TYPE_RTU_OVER_TCP

_LOGGER = logging.getLogger(__name__)


class ModbusDeviceError(Exception):
    """The device did not answer, answered garbage, or refused the request."""


@dataclass(slots=True)
class _Backoff:
    """When to try again after a failure: the delay doubles up to a maximum."""

    delay: float = RECONNECT_MIN_SECONDS
    next_attempt: float = 0.0
    failures: int = 0

    def wait_left(self) -> float:
        return max(0.0, self.next_attempt - time.monotonic())

    def failed(self) -> None:
        self.next_attempt = time.monotonic() + self.delay
        self.delay = min(self.delay * 2, RECONNECT_MAX_SECONDS)
        self.failures += 1

    def succeeded(self) -> bool:
        """Start over; True when this ends a run of failures."""
        recovered = self.failures > 0
        self.delay, self.next_attempt, self.failures = RECONNECT_MIN_SECONDS, 0.0, 0
        return recovered


def _client(bus: ModbusBus, timeout: float) -> AsyncModbusTcpClient | AsyncModbusSerialClient:
    # pymodbus retries and reconnects are off: this module owns both, per bus.
    if bus.is_serial:
        return AsyncModbusSerialClient(
            str(bus.port), framer=FramerType.RTU, baudrate=bus.baudrate,
            bytesize=bus.bytesize, parity=bus.parity, stopbits=bus.stopbits,
            timeout=timeout, retries=0, reconnect_delay=0, reconnect_delay_max=0,
        )
    framer = FramerType.RTU if bus.type == TYPE_RTU_OVER_TCP else FramerType.SOCKET
    return AsyncModbusTcpClient(bus.host, port=int(bus.port), framer=framer, timeout=timeout,
                                retries=0, reconnect_delay=0, reconnect_delay_max=0)


def _frame_gap(baudrate: int) -> float:
    """RTU's silence between frames: 3.5 characters of 11 bits, and at least 1.75 ms."""
    return max(3.5 * 11 / baudrate, 0.00175)


def _serial_port_problem(port: str) -> str | None:
    """Why a serial port cannot be opened, in words an installer can act on."""
    if "://" in port or not port.startswith("/"):
        return None  # a pyserial URL or a Windows COM port: let pyserial try it
    if not os.path.exists(port):
        return (f"{port} does not exist (is the USB/RS-485 adapter plugged in? "
                "`ls /dev/serial/by-id/` lists the adapters)")
    if not os.access(port, os.R_OK | os.W_OK):
        return f"no permission to open {port} (add the hub's user to the dialout group)"
    return None


class ModbusConnection:
    """A pymodbus async client for one bus that reconnects on its own schedule."""

    def __init__(self, bus: ModbusBus, timeout: float, retries: int) -> None:
        self.bus = bus
        self.timeout = timeout
        self.retries = retries
        self._client = _client(bus, timeout)
        self._lock = asyncio.Lock()
        self._link = _Backoff()
        self._silent_slaves: dict[int, _Backoff] = {}
        self._gap = _frame_gap(bus.baudrate) if bus.is_serial else 0.0
        self._quiet_until = 0.0
        self.last_error: str | None = None

    @property
    def label(self) -> str:
        """The bus, for log lines."""
        return self.bus.label

    async def _ensure_connected(self) -> None:
        if self._client.connected:
            return
        left = self._link.wait_left()
        if left > 0:
            raise ModbusDeviceError(
                f"{self.label} is unreachable ({self.last_error}); retrying in {left:.1f} s")
        problem = _serial_port_problem(str(self.bus.port)) if self.bus.is_serial else None
        connected = False
        if problem is None:
            try:
                async with asyncio.timeout(self.timeout):
                    connected = await self._client.connect()
            except (TimeoutError, OSError, ModbusException) as err:
                problem = str(err) or type(err).__name__
        if not connected:
            self.last_error = problem or (
                "the port cannot be opened (is another program using it?)"
                if self.bus.is_serial else "connection refused or timed out")
            self._link.failed()
            raise ModbusDeviceError(f"cannot connect to {self.label}: {self.last_error}")
        if self._link.succeeded():
            _LOGGER.info("Reconnected to Modbus bus %s", self.label)
        self.last_error = None

    async def _wait_for_quiet_line(self) -> None:
        delay = self._quiet_until - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    async def call(self, method: str, *args: Any, device_id: int, **kwargs: Any) -> Any:
        """Run one request (`read_coils`, `write_coil` ...) for one device, with retries."""
        async with self._lock:
            silent = self._silent_slaves.get(device_id)
            if silent is not None and (left := silent.wait_left()) > 0:
                raise ModbusDeviceError(f"slave {device_id} on {self.label} is not answering; "
                                        f"asking again in {left:.1f} s")
            last: Exception | None = None
            for _attempt in range(self.retries + 1):
                try:
                    await self._ensure_connected()
                    await self._wait_for_quiet_line()
                    async with asyncio.timeout(self.timeout * 1.5):
                        response = await getattr(self._client, method)(
                            *args, device_id=device_id, **kwargs)
                except ModbusDeviceError:
                    raise
                except (TimeoutError, OSError, ModbusException) as err:
                    last = err
                    self.last_error = str(err) or type(err).__name__
                    if not (self.bus.is_rtu and self._client.connected):
                        self._client.close()
                    continue
                finally:
                    self._quiet_until = time.monotonic() + self._gap
                if response.isError():
                    # The device answered with a Modbus exception: retrying will not help.
                    raise ModbusDeviceError(
                        f"{self.label} refused {method}{args}: {response}")
                self._silent_slaves.pop(device_id, None)
                return response
            if self.bus.is_rtu and self._client.connected:
                # The line is fine: this one slave is silent. Others keep the bus.
                self._silent_slaves.setdefault(device_id, _Backoff()).failed()
                raise ModbusDeviceError(f"slave {device_id} on {self.label} did not answer "
                                        f"{method}: {self._silent_slave_hint()}")
            self._link.next_attempt = time.monotonic() + self._link.delay
            # An adapter pulled mid-request shows up as a timeout: say what really happened.
            problem = _serial_port_problem(str(self.bus.port)) if self.bus.is_serial else None
            raise ModbusDeviceError(f"{self.label} did not answer {method}: {problem or last}")

    def _silent_slave_hint(self) -> str:
        if self.bus.is_serial:
            return ("check the device's slave id, that its baud rate and parity match "
                    f"{self.bus.baudrate} {self.bus.bytesize}{self.bus.parity}"
                    f"{self.bus.stopbits}, and the A/B wiring")
        return ("check the device's slave id, and the baud rate and parity set in the "
                "serial device server")

    def close(self) -> None:
        """Drop the connection (on shutdown)."""
        self._client.close()


class ConnectionPool:
    """Connections shared by every device the hub talks to: one per bus (serial: per port)."""

    def __init__(self, timeout: float, retries: int) -> None:
        self.timeout = timeout
        self.retries = retries
        self._connections: dict[tuple[str, ...], ModbusConnection] = {}

    def get(self, bus: ModbusBus) -> ModbusConnection:
        """The shared connection of this bus, created on first use."""
        connection = self._connections.get(bus.line)
        if connection is None:
            connection = ModbusConnection(bus, self.timeout, self.retries)
            self._connections[bus.line] = connection
        elif connection.bus != bus:
            # Configuration validation refuses this; a registry entry from an old
            # configuration can still ask for it.
            raise ModbusDeviceError(f"{bus.label} is already open as {connection.bus.label}: "
                                    "every device on one bus must use the same settings")
        return connection

    def close(self) -> None:
        """Close every connection."""
        for connection in self._connections.values():
            connection.close()
