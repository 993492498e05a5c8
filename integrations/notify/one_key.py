"""One-key open: a resident lets a waiting visitor in with one tap on a link.

The link `/api/one_key/{token}` is the only authority: HMAC-signed (key
`one_key: secret:` from secrets.yaml, else derived from the site key), bound
to one gate and one visitor event, valid two minutes by default, and single
use (the database records each use; a second link for the same visitor event
is refused too). Opening it shows a button; only the POST of that button opens
the gate, so link-preview bots that fetch URLs in chats never open a door.
Every refusal (forged, expired, reused, replayed, wrong gate) is logged, and
written to the access log as a denial when the gate it names exists.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.context import Context
from hub.exceptions import HubError, ServiceValidationError
from hub.notify.compose import SendRequest
from hub.notify.signing import InvalidToken, sign, unverified_claims, verify
from hub.services import ServiceCall
from integrations.notify.const import (
    CONF_SECRET,
    CONF_VALID_FOR,
    DOMAIN,
    ONE_KEY_KEY_PURPOSE,
    ONE_KEY_KIND,
    ONE_KEY_RULE,
    ONE_KEY_URL,
    SERVICE_ONE_KEY_OPEN,
    SNAPSHOT_KIND,
    SNAPSHOT_LINK_SECONDS,
    SNAPSHOT_URL,
)

if TYPE_CHECKING:
    from hub.core import Hub
    from integrations.notify.manager import NotifyManager

_LOGGER = logging.getLogger(__name__)
DATA_ONE_KEY = "notify_one_key"
DATA_LINK_KEY = "notify_link_key"
MAX_VALID_SECONDS = 15 * 60

def _blank_is_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _someone(data: dict[str, Any]) -> dict[str, Any]:
    resident = data.pop("resident_id", None)
    data["resident"] = data.get("resident") or resident
    if not (data["resident"] or data.get("household")):
        raise vol.Invalid("name the resident (resident / resident_id) or the household")
    return data


SERVICE_SCHEMA = vol.All({
    vol.Required("gate"): cv.slug,
    vol.Optional("resident"): vol.All(_blank_is_none, vol.Any(None, cv.string)),
    vol.Optional("resident_id"): vol.All(_blank_is_none, vol.Any(None, cv.string)),
    vol.Optional("household"): vol.All(_blank_is_none, vol.Any(None, cv.string)),
    vol.Optional("visitor_event"): vol.All(_blank_is_none, vol.Any(None, cv.string)),
    vol.Optional("visitor_person_id"): vol.All(_blank_is_none, vol.Any(None, cv.string)),
    vol.Optional("visitor_name"): vol.All(_blank_is_none, vol.Any(None, cv.string)),
    vol.Optional("valid_for"): vol.All(cv.positive_duration, vol.Range(
        max=timedelta(seconds=MAX_VALID_SECONDS), msg="at most 15 minutes")),
    vol.Optional("message_key", default="one_key_open"): cv.string,
}, _someone)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a redemption did, for the page and the tests."""

    opened: bool
    reason: str
    message: str
    gate: str | None = None
    access_id: int | None = None


class OneKey:
    """Issue and redeem one-key-open links."""

    def __init__(self, hub: Hub, manager: NotifyManager, key: bytes,
                 valid_for: timedelta) -> None:
        self._hub = hub
        self._manager = manager
        self._key = key
        self.valid_for = valid_for
        self._db = manager.store.db

    def _gates(self) -> dict[str, Any]:
        gates: dict[str, Any] = self._hub.data.get("access_gates") or {}
        return gates

    def gate_name(self, gate: str) -> str:
        """The configured name of a gate (for pages)."""
        runtime = self._gates().get(gate)
        return str(getattr(runtime, "name", gate))

    async def _async_residents(self, data: Mapping[str, Any]) -> list[str]:
        persons = self._manager.store.persons
        if data.get("resident"):
            if await persons.async_get(data["resident"]) is None:
                raise ServiceValidationError(
                    f"notify.one_key_open: unknown resident '{data['resident']}'")
            return [str(data["resident"])]
        members = await persons.async_household(str(data["household"]))
        if not members:
            raise ServiceValidationError(
                f"notify.one_key_open: household '{data['household']}' has no members")
        return [member.person_id for member in members]

    async def async_issue(self, call: ServiceCall) -> dict[str, Any]:
        """Send each resident named (or each member of the household) their own link.

        All links of one call are bound to the same visitor event: the first
        one used opens the gate, the others are then refused as replays.
        """
        data = call.data
        gate = data["gate"]
        if gate not in self._gates():
            raise ServiceValidationError(
                f"notify.one_key_open: unknown gate '{gate}' (configure it under access: gates:)")
        residents = await self._async_residents(data)
        event_id = data.get("visitor_event") or call.context.parent_id or call.context.id
        results = [await self._async_issue_one(call, gate, resident, event_id)
                   for resident in residents]
        queued = [key for result in results for key in result["queued"]]
        if not queued:
            raise ServiceValidationError("notify.one_key_open: the link could not be sent: "
                                         + "; ".join(e for r in results for e in r["errors"]))
        return {"gate": gate, "residents": residents, "queued": queued,
                "expires_at": results[0]["expires_at"]}

    async def _async_issue_one(self, call: ServiceCall, gate: str, resident: str,
                               event_id: str) -> dict[str, Any]:
        data = call.data
        valid_for: timedelta = data.get("valid_for") or self.valid_for
        now = time.time()
        expires = int(now + valid_for.total_seconds())
        nonce = secrets.token_hex(16)
        visitor = data.get("visitor_person_id") or None
        token = sign(self._key, ONE_KEY_KIND, {
            "g": gate, "r": resident, "v": visitor, "e": event_id, "n": nonce, "x": expires})
        await self._db.execute(
            "INSERT INTO one_key_tokens (nonce, gate_id, resident_id, visitor_id, event_id, "
            "issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (nonce, gate, resident, visitor, event_id, now, expires))
        url = self._manager.public_url + ONE_KEY_URL.format(token=token)
        message_data = {
            "action": "one_key_open", "gate": gate, "gate_name": self.gate_name(gate),
            "visitor_name": data.get("visitor_name") or None, "url": url,
            "expires_at": expires, "valid_minutes": max(1, round(valid_for.total_seconds() / 60)),
            "actions": [{"action": "open", "method": "POST", "url": url}],
        }
        if message_data["visitor_name"] is None:
            del message_data["visitor_name"]
        result = await self._manager.async_send(SendRequest(
            persons=(resident,), message_key=data["message_key"], data=message_data,
            key=f"one_key:{nonce}", urgent=True, context_id=call.context.id))
        if result["queued"]:
            _LOGGER.info("One-key link for gate %s queued to resident %s (valid %d s)", gate,
                         resident, int(valid_for.total_seconds()))
        return {"queued": result["queued"], "errors": result["errors"] + result["skipped"],
                "expires_at": expires}

    def check(self, token: str) -> dict[str, Any]:
        """Claims of a genuine, unexpired link (no side effect); InvalidToken otherwise."""
        return verify(self._key, ONE_KEY_KIND, token)

    async def async_state(self, claims: dict[str, Any]) -> str | None:
        """Why a genuine link can no longer be used, or None when it can."""
        row = await self._db.fetch_one(
            "SELECT used_at FROM one_key_tokens WHERE nonce = ?", (claims["n"],))
        if row is None:
            return "unknown"
        if row["used_at"] is not None:
            return "used"
        other = await self._db.fetch_value(
            "SELECT COUNT(*) FROM one_key_tokens WHERE event_id = ? AND used_at IS NOT NULL",
            (claims["e"],))
        return "replayed" if other else None

    async def async_redeem(self, token: str, gate_hint: str | None, remote: str | None
                           ) -> Outcome:
        """Open the gate once for a genuine, fresh, unused link; refuse and log anything else."""
        try:
            claims = verify(self._key, ONE_KEY_KIND, token, allow_expired=True)
        except InvalidToken as err:
            claimed = unverified_claims(token).get("g")
            return await self._async_refuse(str(claimed) if claimed else None, err.reason,
                                            str(err), None, remote)
        gate, visitor = str(claims["g"]), claims.get("v")
        now = time.time()
        if now >= float(claims["x"]):
            return await self._async_refuse(gate, "expired", "This link has expired.",
                                            visitor, remote)
        if gate_hint and gate_hint != gate:
            return await self._async_refuse(gate, "wrong_gate",
                                            "This link is for another gate.", visitor, remote)
        if gate not in self._gates():
            return await self._async_refuse(None, "unknown_gate",
                                            "This gate is not configured any more.", visitor,
                                            remote)
        used = await self._db.execute(
            "UPDATE one_key_tokens SET used_at = ? WHERE nonce = ? AND used_at IS NULL "
            "AND expires_at > ? AND NOT EXISTS (SELECT 1 FROM one_key_tokens other WHERE "
            "other.event_id = ? AND other.used_at IS NOT NULL)",
            (now, claims["n"], now, claims["e"]))
        if used != 1:
            state = await self.async_state(claims) or "used"
            texts = {"used": "This link was already used.",
                     "replayed": "The gate was already opened for this visitor.",
                     "unknown": "This link is not known to this site."}
            return await self._async_refuse(gate, state, texts.get(state, texts["used"]),
                                            visitor, remote)
        resident = str(claims["r"])
        try:
            decision = await self._hub.services.async_call("access", "grant", {
                "gate": gate, "person_id": visitor, "credential": "guard",
                "rule": ONE_KEY_RULE, "reasons": [f"one-key open by resident {resident}",
                                                  f"visitor event {claims['e']}"],
            }, Context(user_id=f"resident:{resident}"))
        except HubError as err:
            _LOGGER.error("One-key open of gate %s by resident %s failed: %s", gate, resident,
                          err)
            return Outcome(False, "gate_failed", f"The gate could not be opened: {err}", gate)
        access_id = decision.get("access_id") if isinstance(decision, dict) else None
        await self._db.execute("UPDATE one_key_tokens SET access_id = ? WHERE nonce = ?",
                               (access_id, claims["n"]))
        _LOGGER.info("Gate %s opened once by resident %s (one-key, access %s)", gate, resident,
                     access_id)
        return Outcome(True, "opened", "The gate is opening.", gate, access_id)

    async def _async_refuse(self, gate: str | None, reason: str, message: str,
                            visitor: Any, remote: str | None) -> Outcome:
        _LOGGER.warning("One-key link refused (%s) for gate %s from %s", reason, gate or "?",
                        remote or "?")
        if gate is not None and gate in self._gates():
            try:
                await self._hub.services.async_call("access", "deny", {
                    "gate": gate, "person_id": visitor if isinstance(visitor, str) else None,
                    "credential": "guard", "rule": ONE_KEY_RULE,
                    "reasons": [f"one-key link refused: {reason}"], "open": False,
                }, Context(user_id="one_key"))
            except HubError as err:
                _LOGGER.error("Could not log the refused one-key link: %s", err)
        return Outcome(False, reason, message, gate)


async def _async_key(hub: Hub, manager: NotifyManager, config: dict[str, Any]) -> bytes | None:
    if config.get(CONF_SECRET):
        return str(config[CONF_SECRET]).encode()
    try:
        site_key = await asyncio.to_thread(manager.store.config.site_key)
    except Exception as err:
        _LOGGER.error("One-key open is off: no one_key secret and no site key (%s)", err)
        return None
    return site_key.subkey(ONE_KEY_KEY_PURPOSE)


async def async_setup(hub: Hub, manager: NotifyManager, config: dict[str, Any]) -> None:
    """Register `notify.one_key_open` and the link view (when the web server runs)."""
    key = await _async_key(hub, manager, config)
    if key is None:
        return
    one_key = OneKey(hub, manager, key, config[CONF_VALID_FOR])
    hub.data[DATA_ONE_KEY] = one_key
    hub.data[DATA_LINK_KEY] = key
    hub.services.async_register(DOMAIN, SERVICE_ONE_KEY_OPEN, one_key.async_issue,
                                SERVICE_SCHEMA)
    server = hub.data.get("http")
    if server is None:
        _LOGGER.info("One-key links cannot be opened until the http integration is "
                     "configured")
        return
    from integrations.notify.views import OneKeyView, SnapshotView

    server.register_view(OneKeyView)
    server.register_view(SnapshotView)

    def snapshot_link(snapshot_id: str) -> str:
        token = sign(key, SNAPSHOT_KIND, {"s": snapshot_id,
                                          "x": int(time.time() + SNAPSHOT_LINK_SECONDS)})
        return manager.public_url + SNAPSHOT_URL.format(token=token)

    manager.settings = replace(manager.settings, snapshot_link=snapshot_link)
