"""Cards, PINs and QR passes (the alternatives to a face), and consents.

A card number or PIN goes in and never comes back out; a QR pass's token is
returned once, when it is issued, to be printed or sent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import voluptuous as vol
from aiohttp import web

from hub.auth.permissions import Permission
from hub.http.api_common import (
    ID_SCHEMA,
    PERSON_ID_SCHEMA,
    TIME_SCHEMA,
    actor,
    people_store,
    store_errors,
)
from hub.http.api_core import validate
from hub.http.api_people import _time
from hub.http.serialize import consent_json, credential_json
from hub.http.view import HubView, error_response, json_response
from hub.people.const import CredentialType
from hub.privacy.const import Purpose

PURPOSES = tuple(p.value for p in Purpose)
_TIME_OR_NULL: dict[str, Any] = {"anyOf": [TIME_SCHEMA, {"type": "null"}]}
_SHORT = vol.All(str, vol.Length(min=1, max=100))

def _whole(value: Any) -> int:
    """An integer, also when JSON spells it 3.0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise vol.Invalid("expected a whole number")
    return int(value)


CARD_SCHEMA = vol.Schema({vol.Required("number"): vol.All(str, vol.Length(min=4, max=64)),
                          vol.Optional("valid_until"): vol.Any(None, _time)})
PIN_SCHEMA = vol.Schema({vol.Required("pin"): vol.All(str, vol.Length(min=1, max=32))})
QR_SCHEMA = vol.Schema({
    vol.Optional("valid_from"): vol.Any(None, _time),
    vol.Optional("valid_until"): vol.Any(None, _time),
    vol.Optional("hours", default=24): vol.All(vol.Coerce(float), vol.Range(min=0.1, max=8760)),
    vol.Optional("uses", default=1): vol.Any(None, vol.All(_whole, vol.Range(min=1, max=10000))),
})
GRANT_SCHEMA = vol.Schema({
    vol.Required("purpose"): vol.In(PURPOSES),
    vol.Required("granted_by"): _SHORT,
    vol.Optional("channel", default="web"): _SHORT,
    vol.Required("text_version"): vol.All(str, vol.Length(min=1, max=50)),
    vol.Optional("guardian_id"): vol.Any(None, vol.All(str, vol.Length(min=1, max=64))),
})
WITHDRAW_SCHEMA = vol.Schema({
    vol.Required("withdrawn_by"): _SHORT,
    vol.Optional("channel", default="web"): _SHORT,
})


class CredentialsView(HubView):
    """Every credential of a person, as metadata."""

    url = "/api/people/{person_id}/credentials"
    name = "api:person:credentials"
    permission = Permission.READ_PEOPLE
    summaries = {"get": "A person's credentials (no numbers, PINs or templates)"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA}

    async def get(self) -> web.Response:
        store = people_store(self)
        person_id = self.request.match_info["person_id"]
        async with store_errors():
            await store.persons.async_require(person_id)
            credentials = await store.credentials.async_list(person_id)
        return json_response([credential_json(c) for c in credentials])


class CardView(HubView):
    """Issue a card."""

    url = "/api/people/{person_id}/credentials/card"
    name = "api:person:card"
    permission = Permission.MANAGE_PEOPLE
    summaries = {"post": "Issue a card to a person (admin)"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA}
    bodies = {"post": {"type": "object", "required": ["number"], "properties": {
        "number": {"type": "string", "pattern": "^[0-9A-Fa-f]{4,64}$"},
        "valid_until": _TIME_OR_NULL}}}

    async def post(self) -> web.Response:
        data = validate(CARD_SCHEMA, await self.json_body(), "card")
        async with store_errors():
            credential = await people_store(self).credentials.async_add_card(
                self.request.match_info["person_id"], data["number"], actor(self),
                data.get("valid_until"))
        return json_response(credential_json(credential), 201)


class PinView(HubView):
    """Set a PIN."""

    url = "/api/people/{person_id}/credentials/pin"
    name = "api:person:pin"
    permission = Permission.MANAGE_PEOPLE
    summaries = {"post": "Set (or replace) a person's PIN (admin)"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA}
    bodies = {"post": {"type": "object", "required": ["pin"], "properties": {
        "pin": {"type": "string", "pattern": "^[0-9]{4,12}$"}}}}

    async def post(self) -> web.Response:
        data = validate(PIN_SCHEMA, await self.json_body(), "PIN")
        async with store_errors():
            credential = await people_store(self).credentials.async_set_pin(
                self.request.match_info["person_id"], data["pin"], actor(self))
        return json_response(credential_json(credential), 201)


class QrView(HubView):
    """Issue a QR pass; the token is shown once."""

    url = "/api/people/{person_id}/credentials/qr"
    name = "api:person:qr"
    permission = Permission.MANAGE_PEOPLE
    summaries = {"post": "Issue a QR pass (admin); the token is returned once"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA}
    bodies = {"post": {"type": "object", "properties": {
        "valid_from": _TIME_OR_NULL,
        "valid_until": _TIME_OR_NULL,
        "hours": {"type": "number", "minimum": 0.1, "maximum": 8760},
        "uses": {"type": ["integer", "null"], "minimum": 1, "maximum": 10000}}}}

    async def post(self) -> web.Response:
        data = validate(QR_SCHEMA, await self.json_body(), "QR pass")
        start = data.get("valid_from") or datetime.now(UTC)
        end = data.get("valid_until") or start + timedelta(hours=data["hours"])
        async with store_errors():
            credential, token = await people_store(self).credentials.async_issue_qr(
                self.request.match_info["person_id"], start, end, data["uses"], actor(self))
        return json_response({**credential_json(credential), "token": token}, 201)


class CredentialView(HubView):
    """Revoke one credential (a face's template goes with it)."""

    url = "/api/credentials/{credential_id}"
    name = "api:credential"
    permission = Permission.MANAGE_PEOPLE
    summaries = {"delete": "Revoke a credential (admin)"}
    path_schemas = {"credential_id": ID_SCHEMA}

    async def delete(self) -> web.Response:
        store = people_store(self)
        credential = await store.credentials.async_get(self.request.match_info["credential_id"])
        if credential is None:
            return error_response("no such credential", 404)
        await store.credentials.async_revoke(credential.id, actor(self))
        engine = self.hub.data.get("face_engine")
        if credential.type is CredentialType.face and engine is not None:
            await engine.async_remove(credential.person_id)
            rest = await store.biometrics.async_templates_of(
                credential.person_id, actor(self), "gallery reload after revoke")
            if rest:
                await engine.async_add_embeddings(
                    credential.person_id, np.stack([t.vector for t in rest]))
        return json_response({"revoked": credential_json(credential)})


class ConsentsView(HubView):
    """The consent ledger of one person."""

    url = "/api/people/{person_id}/consents"
    name = "api:person:consents"
    summaries = {"get": "A person's consents, given and withdrawn",
                 "post": "Record a consent (admin; a guardian's for under-14s)"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA}
    bodies = {"post": {"type": "object", "required": ["purpose", "granted_by", "text_version"],
                       "properties": {
                           "purpose": {"enum": list(PURPOSES)},
                           "granted_by": {"type": "string", "minLength": 1, "maxLength": 100},
                           "channel": {"type": "string", "minLength": 1, "maxLength": 100},
                           "text_version": {"type": "string", "minLength": 1, "maxLength": 50},
                           "guardian_id": {"type": ["string", "null"], "minLength": 1,
                                           "maxLength": 64}}}}

    async def get(self) -> web.Response:
        self.require(Permission.READ_PEOPLE)
        store = people_store(self)
        person_id = self.request.match_info["person_id"]
        async with store_errors():
            await store.persons.async_require(person_id)
            history = await store.consents.async_history(person_id)
        return json_response([consent_json(c) for c in history])

    async def post(self) -> web.Response:
        self.require(Permission.MANAGE_PEOPLE)
        data = validate(GRANT_SCHEMA, await self.json_body(), "consent")
        async with store_errors():
            consent = await people_store(self).consents.async_grant(
                self.request.match_info["person_id"], Purpose(data["purpose"]),
                data["granted_by"], data["channel"], data["text_version"],
                data.get("guardian_id"), actor(self))
        return json_response(consent_json(consent), 201)


class ConsentWithdrawView(HubView):
    """Withdraw a consent; for gate entry the face is deleted at once."""

    url = "/api/people/{person_id}/consents/{purpose}/withdraw"
    name = "api:person:consent:withdraw"
    permission = Permission.MANAGE_PEOPLE
    summaries = {"post": "Withdraw a consent (admin); gate_entry deletes the face now"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA, "purpose": {"enum": list(PURPOSES)}}
    bodies = {"post": {"type": "object", "required": ["withdrawn_by"], "properties": {
        "withdrawn_by": {"type": "string", "minLength": 1, "maxLength": 100},
        "channel": {"type": "string", "minLength": 1, "maxLength": 100}}}}

    async def post(self) -> web.Response:
        purpose = self.request.match_info["purpose"]
        if purpose not in PURPOSES:
            return error_response(f"purpose must be one of: {', '.join(PURPOSES)}", 404)
        data = validate(WITHDRAW_SCHEMA, await self.json_body(), "withdrawal")
        person_id = self.request.match_info["person_id"]
        async with store_errors():
            result = await people_store(self).consents.async_withdraw(
                person_id, Purpose(purpose), data["withdrawn_by"], data["channel"], actor(self))
        engine = self.hub.data.get("face_engine")
        if result.faces_deleted and engine is not None:
            await engine.async_remove(person_id)
        body: dict[str, Any] = {"consents": result.consents,
                                "faces_deleted": result.faces_deleted,
                                "snapshots_deleted": result.snapshots_deleted}
        return json_response(body)


CREDENTIAL_VIEWS: tuple[type[HubView], ...] = (
    CredentialsView, CardView, PinView, QrView, CredentialView, ConsentsView,
    ConsentWithdrawView,
)
