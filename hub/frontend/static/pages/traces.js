// Automation traces: each run, why it stopped, and every step.

import { api } from "../api.js";
import { badge, fmtTime, h } from "../dom.js";
import { t } from "../i18n.js";

export async function render(view) {
  const [automations, traces] = await Promise.all([api("/api/automations"), api("/api/traces", { query: { limit: 100 } })]);
  view.append(h("h1", {}, t("traces.title")),
    h("p", { class: "meta" }, automations.map((a) => `${a.alias}${a.enabled ? "" : " (off)"}`).join(" · ")));
  if (!traces.length) { view.append(h("p", {}, t("traces.none"))); return; }
  for (const trace of traces) {
    view.append(h("details", { class: "trace card" },
      h("summary", {}, badge(trace.outcome === "finished", trace.outcome), " ", h("strong", {}, trace.automation),
        ` · ${fmtTime(trace.started, true)} · ${trace.duration_ms ?? "…"} ms`, trace.reason ? ` · ${trace.reason}` : ""),
      h("ol", {}, trace.steps.map((s) => h("li", {}, h("code", {}, s.path), ` ${s.kind} · ${s.duration_ms} ms `,
        s.error ? h("span", { class: "bad" }, s.error) : h("code", { class: "result" }, JSON.stringify(s.result)))))));
  }
}
