// One person: details, guardians, consents, credentials, and face enrolment with quality feedback.

import { api, can } from "../api.js";
import { badge, clear, fmtTime, h } from "../dom.js";
import { t } from "../i18n.js";
import { site } from "../app.js";

const PURPOSES = ["gate_entry", "attendance", "guardian_notifications", "snapshot"];

export async function render(view, { id }) {
  const path = `/api/people/${encodeURIComponent(id)}`;
  const [person, guardians, consents, credentials] = await Promise.all([
    api(path), api(`${path}/guardians`), api(`${path}/consents`), api(`${path}/credentials`)]);
  const rerender = async () => { clear(view); await render(view, { id }); };
  const gateConsent = consents.find((c) => c.purpose === "gate_entry" && c.active);
  view.append(
    h("div", { class: "bar" }, h("h1", {}, person.name), badge(person.status === "active", t(`status.${person.status}`)),
      can("manage_people") ? h("button", { type: "button", onclick: async () => {
        await api(`${path}/status`, { method: "POST", json: { status: person.status === "active" ? "suspended" : "active" } });
        await rerender();
      } }, person.status === "active" ? t("person.suspend") : t("person.activate")) : null),
    h("p", { class: "meta" }, `${person.id} · ${t(`kind.${person.kind}`)} · ${person.groups.join(", ")}`
      + (person.birth_date ? ` · ${person.birth_date}` : "")),
    h("div", { class: "columns" },
      h("div", {}, guardianCard(path, guardians, rerender), consentCard(path, consents, guardians, rerender),
        credentialCard(path, credentials, rerender)),
      h("div", {}, enrolCard(path, person, gateConsent, credentials, rerender))));
}

function guardianCard(path, guardians, rerender) {
  const card = h("section", { class: "card", id: "guardians" }, h("h2", {}, t("person.guardians")),
    h("ul", {}, guardians.map((g) => h("li", {}, `${g.name} (${g.relation})`, g.targets.length ? ` · ${g.targets.join(", ")}` : ""))));
  if (can("manage_people")) {
    const name = h("input", { name: "guardian_name", required: true });
    const relation = h("input", { name: "relation", required: true, placeholder: "mother" });
    const targets = h("input", { name: "targets", placeholder: "app:user, sms:+86…" });
    const error = h("p", { class: "error" });
    card.append(h("form", { onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api(`${path}/guardians`, { method: "POST", json: { name: name.value, relation: relation.value,
          targets: targets.value.split(/[,，]\s*/).filter(Boolean) } });
        await rerender();
      } catch (err) { error.textContent = err.message; }
    } }, h("div", { class: "row" }, h("label", {}, t("people.name"), name), h("label", {}, t("person.relation"), relation),
      h("label", {}, t("person.targets"), targets)), h("button", { type: "submit" }, t("person.addGuardian")), error));
  }
  return card;
}

function consentCard(path, consents, guardians, rerender) {
  const rows = consents.map((c) => h("tr", { dataset: { purpose: c.purpose } },
    h("td", {}, t(`purpose.${c.purpose}`)),
    h("td", {}, c.granted_by_role === "guardian" ? `${c.granted_by} (${t("consent.guardian")})` : c.granted_by),
    h("td", {}, `${c.channel} · ${c.text_version}`),
    h("td", {}, fmtTime(c.granted_at, true)),
    h("td", {}, c.active ? badge(true, t("consent.active")) : badge(false, `${t("consent.withdrawn")} ${fmtTime(c.withdrawn_at, true)}`)),
    h("td", {}, c.active && can("manage_people") ? h("button", { type: "button", class: "link", onclick: async () => {
      await api(`${path}/consents/${c.purpose}/withdraw`, { method: "POST", json: { withdrawn_by: c.granted_by, channel: "web" } });
      await rerender();
    } }, t("consent.withdraw")) : "")));
  const card = h("section", { class: "card", id: "consents" }, h("h2", {}, t("consent.title")),
    consents.length ? h("table", { class: "list" }, h("tbody", {}, rows)) : h("p", {}, t("consent.none")));
  if (can("manage_people")) {
    const purpose = h("select", { name: "purpose" }, PURPOSES.map((p) => h("option", { value: p }, t(`purpose.${p}`))));
    const giver = h("select", { name: "guardian_id" }, h("option", { value: "" }, t("consent.self")),
      guardians.map((g) => h("option", { value: g.id }, `${g.name} (${g.relation})`)));
    const by = h("input", { name: "granted_by", required: true });
    const channel = h("select", { name: "channel" }, ["paper", "web", "kiosk", "app"].map((c) => h("option", { value: c }, c)));
    const version = h("input", { name: "text_version", required: true, value: "v1" });
    giver.addEventListener("change", () => {
      const g = guardians.find((x) => x.id === giver.value);
      if (g) by.value = g.name;
    });
    if (guardians.length) { giver.value = guardians[0].id; by.value = guardians[0].name; }
    const error = h("p", { class: "error" });
    card.append(h("form", { id: "grant-consent", onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = "";
      try {
        await api(`${path}/consents`, { method: "POST", json: { purpose: purpose.value, granted_by: by.value,
          channel: channel.value, text_version: version.value, guardian_id: giver.value || null } });
        await rerender();
      } catch (err) { error.textContent = err.message; }
    } }, h("div", { class: "row" }, h("label", {}, t("consent.purpose"), purpose), h("label", {}, t("consent.guardian"), giver),
      h("label", {}, t("consent.by"), by), h("label", {}, t("consent.channel"), channel), h("label", {}, t("consent.version"), version)),
    h("button", { type: "submit", class: "primary" }, t("consent.grant")), error));
  }
  return card;
}

function credentialCard(path, credentials, rerender) {
  const card = h("section", { class: "card", id: "credentials" }, h("h2", {}, t("cred.title")),
    credentials.length ? h("ul", {}, credentials.map((c) => h("li", { dataset: { type: c.type } }, `${c.type} · ${fmtTime(c.created_at, true)}`,
      c.valid_until ? ` → ${fmtTime(c.valid_until, true)}` : "",
      can("manage_people") ? h("button", { type: "button", class: "link", onclick: async () => {
        await api(`/api/credentials/${encodeURIComponent(c.id)}`, { method: "DELETE" });
        await rerender();
      } }, t("cred.revoke")) : null))) : h("p", {}, t("cred.none")));
  if (can("manage_people")) {
    const number = h("input", { name: "card_number", inputmode: "numeric" });
    const pin = h("input", { name: "pin", type: "password", inputmode: "numeric" });
    const out = h("p", { class: "error" });
    const act = (fn) => async (event) => { event.preventDefault(); out.textContent = ""; try { await fn(); } catch (err) { out.textContent = err.message; } };
    card.append(h("div", { class: "row" },
      h("form", { onsubmit: act(async () => { await api(`${path}/credentials/card`, { method: "POST", json: { number: number.value } }); await rerender(); }) },
        h("label", {}, t("cred.card"), number), h("button", { type: "submit" }, t("cred.addCard"))),
      h("form", { onsubmit: act(async () => { await api(`${path}/credentials/pin`, { method: "POST", json: { pin: pin.value } }); await rerender(); }) },
        h("label", {}, t("cred.pin"), pin), h("button", { type: "submit" }, t("cred.setPin"))),
      h("form", { onsubmit: act(async () => {
        const qr = await api(`${path}/credentials/qr`, { method: "POST", json: { hours: 24 } });
        await rerender();
        alert(`${t("cred.token")}:\n${qr.token}`);
      }) }, h("button", { type: "submit" }, t("cred.issueQr")))), out);
  }
  return card;
}

function enrolCard(path, person, gateConsent, credentials, rerender) {
  const faces = credentials.filter((c) => c.type === "face");
  const card = h("section", { class: "card", id: "enrol" }, h("h2", {}, t("enrol.title")),
    h("aside", { class: "notice", id: "capture-notice" }, h("strong", {}, t("enrol.notice")), h("p", {}, site.capture_notice)));
  if (faces.length) card.append(h("p", {}, badge(true, t("enrol.enrolled")), ` ${faces.length}`,
    can("manage_people") ? h("button", { type: "button", class: "link", onclick: async () => {
      await api(`${path}/face`, { method: "DELETE" }); await rerender();
    } }, t("enrol.delete")) : null));
  if (!can("enrol")) return card;
  if (!gateConsent) {
    card.append(h("p", { class: "warn", id: "need-consent" }, t("enrol.needConsent")));
    return card;
  }
  const photos = [];
  const previews = h("div", { class: "previews" });
  const result = h("div", { class: "result", id: "enrol-result", "aria-live": "polite" });
  const file = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp", multiple: true, name: "photo" });
  const video = h("video", { autoplay: true, playsinline: true, muted: true, hidden: true });
  let stream = null;
  const addPhoto = (blob) => {
    photos.push(blob);
    const url = URL.createObjectURL(blob);
    previews.append(h("img", { src: url, alt: `photo ${photos.length}` }));
  };
  file.addEventListener("change", () => { for (const f of file.files) addPhoto(f); });
  const cameraButton = h("button", { type: "button", onclick: async () => {
    if (stream) { stream.getTracks().forEach((tr) => tr.stop()); stream = null; video.hidden = true; captureButton.hidden = true; cameraButton.textContent = t("enrol.camera"); return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, facingMode: "user" } });
      video.srcObject = stream;
      video.hidden = false;
      captureButton.hidden = false;
      cameraButton.textContent = t("enrol.stopCamera");
    } catch (err) { result.textContent = `${t("enrol.cameraError")}: ${err.message}`; }
  } }, t("enrol.camera"));
  const captureButton = h("button", { type: "button", hidden: true, onclick: () => {
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth || 640;
    canvas.height = video.videoHeight || 480;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => { if (blob) { addPhoto(blob); check(blob); } }, "image/jpeg", 0.92);
  } }, t("enrol.capture"));
  const form = () => {
    const data = new FormData();
    photos.forEach((p, i) => data.append("photo", p, `photo${i}.jpg`));
    return data;
  };
  async function check(blob) {
    const data = new FormData();
    data.append("photo", blob, "check.jpg");
    try {
      const verdict = await api("/api/face/check", { method: "POST", form: data });
      clear(result).append(h("p", {}, badge(verdict.ok, verdict.ok ? t("enrol.ok") : t("enrol.bad")), " ",
        verdict.reasons.join("; ")));
    } catch (err) { clear(result).append(h("p", { class: "error" }, err.message)); }
  }
  const checkButton = h("button", { type: "button", onclick: () => {
    if (!photos.length) { result.textContent = t("enrol.noPhoto"); return; }
    check(photos[photos.length - 1]);
  } }, t("enrol.check"));
  const submit = h("button", { type: "button", class: "primary", id: "enrol-submit", onclick: async () => {
    if (!photos.length) { result.textContent = t("enrol.noPhoto"); return; }
    submit.disabled = true;
    try {
      const outcome = await api(`${path}/face`, { method: "POST", form: form() });
      showOutcome(outcome);
      setTimeout(rerender, 1500);
    } catch (err) {
      if (err.body && "accepted" in err.body) showOutcome(err.body);
      else clear(result).append(h("p", { class: "error" }, err.message));
    } finally { submit.disabled = false; }
  } }, t("enrol.submit"));
  function showOutcome(outcome) {
    clear(result).append(
      h("p", {}, badge(outcome.enrolled, outcome.enrolled ? t("enrol.accepted", { n: outcome.accepted }) : t("enrol.bad"))),
      h("ul", {}, outcome.rejected.map((r) => h("li", { class: "bad" }, `${t("enrol.rejected", { i: r.index + 1 })}: ${r.reasons.join("; ")}`)),
        outcome.warnings.map((w) => h("li", { class: "warn" }, `${t("enrol.warning")}: ${w}`))));
  }
  card.append(h("label", { class: "file" }, t("enrol.file"), file),
    h("div", { class: "row" }, cameraButton, captureButton, checkButton, submit), video, previews,
    h("p", { class: "meta" }, t("enrol.notStored")), result);
  return card;
}
