// Gates and live decisions: tiles per gate, a feed of decisions and passages as they happen.

import { api, can } from "../api.js";
import { badge, clear, fmtTime, h } from "../dom.js";
import { t } from "../i18n.js";
import { liveState, onLiveEvent, startLive } from "../live.js";

const FEED_SIZE = 30;
// Latency samples (ms from the hub firing a decision to it being in the page), for benchmarks.
window.__menjin = window.__menjin || { latencies: [] };

function decisionRow(d) {
  const who = d.person_name || d.person_id || t("unknown.person");
  return h("li", { class: d.granted ? "decision ok" : "decision bad", dataset: { accessId: d.access_id ?? d.id ?? "" } },
    h("time", {}, fmtTime(d.time)),
    badge(d.granted, d.granted ? t("granted") : t("denied")),
    h("strong", { class: "person-name" }, who),
    h("span", { class: "where" }, `${d.gate_name || d.gate} · ${t(`dir.${d.direction}`)} · ${d.credential || ""}`),
    d.reasons && d.reasons.length ? h("span", { class: "reasons" }, d.reasons.join("; ")) : null);
}

export async function render(view) {
  const [gates, history] = await Promise.all([api("/api/gates"),
    can("log") ? api("/api/access-log", { query: { limit: FEED_SIZE } }) : []]);
  const status = h("span", { class: liveState.connected ? "live on" : "live off" }, liveState.connected ? t("live.on") : t("live.off"));
  const tiles = new Map();
  const grid = h("div", { class: "gates" });
  for (const gate of gates) {
    const last = h("div", { class: "last" }, t("dash.none"));
    const tile = h("article", { class: "gate", dataset: { gate: gate.id } },
      h("h3", {}, gate.name),
      h("p", { class: "meta" }, `${t("dash.zone")}: ${gate.zone || "—"} · ${t("dash.actuator")}: ${gate.actuator || "—"}`
        + (gate.actuator_state ? ` (${gate.actuator_state})` : "")),
      last);
    tiles.set(gate.id, last);
    grid.append(tile);
  }
  const feed = h("ol", { class: "feed", id: "feed" });
  const showOnTile = (d) => {
    const last = tiles.get(d.gate);
    if (last) clear(last).append(badge(d.granted, d.granted ? t("granted") : t("denied")), " ",
      d.person_name || d.person_id || t("unknown.person"), " · ", fmtTime(d.time));
  };
  for (const entry of [...history].reverse()) {
    const d = { ...entry, gate_name: (gates.find((g) => g.id === entry.gate) || {}).name };
    feed.prepend(decisionRow(d));
    showOnTile(d);
  }
  view.append(
    h("div", { class: "bar" }, h("h1", {}, t("dash.gates")), status),
    grid,
    h("h2", {}, t("dash.live")),
    feed);

  const stopListening = onLiveEvent((event) => {
    if (event.event_type === "access_decision") {
      const d = { ...event.data, time: event.time_fired };
      feed.prepend(decisionRow(d));
      while (feed.children.length > FEED_SIZE) feed.lastChild.remove();
      showOnTile(d);
      const latency = Date.now() - Date.parse(event.time_fired);
      window.__menjin.latencies.push(latency);
    } else if (event.event_type === "gate_passage") {
      const row = feed.querySelector(`[data-access-id="${CSS.escape(String(event.data.access_id ?? ""))}"]`);
      if (row) row.classList.add("passed");
    }
  });
  const onStatus = (e) => {
    status.className = e.detail.connected ? "live on" : "live off";
    status.textContent = e.detail.connected ? t("live.on") : t("live.off");
  };
  document.addEventListener("menjin:live", onStatus);
  startLive(["access_decision", "gate_passage"]);
  return () => { stopListening(); document.removeEventListener("menjin:live", onStatus); };
}
