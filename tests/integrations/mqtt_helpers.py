"""MQTT test helpers: a plain paho publisher/recorder, a private mosquitto, a throwaway CA."""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import os
import pwd
import socket
import ssl
import subprocess
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from paho.mqtt.enums import CallbackAPIVersion


def unique_prefix() -> str:
    """A discovery prefix no other test uses, so tests never see each other's messages."""
    return f"mjtest_{uuid.uuid4().hex[:10]}"


class MqttTestClient:
    """A synchronous paho client that publishes and records what it receives."""

    def __init__(self, port: int = 1883, tls: ssl.SSLContext | None = None,
                 username: str | None = None, password: str | None = None) -> None:
        self.received: list[tuple[str, bytes]] = []
        self._connected = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2)
        if tls is not None:
            self.client.tls_set_context(tls)
        if username is not None:
            self.client.username_pw_set(username, password)
        self.client.on_connect = lambda *args: self._connected.set()
        self._subscribed = threading.Event()
        self.client.on_subscribe = lambda *args: self._subscribed.set()
        self.client.on_message = lambda _c, _u, msg: self.received.append(
            (msg.topic, bytes(msg.payload)))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self._connected.wait(10), "test MQTT client could not connect"

    def publish(self, topic: str, payload: str | bytes, retain: bool = False) -> None:
        """Publish and wait until the broker has it."""
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(10)

    def subscribe(self, topic: str) -> None:
        """Record messages on `topic`."""
        self._subscribed.clear()
        self.client.subscribe(topic, qos=1)
        assert self._subscribed.wait(10), f"the broker did not acknowledge {topic}"

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


class PrivateBroker:
    """Our own mosquitto on a spare loopback port, to restart at will (never the system one).

    `options` are extra mosquitto.conf lines (a TLS listener's files, a password
    file). What mosquitto logs goes to `log`, so a test can read what it saw.
    """

    def __init__(self, folder: Path, port: int, options: str = "",
                 allow_anonymous: bool = True) -> None:
        self.port = port
        self.config = folder / "mosquitto.conf"
        self.log = folder / "mosquitto.log"
        anonymous = "true" if allow_anonymous else "false"
        # Started as root, mosquitto would switch to its own user, which cannot read
        # files in tmp_path (0700): stay whoever runs the tests.
        user = pwd.getpwuid(os.geteuid()).pw_name
        self.config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous {anonymous}\n"
                               f"persistence false\nuser {user}\n{options}")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(["mosquitto", "-c", str(self.config)],
                                            stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"private mosquitto exited: {self.log.read_text()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("private mosquitto did not start")

    def stop(self) -> None:
        """Stop the process we started (by its own handle, never by name)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def tls_listener(ca: Path, cert: Path, key: Path, require_certificate: bool = False) -> str:
    """mosquitto.conf lines that make the listener above TLS only."""
    return (f"cafile {ca}\ncertfile {cert}\nkeyfile {key}\n"
            f"require_certificate {'true' if require_certificate else 'false'}\n")


def password_file(path: Path, username: str, password: str) -> Path:
    """A mosquitto 2 password file (PBKDF2-SHA512, its `$7$` format), without mosquitto_passwd."""
    salt = os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 101)
    path.write_text(f"{username}:$7$101${base64.b64encode(salt).decode()}$"
                    f"{base64.b64encode(digest).decode()}\n")
    return path


class ThrowawayCA:
    """A certificate authority whose keys live only in a test's tmp_path (never committed)."""

    def __init__(self, folder: Path, name: str = "menjin test CA") -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        certificate = self._builder(self._name, self._key.public_key()).add_extension(
            x509.BasicConstraints(ca=True, path_length=0), critical=True,
        ).add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True,
        ).sign(self._key, hashes.SHA256())
        self.cert = folder / "ca.pem"
        self.cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))

    def _builder(self, subject: x509.Name, public_key: ec.EllipticCurvePublicKey
                 ) -> x509.CertificateBuilder:
        now = datetime.datetime.now(datetime.UTC)
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(self._name)
                .public_key(public_key).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(hours=1))
                .not_valid_after(now + datetime.timedelta(days=1)))

    def issue(self, name: str, hosts: tuple[str, ...] = (), client: bool = False
              ) -> tuple[Path, Path]:
        """Write `<name>.pem` and `<name>.key`: a server certificate for `hosts`, or a client's."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0] if hosts else name)])
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        builder = self._builder(subject, key.public_key()).add_extension(
            x509.BasicConstraints(ca=False, path_length=None), critical=True,
        ).add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        if hosts:
            builder = builder.add_extension(x509.SubjectAlternativeName([
                _general_name(host) for host in hosts]), critical=False)
        cert_path, key_path = self.folder / f"{name}.pem", self.folder / f"{name}.key"
        cert_path.write_bytes(builder.sign(self._key, hashes.SHA256())
                              .public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        return cert_path, key_path

    def client_context(self, cert: Path | None = None, key: Path | None = None
                       ) -> ssl.SSLContext:
        """A context for a test publisher that trusts this CA (and shows `cert`, if given)."""
        context = ssl.create_default_context(cafile=str(self.cert))
        if cert is not None:
            context.load_cert_chain(cert, key)
        return context


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)
