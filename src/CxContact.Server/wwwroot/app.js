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
  if (["admin", "supervisor", "viewer"].includes(me.key.role)) {
    $("#campaigns").hidden = false;
    $("#lists").hidden = false;
    $("#schedules").hidden = false;
    $("#jobs").hidden = false;
    $("#schedule-form").timeZone.value = me.tenant.settings.defaultTimeZone;
    await Promise.all([loadCampaigns(), loadListChoices(), loadLists(), loadSchedules(), loadJobs()]);
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

// ---- Campaigns ----

let campaign = null; // id of the campaign shown in #campaign
let watch = null; // aborts that campaign's stats feed and pollers when another one is opened

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const num = (n) => (n ?? 0).toLocaleString();
const pct = (x) => `${((x ?? 0) * 100).toFixed(2)} %`;

function statRow(stat, label, value) {
  const tr = row([label, value]);
  tr.dataset.stat = stat;
  return tr;
}

async function loadCampaigns() {
  const campaigns = await api("GET", "/api/v1/campaigns");
  options($("#schedule-form").campaignId, campaigns);
  $("#campaigns tbody").replaceChildren(...campaigns.map((c) => {
    const open = document.createElement("button");
    open.type = "button";
    open.className = "link";
    open.textContent = c.name;
    open.onclick = () => run(() => openCampaign(c.id));
    const tr = row([open, c.state, when(c.createdAt)]);
    tr.dataset.id = c.id;
    return tr;
  }));
}

function checkboxes(fieldset, name, lists) {
  const boxes = lists.map((l) => {
    const label = document.createElement("label");
    label.className = "check";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = name;
    box.value = l.id;
    label.append(box, document.createTextNode(" " + l.name));
    return label;
  });
  if (!boxes.length) boxes.push(Object.assign(document.createElement("span"), { className: "hint", textContent: "none yet" }));
  fieldset.replaceChildren(fieldset.querySelector("legend"), ...boxes);
}

async function loadListChoices() {
  // SFTP connections are for operators and admins; a viewer's form simply offers none.
  const [contact, suppression, sftp] = await Promise.all([api("GET", "/api/v1/contact-lists"), api("GET", "/api/v1/suppression-lists"),
    api("GET", "/api/v1/sftp-connections").catch((e) => { if (e.status === 403) return []; throw e; })]);
  checkboxes($("#campaign-contact-lists"), "contactList", contact);
  checkboxes($("#campaign-suppression-lists"), "suppressionList", suppression);
  const f = $("#schedule-form");
  options(f.contactListId, contact);
  options(f.suppressionListId, suppression);
  options(f.sftpConnectionId, sftp);
}

// Options by name, as text: a name's markup is shown, never interpreted.
function options(select, items) {
  select.replaceChildren(...items.map((i) => Object.assign(document.createElement("option"), { value: i.id, textContent: i.name })));
}

function showCampaign(c) {
  if (c.id !== campaign) return;
  $("#campaign-name").textContent = c.name;
  $("#campaign-state").textContent = c.state + (c.preloading && c.state !== "preloading" ? " (re-preloading)" : "");
  $("#campaign-state").dataset.state = c.state;
  $("#campaign-state-reason").textContent = c.stateReason ?? "";
  const p = c.lastPreload;
  $("#preload-summary").textContent = p
    ? `Last preload ${when(p.finishedAt)}: ${num(p.rows)} rows, ${num(p.callable)} callable, ${p.seconds} s${p.error ? " — failed: " + p.error : ""}`
    : "Not preloaded yet.";
  for (const tr of $("#campaigns tbody").rows) if (tr.dataset.id === c.id) tr.cells[1].textContent = c.state;
}

function showReport(r) {
  if (r.campaignId !== campaign) return;
  const reasons = Object.entries(r.reasons).sort((a, b) => b[1] - a[1]);
  $("#preload-report tbody").replaceChildren(...(reasons.length ? reasons.map(([reason, n]) => row([reason, num(n)])) : [row(["nothing left out", ""])]));
  $("#preload-statuses tbody").replaceChildren(...Object.entries(r.statuses).map(([status, n]) => row([status, num(n)])));
}

async function refreshCampaign() {
  const id = campaign;
  const [c, report] = await Promise.all([api("GET", `/api/v1/campaigns/${id}`), api("GET", `/api/v1/campaigns/${id}/preload-report`)]);
  showCampaign(c);
  showReport(report);
  return c;
}

// A preload runs in the background (202): follow the campaign until it settles, then show the new report.
async function settle(id, signal) {
  while (!signal.aborted) {
    await delay(1000);
    if (signal.aborted) return;
    const c = await api("GET", `/api/v1/campaigns/${id}`);
    showCampaign(c);
    if (!c.preloading) { await refreshCampaign(); return; }
  }
}

function showStats(s, source) {
  if (s.campaignId !== campaign) return;
  const t = s.totals;
  const abandonment = (a, regulator) => `${pct(a.rate)} of ${num(a.liveAnswered)} live (${regulator}, ${a.window}; target ${pct(a.target)})` +
    (a.withinTarget ? "" : " — over target");
  const rows = [
    statRow("records", "Records", num(t.records)),
    statRow("callableNow", "Callable now", num(t.callableNow)),
    statRow("ready", "Ready", num(t.ready)),
    statRow("leased", "Leased", num(t.leased)),
    statRow("dialed", "Dialed", num(t.dialed)),
    statRow("connected", "Connected", num(t.connected)),
    statRow("abandoned", "Abandoned", num(t.abandoned)),
    statRow("completed", "Completed", num(t.completed)),
    statRow("dialedPerMinute", "Dialed per minute (last minute)", num(s.perMinuteLastMinute.dialed)),
    statRow("dialedPerMinute15", "Dialed per minute (last 15 minutes)", s.perMinuteLast15Minutes.dialed.toFixed(1)),
    statRow("fcc", "Abandonment", abandonment(s.fcc, "FCC")),
    statRow("ofcom", "Abandonment", abandonment(s.ofcom, "Ofcom")),
  ];
  for (const [reason, n] of Object.entries(s.remaining)) if (n) rows.push(statRow("remaining", `Remaining: ${reason}`, num(n)));
  $("#campaign-stats tbody").replaceChildren(...rows);
  $("#campaign-stats").dataset.source = source;
  $("#stats-at").textContent = `${source === "stream" ? "streamed" : "polled"} at ${new Date(s.at).toLocaleTimeString()}`;
  // The feed also notices state changes made elsewhere (completion, another operator, the simulator).
  if (s.state !== $("#campaign-state").dataset.state) refreshCampaign().catch(() => {});
}

// EventSource cannot send an Authorization header, and the API takes the key only from that header (the cxc_api_key
// cookie is honoured for the Hangfire dashboard alone), so the server-sent-events stream is read with fetch().
// Returns whether any event arrived; none within 6 s (say, a proxy that buffers the stream) makes the caller poll.
async function readStatsStream(id, signal) {
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  signal.addEventListener("abort", stop, { once: true });
  let got = false;
  const noEvent = setTimeout(() => { if (!got) ctl.abort(); }, 6000);
  try {
    const res = await fetch(`/api/v1/campaigns/${id}/stats/stream`, {
      headers: { Authorization: `Bearer ${key}`, Accept: "text/event-stream" }, signal: ctl.signal,
    });
    if (!res.ok) return false;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replaceAll("\r", "");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const data = buffer.slice(0, end).split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, "")).join("\n");
        buffer = buffer.slice(end + 2);
        if (data && !signal.aborted) { got = true; showStats(JSON.parse(data), "stream"); }
      }
    }
  } catch { /* aborted, or the connection dropped: the caller reconnects or polls */ } finally {
    clearTimeout(noEvent);
    signal.removeEventListener("abort", stop);
  }
  return got;
}

async function followStats(id, signal) {
  let streaming = true;
  while (!signal.aborted) {
    if (streaming) streaming = await readStatsStream(id, signal);
    else {
      try { const s = await api("GET", `/api/v1/campaigns/${id}/stats`); if (!signal.aborted) showStats(s, "poll"); } catch { /* next round */ }
    }
    await delay(2000);
  }
}

function showSimulation(r) {
  const results = Object.entries(r.results ?? {}).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${num(n)}`).join(", ");
  const rows = [
    statRow("running", "Running", r.running ? "yes" : `no${r.stoppedBecause ? " — " + r.stoppedBecause : ""}`),
    statRow("pacing", "Pacing", `${r.pacing}, dial ratio ${r.dialRatio}`),
    statRow("simulatedSeconds", "Simulated time", `${num(r.simulatedSeconds)} s`),
    statRow("dialed", "Dialed", num(r.dialed)),
    statRow("connected", "Connected", num(r.connected)),
    statRow("abandoned", "Abandoned", `${num(r.abandoned)} (${pct(r.abandonRate)})`),
    statRow("agentUtilisation", "Agent utilisation", pct(r.agentUtilisation)),
    statRow("contactsPerHour", "Contacts per hour", num(r.contactsPerHour)),
    statRow("results", "Results", results),
  ];
  $("#simulation-report tbody").replaceChildren(...rows);
  $("#simulation-report").hidden = false;
}

// The simulator's report is not streamed: poll it while it runs (one poller per opened campaign).
let simulationPoller = null;
async function followSimulation(id, signal) {
  if (simulationPoller === signal) return;
  simulationPoller = signal;
  try { await pollSimulation(id, signal); } finally { if (simulationPoller === signal) simulationPoller = null; }
}

async function pollSimulation(id, signal) {
  while (!signal.aborted) {
    let r;
    try { r = await api("GET", `/api/v1/campaigns/${id}/simulation`); } catch (e) {
      if (e.status !== 404) showError(e); // 404: no simulator has run on this campaign
      return;
    }
    if (signal.aborted) return;
    showSimulation(r);
    if (!r.running) return;
    await delay(2000);
  }
}

async function openCampaign(id) {
  watch?.abort();
  watch = new AbortController();
  campaign = id;
  $("#campaign-stats tbody").replaceChildren();
  $("#stats-at").textContent = "";
  $("#simulation-report").hidden = true;
  const c = await refreshCampaign();
  $("#campaign").hidden = false;
  followStats(id, watch.signal);
  followSimulation(id, watch.signal);
  if (c.preloading) await settle(id, watch.signal);
}

const checked = (form, name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((box) => box.value);

$("#campaign-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  run(async () => {
    const created = await api("POST", "/api/v1/campaigns", {
      name: f.name.value,
      dialingMode: f.dialingMode.value,
      contactLists: checked(f, "contactList").map((id) => ({ id, weight: 1 })),
      suppressionLists: checked(f, "suppressionList"),
    });
    f.name.value = "";
    await loadCampaigns();
    await openCampaign(created.id);
  });
});

$("#campaign-actions").addEventListener("click", (ev) => {
  const action = ev.target.closest("button")?.dataset.action;
  if (!action) return;
  const id = campaign;
  const signal = watch.signal;
  run(async () => {
    const c = await api("POST", `/api/v1/campaigns/${id}/${action}`);
    showCampaign(c);
    if (c.preloading) await settle(id, signal); else await refreshCampaign();
  });
});

$("#simulate-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const id = campaign;
  const signal = watch.signal;
  run(async () => {
    await api("POST", `/api/v1/campaigns/${id}/simulate`, { agents: Number(f.agents.value), speed: Number(f.speed.value) });
    followSimulation(id, signal);
  });
});

// Schedules: the form shows the fields the chosen action uses; the server checks them and names any that are wrong.
const scheduleFields = {
  "start-campaign": ["campaign"], "start-campaign-paused": ["campaign"], "stop-campaign": ["campaign"],
  "force-stop-campaign": ["campaign"], "preload-campaign": ["campaign"],
  "import-contact-list": ["contact-list", "sftp", "mode"], "export-contact-list": ["contact-list", "sftp"],
  "import-suppression-list": ["suppression-list", "sftp", "mode"],
  "purge-expired-suppression": ["suppression-list"], "rebuild-suppression-index": ["suppression-list"],
};

function showScheduleFields() {
  const f = $("#schedule-form");
  const used = scheduleFields[f.type.value];
  for (const label of f.querySelectorAll("label[data-for]")) label.hidden = !used.includes(label.dataset.for);
}

function scheduleAction(f) {
  const type = f.type.value;
  const used = scheduleFields[type];
  const action = { type };
  if (used.includes("campaign")) action.campaignId = f.campaignId.value || null;
  if (used.includes("contact-list")) action.listId = f.contactListId.value || null;
  if (used.includes("suppression-list")) action.listId = f.suppressionListId.value || null;
  if (used.includes("sftp")) Object.assign(action, { sftpConnectionId: f.sftpConnectionId.value || null, remotePath: f.remotePath.value });
  if (used.includes("mode")) action.mode = f.mode.value;
  return action;
}

function button(text, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.onclick = () => run(onclick);
  return b;
}

async function loadSchedules() {
  const schedules = await api("GET", "/api/v1/schedules");
  $("#schedules tbody").replaceChildren(...schedules.map((s) => {
    const actions = document.createElement("span");
    actions.className = "actions";
    actions.append(
      button("Run now", async () => { await api("POST", `/api/v1/schedules/${s.id}/run`); await showRuns(s, true); }),
      button(s.enabled ? "Disable" : "Enable", async () => { await api("POST", `/api/v1/schedules/${s.id}/${s.enabled ? "disable" : "enable"}`); await loadSchedules(); }),
      button("Runs", () => showRuns(s, false)),
      button("Delete", async () => { await api("DELETE", `/api/v1/schedules/${s.id}`); $("#schedule-runs").hidden = true; await loadSchedules(); }));
    const tr = row([s.name, `${s.cron ?? when(s.runAt)} (${s.timeZone})`, s.action.type, when(s.nextRuns[0]), s.enabled ? "yes" : "no", actions]);
    tr.dataset.id = s.id;
    return tr;
  }));
}

let runsWatch;

// The history of one schedule; after "run now" it is followed until the run has finished.
async function showRuns(s, follow) {
  runsWatch?.abort();
  runsWatch = new AbortController();
  const signal = runsWatch.signal;
  $("#schedule-runs-name").textContent = s.name;
  $("#schedule-runs").hidden = false;
  $("#schedule-runs").dataset.id = s.id;
  for (;;) {
    const runs = await api("GET", `/api/v1/schedules/${s.id}/runs`);
    if (signal.aborted) return;
    $("#schedule-runs tbody").replaceChildren(...runs.map((r) => {
      const outcome = r.error ?? r.detail ?? "";
      const link = r.import ?? r.export;
      const tr = row([when(r.createdAt), r.trigger, r.state, r.durationSeconds ?? "", link ? `${outcome} (${link})` : outcome]);
      tr.dataset.state = r.state;
      return tr;
    }));
    if (!follow || !runs.some((r) => r.state === "queued" || r.state === "running")) break;
    await delay(1000);
  }
  await Promise.all([loadJobs(), loadCampaigns()]);
}

async function loadJobs() {
  const jobs = await api("GET", "/api/v1/jobs?limit=50");
  $("#jobs tbody").replaceChildren(...jobs.map((j) => {
    const tr = row([j.kind, j.state, j.phase, when(j.startedAt), when(j.finishedAt), num(j.rowsRead), j.error ?? j.detail ?? ""]);
    tr.dataset.kind = j.kind;
    return tr;
  }));
}

$("#schedule-form").type.addEventListener("change", showScheduleFields);
showScheduleFields();

$("#schedule-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  run(async () => {
    await api("POST", "/api/v1/schedules", {
      name: f.name.value, cron: f.cron.value, timeZone: f.timeZone.value, missedRuns: f.missedRuns.value, enabled: true, action: scheduleAction(f),
    });
    f.name.value = "";
    await loadSchedules();
  });
});

$("#jobs-refresh").addEventListener("click", () => run(loadJobs));

// Lists: counts come from each list's own GET (the list endpoints answer ids and names only).
async function loadLists() {
  const [contact, suppression] = await Promise.all([api("GET", "/api/v1/contact-lists"), api("GET", "/api/v1/suppression-lists")]);
  const [contactDetails, suppressionDetails] = await Promise.all([
    Promise.all(contact.map((l) => api("GET", `/api/v1/contact-lists/${l.id}`))),
    Promise.all(suppression.map((l) => api("GET", `/api/v1/suppression-lists/${l.id}`))),
  ]);
  $("#contact-lists tbody").replaceChildren(...contactDetails.map((l) => {
    const last = l.recentImports?.[0];
    const tr = row([l.name, num(l.records), num(l.devices), num(l.invalid), last ? `${last.state} ${when(last.finishedAt ?? last.startedAt)}` : ""]);
    tr.dataset.id = l.id;
    return tr;
  }));
  $("#suppression-lists tbody").replaceChildren(...suppressionDetails.map((l) => {
    const tr = row([l.name, l.scope, num(l.entryCount), l.index.version]);
    tr.dataset.id = l.id;
    return tr;
  }));
  options($("#entry-form").listId, suppression);
  const [contactGroup, suppressionGroup] = $("#import-form").target.querySelectorAll("optgroup");
  options(contactGroup, contact.map((l) => ({ id: `contact-lists/${l.id}`, name: l.name })));
  options(suppressionGroup, suppression.map((l) => ({ id: `suppression-lists/${l.id}`, name: l.name })));
}

// Lists feed the campaign and schedule forms too, so every change refreshes those.
const listsChanged = () => Promise.all([loadLists(), loadListChoices()]);

$("#contact-list-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  run(async () => {
    await api("POST", "/api/v1/contact-lists", {
      name: f.name.value, defaultCountry: f.defaultCountry.value || null, defaultTimeZone: f.defaultTimeZone.value || null,
    });
    f.name.value = "";
    await listsChanged();
  });
});

$("#suppression-list-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  run(async () => {
    await api("POST", "/api/v1/suppression-lists", { name: f.name.value });
    f.name.value = "";
    await listsChanged();
  });
});

$("#entry-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  run(async () => {
    const entry = { type: f.type.value, value: f.value.value, source: "admin UI" };
    if (f.expiresAt.value) entry.expiresAt = new Date(f.expiresAt.value + "T00:00:00Z").toISOString();
    await api("POST", `/api/v1/suppression-lists/${f.listId.value}/entries`, { entries: [entry] });
    f.value.value = "";
    await loadLists();
  });
});

// An import is a job: the upload answers 202 with where to follow it, and the status line follows it to the end.
$("#import-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  run(async () => {
    const status = $("#import-status");
    if (!f.file.files.length) throw new Error("Choose a file to import");
    const form = new FormData();
    form.append("file", f.file.files[0]);
    form.append("mode", f.mode.value);
    const res = await fetch(`/api/v1/${f.target.value}/imports`, { method: "POST", headers: { Authorization: `Bearer ${key}` }, body: form });
    const accepted = await res.json();
    if (!res.ok) throw Object.assign(new Error(accepted?.title ?? res.statusText), { problem: accepted, status: res.status });
    status.dataset.state = "queued";
    status.textContent = `Import queued (${f.file.files[0].name})`;
    for (;;) {
      await delay(500);
      const job = await api("GET", accepted.statusUrl);
      status.dataset.state = job.state;
      status.textContent = `${job.state}: ${num(job.rowsRead)} rows read, ${num(job.accepted)} accepted, ${num(job.rejected)} rejected` +
        (job.error ? ` · ${job.error}` : "");
      if (job.state === "succeeded" || job.state === "failed") break;
    }
    f.file.value = "";
    await Promise.all([listsChanged(), loadJobs()]);
  });
});

if (key) run(signIn);
