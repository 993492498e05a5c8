// The single page: session, navigation, language and the hash router.

import { api, can, currentUser, loadSession, logout } from "./api.js";
import { clear, h, setTimeZone } from "./dom.js";
import { detectLanguage, getLanguage, setLanguage, t } from "./i18n.js";
import { stopLive } from "./live.js";

const PAGES = {
  login: () => import("./pages/login.js"),
  dashboard: () => import("./pages/dashboard.js"),
  people: () => import("./pages/people.js"),
  person: () => import("./pages/person.js"),
  devices: () => import("./pages/devices.js"),
  log: () => import("./pages/log.js"),
  traces: () => import("./pages/traces.js"),
  guardian: () => import("./pages/guardian.js"),
  notifications: () => import("./pages/notifications.js"),
  schedules: () => import("./pages/schedules.js"),
  users: () => import("./pages/users.js"),
};

const NAV = [
  ["dashboard", "#/", "nav.dashboard"],
  ["people", "#/people", "nav.people"],
  ["log", "#/log", "nav.log"],
  ["devices", "#/devices", "nav.devices"],
  ["traces", "#/traces", "nav.traces"],
  ["notifications", "#/notifications", "nav.notifications"],
  ["schedules", "#/schedules", "nav.schedules"],
  ["users", "#/users", "nav.users"],
  ["guardian", "#/guardian", "nav.guardian"],
];

export const site = { name: "menjin", capture_notice: "", time_zone: undefined };
let cleanup = null;
let renderCount = 0;

function route() {
  const path = location.hash.replace(/^#/, "") || "/";
  const parts = path.split("/").filter(Boolean);
  if (!currentUser) return ["login", {}];
  if (parts.length === 0) return [can("dashboard") ? "dashboard" : "guardian", {}];
  if (parts[0] === "people" && parts[1]) return ["person", { id: decodeURIComponent(parts[1]) }];
  if (parts[0] in PAGES && parts[0] !== "login") return [parts[0], {}];
  return ["dashboard", {}];
}

function renderChrome() {
  const nav = clear(document.getElementById("nav"));
  const [page] = route();
  if (currentUser) {
    for (const [right, href, key] of NAV) {
      if (!can(right)) continue;
      const active = page === right || (right === "people" && page === "person");
      nav.append(h("a", { href, class: active ? "active" : "" }, t(key)));
    }
  }
  document.getElementById("who").textContent = currentUser ? `${currentUser.name || currentUser.username} · ${currentUser.role}` : "";
  const out = document.getElementById("logout");
  out.hidden = !currentUser;
  out.textContent = t("logout");
  document.getElementById("lang").textContent = t("lang.switch");
  document.title = `${site.name} · ${t("app.title")}`;
}

export async function render() {
  const token = ++renderCount;
  if (cleanup) { cleanup(); cleanup = null; }
  renderChrome();
  const [page, params] = route();
  const main = document.getElementById("main");
  let module;
  try {
    module = await PAGES[page]();
  } catch (err) {
    clear(main).append(h("p", { class: "error" }, `${t("error")}: ${err.message}`));
    return;
  }
  if (token !== renderCount) return;
  const view = h("section", { class: `page page-${page}` });
  clear(main).append(view);
  try {
    cleanup = (await module.render(view, params)) || null;
  } catch (err) {
    view.append(h("p", { class: "error" }, err.status === 403 ? t("forbidden") : `${t("error")}: ${err.message}`));
  }
  if (token !== renderCount) return;
  // Tests and `menjin bench ui` read this mark: the page is drawn with its data.
  performance.mark(`menjin:ready:${page}`);
  document.body.dataset.ready = page;
}

export async function afterLogin() {
  await loadSite();
  const prefs = await api("/api/me/preferences").catch(() => null);
  if (prefs && prefs.language && !localStorage.getItem("menjin.lang")) setLanguage(prefs.language);
  location.hash = can("dashboard") ? "#/" : "#/guardian";
  await render();
}

async function loadSite() {
  try {
    Object.assign(site, await api("/api/site"));
    setTimeZone(site.time_zone);
  } catch { /* not logged in */ }
}

async function start() {
  setLanguage(detectLanguage());
  document.getElementById("lang").addEventListener("click", () => {
    setLanguage(getLanguage() === "zh-CN" ? "en" : "zh-CN", true);
    render();
  });
  document.getElementById("logout").addEventListener("click", async () => {
    stopLive();
    await logout();
    location.hash = "#/login";
    render();
  });
  window.addEventListener("hashchange", render);
  // Fetch the session, the site and the page's module at once: one round trip, not three.
  const guess = (location.hash.replace(/^#\/?/, "").split("/")[0] || "dashboard");
  const modulePath = guess === "people" && location.hash.split("/").length > 2 ? "person" : guess;
  if (modulePath in PAGES) PAGES[modulePath]().catch(() => {});
  await Promise.all([loadSession(), loadSite()]);
  await render();
}

start();
