"""MQTT over TLS against private mosquitto brokers with TLS listeners and a throwaway CA.

Every certificate and key is made in the test's tmp_path; nothing is committed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from hub.bootstrap import async_from_config_dir
from hub.cli import main as menjin
from hub.config.load import load_config_dir
from hub.core import Hub
from hub.exceptions import ConfigurationError
from integrations.mqtt.client import MqttClient
from tests.devices_helpers import free_port, start_hub, state, wait_until, write_configuration
from tests.integrations.mqtt_helpers import (
    MqttTestClient,
    PrivateBroker,
    ThrowawayCA,
    password_file,
    tls_listener,
    unique_prefix,
)

# The profile device exists from the start, so "unavailable" is observable while refused.
THERMAL = "  devices:\n    - {profile: mqtt_thermal_sensor, base_topic: site/th, name: Gate th}\n"
THERMAL_ENTITY = "sensor.gate_th_temperature"

StartBroker = Callable[..., PrivateBroker]


@pytest.fixture
def ca(tmp_path: Path) -> ThrowawayCA:
    """Our CA, inside the config folder so the config can name its files relatively."""
    return ThrowawayCA(tmp_path / "config" / "certs")


@pytest.fixture
def server_cert(ca: ThrowawayCA) -> tuple[Path, Path]:
    """A broker certificate for 127.0.0.1 and localhost, signed by our CA."""
    return ca.issue("server", hosts=("127.0.0.1", "localhost"))


@pytest.fixture
def brokers(tmp_path: Path) -> Iterator[StartBroker]:
    """Start private TLS brokers (each in its own folder); stop them all afterwards."""
    started: list[PrivateBroker] = []

    def start(cert: tuple[Path, Path], ca: Path, require_certificate: bool = False,
              options: str = "", allow_anonymous: bool = True) -> PrivateBroker:
        folder = tmp_path / f"broker{len(started)}"
        folder.mkdir()
        broker = PrivateBroker(folder, free_port(),
                               tls_listener(ca, *cert, require_certificate) + options,
                               allow_anonymous)
        started.append(broker)
        broker.start()
        return broker

    yield start
    for broker in started:
        broker.stop()


@pytest.fixture(autouse=True)
def _info_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)


def _configuration(prefix: str, port: int, tls: dict[str, Any] | None, extra: str = "") -> str:
    tls_line = "" if tls is None else f"  tls: {json.dumps(tls)}\n"
    return (f"mqtt:\n  port: {port}\n  reconnect_max_delay: 1\n  discovery_prefix: {prefix}\n"
            f"  birth_message: {{topic: {prefix}_hub/status}}\n"
            f"  will_message: {{topic: {prefix}_hub/status}}\n{tls_line}{extra}")


@asynccontextmanager
async def _running_hub(folder: Path, configuration: str) -> AsyncIterator[Hub]:
    hub = await start_hub(folder, configuration)
    try:
        yield hub
    finally:
        await hub.async_stop()


def _mqtt(hub: Hub) -> MqttClient:
    client: MqttClient = hub.data["mqtt"].client
    return client


def _client_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelno == logging.ERROR and record.name.endswith("mqtt.client")]


async def _refused(hub: Hub, caplog: pytest.LogCaptureFixture, attempts: int = 1) -> str:
    """Wait for `attempts` refused connection attempts; the one error they logged."""
    await wait_until(lambda: _mqtt(hub).failed_attempts >= attempts, "a refused attempt")
    assert _mqtt(hub).connect_count == 0 and not _mqtt(hub).connected
    errors = _client_errors(caplog)
    assert len(errors) == 1, errors  # once, however often paho retries
    return errors[0]


async def _sensor_state_arrives(hub: Hub, publisher: MqttTestClient, prefix: str) -> None:
    """A discovered sensor appears and receives its state (the end-to-end proof)."""
    await wait_until(lambda: _mqtt(hub).ready, "the subscriptions")
    publisher.publish(f"{prefix}/sensor/tls1/config",
                      json.dumps({"stat_t": f"{prefix}/t", "name": "Secure", "uniq_id": "tls1"}))
    await wait_until(lambda: hub.states.get("sensor.secure"), "the discovered sensor")
    await wait_until(lambda: _mqtt(hub).ready, "its state subscription")
    publisher.publish(f"{prefix}/t", "21.5")
    await wait_until(lambda: state(hub, "sensor.secure") == "21.5", "its state over TLS")


async def test_the_hub_connects_over_tls_and_receives_a_discovered_sensor(
        tmp_path: Path, ca: ThrowawayCA, server_cert: tuple[Path, Path],
        brokers: StartBroker, caplog: pytest.LogCaptureFixture) -> None:
    broker = brokers(server_cert, ca.cert)
    prefix = unique_prefix()
    # A relative path is read from the config folder.
    configuration = _configuration(prefix, broker.port, {"ca_certs": "certs/ca.pem"})
    async with _running_hub(tmp_path / "config", configuration) as hub:
        publisher = MqttTestClient(broker.port, tls=ca.client_context())
        try:
            await _sensor_state_arrives(hub, publisher, prefix)
        finally:
            publisher.close()
        assert f"Connected to MQTT broker 127.0.0.1:{broker.port} over TLS" in caplog.text
        assert _mqtt(hub).failed_attempts == 0


async def test_a_broker_certificate_from_another_ca_is_refused_until_it_is_fixed(
        tmp_path: Path, ca: ThrowawayCA, server_cert: tuple[Path, Path],
        brokers: StartBroker, caplog: pytest.LogCaptureFixture) -> None:
    stranger = ThrowawayCA(tmp_path / "stranger", "someone else's CA")
    impostor = stranger.issue("server", hosts=("127.0.0.1", "localhost"))
    broker = brokers(impostor, stranger.cert)
    prefix = unique_prefix()
    configuration = _configuration(prefix, broker.port, {"ca_certs": str(ca.cert)},
                                   THERMAL + "  client_id: menjin-tls-test\n")
    async with _running_hub(tmp_path / "config", configuration) as hub:
        error = await _refused(hub, caplog, attempts=2)
        assert f"MQTT broker 127.0.0.1:{broker.port} over TLS" in error
        assert "not signed by a CA we trust: set tls.ca_certs" in error
        assert "certificate verify failed" in error
        assert state(hub, THERMAL_ENTITY) == "unavailable"
        assert hub.is_running
        # No plaintext fallback: the broker never saw an MQTT CONNECT from us.
        assert "menjin-tls-test" not in broker.log.read_text()

        # The installer fixes the broker's certificate; the hub connects on its own.
        broker.stop()
        impostor[0].write_bytes(server_cert[0].read_bytes())
        impostor[1].write_bytes(server_cert[1].read_bytes())
        broker.start()
        await wait_until(lambda: _mqtt(hub).ready, "the connection after the fix")
        publisher = MqttTestClient(broker.port, tls=ca.client_context())
        try:
            publisher.publish("site/th/availability", "online")
            publisher.publish("site/th/state", json.dumps({"temperature": 36.6}))
            await wait_until(lambda: state(hub, THERMAL_ENTITY) == "36.6", "the temperature")
        finally:
            publisher.close()
        assert "menjin-tls-test" in broker.log.read_text()


async def test_mutual_tls_with_a_client_certificate(
        tmp_path: Path, ca: ThrowawayCA, server_cert: tuple[Path, Path],
        brokers: StartBroker) -> None:
    broker = brokers(server_cert, ca.cert, require_certificate=True)
    ca.issue("hub", client=True)  # certs/hub.pem and certs/hub.key, named below
    publisher_cert = ca.issue("publisher", client=True)
    prefix = unique_prefix()
    configuration = _configuration(prefix, broker.port, {
        "ca_certs": "certs/ca.pem", "certfile": "certs/hub.pem", "keyfile": "certs/hub.key"})
    async with _running_hub(tmp_path / "config", configuration) as hub:
        publisher = MqttTestClient(broker.port, tls=ca.client_context(*publisher_cert))
        try:
            await _sensor_state_arrives(hub, publisher, prefix)
        finally:
            publisher.close()


REJECTED_CLIENT = "the broker does not accept our client certificate (tls.certfile)"


@pytest.mark.parametrize(("issuer", "says"), [
    (None, "the broker wants a client certificate: set tls.certfile and tls.keyfile"),
    ("someone else's CA", REJECTED_CLIENT),
    ("menjin test CA", REJECTED_CLIENT),  # a look-alike: same name as ours, another key
])
async def test_mutual_tls_without_an_accepted_client_certificate_is_refused(
        tmp_path: Path, ca: ThrowawayCA, server_cert: tuple[Path, Path],
        brokers: StartBroker, caplog: pytest.LogCaptureFixture,
        issuer: str | None, says: str) -> None:
    broker = brokers(server_cert, ca.cert, require_certificate=True)
    tls: dict[str, Any] = {"ca_certs": "certs/ca.pem"}
    if issuer is not None:
        cert, key = ThrowawayCA(tmp_path / "stranger", issuer).issue("hub", client=True)
        tls.update(certfile=str(cert), keyfile=str(key))
    configuration = _configuration(unique_prefix(), broker.port, tls, THERMAL)
    async with _running_hub(tmp_path / "config", configuration) as hub:
        error = await _refused(hub, caplog)
        assert f"MQTT broker 127.0.0.1:{broker.port} over TLS" in error
        assert says in error
        assert state(hub, THERMAL_ENTITY) == "unavailable"
        assert hub.is_running


@pytest.mark.parametrize("right_password", [True, False])
async def test_username_and_password_over_tls(
        tmp_path: Path, ca: ThrowawayCA, server_cert: tuple[Path, Path],
        brokers: StartBroker, caplog: pytest.LogCaptureFixture, right_password: bool) -> None:
    secret, wrong = "gate-3-s3cret", "not-the-password"
    passwords = password_file(tmp_path / "passwords", "hub", secret)
    broker = brokers(server_cert, ca.cert, options=f"password_file {passwords}\n",
                     allow_anonymous=False)
    prefix = unique_prefix()
    login = f"  username: hub\n  password: {secret if right_password else wrong}\n"
    configuration = _configuration(prefix, broker.port, {"ca_certs": "certs/ca.pem"}, login)
    async with _running_hub(tmp_path / "config", configuration) as hub:
        if right_password:
            publisher = MqttTestClient(broker.port, tls=ca.client_context(),
                                       username="hub", password=secret)
            try:
                await _sensor_state_arrives(hub, publisher, prefix)
            finally:
                publisher.close()
        else:
            error = await _refused(hub, caplog)
            assert "the broker refused the connection (Not authorized)" in error
    assert secret not in caplog.text and wrong not in caplog.text


@pytest.mark.parametrize(("issuer", "insecure", "says"), [
    ("ours", False, "the broker's certificate does not name 127.0.0.1"),
    ("ours", True, None),  # connects: only the host name check is off
    ("stranger", True, "not signed by a CA we trust"),  # the chain is still checked
])
async def test_insecure_turns_off_only_the_host_name_check_and_says_so(
        tmp_path: Path, ca: ThrowawayCA, brokers: StartBroker,
        caplog: pytest.LogCaptureFixture, issuer: str, insecure: bool, says: str | None
        ) -> None:
    authority = ca if issuer == "ours" else ThrowawayCA(tmp_path / "stranger", "another CA")
    broker = brokers(authority.issue("elsewhere", hosts=("mqtt.invalid",)), authority.cert)
    configuration = _configuration(unique_prefix(), broker.port,
                                   {"ca_certs": "certs/ca.pem", "insecure": insecure})
    async with _running_hub(tmp_path / "config", configuration) as hub:
        if says is None:
            await wait_until(lambda: _mqtt(hub).ready, "the connection")
        else:
            assert says in await _refused(hub, caplog)
    warned = "tls.insecure is on, so host name checking is off" in caplog.text
    assert warned == insecure


@pytest.mark.parametrize(("tls", "says"), [
    (None, "if port {tls_port} is a TLS listener, add tls:"),
    ({"ca_certs": "certs/ca.pem"}, "during the TLS handshake: is port {plain_port} its TLS"),
])
async def test_plain_and_tls_ports_mixed_up_are_explained(
        tmp_path: Path, ca: ThrowawayCA, server_cert: tuple[Path, Path],
        brokers: StartBroker, caplog: pytest.LogCaptureFixture,
        tls: dict[str, Any] | None, says: str) -> None:
    plain_port = free_port()
    broker = brokers(server_cert, ca.cert, options=f"listener {plain_port} 127.0.0.1\n")
    port = plain_port if tls else broker.port  # each side on the other's port
    configuration = _configuration(unique_prefix(), port, tls)
    async with _running_hub(tmp_path / "config", configuration) as hub:
        assert says.format(tls_port=broker.port, plain_port=plain_port) in await _refused(
            hub, caplog)


def _tls_section(folder: Path, tls: dict[str, str]) -> dict[str, int]:
    """Write an mqtt: section with one tls option per line; the line of each option."""
    lines = ["mqtt:", "  port: 8883", "  tls:", *(f"    {k}: {v}" for k, v in tls.items())]
    write_configuration(folder, "\n".join(lines) + "\n")
    return {key: 4 + index for index, key in enumerate(tls)}


@pytest.mark.parametrize(("tls", "key", "says"), [
    ({"ca_certs": "certs/missing.pem"}, "ca_certs", "certs/missing.pem not found"),
    ({"ca_certs": "certs/server.key"}, "ca_certs", "holds no usable CA certificate"),
    ({"ca_certs": "certs/ca.pem", "certfile": "certs/hub.pem", "keyfile": "certs/server.key"},
     "certfile", "hub.pem does not belong to the key in"),
    ({"ca_certs": "certs/ca.pem", "keyfile": "certs/hub.key"}, "keyfile",
     "keyfile certs/hub.key needs certfile"),
    # Refused up front: OpenSSL would otherwise ask for the password on the terminal.
    ({"certfile": "certs/hub.pem", "keyfile": "certs/locked.key"}, "keyfile",
     "locked.key is encrypted with a password"),
])
def test_unusable_tls_files_are_check_config_errors_at_their_line(
        tmp_path: Path, ca: ThrowawayCA, server_cert: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str], tls: dict[str, str], key: str, says: str) -> None:
    _cert, key_path = ca.issue("hub", client=True)
    private_key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    (ca.folder / "locked.key").write_bytes(private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"gate-3")))
    folder = tmp_path / "config"
    lines = _tls_section(folder, tls)
    assert menjin(["check-config", "-c", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"configuration.yaml:{lines[key]}: [mqtt.tls.{key}]" in err
    assert says in err


async def test_a_missing_tls_file_stops_the_hub_before_it_connects(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    _tls_section(folder, {"ca_certs": "certs/missing.pem"})
    with pytest.raises(ConfigurationError, match=r"configuration.yaml:4: .*missing.pem"):
        await async_from_config_dir(folder)


def test_tls_defaults_to_port_8883_and_check_config_warns_about_insecure(
        tmp_path: Path, ca: ThrowawayCA, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "config"
    write_configuration(folder, "mqtt:\n  tls: {ca_certs: certs/ca.pem, insecure: true}\n")
    assert menjin(["check-config", "-c", str(folder)]) == 0
    assert "warning:" in (err := capsys.readouterr().err) and "host name" in err
    section = load_config_dir(folder).sections["mqtt"]
    assert section["port"] == 8883
    assert section["tls"]["ca_certs"] == str(ca.cert)
    write_configuration(folder, "mqtt:\n  broker: 127.0.0.1\n")
    assert load_config_dir(folder).sections["mqtt"]["port"] == 1883
