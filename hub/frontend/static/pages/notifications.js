// The notification outbox: what waits, what was sent, what failed and why; resend dead letters.
// Redrawn when the hub reports a message sent or dead-lettered, and on "Refresh".

import { api } from "../api.js";
import { badge, clear, fmtTime, h } from "../dom.js";
import { t } from "../i18n.js";
import { isLive, onLiveEvent, startLive } from "../live.js";

const STATUSES = ["pending", "sent", "dead"];
const EVENTS = ["notification_sent", "notification_failed"];

function statusBadge(status) {
  if (status === "pending") return h("span", { class: "badge warn" }, t("notif.s.pending"));
  return badge(status === "sent", t(`notif.s.${status}`));
}

export async function render(view) {
  const filter = h("select", { name: "status" }, h("option", { value: "" }, t("notif.all")),
    STATUSES.map((s) => h("option", { value: s }, t(`notif.s.${s}`))));
  const counts = h("span", { class: "meta", id: "outbox-counts" });
  const live = h("span", { class: "live off" }, t("live.off"));
  const note = h("p", { class: "meta", role: "status", id: "outbox-status" });
  const body = h("tbody");
  const retryAll = h("button", { type: "button", id: "retry-all", hidden: true }, t("notif.retryAll"));
  let sequence = 0;
  const reload = () => load().catch((err) => { note.textContent = err.message; });

  async function retry(json) {
    note.textContent = "";
    try {
      const result = await api("/api/notifications/retry", { method: "POST", json });
      note.textContent = t("notif.requeued", { n: result.requeued });
    } catch (err) { note.textContent = err.message; }
    await reload();
  }
  retryAll.addEventListener("click", () => retry({}));

  async function load() {
    const mine = ++sequence;
    const outbox = await api("/api/notifications", { query: { status: filter.value, limit: 200 } });
    if (mine !== sequence) return; // a newer load is under way
    clear(body);
    if (!outbox.available) {
      body.append(h("tr", {}, h("td", { colspan: 8 }, t("notif.unavailable"))));
      counts.textContent = "";
      retryAll.hidden = true;
      return;
    }
    counts.textContent = STATUSES.map((s) => `${t(`notif.s.${s}`)} ${outbox.counts[s] ?? 0}`).join(" · ");
    retryAll.hidden = !outbox.counts.dead;
    if (!outbox.messages.length) body.append(h("tr", {}, h("td", { colspan: 8 }, t("notif.none"))));
    for (const m of outbox.messages) {
      body.append(h("tr", { dataset: { message: m.id, status: m.status } },
        h("td", {}, fmtTime(m.created_at, true)),
        h("td", { class: "status" }, statusBadge(m.status)),
        h("td", {}, m.recipient),
        h("td", {}, m.address && m.address !== m.target ? `${m.target} → ${m.address}` : m.target),
        h("td", {}, m.title ? [h("strong", {}, m.title), " "] : "", m.message),
        h("td", { class: "attempts" }, String(m.attempts)),
        h("td", { class: "last-error bad" }, m.last_error || ""),
        h("td", {}, m.status === "dead"
          ? h("button", { type: "button", class: "retry", onclick: () => retry({ id: m.id }) }, t("notif.retry")) : "")));
    }
  }

  const showLive = () => {
    const on = isLive(EVENTS);
    live.className = on ? "live on" : "live off";
    live.textContent = on ? t("live.on") : t("live.off");
  };
  filter.addEventListener("change", reload);
  view.append(
    h("div", { class: "bar" }, h("h1", {}, t("notif.title")), counts, live),
    h("p", { class: "meta" }, t("notif.hint")),
    h("div", { class: "row filters" }, h("label", {}, t("notif.status"), filter),
      h("button", { type: "button", id: "refresh", onclick: reload }, t("notif.refresh")), retryAll),
    note,
    h("table", { class: "list", id: "outbox" }, h("thead", {}, h("tr", {},
      ["notif.time", "notif.status", "notif.recipient", "notif.via", "notif.message", "notif.attempts", "notif.error", ""]
        .map((k) => h("th", {}, k ? t(k) : "")))), body));
  await load();

  const stopListening = onLiveEvent((event) => { if (EVENTS.includes(event.event_type)) reload(); });
  document.addEventListener("menjin:live", showLive);
  startLive(EVENTS);
  showLive();
  return () => { stopListening(); document.removeEventListener("menjin:live", showLive); };
}
