"""Find Modbus devices by "Read Device Identification" (function 43/14).

Only the hosts and ports an installer lists are probed, over Modbus TCP; each
answer's vendor name and product code is matched against the device profiles.
Serial ports are never probed: RTU devices on RS-485 are listed in `devices:`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from dataclasses import dataclass

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

from hub.devices.profiles import DeviceProfile

from .const import (
    DISCOVERY_CONCURRENCY,
    DISCOVERY_PROBE_TIMEOUT,
    MAX_DISCOVERY_CANDIDATES,
    TYPE_TCP,
)
from .coordinator import ModbusTarget

_LOGGER = logging.getLogger(__name__)

_OBJECT_VENDOR, _OBJECT_PRODUCT, _OBJECT_REVISION = 0, 1, 2
_TEXT_LIMIT = 64


@dataclass(frozen=True, slots=True)
class Identification:
    """The basic 43/14 objects of one device."""

    target: ModbusTarget
    vendor: str
    product_code: str
    revision: str


def expand_hosts(spec: str) -> list[str]:
    """`10.0.0.5`, `10.0.0.5-10.0.0.9`, `10.0.0.5-9` or `10.0.0.0/29` to addresses."""
    spec = spec.strip()
    if "/" in spec:
        network = ipaddress.ip_network(spec, strict=False)
        if network.num_addresses > MAX_DISCOVERY_CANDIDATES:
            raise ValueError(f"{spec} has {network.num_addresses} addresses; that is too many "
                             "probes (narrow the host or port range)")
        hosts = list(network.hosts()) or [network.network_address]
        return [str(host) for host in hosts]
    if "-" in spec:
        first_text, last_text = spec.split("-", 1)
        first = ipaddress.ip_address(first_text)
        if "." not in last_text and ":" not in last_text:
            last_text = first_text.rsplit(".", 1)[0] + "." + last_text
        last = ipaddress.ip_address(last_text)
        if int(last) < int(first):
            raise ValueError(f"host range {spec!r} ends before it starts")
        if int(last) - int(first) >= MAX_DISCOVERY_CANDIDATES:
            raise ValueError(f"host range {spec!r} is too many probes (narrow the range)")
        return [str(ipaddress.ip_address(value)) for value in range(int(first), int(last) + 1)]
    return [str(ipaddress.ip_address(spec))] if spec[0].isdigit() or ":" in spec else [spec]


def expand_ports(spec: str | int) -> list[int]:
    """`502`, `5020-5030` to port numbers."""
    text = str(spec).strip()
    if "-" in text:
        first, last = (int(part) for part in text.split("-", 1))
        if not 1 <= first <= last <= 65535:
            raise ValueError(f"port range {text!r} is not within 1-65535")
        return list(range(first, last + 1))
    port = int(text)
    if not 1 <= port <= 65535:
        raise ValueError(f"port {port} is not within 1-65535")
    return [port]


def _text(raw: object) -> str:
    data = raw if isinstance(raw, bytes) else str(raw).encode()
    return data[:_TEXT_LIMIT].decode("utf-8", errors="replace").strip("\x00 ").strip()


async def identify(target: ModbusTarget, probe_timeout: float = DISCOVERY_PROBE_TIMEOUT
                   ) -> Identification | None:
    """Ask one device who it is; None if nothing (sane) answers."""
    host, port = target.bus.host, int(target.bus.port)
    client = AsyncModbusTcpClient(host, port=port, timeout=probe_timeout, retries=0,
                                  reconnect_delay=0, reconnect_delay_max=0)
    try:
        async with asyncio.timeout(probe_timeout):
            if not await client.connect():
                return None
        async with asyncio.timeout(probe_timeout * 2):
            response = await client.read_device_information(
                read_code=1, device_id=target.device_id)
    except (TimeoutError, OSError, ModbusException) as err:
        _LOGGER.debug("No 43/14 answer from %s:%s: %s", host, port, err)
        return None
    finally:
        client.close()
    if response.isError():
        _LOGGER.debug("%s:%s refused 43/14: %s", host, port, response)
        return None
    info = getattr(response, "information", None) or {}
    if _OBJECT_VENDOR not in info or _OBJECT_PRODUCT not in info:
        return None
    return Identification(target, _text(info[_OBJECT_VENDOR]), _text(info[_OBJECT_PRODUCT]),
                          _text(info.get(_OBJECT_REVISION, b"")))


async def scan(targets: list[ModbusTarget], probe_timeout: float = DISCOVERY_PROBE_TIMEOUT
               ) -> list[Identification]:
    """Probe every Modbus TCP target concurrently (bounded); return those that identified."""
    if any(target.bus.type != TYPE_TCP for target in targets):
        raise ValueError("43/14 discovery probes Modbus TCP only, never serial ports")
    semaphore = asyncio.Semaphore(DISCOVERY_CONCURRENCY)

    async def probe(target: ModbusTarget) -> Identification | None:
        async with semaphore:
            return await identify(target, probe_timeout)

    results = await asyncio.gather(*(probe(target) for target in targets))
    return [result for result in results if result is not None]


def match_profile(ident: Identification, profiles: dict[str, DeviceProfile]
                  ) -> DeviceProfile | None:
    """The profile whose fingerprint names this vendor and product code."""
    for profile in profiles.values():
        if profile.protocol == "modbus" and profile.matches_modbus(ident.vendor,
                                                                   ident.product_code):
            return profile
    return None
