// Schedules: weekly time windows, holiday calendars and who has them where.
// Administrators create, edit and assign them; operators read them.

import { api, can } from "../api.js";
import { clear, h, today } from "../dom.js";
import { t } from "../i18n.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** "mon,tue,wed,thu,fri 07:00-17:30" → "Mon–Fri 07:00-17:30" in the page's language. */
function fmtWindow(text) {
  const [days, hours] = text.split(" ");
  const indexes = days.split(",").map((d) => DAYS.indexOf(d)).filter((i) => i >= 0).sort((a, b) => a - b);
  const runs = [];
  for (const i of indexes) {
    const last = runs[runs.length - 1];
    if (last && i === last[1] + 1) last[1] = i; else runs.push([i, i]);
  }
  const day = (i) => t(`day.${DAYS[i]}`);
  return `${runs.map(([a, b]) => (a === b ? day(a) : `${day(a)}–${day(b)}`)).join(", ")} ${hours}`;
}

function holidayList(days) {
  const now = today();
  const upcoming = days.filter((d) => d >= now);
  const past = days.length - upcoming.length;
  if (!days.length) return t("sched.noHolidays");
  return (upcoming.length ? upcoming.join(", ") : t("sched.noHolidays")) + (past ? ` (${t("sched.past", { n: past })})` : "");
}

export async function render(view) {
  const schedules = await api("/api/schedules");
  const rerender = async () => { clear(view); await render(view); };
  const manage = can("manage_schedules");
  const form = manage ? scheduleForm(rerender) : null;
  view.append(h("h1", {}, t("sched.title")));
  if (!manage) view.append(h("p", { class: "notice", id: "read-only" }, t("sched.readOnly")));
  if (!schedules.length) view.append(h("p", {}, t("sched.none")));
  for (const s of schedules) {
    view.append(h("article", { class: "card schedule", dataset: { schedule: s.id } },
      h("div", { class: "bar" }, h("h2", {}, s.name, " ", h("small", { class: "meta" }, s.id)),
        manage ? h("button", { type: "button", class: "edit", onclick: () => form.edit(s) }, t("sched.edit")) : null),
      h("table", { class: "list" }, h("tbody", {},
        h("tr", {}, h("th", {}, t("sched.windows")), h("td", { class: "windows" },
          h("ul", {}, s.windows.map((w) => h("li", { title: w }, fmtWindow(w)))))),
        h("tr", {}, h("th", {}, t("sched.holidays")), h("td", { class: "holidays" }, s.calendars.length
          ? h("ul", {}, s.calendars.map((c) => h("li", { dataset: { calendar: c } }, h("strong", {}, c), ": ",
            holidayList(s.holidays[c] || []))))
          : t("sched.noHolidays"))),
        h("tr", {}, h("th", {}, t("sched.assignments")), h("td", { class: "assignments" }, s.assignments.length
          ? h("ul", {}, s.assignments.map((a) => h("li", {}, `${t(`sched.subject.${a.subject_type}`)} ${a.subject} · `,
            a.target === "*" ? t("sched.everywhere") : a.target)))
          : t("sched.unassigned"))))),
      manage ? assignForm(s, rerender) : null));
  }
  if (form) view.append(form.el);
  view.append(h("p", { class: "meta" }, t("sched.holidayNote")));
}

function assignForm(schedule, rerender) {
  const type = h("select", { name: "subject_type" }, ["group", "person"].map((k) => h("option", { value: k }, t(`sched.subject.${k}`))));
  const subject = h("input", { name: "subject", required: true, placeholder: "class_3a" });
  const target = h("input", { name: "target", placeholder: "main_gate" });
  const error = h("p", { class: "error" });
  return h("form", { class: "assign", onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    const json = { subject_type: type.value, subject: subject.value.trim() };
    if (target.value.trim()) json.target = target.value.trim();
    try {
      await api(`/api/schedules/${encodeURIComponent(schedule.id)}/assign`, { method: "POST", json });
      await rerender();
    } catch (err) { error.textContent = err.message; }
  } }, h("div", { class: "row" }, h("label", {}, t("sched.subjectType"), type), h("label", {}, t("sched.subject"), subject),
    h("label", {}, t("sched.target"), target), h("button", { type: "submit" }, t("sched.assign"))), error);
}

function scheduleForm(rerender) {
  const title = h("h2", {}, t("sched.add"));
  const id = h("input", { name: "id", required: true, pattern: "[a-z0-9_]{1,64}", placeholder: "school_days" });
  const name = h("input", { name: "name" });
  const windows = h("textarea", { name: "windows", rows: 3, required: true, placeholder: "mon-fri 07:00-18:00" });
  const calendars = h("input", { name: "calendars", placeholder: "cn_public" });
  const error = h("p", { class: "error", role: "alert" });
  const el = h("form", { class: "card", id: "schedule-form", onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    const json = { windows: windows.value.split("\n").map((w) => w.trim()).filter(Boolean),
      calendars: calendars.value.split(/[,，\s]+/).filter(Boolean) };
    if (name.value.trim()) json.name = name.value.trim();
    try {
      await api(`/api/schedules/${encodeURIComponent(id.value)}`, { method: "PUT", json });
      await rerender();
    } catch (err) { error.textContent = err.message; }
  } }, title,
    h("div", { class: "row" }, h("label", {}, t("sched.id"), id), h("label", {}, t("sched.name"), name),
      h("label", {}, t("sched.calendars"), calendars, h("small", {}, t("sched.calendarsHelp")))),
    h("label", {}, t("sched.windows"), windows, h("small", {}, t("sched.windowsHelp"))),
    h("button", { type: "submit", class: "primary" }, t("sched.save")), error);
  const edit = (s) => {
    title.textContent = t("sched.editing", { id: s.id });
    id.value = s.id;
    id.readOnly = true;
    name.value = s.name;
    windows.value = s.windows.join("\n");
    calendars.value = s.calendars.join(", ");
    el.scrollIntoView();
    windows.focus();
  };
  return { el, edit };
}
