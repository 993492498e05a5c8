// Build DOM nodes without innerHTML: every text goes in as text, never as markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value" || key === "checked" || key === "disabled" || key === "hidden") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let zone = undefined;
export function setTimeZone(tz) { zone = tz || undefined; }

export function fmtTime(iso, withDate = false) {
  if (!iso) return "";
  const when = typeof iso === "number" ? new Date(iso * 1000) : new Date(iso);
  const options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: zone };
  if (withDate) Object.assign(options, { year: "numeric", month: "2-digit", day: "2-digit" });
  return new Intl.DateTimeFormat(document.documentElement.lang || "en", options).format(when);
}

/** Today's date in the site's time zone, as YYYY-MM-DD. */
export function today() {
  return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone })
    .format(new Date());
}

export function badge(ok, text) {
  return h("span", { class: ok ? "badge ok" : "badge bad" }, text);
}
