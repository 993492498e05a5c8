"""The notification outbox: what was sent to whom, what waits, what failed; resend dead letters.

A retried dead letter gets a fresh retry budget and is due at once; the outbox
wakes its worker, so it goes out straight away, without a restart.
"""

from __future__ import annotations

import logging

import voluptuous as vol
from aiohttp import web

from hub.auth.permissions import Permission
from hub.http.api_common import ID_SCHEMA, q, query_choice, query_int
from hub.http.api_core import validate
from hub.http.view import HubView, error_response, json_response
from hub.notify.const import DATA_OUTBOX, OutboxStatus
from hub.notify.outbox import Outbox
from hub.notify.redact import describe_address

_LOGGER = logging.getLogger(__name__)

OUTBOX_STATUSES = tuple(s.value for s in OutboxStatus)
RETRY_SCHEMA = vol.Schema({vol.Optional("id"): vol.All(str, vol.Match(ID_SCHEMA["pattern"]))})


class NotificationsView(HubView):
    """The notification outbox: what was sent to whom, what is waiting, what failed."""

    url = "/api/notifications"
    name = "api:notifications"
    permission = Permission.READ_OUTBOX
    summaries = {"get": "Notification outbox: counts and latest messages (addresses masked)"}
    query = {"get": [q("status", "pending, sent or dead", {"enum": list(OUTBOX_STATUSES)}),
                     q("limit", "at most this many", {"type": "integer", "minimum": 1,
                                                      "maximum": 500})]}

    async def get(self) -> web.Response:
        status = query_choice(self.request, "status", OUTBOX_STATUSES)
        limit = query_int(self.request, "limit", 100, 1, 500)
        outbox = self.hub.data.get(DATA_OUTBOX)
        if outbox is None:
            return json_response({"available": False, "counts": {}, "messages": []})
        messages = await outbox.async_list(OutboxStatus(status) if status else None, limit)
        return json_response({
            "available": True, "counts": await outbox.async_counts(),
            "messages": [{
                "id": m.id, "target": m.target, "address": describe_address(m.target, m.address),
                "recipient": m.recipient, "title": m.title, "message": m.message,
                "status": m.status.value, "attempts": m.attempts, "created_at": m.created_at,
                "sent_at": m.sent_at, "last_error": m.last_error,
                "subject_person_id": m.subject_person_id} for m in messages]})


class NotificationRetryView(HubView):
    """Send dead letters again once their cause is fixed: one by id, or all of them."""

    url = "/api/notifications/retry"
    name = "api:notifications:retry"
    permission = Permission.READ_OUTBOX
    summaries = {"post": "Queue one dead letter (by id) or every dead letter again "
                         "(admin, operator)"}
    bodies = {"post": {"type": "object", "properties": {"id": ID_SCHEMA}}}

    async def post(self) -> web.Response:
        # Reading the outbox is not enough: resending acts on the hub.
        self.require(Permission.CALL_SERVICES)
        data = validate(RETRY_SCHEMA, await self.json_body(), "retry")
        outbox: Outbox | None = self.hub.data.get(DATA_OUTBOX)
        # Without a `notify:` section the outbox is empty, as the list says.
        count = 0 if outbox is None else await outbox.async_requeue(data.get("id"))
        if "id" in data and count == 0:
            return error_response("no dead letter with this id (it may be pending or sent "
                                  "already)", 404)
        _LOGGER.info("%s queued %d dead letter(s) again", self.user.username, count)
        return json_response({"requeued": count})


OUTBOX_VIEWS: tuple[type[HubView], ...] = (NotificationsView, NotificationRetryView)
