// Live events over the hub's WebSocket, authenticated with the session cookie
// and the session's CSRF token (a cookie alone could come from another site).

import { sessionCsrfToken } from "./api.js";

const listeners = new Set();
let socket = null;
let nextId = 1;
let retry = 0;
// Event types pages asked for; each page adds its own, the socket is shared.
const wanted = new Set();
// On the current socket: command id → event type, and the types the hub confirmed.
const asked = new Map();
export const liveState = { connected: false, subscribed: new Set() };

function announce() {
  document.dispatchEvent(new CustomEvent("menjin:live", { detail: { connected: liveState.connected } }));
}

function subscribe(eventType) {
  if ([...asked.values()].includes(eventType)) return;
  const id = nextId++;
  asked.set(id, eventType);
  socket.send(JSON.stringify({ id, type: "subscribe_events", event_type: eventType }));
}

function open() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const current = new WebSocket(`${scheme}://${location.host}/api/websocket`);
  socket = current;
  current.addEventListener("message", (message) => {
    const data = JSON.parse(message.data);
    if (data.type === "auth_required") {
      current.send(JSON.stringify({ type: "auth", session: true, csrf_token: sessionCsrfToken() }));
    } else if (data.type === "auth_ok") {
      retry = 0;
      liveState.connected = true;
      for (const eventType of wanted) subscribe(eventType);
      announce();
    } else if (data.type === "result" && asked.has(data.id)) {
      if (data.success) liveState.subscribed.add(asked.get(data.id));
      announce();
    } else if (data.type === "event") {
      for (const listener of listeners) listener(data.event);
    }
  });
  current.addEventListener("close", () => {
    if (socket !== current) return;
    liveState.connected = false;
    liveState.subscribed.clear();
    asked.clear();
    announce();
    // Reconnect unless a page opened a new socket meanwhile.
    if (wanted.size) setTimeout(() => { if (socket === current) open(); }, Math.min(10000, 500 * 2 ** retry++));
  });
}

/** Receive these event types (added to what other pages asked for). */
export function startLive(eventTypes) {
  for (const eventType of eventTypes) wanted.add(eventType);
  if (!socket || socket.readyState > 1) open();
  else if (liveState.connected) for (const eventType of eventTypes) subscribe(eventType);
}

/** True once the hub confirmed every one of these subscriptions. */
export function isLive(eventTypes) {
  return liveState.connected && eventTypes.every((eventType) => liveState.subscribed.has(eventType));
}

export function stopLive() {
  wanted.clear();
  const current = socket;
  socket = null;
  liveState.connected = false;
  liveState.subscribed.clear();
  asked.clear();
  if (current) current.close();
}

export function onLiveEvent(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
