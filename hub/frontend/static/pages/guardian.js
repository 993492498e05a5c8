// A guardian's page: their children, today's entries and exits (live), notification preferences.

import { api } from "../api.js";
import { badge, clear, fmtTime, h } from "../dom.js";
import { getLanguage, setLanguage, t } from "../i18n.js";
import { onLiveEvent, startLive } from "../live.js";
import { render as rerenderApp } from "../app.js";

function passageRow(r, names) {
  const entered = r.direction === "in";
  return h("li", { class: r.granted ? "decision ok" : "decision bad", dataset: { person: r.person_id || "" } },
    h("time", {}, fmtTime(r.time, true)),
    badge(r.granted, r.granted ? (entered ? t("dir.in") : t("dir.out")) : t("denied")),
    h("strong", {}, names.get(r.person_id) || r.person_id),
    h("span", { class: "where" }, r.gate_name || r.gate),
    r.granted ? null : h("span", { class: "reasons" }, (r.reasons || []).join("; ")));
}

export async function render(view) {
  const [children, log, prefs] = await Promise.all([
    api("/api/me/children"), api("/api/access-log", { query: { limit: 50 } }), api("/api/me/preferences")]);
  const names = new Map(children.map((c) => [c.id, c.name]));
  view.append(h("h1", {}, t("guardian.title")));
  if (!children.length) view.append(h("p", {}, t("guardian.none")));
  const cards = h("div", { class: "gates" });
  for (const child of children) {
    const here = child.presence.find((p) => p.inside);
    const last = child.presence[0];
    cards.append(h("article", { class: "gate child", dataset: { child: child.id } },
      h("h3", {}, child.name),
      h("p", { class: "meta" }, child.groups.join(", ")),
      h("p", {}, here ? badge(true, t("guardian.inside")) : badge(false, last ? t("guardian.outside") : t("guardian.unknown")),
        last ? ` ${t("since")} ${fmtTime(last.since)}` : "")));
  }
  const feed = h("ol", { class: "feed", id: "child-feed" }, log.map((r) => passageRow(r, names)));
  view.append(cards, h("h2", {}, t("guardian.today")), feed, prefsForm(prefs));
  const stop = onLiveEvent((event) => {
    if (event.event_type !== "access_decision") return;
    feed.prepend(passageRow({ ...event.data, time: event.time_fired }, names));
  });
  startLive(["access_decision"]);
  return stop;
}

function prefsForm(prefs) {
  const box = (key) => h("label", { class: "check" }, h("input", { type: "checkbox", name: key, checked: !!prefs.notify[key] }), t(`guardian.${key}`));
  const boxes = ["entry", "exit", "denied", "fever"].map(box);
  const channel = h("select", { name: "channel" }, ["app", "sms", "email", "wechat"].map((c) => h("option", { value: c }, c)));
  channel.value = prefs.channel;
  const language = h("select", { name: "language" }, h("option", { value: "zh-CN" }, "中文"), h("option", { value: "en" }, "English"));
  language.value = prefs.language || getLanguage();
  const status = h("span", { class: "meta", role: "status" });
  return h("form", { class: "card", id: "prefs", onsubmit: async (event) => {
    event.preventDefault();
    const notify = {};
    for (const label of boxes) { const input = label.querySelector("input"); notify[input.name] = input.checked; }
    await api("/api/me/preferences", { method: "PUT", json: { notify, channel: channel.value, language: language.value } });
    status.textContent = t("guardian.saved");
    if (language.value !== getLanguage()) { setLanguage(language.value, true); rerenderApp(); }
  } }, h("h2", {}, t("guardian.prefs")), h("div", { class: "row" }, boxes),
  h("div", { class: "row" }, h("label", {}, t("guardian.channel"), channel), h("label", {}, t("guardian.language"), language)),
  h("button", { type: "submit", class: "primary" }, t("people.save")), " ", status);
}
