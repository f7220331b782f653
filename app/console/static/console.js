// Trustloop operations console, the core: state, the API, sign-in, loading and the live stream.
// The map (map.js), the tiles and charts (charts.js), the lists (lists.js) and the order and technician
// panels (detail.js) read the state kept here; boot.js starts it all.
"use strict";

const TOKEN_KEY = "trustloop.operator";
const OPEN = new Set(["searching", "assigned", "en_route", "arrived", "in_progress"]);

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  region: null,     // the region on the map; with several served, the lists and tiles are its own
  regions: [],
  timeZones: {},    // each served region's
  bounds: {},       // each served region's area as [west, south, east, north]
  orders: new Map(),
  technicians: new Map(),
  followups: [],
  attention: [],
  kpis: null,
  daily: [],
  periodDays: 7,
  selected: null, // {kind: "order" | "technician", id}
  filters: { search: "", status: "", service: "", sla: "", technician: "" },
  socket: null,
  live: false,
};
const stats = { roadsDrawn: 0, places: 0, frames: 0, events: 0, lastFrameMs: 0 };
const tl = { state, stats, OPEN };
window.trustloop = tl;

const $ = (id) => document.getElementById(id);
tl.$ = $;

// A tiny element builder: el("li", {class: "x", dataset: {order: id}, onclick}, "text", child).
tl.el = function el(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key in element && key !== "list") element[key] = value;
    else element.setAttribute(key, value);
  }
  element.append(...children.flat().filter((c) => c != null && c !== false));
  return element;
};

tl.api = async function api(path, options = {}) {
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
    throw Object.assign(new Error(problem.detail || problem.title || `${response.status}`), { status: response.status });
  }
  const body = await response.text(); // 202 and 204 come without one
  return body ? JSON.parse(body) : null;
};

// Every page of a list ({items, next_cursor}).
tl.all = async function all(path) {
  const items = [];
  let cursor = null;
  do {
    const page = await tl.api(cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
};

tl.words = (text) => (text == null ? "" : String(text).replaceAll("_", " "));
// On 24 hours, as the pushes and the tracking page tell times.
tl.time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "–");
// The car's clock where it reads otherwise than the operator's, for a call to the driver: " (11:20 in Helsinki)".
tl.regionName = (name) => (name ? name[0].toUpperCase() + name.slice(1) : "");
tl.clockIn = (region, iso = new Date().toISOString()) => {
  const zone = region && state.timeZones[region];
  return zone ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone }) : tl.time(iso);
};
// How far short of the car the order's route ends, in metres, where no road joined to the rest comes nearer (the
// technician walks the rest); null where it ends at the car (within WALK_FROM_M, a pin beside its road).
const WALK_FROM_M = 30;
tl.walkToCar = (o) => {
  const coordinates = o.route?.geometry?.coordinates;
  if (!coordinates?.length) return null;
  const [lon, lat] = coordinates[coordinates.length - 1];
  const metres = L.latLng(lat, lon).distanceTo([o.location.lat, o.location.lon]);
  return metres > WALK_FROM_M ? metres : null;
};
// An arrival or a promise is told as its minute's end, as the pushes and the tracking page tell it ("by 14:05" for
// 14:04:20): the operator reads the time the driver was given.
tl.minuteEnd = (iso) => (iso ? new Date(Math.ceil(Date.parse(iso) / 60000) * 60000).toISOString() : iso);
// Whole minutes from now, rounded up as the clock time shown beside them is: "2 min, around 15:16" at 15:14.
tl.minutesTo = (iso) => Math.max(1, Math.ceil((Date.parse(iso) - Date.now()) / 60000));
tl.carTime = (iso, region) => {
  if (!iso) return "";
  const there = tl.clockIn(region, iso);  // the operator's own clock where the region's zone is not known
  return there === tl.time(iso) ? "" : ` (${there} in ${tl.regionName(region)})`;
};
// The served region whose area holds a position (null: outside them all, or not known).
tl.regionAt = (position) => (position ? state.regions.find((name) => {
  const box = state.bounds[name];
  return box && position.lon >= box[0] && position.lon <= box[2] && position.lat >= box[1] && position.lat <= box[3];
}) ?? null : null);
// With several regions served, what the console lists is the shown region's: its orders and cases, its own
// technicians and those who serve every region, these where they are (any region's while nobody knows where).
tl.several = () => state.regions.length > 1;
tl.inRegion = (item) => {
  if (!tl.several() || item.region === state.region) return true;
  if (item.region != null) return false;
  const where = tl.regionAt(item.position);
  return where == null || where === state.region;
};
tl.minutesAgo = (iso) => Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
tl.technicianName = (id) => (id && state.technicians.get(id)?.name) || (id ? "a technician" : "nobody yet");

tl.busyTechnicians = () => new Set([...state.orders.values()].map((o) => o.technician_id).filter(Boolean));
tl.technicianStatus = (t, busy = tl.busyTechnicians()) => (!t.online ? "offline" : busy.has(t.id) ? "busy" : "free");

// ---------- sign-in ----------

async function signIn(token) {
  state.token = token.trim();
  const check = await fetch("/v1/ops/sla", { headers: { Authorization: `Bearer ${state.token}` } });
  if (!check.ok) {
    state.token = null;
    $("login-error").textContent = check.status === 403 ? "This token is not an operator's." : "This token is not valid.";
    $("login").hidden = false;
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, state.token);
  $("login").hidden = true;
  $("console").hidden = false;
  await start();
}
tl.signIn = signIn;

function signOut(message = "") {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  tl.followups?.forget();  // a half-written note is not the next operator's
  if (state.socket) state.socket.close();
  $("console").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
}
tl.signOut = signOut;

// ---------- data ----------

let started = false;
async function start() {
  if (started) {  // signed in again in this tab: what changed meanwhile, and the live stream on the new token
    await Promise.all([tl.loadKpis(), tl.loadTechnicians(), tl.loadOrders(), tl.loadAttention(), tl.loadFollowups(), tl.partners.load()]);
    connect();
    return;
  }
  started = true;
  tl.map.init();
  // The roads and the data come in parallel: neither waits for the other.
  // The figures wait for the roads only to know the region they are about (several regions: the one shown).
  await Promise.all([tl.map.loadRoads().then(tl.loadKpis), tl.loadTechnicians(), tl.loadOrders(), tl.loadAttention(), tl.loadFollowups(), tl.partners.load()]);
  await tl.map.settled();
  // "Ready": the roads, every marker and the lists drawn, and the frame that shows them painted.
  requestAnimationFrame(() => setTimeout(() => performance.mark("trustloop:ready"), 0));
  connect();
  setInterval(() => { if (state.token) { tl.loadOrders(); tl.loadTechnicians(); } }, 30000);  // not while signed out
  setInterval(() => { if (state.token) tl.loadKpis(); }, 120000);
  setInterval(() => { tl.lists.render(); tl.detail.age(); }, 15000); // ages and overdue marks move with time
}

tl.loadOrders = async function loadOrders() {
  const orders = await tl.all("/v1/ops/orders?limit=1000&open=true");
  state.orders = new Map(orders.filter((o) => OPEN.has(o.status)).map((o) => [o.order_id, o]));
  tl.map.drawOrders();
  tl.map.drawTechnicians();
  tl.lists.render();
  tl.charts.renderTiles();
};

tl.loadTechnicians = async function loadTechnicians() {
  const fleet = await tl.all("/v1/ops/technicians?limit=1000");
  state.technicians = new Map(fleet.map((t) => [t.id, t]));
  tl.map.drawTechnicians();
  tl.lists.renderTechnicians();
};

tl.loadAttention = async function loadAttention() {
  const board = await tl.api("/v1/ops/sla");
  state.attention = [...board.breached, ...board.at_risk];
  for (const item of state.attention) {
    const order = state.orders.get(item.order_id);
    if (order) Object.assign(order, item);
  }
  for (const order of state.orders.values()) {
    if (!state.attention.some((a) => a.order_id === order.order_id)) {
      order.sla_state = "ok";
      order.sla_reason = null;
    }
  }
  tl.map.drawOrders();
  tl.lists.render();
  tl.charts.renderTiles();
};

tl.loadFollowups = async function loadFollowups() {
  state.followups = await tl.all("/v1/ops/followups?status=open&limit=200");
  tl.lists.render();
};

// The picked period as the KPI endpoints' query: from midnight for "today", else the last N days.
tl.periodQuery = function periodQuery() {
  const to = new Date();
  const from = state.periodDays === 1 ? new Date(to.getFullYear(), to.getMonth(), to.getDate()) : new Date(to.getTime() - state.periodDays * 86400e3);
  return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
};

let kpiRequests = 0;
tl.loadKpis = async function loadKpis() {
  // With several regions, the figures are the region's on the map.
  const region = tl.several() && state.region ? `&region=${encodeURIComponent(state.region)}` : "";
  const request = ++kpiRequests;
  const [kpis, daily] = await Promise.all([
    tl.api(`/v1/ops/kpis?${tl.periodQuery()}${region}`),
    tl.api(`/v1/ops/kpis/daily?days=${Math.max(state.periodDays, 7)}${region}`),
  ]);
  if (request !== kpiRequests) return;  // a later request (another region or period) is under way: its figures count
  state.kpis = kpis;
  state.daily = daily;
  tl.charts.renderTiles();
  tl.charts.renderTrends();
};

const debounced = new Map();
tl.soon = function soon(fn, ms = 300) {
  clearTimeout(debounced.get(fn));
  debounced.set(fn, setTimeout(fn, ms));
};

// ---------- live ----------

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/v1/ops/live?access_token=${encodeURIComponent(state.token)}`);
  state.socket = socket;
  socket.onopen = () => setLive(true);
  socket.onmessage = (message) => onEvent(JSON.parse(message.data));
  socket.onclose = (event) => {
    if (state.socket !== socket) return;  // one closed on signing out, after a new one was opened
    setLive(false);
    if (event.code === 4401) return signOut("Your session has ended: sign in again.");
    if (state.token) setTimeout(() => { if (state.socket === socket && state.token) connect(); }, 2000);
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
        tl.map.moveTechnician(technician);
      } else tl.soon(tl.loadTechnicians);
      break;
    }
    case "status": {
      const order = state.orders.get(event.order_id);
      for (const id of new Set([order?.technician_id, event.technician?.id])) if (id) tl.detail.technicianChanged(id);
      if (!OPEN.has(event.status)) tl.soon(tl.loadKpis, 2000);  // a job ended: its figures count now
      if (order && !OPEN.has(event.status)) state.orders.delete(event.order_id);
      else if (order) order.status = event.status;
      tl.soon(tl.loadOrders);
      tl.soon(tl.loadAttention);
      tl.soon(tl.loadTechnicians, 1000);
      tl.detail.changed(event.order_id);
      break;
    }
    case "eta": {
      const order = state.orders.get(event.order_id);
      if (order) order.live_eta_at = event.arrival_at;
      tl.detail.changed(event.order_id, event);
      break;
    }
    case "route":
      tl.detail.changed(event.order_id);
      break;
    case "sla": {
      tl.soon(event.followup_id ? tl.loadFollowups : tl.loadAttention);
      break;
    }
    case "followup":
      tl.soon(tl.loadFollowups);
      tl.soon(tl.loadKpis, 1000);  // a call made moves the first-contact figure
      break;
    case "availability": {
      const technician = state.technicians.get(event.technician_id);
      if (technician) {
        technician.online = event.online;
        tl.map.drawTechnicians();
        tl.lists.renderTechnicians();
      } else tl.soon(tl.loadTechnicians);
      tl.detail.technicianChanged(event.technician_id);
      break;
    }
    case "stall":
      tl.soon(tl.loadAttention);
      tl.detail.changed(event.order);
      break;
    case "resync": // the server missed live events: read everything shown again
      tl.soon(tl.loadOrders);
      tl.soon(tl.loadTechnicians);
      tl.soon(tl.loadAttention);
      tl.soon(tl.loadFollowups);
      break;
  }
}
