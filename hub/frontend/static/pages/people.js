// People list with search and kind filter; administrators add people here.

import { api, can } from "../api.js";
import { clear, h } from "../dom.js";
import { t } from "../i18n.js";

const KINDS = ["student", "staff", "resident", "visitor", "contractor"];

export async function render(view) {
  const search = h("input", { type: "search", placeholder: t("people.search"), name: "search" });
  const kind = h("select", { name: "kind" }, h("option", { value: "" }, t("people.all")),
    KINDS.map((k) => h("option", { value: k }, t(`kind.${k}`))));
  const table = h("tbody");
  async function load() {
    const people = await api("/api/people", { query: { search: search.value, kind: kind.value } });
    clear(table);
    if (!people.length) table.append(h("tr", {}, h("td", { colspan: 5 }, t("people.none"))));
    for (const p of people) {
      table.append(h("tr", {},
        h("td", {}, h("a", { href: `#/people/${encodeURIComponent(p.id)}` }, p.name)),
        h("td", {}, p.id), h("td", {}, t(`kind.${p.kind}`)),
        h("td", {}, p.groups.join(", ")), h("td", {}, t(`status.${p.status}`))));
    }
  }
  search.addEventListener("input", load);
  kind.addEventListener("change", load);
  view.append(h("div", { class: "bar" }, h("h1", {}, t("people.title")), search, kind),
    h("table", { class: "list" }, h("thead", {}, h("tr", {},
      ["people.name", "people.id", "people.kind", "people.groups", "people.status"].map((k) => h("th", {}, t(k))))), table));
  if (can("manage_people")) view.append(addForm());
  await load();
}

function addForm() {
  const error = h("p", { class: "error" });
  const fields = {
    id: h("input", { name: "id", pattern: "[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}" }),
    name: h("input", { name: "name", required: true }),
    kind: h("select", { name: "kind" }, KINDS.map((k) => h("option", { value: k }, t(`kind.${k}`)))),
    groups: h("input", { name: "groups", placeholder: "class_3a" }),
    birth_date: h("input", { name: "birth_date", type: "date" }),
  };
  return h("form", { class: "card", id: "add-person", onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = { name: fields.name.value, kind: fields.kind.value,
      groups: fields.groups.value.split(/[,，\s]+/).filter(Boolean) };
    if (fields.id.value) body.id = fields.id.value;
    if (fields.birth_date.value) body.birth_date = fields.birth_date.value;
    try {
      const person = await api("/api/people", { method: "POST", json: body });
      location.hash = `#/people/${encodeURIComponent(person.id)}`;
    } catch (err) { error.textContent = err.message; }
  } },
    h("h2", {}, t("people.add")),
    h("div", { class: "row" },
      h("label", {}, t("people.id"), fields.id), h("label", {}, t("people.name"), fields.name),
      h("label", {}, t("people.kind"), fields.kind), h("label", {}, t("people.groups"), fields.groups),
      h("label", {}, t("people.birth"), fields.birth_date)),
    h("button", { type: "submit", class: "primary" }, t("people.save")), error);
}
