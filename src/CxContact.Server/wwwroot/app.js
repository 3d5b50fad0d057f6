// The admin UI: a thin client of /api/v1. The API key lives in sessionStorage, so it ends with the tab.
const $ = (sel) => document.querySelector(sel);
let key = sessionStorage.getItem("cxc.apiKey");

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw Object.assign(new Error(data?.title ?? res.statusText), { problem: data, status: res.status });
  return data;
}

// Problem details name the field that is wrong; show every one of them.
function showError(e) {
  const box = $("#error");
  box.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = e.problem?.title ?? e.message;
  box.append(title);
  if (e.problem?.detail) box.append(document.createTextNode(" " + e.problem.detail));
  const errors = e.problem?.errors ?? {};
  if (Object.keys(errors).length) {
    const list = document.createElement("ul");
    for (const [field, messages] of Object.entries(errors))
      for (const m of messages) {
        const li = document.createElement("li");
        li.textContent = `${field}: ${m}`;
        list.append(li);
      }
    box.append(list);
  }
  box.hidden = false;
}

function clearError() { $("#error").hidden = true; }

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    if (c instanceof Node) td.append(c); else td.textContent = c ?? "";
    tr.append(td);
  }
  return tr;
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");

function showNewKey(k) {
  $("#new-key-value").textContent = k.key;
  $("#new-key").hidden = false;
}

async function loadTenants() {
  const tenants = await api("GET", "/api/v1/tenants");
  $("#tenants tbody").replaceChildren(...tenants.map((t) => row([t.name, t.id, t.status, when(t.createdAt)])));
}

async function loadKeys() {
  const keys = await api("GET", "/api/v1/api-keys");
  $("#keys tbody").replaceChildren(...keys.map((k) => {
    let action = k.revokedAt ? "revoked " + when(k.revokedAt) : null;
    if (!action) {
      action = document.createElement("button");
      action.textContent = "Revoke";
      action.onclick = () => run(async () => { await api("DELETE", `/api/v1/api-keys/${k.id}`); await loadKeys(); });
    }
    return row([k.name, k.role, k.hint + "…", when(k.createdAt), when(k.lastUsedAt), action]);
  }));
}

async function run(action) {
  clearError();
  try { await action(); } catch (e) { showError(e); }
}

async function signIn() {
  const me = await api("GET", "/api/v1/me");
  $("#sign-in").hidden = true;
  $("#sign-out").hidden = false;
  const who = $("#whoami");
  who.textContent = `${me.tenant.name} · ${me.key.name} (${me.key.role})`;
  who.hidden = false;
  if (me.key.role === "system-admin") {
    $("#tenants").hidden = false;
    await loadTenants();
  }
  if (me.key.role === "admin") {
    $("#keys").hidden = false;
    $("#settings").hidden = false;
    const f = $("#settings-form");
    f.defaultCountry.value = me.tenant.settings.defaultCountry;
    f.defaultTimeZone.value = me.tenant.settings.defaultTimeZone;
    f.dataset.tenant = me.tenant.id;
    await loadKeys();
  }
}

const formData = (form) => Object.fromEntries(new FormData(form));

$("#sign-in-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  key = $("#api-key").value.trim();
  run(async () => {
    await signIn();
    sessionStorage.setItem("cxc.apiKey", key);
  });
});

$("#sign-out").addEventListener("click", () => { sessionStorage.removeItem("cxc.apiKey"); location.reload(); });

$("#tenant-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  run(async () => {
    const created = await api("POST", "/api/v1/tenants", formData(ev.target));
    showNewKey(created.adminKey);
    ev.target.name.value = "";
    await loadTenants();
  });
});

$("#key-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  run(async () => {
    showNewKey(await api("POST", "/api/v1/api-keys", formData(ev.target)));
    ev.target.name.value = "";
    await loadKeys();
  });
});

$("#settings-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  run(() => api("PUT", `/api/v1/tenants/${ev.target.dataset.tenant}/settings`, formData(ev.target)));
});

if (key) run(signIn);
