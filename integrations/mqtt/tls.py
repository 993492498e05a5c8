"""TLS to the broker: check the files at check-config, build the context, explain failures.

The same `tls_context` runs when the configuration is checked and when the hub
connects, so a missing, unreadable or mismatched certificate is a
`FILE:LINE` error from `menjin check-config`, not a connection that silently
never comes up. A failed handshake is turned into a sentence with the fix,
because OpenSSL's own words ("unable to get local issuer certificate") do not
say which option to change.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any, Final, NoReturn

import voluptuous as vol

from .const import CONF_TLS

CONF_CA_CERTS: Final = "ca_certs"
CONF_CERTFILE: Final = "certfile"
CONF_KEYFILE: Final = "keyfile"
CONF_INSECURE: Final = "insecure"
TLS_FILES: Final = (CONF_CA_CERTS, CONF_CERTFILE, CONF_KEYFILE)


class TlsFileError(Exception):
    """A TLS option whose file cannot be used; `key` names the option to fix."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def validate_tls(tls: dict[str, Any], config_dir: Path) -> dict[str, Any]:
    """Resolve the files against the config folder and load them once.

    Raises `vol.Invalid` located at the offending `tls:` option, so the config
    machinery reports the file and line. Returns the options with absolute paths.
    """
    resolved = dict(tls)
    errors: list[vol.Invalid] = []
    for key in TLS_FILES:
        if key not in tls:
            continue
        path = (config_dir / tls[key]).resolve()  # an absolute path stays as it is
        resolved[key] = str(path)
        if not path.is_file():
            relative = "" if Path(tls[key]).is_absolute() else f" (read from {config_dir})"
            errors.append(vol.Invalid(f"{key} file {path} not found{relative}",
                                      path=[CONF_TLS, key]))
    if CONF_KEYFILE in tls and CONF_CERTFILE not in tls:
        errors.append(vol.Invalid(f"keyfile {tls[CONF_KEYFILE]} needs certfile, the client "
                                  "certificate that goes with it", path=[CONF_TLS, CONF_KEYFILE]))
    if errors:
        raise vol.MultipleInvalid(errors)
    try:
        tls_context(resolved)
    except TlsFileError as err:
        raise vol.Invalid(err.message, path=[CONF_TLS, err.key]) from err
    return resolved


def tls_context(tls: dict[str, Any]) -> ssl.SSLContext:
    """A client context that verifies the broker (blocking: it reads the files).

    Without `ca_certs` the system's CAs are trusted; with it, only that CA, so a
    private CA does not widen trust to every public one. `insecure` turns off
    the host name check only: the chain is still verified.
    """
    ca_certs = tls.get(CONF_CA_CERTS)
    try:
        context = ssl.create_default_context(cafile=ca_certs)
    except (ssl.SSLError, OSError) as err:
        raise TlsFileError(CONF_CA_CERTS, f"{ca_certs} holds no usable CA certificate "
                                          f"(expected PEM): {err}") from err
    if tls.get(CONF_CERTFILE):
        _load_client_certificate(context, tls[CONF_CERTFILE], tls.get(CONF_KEYFILE))
    context.check_hostname = not tls.get(CONF_INSECURE, False)
    return context


def _load_client_certificate(context: ssl.SSLContext, certfile: str, keyfile: str | None
                             ) -> None:
    def refuse_password() -> NoReturn:
        # Without this, OpenSSL would prompt on the terminal and hang the hub.
        raise TlsFileError(CONF_KEYFILE, f"{keyfile or certfile} is encrypted with a password: "
                                         "give an unencrypted key (openssl pkey -in KEY -out "
                                         "PLAIN), readable only by the hub's user")

    try:
        context.load_cert_chain(certfile, keyfile, password=refuse_password)
    except ssl.SSLError as err:
        if "KEY_VALUES_MISMATCH" in str(err):
            raise TlsFileError(CONF_CERTFILE, f"{certfile} does not belong to the key in "
                                              f"{keyfile}: {err}") from err
        where = f"{certfile} with {keyfile}" if keyfile else f"{certfile} (no keyfile given)"
        raise TlsFileError(CONF_CERTFILE, f"{where}: expected a PEM client certificate and "
                                          f"its private key: {err}") from err
    except OSError as err:
        raise TlsFileError(CONF_CERTFILE, f"cannot read {certfile}: {err}") from err


# (words in OpenSSL's message, lowercase; what it means and what to change). First match wins.
_HINTS: Final = (
    (("mismatch",), "the broker's certificate does not name {host}: connect by a name "
                    "the certificate lists, or set tls.insecure (not recommended)"),
    (("certificate has expired",), "the broker's certificate has expired"),
    (("certificate verify failed",), "the broker's certificate is not signed by a CA we "
                                     "trust: set tls.ca_certs to the CA that signed it"),
    (("certificate required",),
     "the broker wants a client certificate: set tls.certfile and tls.keyfile"),
    (("handshake failure",), "the TLS handshake failed: the broker may want a client "
                             "certificate (tls.certfile and tls.keyfile)"),
    # "decrypt error": signed by a CA with the same name as one the broker trusts.
    (("unknown ca", "bad certificate", "decrypt error"),
     "the broker does not accept our client certificate (tls.certfile): have it signed by "
     "a CA it trusts"),
    (("wrong version number", "record layer failure", "packet length too long"),
     "the broker did not answer in TLS: is port {port} its TLS listener (usually 8883)?"),
)


def explain_failure(error: str, host: str, port: int, tls: bool) -> str:
    """`error` with what it most likely means for this connection, when we can tell."""
    lowered = error.lower()
    if tls:
        for words, hint in _HINTS:
            if any(word in lowered for word in words):
                return f"{hint.format(host=host, port=port)} ({error})"
    if "connection reset" in lowered or "closed the connection" in lowered:
        if tls:
            return (f"the broker closed the connection during the TLS handshake: is port "
                    f"{port} its TLS listener? ({error})")
        return (f"the broker closed the connection: if port {port} is a TLS listener, "
                f"add tls: ({error})")
    return error
