// Live events over the hub's WebSocket, authenticated with the session cookie
// and the session's CSRF token (a cookie alone could come from another site).

import { sessionCsrfToken } from "./api.js";

const listeners = new Set();
let socket = null;
let nextId = 1;
let wanted = [];
let retry = 0;
export const liveState = { connected: false };

function open() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/api/websocket`);
  socket.addEventListener("message", (message) => {
    const data = JSON.parse(message.data);
    if (data.type === "auth_required") {
      socket.send(JSON.stringify({ type: "auth", session: true, csrf_token: sessionCsrfToken() }));
    } else if (data.type === "auth_ok") {
      retry = 0;
      liveState.connected = true;
      for (const eventType of wanted) {
        socket.send(JSON.stringify({ id: nextId++, type: "subscribe_events", event_type: eventType }));
      }
      document.dispatchEvent(new CustomEvent("menjin:live", { detail: { connected: true } }));
    } else if (data.type === "event") {
      for (const listener of listeners) listener(data.event);
    }
  });
  socket.addEventListener("close", () => {
    liveState.connected = false;
    document.dispatchEvent(new CustomEvent("menjin:live", { detail: { connected: false } }));
    if (wanted.length) setTimeout(open, Math.min(10000, 500 * 2 ** retry++));
  });
}

export function startLive(eventTypes) {
  wanted = eventTypes;
  if (!socket || socket.readyState > 1) open();
}

export function stopLive() {
  wanted = [];
  if (socket) socket.close();
  socket = null;
}

export function onLiveEvent(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
