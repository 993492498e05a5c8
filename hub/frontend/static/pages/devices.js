// Devices: pending discoveries (an installer confirms actuators), adopted and ignored ones.

import { api } from "../api.js";
import { badge, clear, fmtTime, h } from "../dom.js";
import { t } from "../i18n.js";

export async function render(view) {
  const body = h("tbody");
  async function load() {
    const devices = await api("/api/devices");
    clear(body);
    if (!devices.length) body.append(h("tr", {}, h("td", { colspan: 6 }, t("devices.none"))));
    for (const d of devices) {
      const act = (action) => h("button", { type: "button", onclick: async () => {
        await api(`/api/devices/${encodeURIComponent(d.id)}/${action}`, { method: "POST" });
        await load();
      } }, t(`devices.${action}`));
      body.append(h("tr", { class: d.status === "pending" ? "pending" : "", dataset: { device: d.id } },
        h("td", {}, h("strong", {}, d.name), h("br"), h("small", {}, `${d.manufacturer || ""} ${d.model || ""}`)),
        h("td", {}, d.status === "pending" ? badge(false, t("devices.pending")) : d.status),
        h("td", {}, `${d.source} · ${d.integration}`),
        h("td", {}, d.actuator ? "⚠ actuator" : ""),
        h("td", {}, d.entities.join(", ")),
        h("td", {}, d.status === "pending" ? [act("confirm"), " ", act("ignore")] : fmtTime(d.last_seen, true))));
    }
  }
  view.append(h("h1", {}, t("devices.title")), h("table", { class: "list" }, h("thead", {}, h("tr", {},
    ["devices.title", "devices.status", "devices.source", "", "devices.entities", ""].map((k) => h("th", {}, k ? t(k) : "")))), body));
  await load();
}
