// The hub's REST API with the session cookie; writes carry the CSRF token.

let csrfToken = null;
export let currentUser = null;

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export async function api(path, { method = "GET", json, form, query } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const headers = {};
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const response = await fetch(url, { method, headers, body, credentials: "same-origin" });
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("application/json") ? await response.json() : await response.text();
  if (!response.ok) {
    const message = data && data.error ? data.error : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, data);
  }
  return data;
}

/** The session's CSRF token, which the live socket also presents. */
export function sessionCsrfToken() {
  return csrfToken;
}

export async function loadSession() {
  try {
    const me = await api("/api/auth/me");
    currentUser = me.user;
    csrfToken = me.csrf_token;
  } catch (err) {
    if (err.status !== 401) throw err;
    currentUser = null;
    csrfToken = null;
  }
  return currentUser;
}

export async function login(username, password) {
  const result = await api("/api/auth/login", { method: "POST", json: { username, password } });
  currentUser = result.user;
  csrfToken = result.csrf_token;
  return currentUser;
}

export async function logout() {
  try { await api("/api/auth/logout", { method: "POST" }); } finally {
    currentUser = null;
    csrfToken = null;
  }
}

// What each role sees in the UI; the API checks the same rules again on every request.
const ROLE_RIGHTS = {
  admin: ["dashboard", "people", "manage_people", "enrol", "biometrics", "log", "devices", "traces", "users",
    "notifications", "schedules", "manage_schedules"],
  operator: ["dashboard", "people", "enrol", "log", "traces", "notifications", "schedules"],
  installer: ["dashboard", "devices", "traces"],
  guardian: ["guardian"],
};

export function can(right) {
  return !!currentUser && (ROLE_RIGHTS[currentUser.role] || []).includes(right);
}
