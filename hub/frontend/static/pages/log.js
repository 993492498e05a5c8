// The access log with filters and CSV export.

import { api } from "../api.js";
import { badge, clear, fmtTime, h } from "../dom.js";
import { t } from "../i18n.js";

export async function render(view) {
  const gatesLoading = api("/api/gates").catch(() => []);
  const firstRows = api("/api/access-log", { query: { limit: 200 } });
  const gates = await gatesLoading;
  const person = h("input", { name: "person", placeholder: "lina" });
  const gate = h("select", { name: "gate" }, h("option", { value: "" }, t("people.all")), gates.map((g) => h("option", { value: g.id }, g.name)));
  const decision = h("select", { name: "decision" }, h("option", { value: "" }, t("people.all")),
    h("option", { value: "granted" }, t("granted")), h("option", { value: "denied" }, t("denied")));
  const since = h("input", { name: "since", type: "datetime-local" });
  const until = h("input", { name: "until", type: "datetime-local" });
  const csv = h("a", { class: "button", download: "access-log.csv" }, t("log.csv"));
  const body = h("tbody");
  const iso = (value) => (value ? new Date(value).toISOString() : "");
  let first = firstRows;
  async function load() {
    const query = { person: person.value, gate: gate.value, decision: decision.value, since: iso(since.value), until: iso(until.value), limit: 200 };
    const params = new URLSearchParams(Object.entries({ ...query, format: "csv" }).filter(([, v]) => v));
    csv.href = `/api/access-log?${params}`;
    const rows = first ? await first : await api("/api/access-log", { query });
    first = null;
    clear(body);
    if (!rows.length) body.append(h("tr", {}, h("td", { colspan: 7 }, t("log.none"))));
    for (const r of rows) {
      body.append(h("tr", {}, h("td", {}, fmtTime(r.time, true)), h("td", {}, badge(r.granted, r.granted ? t("granted") : t("denied"))),
        h("td", {}, r.person_id || "—"), h("td", {}, `${r.gate} · ${t(`dir.${r.direction}`)}`), h("td", {}, r.credential || ""),
        h("td", {}, r.reasons.join("; ")), h("td", {}, r.passage || "")));
    }
  }
  view.append(h("h1", {}, t("log.title")),
    h("form", { class: "row filters", onsubmit: (e) => { e.preventDefault(); load(); } },
      h("label", {}, t("log.person"), person), h("label", {}, t("log.gate"), gate), h("label", {}, t("log.decision"), decision),
      h("label", {}, t("log.since"), since), h("label", {}, t("log.until"), until),
      h("button", { type: "submit", class: "primary" }, t("log.filter")), csv),
    h("table", { class: "list", id: "log" }, h("thead", {}, h("tr", {},
      ["log.time", "log.decision", "log.person", "log.gate", "log.credential", "log.reasons", "log.passage"].map((k) => h("th", {}, t(k))))), body));
  await load();
}
