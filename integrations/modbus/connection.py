"""One shared Modbus TCP connection per host and port, with timeouts, retries and reconnect.

Every device behind one gateway shares its connection, and requests are
serialised with a lock: many cheap gateways accept one client and one request
at a time. A failure closes the connection; the next request reconnects,
but not more often than the backoff allows, so a device that is gone costs
one quick error per request instead of a timeout each.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

from .const import RECONNECT_MAX_SECONDS, RECONNECT_MIN_SECONDS

_LOGGER = logging.getLogger(__name__)


class ModbusDeviceError(Exception):
    """The device did not answer, answered garbage, or refused the request."""


class ModbusConnection:
    """A pymodbus async client that reconnects on its own schedule."""

    def __init__(self, host: str, port: int, timeout: float, retries: int) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.retries = retries
        self._client = AsyncModbusTcpClient(
            host, port=port, timeout=timeout, retries=0, reconnect_delay=0,
            reconnect_delay_max=0,
        )
        self._lock = asyncio.Lock()
        self._backoff = RECONNECT_MIN_SECONDS
        self._next_attempt = 0.0
        self.last_error: str | None = None

    @property
    def label(self) -> str:
        """host:port, for log lines."""
        return f"{self.host}:{self.port}"

    async def _ensure_connected(self) -> None:
        if self._client.connected:
            return
        now = time.monotonic()
        if now < self._next_attempt:
            raise ModbusDeviceError(
                f"{self.label} is unreachable ({self.last_error}); retrying in "
                f"{self._next_attempt - now:.1f} s")
        try:
            async with asyncio.timeout(self.timeout):
                connected = await self._client.connect()
        except (TimeoutError, OSError, ModbusException) as err:
            connected, self.last_error = False, str(err) or type(err).__name__
        if not connected:
            self.last_error = self.last_error or "connection refused"
            self._next_attempt = time.monotonic() + self._backoff
            self._backoff = min(self._backoff * 2, RECONNECT_MAX_SECONDS)
            raise ModbusDeviceError(f"cannot connect to {self.label}: {self.last_error}")
        if self._backoff > RECONNECT_MIN_SECONDS:
            _LOGGER.info("Reconnected to Modbus device at %s", self.label)
        self._backoff = RECONNECT_MIN_SECONDS
        self.last_error = None

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Run one client request (`read_coils`, `write_coil` ...) with retries."""
        async with self._lock:
            last: Exception | None = None
            for _attempt in range(self.retries + 1):
                try:
                    await self._ensure_connected()
                    async with asyncio.timeout(self.timeout * 1.5):
                        response = await getattr(self._client, method)(*args, **kwargs)
                except ModbusDeviceError:
                    raise
                except (TimeoutError, OSError, ModbusException) as err:
                    last = err
                    self.last_error = str(err) or type(err).__name__
                    self._client.close()
                    continue
                if response.isError():
                    # The device answered with a Modbus exception: retrying will not help.
                    raise ModbusDeviceError(
                        f"{self.label} refused {method}{args}: {response}")
                return response
            self._next_attempt = time.monotonic() + self._backoff
            raise ModbusDeviceError(f"{self.label} did not answer {method}: {last}")

    def close(self) -> None:
        """Drop the connection (on shutdown)."""
        self._client.close()


class ConnectionPool:
    """Connections shared by every device the hub talks to, keyed by host and port."""

    def __init__(self, timeout: float, retries: int) -> None:
        self.timeout = timeout
        self.retries = retries
        self._connections: dict[tuple[str, int], ModbusConnection] = {}

    def get(self, host: str, port: int) -> ModbusConnection:
        """The shared connection to host:port, created on first use."""
        key = (host, port)
        if key not in self._connections:
            self._connections[key] = ModbusConnection(host, port, self.timeout, self.retries)
        return self._connections[key]

    def close(self) -> None:
        """Close every connection."""
        for connection in self._connections.values():
            connection.close()
