// Users (admin): who may log in with which role, guardians' children, passwords and tokens.
// Password hashes never reach the page; a token's secret is shown once, right after it is made.

import { api, currentUser } from "../api.js";
import { badge, clear, fmtTime, h } from "../dom.js";
import { t } from "../i18n.js";

const ROLES = ["admin", "operator", "installer", "guardian"];
const MIN_PASSWORD = 10;
let pickers = 0;

export async function render(view) {
  const [users, people] = await Promise.all([api("/api/users"), api("/api/people")]);
  const names = new Map(people.map((p) => [p.id, p.name]));
  const status = h("p", { class: "meta", role: "status", id: "users-status" });
  const panel = h("section", { class: "card", id: "user-panel", hidden: true });
  const body = h("tbody");
  const rerender = async (message) => {
    clear(view);
    await render(view);
    if (message) view.querySelector("#users-status").textContent = message;
  };
  if (!users.length) body.append(h("tr", {}, h("td", { colspan: 6 }, t("users.none"))));
  for (const user of users) body.append(userRow(user, names, panel, people, rerender));
  view.append(h("h1", {}, t("users.title")), status,
    h("table", { class: "list", id: "users" }, h("thead", {}, h("tr", {},
      ["users.username", "users.name", "users.role", "users.children", "users.status", ""].map((k) => h("th", {}, k ? t(k) : "")))), body),
    panel, addForm(people, rerender));
}

function userRow(user, names, panel, people, rerender) {
  const self = currentUser && user.id === currentUser.id;
  const path = `/api/users/${encodeURIComponent(user.id)}`;
  const act = (fn) => async () => {
    try { await fn(); } catch (err) { document.getElementById("users-status").textContent = err.message; }
  };
  const actions = [h("button", { type: "button", onclick: () => showPanel(panel, user, people, rerender) }, t("users.manage"))];
  if (!self) {
    actions.push(h("button", { type: "button", class: "toggle", onclick: act(async () => {
      await api(path, { method: "PATCH", json: { active: !user.active } });
      await rerender();
    }) }, user.active ? t("users.disable") : t("users.enable")));
    // Two steps instead of a browser dialog: the first click asks, the second deletes.
    const remove = h("button", { type: "button", class: "delete", onclick: act(async () => {
      if (!remove.dataset.armed) {
        remove.dataset.armed = "1";
        remove.textContent = t("users.confirmDelete", { name: user.username });
        return;
      }
      await api(path, { method: "DELETE" });
      await rerender(t("users.deleted", { name: user.username }));
    }) }, t("users.delete"));
    actions.push(remove);
  }
  return h("tr", { dataset: { user: user.username } },
    h("td", {}, h("strong", {}, user.username), self ? ` ${t("users.you")}` : ""),
    h("td", {}, user.name),
    h("td", { class: "role" }, t(`role.${user.role}`)),
    h("td", { class: "children" }, user.person_ids.map((id) => names.get(id) || id).join(", ")),
    h("td", {}, user.active ? badge(true, t("users.active")) : badge(false, t("users.disabled"))),
    h("td", { class: "actions" }, actions));
}

/** Pick people by name or id from a list; `value()` is the chosen ids. */
function childPicker(people, initial = []) {
  const chosen = [...initial];
  const names = new Map(people.map((p) => [p.id, p.name]));
  const listId = `people-options-${++pickers}`;
  const input = h("input", { name: "child", list: listId, placeholder: t("users.childSearch"), autocomplete: "off" });
  const options = h("datalist", { id: listId }, people.map((p) => h("option", { value: p.id }, p.name)));
  const chips = h("ul", { class: "chips" });
  const error = h("span", { class: "error" });
  const draw = () => clear(chips).append(...chosen.map((id) => h("li", { dataset: { person: id } }, names.get(id) || id,
    h("button", { type: "button", class: "link", title: t("users.removeChild"), "aria-label": `${t("users.removeChild")} ${names.get(id) || id}`,
      onclick: () => { chosen.splice(chosen.indexOf(id), 1); draw(); } }, "×"))));
  // Adds what is typed (an id, or a name exactly); false when it names nobody.
  const add = () => {
    const text = input.value.trim();
    if (!text) return true;
    const match = people.find((p) => p.id === text) || people.find((p) => p.name === text);
    if (!match) { error.textContent = t("users.unknownChild", { id: text }); return false; }
    if (!chosen.includes(match.id)) chosen.push(match.id);
    input.value = "";
    error.textContent = "";
    draw();
    return true;
  };
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); add(); } });
  draw();
  const el = h("div", { class: "picker" }, h("div", { class: "row" }, input,
    h("button", { type: "button", class: "add-child", onclick: add }, t("users.addChild"))), options, chips, error);
  return { el, add, value: () => [...chosen] };
}

/** Two password fields that must agree; `check()` answers an error text or "". */
function passwordPair() {
  const first = h("input", { name: "password", type: "password", autocomplete: "new-password", required: true });
  const second = h("input", { name: "password2", type: "password", autocomplete: "new-password", required: true });
  const check = () => {
    if (first.value.length < MIN_PASSWORD) return t("users.tooShort");
    if (first.value !== second.value) return t("users.mismatch");
    return "";
  };
  const fields = [h("label", {}, t("users.password"), first, h("small", {}, t("users.passwordHint"))),
    h("label", {}, t("users.password2"), second)];
  return { fields, check, value: () => first.value, reset: () => { first.value = ""; second.value = ""; } };
}

function addForm(people, rerender) {
  const username = h("input", { name: "username", required: true, pattern: "[A-Za-z0-9_.@\\-]{2,64}", autocomplete: "off" });
  const name = h("input", { name: "name" });
  const role = h("select", { name: "role" }, ROLES.map((r) => h("option", { value: r }, t(`role.${r}`))));
  role.value = "guardian";
  const password = passwordPair();
  const children = childPicker(people);
  const childrenField = h("label", { class: "children-field" }, t("users.children"), children.el);
  role.addEventListener("change", () => { childrenField.hidden = role.value !== "guardian"; });
  const error = h("p", { class: "error", role: "alert" });
  return h("form", { class: "card", id: "add-user", onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    const problem = password.check();
    if (problem) { error.textContent = problem; return; }
    const guardian = role.value === "guardian";
    if (guardian && !children.add()) return;
    if (guardian && !children.value().length) { error.textContent = t("users.noChild"); return; }
    try {
      const user = await api("/api/users", { method: "POST", json: { username: username.value, name: name.value,
        role: role.value, password: password.value(), person_ids: guardian ? children.value() : [] } });
      await rerender(t("users.created", { name: user.username }));
    } catch (err) { error.textContent = err.message; }
  } },
    h("h2", {}, t("users.add")),
    h("div", { class: "row" }, h("label", {}, t("users.username"), username), h("label", {}, t("users.name"), name),
      h("label", {}, t("users.role"), role)),
    h("div", { class: "row" }, password.fields),
    childrenField,
    h("button", { type: "submit", class: "primary" }, t("users.create")), error);
}

async function showPanel(panel, user, people, rerender) {
  const path = `/api/users/${encodeURIComponent(user.id)}`;
  // Empty the panel first: nothing of the last user (a token just shown) may linger.
  clear(panel).append(h("p", {}, t("loading")));
  panel.dataset.user = user.username;
  panel.hidden = false;
  const tokens = await api(`${path}/tokens`);
  const status = h("p", { class: "meta", role: "status" });
  const fail = (err) => { status.textContent = err.message; };
  clear(panel).append(h("div", { class: "bar" }, h("h2", {}, `${user.username} · ${t(`role.${user.role}`)}`),
    h("button", { type: "button", class: "link", onclick: () => { panel.hidden = true; } }, t("users.close"))));

  if (user.role === "guardian") {
    const children = childPicker(people, user.person_ids);
    panel.append(h("form", { id: "user-children", onsubmit: async (event) => {
      event.preventDefault();
      if (!children.add()) return;
      try {
        await api(path, { method: "PATCH", json: { person_ids: children.value() } });
        await rerender(t("saved"));
      } catch (err) { fail(err); }
    } }, h("h3", {}, t("users.children")), children.el, h("button", { type: "submit" }, t("users.saveChildren"))));
  }

  const password = passwordPair();
  panel.append(h("form", { id: "user-password", onsubmit: async (event) => {
    event.preventDefault();
    const problem = password.check();
    if (problem) { status.textContent = problem; return; }
    try {
      await api(`${path}/password`, { method: "POST", json: { password: password.value() } });
      password.reset();
      status.textContent = t("users.passwordReset");
    } catch (err) { fail(err); }
  } }, h("h3", {}, t("users.resetPassword")), h("div", { class: "row" }, password.fields,
    h("button", { type: "submit" }, t("users.resetPassword")))));

  const list = h("ul", { id: "user-tokens" });
  const tokenRow = (token) => h("li", { dataset: { token: token.id } },
    h("strong", {}, token.name), ` · ${t("users.createdAt")} ${fmtTime(token.created_at, true)} · `,
    token.expired ? h("span", { class: "bad" }, t("users.expired"))
      : token.expires_at ? `${t("users.expires")} ${fmtTime(token.expires_at, true)}` : t("users.never"), " ",
    h("button", { type: "button", class: "link", onclick: async () => {
      try {
        await api(`${path}/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" });
        drawTokens(await api(`${path}/tokens`));
      } catch (err) { fail(err); }
    } }, t("users.revoke")));
  const drawTokens = (items) => clear(list).append(...(items.length ? items.map(tokenRow) : [h("li", {}, t("users.noTokens"))]));
  drawTokens(tokens);
  const tokenName = h("input", { name: "token_name", required: true, maxlength: 100 });
  const days = h("input", { name: "lifetime_days", type: "number", min: "1", max: "3650", step: "1" });
  const secret = h("div", { id: "new-token", class: "notice", hidden: true });
  panel.append(h("h3", {}, t("users.tokens")), list, h("form", { id: "user-token", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const json = { name: tokenName.value };
      if (days.value) json.lifetime_days = Number(days.value);
      const created = await api(`${path}/tokens`, { method: "POST", json });
      tokenName.value = "";
      days.value = "";
      // The only time the secret is on screen; it is not kept anywhere in the page.
      clear(secret).append(h("p", {}, t("users.tokenOnce")), h("code", { class: "secret" }, created.token));
      secret.hidden = false;
      drawTokens(await api(`${path}/tokens`));
    } catch (err) { fail(err); }
  } }, h("div", { class: "row" }, h("label", {}, t("users.tokenName"), tokenName), h("label", {}, t("users.tokenDays"), days),
    h("button", { type: "submit" }, t("users.createToken")))), secret, status);
}
