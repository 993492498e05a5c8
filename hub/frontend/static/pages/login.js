import { login } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { afterLogin } from "../app.js";

export async function render(view) {
  const error = h("p", { class: "error", role: "alert" });
  const username = h("input", { name: "username", autocomplete: "username", required: true });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const form = h("form", { class: "card login", onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await login(username.value, password.value);
      await afterLogin();
    } catch (err) {
      error.textContent = `${t("login.failed")}: ${err.message}`;
    }
  } },
    h("h1", {}, t("login.title")),
    h("label", {}, t("login.username"), username),
    h("label", {}, t("login.password"), password),
    h("button", { type: "submit", class: "primary" }, t("login.submit")),
    error);
  view.append(form);
  username.focus();
}
