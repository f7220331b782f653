// Trustloop operations console: a live map of the region (roads drawn from the region's own extract on a
// canvas, no tile server), orders coloured by SLA state, technicians by status, the follow-up queue, KPI
// tiles and trends. Live over WS /v1/ops/live; the REST API fills in what events only hint at.
"use strict";

const TOKEN_KEY = "trustloop.operator";
const OPEN = new Set(["searching", "assigned", "en_route", "arrived", "in_progress"]);
const COLORS = { ok: "#2e9e5b", at_risk: "#e08a00", breached: "#d0312d", free: "#2f6fdb", busy: "#7a3fc0", offline: "#9aa1ad" };
const STATUS_LABEL = { free: "free", busy: "on a job", offline: "offline" };
const ROAD_STYLE = [{ width: 2.2, color: "#f3b74f" }, { width: 1.4, color: "#ffffff" }, { width: 0.8, color: "#d3d6d0" }];

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  map: null,
  orders: new Map(),
  technicians: new Map(),
  followups: [],
  attention: [],
  kpis: null,
  view: { scale: 1, x: 0, y: 0 },
  socket: null,
  live: false,
};
const stats = { roadsDrawn: 0, frames: 0, events: 0 };
window.trustloop = { state, stats };

const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json", ...(options.headers || {}) },
  });
  if (response.status === 401) {
    signOut("Your session has ended: sign in again.");
    throw new Error("unauthorised");
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || problem.title || `${response.status}`);
  }
  return response.status === 204 ? null : response.json();
}

// ---------- sign-in ----------

async function signIn(token) {
  state.token = token.trim();
  const check = await fetch("/v1/ops/sla", { headers: { Authorization: `Bearer ${state.token}` } });
  if (!check.ok) {
    state.token = null;
    $("login-error").textContent = check.status === 403 ? "This token is not an operator's." : "This token is not valid.";
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, state.token);
  $("login").hidden = true;
  $("console").hidden = false;
  await start();
}

function signOut(message = "") {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  if (state.socket) state.socket.close();
  $("console").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn($("token").value);
});
$("demo-login").addEventListener("click", async () => {
  const response = await fetch("/v1/dev/tokens", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ role: "operator" }),
  });
  if (!response.ok) {
    $("login-error").textContent = "Demo sign-in is off on this server: paste a token.";
    return;
  }
  await signIn((await response.json()).token);
});
$("logout").addEventListener("click", () => signOut());

// ---------- data ----------

async function start() {
  try {
    state.map = await api("/v1/ops/map");
    $("region").textContent = state.map.region;
    fitView();
  } catch (error) {
    state.map = { roads: [], bbox: null };
    console.warn("no map:", error.message);
  }
  await Promise.all([loadOrders(), loadTechnicians(), loadAttention(), loadFollowups(), loadKpis()]);
  connect();
  setInterval(() => { loadOrders(); loadTechnicians(); loadKpis(); }, 30000);
  setInterval(renderLists, 15000); // ages and overdue marks move with time
}

// Every page of a list ({items, next_cursor}).
async function all(path) {
  const items = [];
  let cursor = null;
  do {
    const page = await api(cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

async function loadOrders() {
  const orders = await all("/v1/ops/orders?limit=200");
  state.orders = new Map(orders.filter((o) => OPEN.has(o.status)).map((o) => [o.order_id, o]));
  redraw();
}

async function loadTechnicians() {
  const fleet = await all("/v1/ops/technicians?limit=200");
  state.technicians = new Map(fleet.map((t) => [t.id, t]));
  renderTechnicians();
  redraw();
}

async function loadAttention() {
  const board = await api("/v1/ops/sla");
  state.attention = [...board.breached, ...board.at_risk];
  renderLists();
}

async function loadFollowups() {
  state.followups = await all("/v1/ops/followups?status=open&limit=200");
  renderLists();
}

async function loadKpis() {
  const to = new Date();
  const from = new Date(to.getTime() - 7 * 86400e3);
  const [kpis, daily] = await Promise.all([
    api(`/v1/ops/kpis?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`),
    api("/v1/ops/kpis/daily?days=14"),
  ]);
  state.kpis = kpis;
  renderTiles();
  drawTrend(daily);
}

const debounced = new Map();
function soon(fn, ms = 300) {
  clearTimeout(debounced.get(fn));
  debounced.set(fn, setTimeout(fn, ms));
}

// ---------- live ----------

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/v1/ops/live?access_token=${encodeURIComponent(state.token)}`);
  state.socket = socket;
  socket.onopen = () => setLive(true);
  socket.onmessage = (message) => onEvent(JSON.parse(message.data));
  socket.onclose = (event) => {
    setLive(false);
    if (event.code === 4401) return signOut("Your session has ended: sign in again.");
    if (state.token) setTimeout(connect, 2000);
  };
}

function setLive(live) {
  state.live = live;
  $("live-status").className = `dot ${live ? "live" : "offline"}`;
  $("live-status").textContent = live ? "live" : "reconnecting";
}

function onEvent(event) {
  stats.events += 1;
  switch (event.type) {
    case "position": {
      const technician = state.technicians.get(event.technician_id);
      if (technician) {
        technician.position = { lat: event.lat, lon: event.lon };
        technician.position_at = event.at;
        redraw();
      } else soon(loadTechnicians);
      break;
    }
    case "status": {
      const order = state.orders.get(event.order_id);
      if (order && !OPEN.has(event.status)) state.orders.delete(event.order_id);
      else if (order) order.status = event.status;
      soon(loadOrders);
      soon(loadAttention);
      soon(loadTechnicians, 1000);
      redraw();
      break;
    }
    case "eta": {
      const order = state.orders.get(event.order_id);
      if (order) order.live_eta_at = event.arrival_at;
      break;
    }
    case "sla": {
      const order = state.orders.get(event.order);
      if (order && !event.followup_id) order.sla_state = event.state;
      soon(event.followup_id ? loadFollowups : loadAttention);
      redraw();
      break;
    }
    case "followup":
      soon(loadFollowups);
      break;
  }
}

// ---------- lists and tiles ----------

function minutesAgo(iso) {
  return Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
}

function technicianName(id) {
  return (id && state.technicians.get(id)?.name) || "nobody yet";
}

function li(className, attrs, ...children) {
  const item = document.createElement("li");
  item.className = className;
  for (const [key, value] of Object.entries(attrs)) item.dataset[key] = value;
  item.append(...children);
  return item;
}

function small(text) {
  const element = document.createElement("small");
  element.textContent = text;
  return element;
}

function renderLists() {
  const attention = $("attention");
  attention.replaceChildren(
    ...state.attention.map((o) =>
      li(o.sla_state, { order: o.order_id }, `${o.service.replace("_", " ")} · ${o.status.replace("_", " ")}`,
        small(`${o.sla_state.replace("_", " ")}: ${o.sla_reason || ""} · ${technicianName(o.technician_id)} · ${minutesAgo(o.created_at)} min ago`))),
  );
  if (!state.attention.length) attention.append(li("empty", {}, "All orders on track."));
  $("attention-count").textContent = state.attention.length;

  const followups = $("followups");
  followups.replaceChildren(...state.followups.map(followupItem));
  if (!state.followups.length) followups.append(li("empty", {}, "No unhappy driver waiting for a call."));
  $("followup-count").textContent = state.followups.length;
  renderTiles();
}

function followupItem(f) {
  const overdue = Date.parse(f.due_at) < Date.now();
  const button = document.createElement("button");
  button.textContent = "Resolve";
  button.className = "secondary resolve";
  const item = li(overdue ? "overdue" : "", { followup: f.id }, f.reason,
    small(`${overdue ? "overdue since" : "call by"} ${new Date(f.due_at).toLocaleTimeString()} · ${technicianName(f.technician_id)}`), button);
  button.addEventListener("click", () => {
    const form = document.createElement("form");
    const note = document.createElement("input");
    note.name = "note";
    note.placeholder = "What was agreed with the driver";
    note.required = true;
    const save = document.createElement("button");
    save.type = "submit";
    save.textContent = "Save";
    form.append(note, save);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api(`/v1/ops/followups/${f.id}/resolve`, { method: "POST", body: JSON.stringify({ note: note.value }) });
        state.followups = state.followups.filter((x) => x.id !== f.id);
        renderLists();
      } catch (error) {
        note.setCustomValidity(error.message);
        note.reportValidity();
      }
    });
    button.replaceWith(form);
    note.focus();
  });
  return item;
}

function renderTechnicians() {
  const busy = busyTechnicians();
  const items = [...state.technicians.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => {
      const status = technicianStatus(t, busy);
      const score = t.trust_score == null ? "–" : t.trust_score.toFixed(2);
      return li(status, { technician: t.id }, t.name, small(`${STATUS_LABEL[status]} · trust ${score}`));
    });
  $("technicians").replaceChildren(...items);
}

function busyTechnicians() {
  return new Set([...state.orders.values()].map((o) => o.technician_id).filter(Boolean));
}

function technicianStatus(t, busy) {
  if (!t.online) return "offline";
  return busy.has(t.id) ? "busy" : "free";
}

function percent(value) {
  return value == null ? "–" : `${Math.round(value * 100)}%`;
}

function minutes(seconds) {
  return seconds == null ? "–" : `${(seconds / 60).toFixed(1)} min`;
}

function renderTiles() {
  const k = state.kpis;
  if (!k) return;
  const open = state.orders.size;
  const risky = state.attention.filter((o) => o.sla_state === "at_risk").length;
  const breached = state.attention.filter((o) => o.sla_state === "breached").length;
  const tiles = [
    ["NPS", k.nps == null ? "–" : Math.round(k.nps), "7 days"],
    ["CSAT", percent(k.csat), "rated 4–5"],
    ["Promise kept", percent(k.eta_promise_kept), "arrived by the ETA"],
    ["First response", minutes(k.first_response_s.p50), "p50 to accept"],
    ["Arrival", minutes(k.time_to_arrival_s.p50), "p50 from order"],
    ["First-time fix", percent(k.fcr), "fixed on site"],
    ["Open orders", open, `${k.orders} in 7 days`],
    ["At risk", risky, "now", risky ? "warn" : ""],
    ["Breached", breached, "now", breached ? "bad" : ""],
  ];
  $("tiles").replaceChildren(...tiles.map(([label, value, note, tone]) => {
    const tile = document.createElement("div");
    tile.className = `tile ${tone || ""}`;
    tile.dataset.kpi = label;
    const strong = document.createElement("b");
    strong.textContent = value;
    tile.append(label, strong, small(note));
    return tile;
  }));
}

// ---------- map ----------

const canvas = $("map");
const ctx = canvas.getContext("2d");
let frameRequested = false;

function project(lon, lat) {
  const [west, south, east, north] = state.map.bbox;
  const k = Math.cos(((south + north) / 2) * Math.PI / 180);
  const x = (lon - west) * k;
  const y = north - lat;
  return [x * state.view.scale + state.view.x, y * state.view.scale + state.view.y];
}

function fitView() {
  if (!state.map || !state.map.bbox) return;
  resize();
  const [west, south, east, north] = state.map.bbox;
  const k = Math.cos(((south + north) / 2) * Math.PI / 180);
  const width = (east - west) * k;
  const height = north - south;
  const scale = 0.92 * Math.min(canvas.width / width, canvas.height / height);
  state.view = { scale, x: (canvas.width - width * scale) / 2, y: (canvas.height - height * scale) / 2 };
  redraw();
}

function resize() {
  const ratio = window.devicePixelRatio || 1;
  const box = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(box.width * ratio));
  canvas.height = Math.max(1, Math.round(box.height * ratio));
}

function redraw() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(draw);
}

function draw() {
  frameRequested = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!state.map || !state.map.bbox) return;
  let drawn = 0;
  for (const rank of [2, 1, 0]) {
    ctx.beginPath();
    for (const [roadRank, flat] of state.map.roads) {
      if (roadRank !== rank) continue;
      for (let i = 0; i < flat.length; i += 2) {
        const [x, y] = project(flat[i], flat[i + 1]);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      drawn += 1;
    }
    ctx.lineWidth = ROAD_STYLE[rank].width * (window.devicePixelRatio || 1);
    ctx.strokeStyle = ROAD_STYLE[rank].color;
    ctx.stroke();
  }
  const ratio = window.devicePixelRatio || 1;
  for (const order of state.orders.values()) {
    const [x, y] = project(order.location.lon, order.location.lat);
    ctx.beginPath();
    ctx.arc(x, y, 7 * ratio, 0, 2 * Math.PI);
    ctx.fillStyle = COLORS[order.sla_state] || COLORS.ok;
    ctx.fill();
    ctx.lineWidth = 2 * ratio;
    ctx.strokeStyle = "#fff";
    ctx.stroke();
  }
  const busy = busyTechnicians();
  for (const t of state.technicians.values()) {
    if (!t.position) continue;
    const [x, y] = project(t.position.lon, t.position.lat);
    const size = 9 * ratio;
    ctx.fillStyle = COLORS[technicianStatus(t, busy)];
    ctx.fillRect(x - size / 2, y - size / 2, size, size);
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1.5 * ratio;
    ctx.strokeRect(x - size / 2, y - size / 2, size, size);
  }
  stats.roadsDrawn = drawn;
  stats.frames += 1;
}

let drag = null;
canvas.addEventListener("mousedown", (e) => { drag = { x: e.clientX, y: e.clientY }; canvas.style.cursor = "grabbing"; });
window.addEventListener("mouseup", () => { drag = null; canvas.style.cursor = "grab"; });
window.addEventListener("mousemove", (e) => {
  if (!drag) return;
  const ratio = window.devicePixelRatio || 1;
  state.view.x += (e.clientX - drag.x) * ratio;
  state.view.y += (e.clientY - drag.y) * ratio;
  drag = { x: e.clientX, y: e.clientY };
  redraw();
});
canvas.addEventListener("wheel", (e) => {
  e.preventDefault();
  const ratio = window.devicePixelRatio || 1;
  const box = canvas.getBoundingClientRect();
  const px = (e.clientX - box.left) * ratio;
  const py = (e.clientY - box.top) * ratio;
  const factor = e.deltaY < 0 ? 1.2 : 1 / 1.2;
  state.view.x = px - (px - state.view.x) * factor;
  state.view.y = py - (py - state.view.y) * factor;
  state.view.scale *= factor;
  redraw();
}, { passive: false });
window.addEventListener("resize", fitView);

// ---------- trend chart ----------

function drawTrend(days) {
  const chart = $("trend");
  const ratio = window.devicePixelRatio || 1;
  const box = chart.getBoundingClientRect();
  chart.width = Math.max(1, Math.round(box.width * ratio));
  chart.height = Math.max(1, Math.round(box.height * ratio));
  const c = chart.getContext("2d");
  const pad = 28 * ratio;
  const w = chart.width - 2 * pad;
  const h = chart.height - 2 * pad;
  c.clearRect(0, 0, chart.width, chart.height);
  c.font = `${11 * ratio}px system-ui, sans-serif`;
  c.strokeStyle = "#dde1e8";
  c.fillStyle = "#6b7385";
  for (const [value, label] of [[0, "-100 / 0%"], [0.5, "0 / 50%"], [1, "100 / 100%"]]) {
    const y = pad + h * (1 - value);
    c.beginPath(); c.moveTo(pad, y); c.lineTo(pad + w, y); c.stroke();
    c.fillText(label, pad + 4 * ratio, y - 3 * ratio);
  }
  const series = [
    { color: "#2f6fdb", label: "NPS", value: (d) => (d.nps == null ? null : (d.nps + 100) / 200) },
    { color: "#2e9e5b", label: "promise kept", value: (d) => d.eta_promise_kept },
  ];
  const step = days.length > 1 ? w / (days.length - 1) : 0;
  series.forEach((s, index) => {
    c.strokeStyle = s.color;
    c.fillStyle = s.color;
    c.lineWidth = 2 * ratio;
    c.beginPath();
    let started = false;
    days.forEach((d, i) => {
      const v = s.value(d);
      if (v == null) return;
      const x = pad + i * step;
      const y = pad + h * (1 - v);
      if (started) c.lineTo(x, y); else c.moveTo(x, y);
      started = true;
      c.fillRect(x - 2 * ratio, y - 2 * ratio, 4 * ratio, 4 * ratio);
    });
    c.stroke();
    c.fillText(s.label, pad + w - 110 * ratio, pad + (index + 1) * 14 * ratio);
  });
  c.fillStyle = "#6b7385";
  if (days.length) {
    c.fillText(days[0].day, pad, chart.height - 6 * ratio);
    c.fillText(days[days.length - 1].day, pad + w - 60 * ratio, chart.height - 6 * ratio);
  }
}

// ---------- boot ----------

if (state.token) signIn(state.token);
else $("login").hidden = false;
