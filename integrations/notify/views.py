"""The one-key-open page: GET shows a button, only its POST opens the gate.

No login: the signed token in the URL is the authority. Pages are plain HTML
in both site languages, with no script (the site's CSP allows none inline).
"""

from __future__ import annotations

import html
from typing import ClassVar

from aiohttp import web

from hub.http.view import HubView
from hub.notify.signing import InvalidToken, verify
from hub.people.const import DATA_STORE
from hub.storage import CorruptRecordError
from integrations.notify.const import ONE_KEY_URL, SNAPSHOT_KIND, SNAPSHOT_URL

_STATUS = {"opened": 200, "expired": 410, "used": 409, "replayed": 409,
           "gate_failed": 502}

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:28em;margin:3em auto;padding:0 1em}}
button{{font-size:1.4em;padding:.6em 1.4em}}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    response = web.Response(text=_PAGE.format(title=html.escape(title), body=body),
                            status=status, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(message: str, status: int) -> web.Response:
    return _page("一键开门 · One-key open",
                 f"<p>{html.escape(message)}</p><p>链接无效，门未打开。The gate was not "
                 "opened.</p>", status)


class OneKeyView(HubView):
    """`/api/one_key/{token}`."""

    url = ONE_KEY_URL
    name = "api:one_key"
    requires_auth = False
    summaries: ClassVar[dict[str, str]] = {
        "get": "Show the one-key-open confirmation (opens nothing)",
        "post": "Open the gate once with a one-key link",
    }

    def _one_key(self) -> object:
        return self.hub.data.get("notify_one_key")

    async def get(self) -> web.Response:
        from integrations.notify.one_key import OneKey

        one_key = self._one_key()
        assert isinstance(one_key, OneKey)
        token = self.request.match_info["token"]
        try:
            claims = one_key.check(token)
        except InvalidToken as err:
            return _refused(str(err), 410 if err.reason == "expired" else 403)
        state = await one_key.async_state(claims)
        if state is not None:
            return _refused("This link was already used." if state != "unknown" else
                            "This link is not known to this site.", 409)
        gate = html.escape(one_key.gate_name(str(claims["g"])))
        return _page("一键开门 · One-key open", (
            f"<p>为访客打开 <b>{gate}</b>（仅一次）。<br>Open <b>{gate}</b> once for your "
            "visitor.</p><form method=\"post\"><input type=\"hidden\" name=\"gate\" "
            f"value=\"{html.escape(str(claims['g']))}\"><button type=\"submit\">开门 · Open"
            "</button></form>"))

    async def post(self) -> web.Response:
        from integrations.notify.one_key import OneKey

        one_key = self._one_key()
        assert isinstance(one_key, OneKey)
        token = self.request.match_info["token"]
        gate_hint: str | None = None
        if self.request.content_type in ("application/x-www-form-urlencoded",
                                         "multipart/form-data"):
            form = await self.request.post()
            value = form.get("gate")
            gate_hint = value if isinstance(value, str) and value else None
        elif self.request.content_type == "application/json" and self.request.can_read_body:
            body = await self.json_body()
            gate_hint = str(body["gate"]) if body.get("gate") else None
        outcome = await one_key.async_redeem(token, gate_hint, self.request.remote)
        if outcome.opened:
            gate = html.escape(one_key.gate_name(outcome.gate or ""))
            return _page("门已打开 · Gate opening",
                         f"<p>{gate} 正在打开。<br>{gate} is opening.</p>")
        return _refused(outcome.message, _STATUS.get(outcome.reason, 403))


class SnapshotView(HubView):
    """`/api/notify/snapshot/{token}`: a passage snapshot behind a signed, expiring link.

    Only ever linked from a message whose pictured person has a snapshot
    consent; the picture itself never leaves the site as an attachment.
    Snapshots are AES-GCM records bound to their id (`snapshot_cipher`).
    """

    url = SNAPSHOT_URL
    name = "api:notify_snapshot"
    requires_auth = False
    summaries: ClassVar[dict[str, str]] = {"get": "A passage snapshot (signed link)"}

    async def get(self) -> web.Response:
        key = self.hub.data.get("notify_link_key")
        store = self.hub.data.get(DATA_STORE)
        if not isinstance(key, bytes) or store is None:
            raise web.HTTPNotFound()
        try:
            claims = verify(key, SNAPSHOT_KIND, self.request.match_info["token"])
        except InvalidToken as err:
            return _refused(str(err), 410 if err.reason == "expired" else 403)
        snapshot_id = str(claims["s"])
        row = await store.db.fetch_one(
            "SELECT nonce, ciphertext FROM snapshots WHERE id = ?", (snapshot_id,))
        if row is None:
            return _refused("This picture was deleted.", 410)
        try:
            image = store.snapshot_cipher.decrypt(row["nonce"], row["ciphertext"], snapshot_id)
        except CorruptRecordError:
            return _refused("This picture cannot be shown.", 410)
        return web.Response(body=image, content_type="image/jpeg",
                            headers={"Cache-Control": "no-store"})
