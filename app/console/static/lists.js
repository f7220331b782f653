// The side panel's lists: what needs attention, the open orders, the follow-up queue and the fleet, with
// the filters and search that narrow the orders (and the map with them).
"use strict";

(() => {
  const tl = window.trustloop;
  const { state, el } = tl;
  const STATUS_LABEL = { free: "free", busy: "on a job", offline: "offline" };
  let tab = "attention";

  function showTab(name) {
    tab = name;
    tl.detail.close();
    for (const button of document.querySelectorAll("#tabs button")) button.classList.toggle("active", button.dataset.tab === name);
    for (const element of document.querySelectorAll("#side > .list, #filters")) {
      element.hidden = !element.classList.contains(`tab-${name}`);
    }
    if (name === "technicians") renderFleet(fleetByName());
    else tl.$("technicians").replaceChildren();
  }

  function filteredOrders() {
    const f = state.filters;
    const needle = f.search.trim().toLowerCase();
    const digits = needle.replace(/[^0-9]/g, "");
    return [...state.orders.values()].filter((o) => tl.inRegion(o) &&
      (!f.status || o.status === f.status) &&
      (!f.service || o.service === f.service) &&
      (!f.sla || o.sla_state === f.sla) &&
      (!f.technician || o.technician_id === f.technician) &&
      (!needle || o.order_id.startsWith(needle) ||
        (digits.length >= 3 && (o.driver_phone || "").replace(/[^0-9]/g, "").includes(digits))));
  }

  function orderItem(o) {
    const driver = o.driver_name ? `${o.driver_name}${o.driver_phone ? ` ${o.driver_phone}` : ""}` : "";
    const reason = o.sla_state !== "ok" ? `${tl.words(o.sla_state)}: ${o.sla_reason || ""} · ` : "";
    const minutes = tl.minutesAgo(o.created_at);
    const when = minutes < 120 ? `${minutes} min ago` : new Date(o.created_at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    return el("li", { class: `${o.sla_state} clickable`, dataset: { order: o.order_id }, tabIndex: 0,
      onclick: () => tl.detail.showOrder(o.order_id), onkeydown: (e) => e.key === "Enter" && tl.detail.showOrder(o.order_id) },
      el("span", {}, `${tl.words(o.service)} · ${tl.words(o.status)}`, el("code", {}, ` #${o.order_id.slice(0, 8)}`)),
      el("small", {}, `${reason}${tl.technicianName(o.technician_id)} · ${when}`),
      driver ? el("small", {}, driver) : null);
  }

  // The live board holds the open orders only. A search for an id or a driver's phone also asks the server, so
  // that the job a driver calls about after it ended (completed, failed, cancelled) is one click away.
  let past = { needle: "", orders: [] };
  let pastTimer = 0;
  function lookUpPast() {
    clearTimeout(pastTimer);
    const needle = state.filters.search.trim().toLowerCase();
    const id = needle.replace(/^#/, "").replace(/-/g, "");
    const digits = needle.replace(/[^0-9]/g, "");
    const queries = [
      /^[0-9a-f]{4,32}$/.test(id) ? `order_id_prefix=${id}` : null,
      digits.length >= 3 && /^[+0-9 ()./-]+$/.test(needle) ? `driver_phone=${digits}` : null,
    ].filter(Boolean);
    if (!queries.length) { past = { needle, orders: [] }; return; }
    pastTimer = setTimeout(async () => {
      const pages = await Promise.all(queries.map((q) => tl.api(`/v1/ops/orders?${q}&limit=20`).catch(() => ({ items: [] }))));
      if (state.filters.search.trim().toLowerCase() !== needle) return;  // typed on since
      const found = new Map(pages.flatMap((page) => page.items).map((o) => [o.order_id, o]));
      past = { needle, orders: [...found.values()] };
      render();
    }, 250);
  }

  function pastMatches() {
    if (past.needle !== state.filters.search.trim().toLowerCase()) return [];
    const f = state.filters;
    return past.orders.filter((o) => !state.orders.has(o.order_id) && tl.inRegion(o) &&
      (!f.status || o.status === f.status) && (!f.service || o.service === f.service) &&
      (!f.technician || o.technician_id === f.technician));
  }

  function render() {
    const orders = filteredOrders();
    const shown = new Set(orders.map((o) => o.order_id));
    const regional = state.attention.filter(tl.inRegion);
    const attention = regional.filter((a) => !state.orders.has(a.order_id) || shown.has(a.order_id));
    tl.$("attention").replaceChildren(...attention.map((a) => orderItem({ ...a, ...(state.orders.get(a.order_id) || {}), sla_state: a.sla_state, sla_reason: a.sla_reason })));
    if (!attention.length) tl.$("attention").append(el("li", { class: "empty" }, "All orders on track."));
    tl.$("attention-count").textContent = regional.length;
    labelRegions();

    orders.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    tl.$("orders").replaceChildren(...orders.map(orderItem));
    const any = [...state.orders.values()].some(tl.inRegion);
    const ended = pastMatches();
    if (!orders.length) tl.$("orders").append(elsewhere() || el("li", { class: "empty" }, any ? "No open order matches." : "No open order."));
    if (ended.length) tl.$("orders").append(el("li", { class: "heading" }, "Ended orders that match"), ...ended.map(orderItem));
    tl.$("order-count").textContent = orders.length;

    const cases = state.followups.filter(tl.inRegion);
    tl.followups.prune(state.followups);
    tl.$("followups").replaceChildren(...cases.map(tl.followups.item));
    if (!cases.length) tl.$("followups").append(el("li", { class: "empty" }, "No unhappy driver waiting for a call."));
    tl.$("followup-count").textContent = cases.length;
  }

  // The switch tells where else orders need attention, so that watching one region hides no other's trouble.
  function labelRegions() {
    for (const option of tl.$("region-switch").options) {
      const orders = state.attention.filter((a) => a.region === option.value).length;
      const calls = state.followups.filter((f) => f.region === option.value).length;
      const waiting = [orders ? `${orders} need${orders === 1 ? "s" : ""} attention` : null, calls ? `${calls} to call` : null];
      option.textContent = [tl.regionName(option.value), ...waiting.filter(Boolean)].join(" · ");
    }
  }

  // An order the search finds in another region: where it is, one click from it.
  function elsewhere() {
    const needle = state.filters.search.trim().toLowerCase();
    if (!tl.several() || needle.length < 4) return null;
    const found = [...state.orders.values(), ...state.attention].find((o) => !tl.inRegion(o) && o.order_id.startsWith(needle));
    if (!found) return null;
    return el("li", { class: "empty elsewhere" }, `#${found.order_id.slice(0, 8)} is in ${tl.regionName(found.region)}. `,
      el("button", { type: "button", class: "secondary", onclick: async () => {
        await tl.map.loadRoads(found.region);
        tl.detail.showOrder(found.order_id);
      } }, `Show ${tl.regionName(found.region)}`));
  }

  // The fleet's list is built only while its tab is shown (thousands of entries nobody sees otherwise);
  // its count and the technician filter follow the fleet always.
  const fleetByName = () => [...state.technicians.values()].filter(tl.inRegion).sort((a, b) => a.name.localeCompare(b.name));

  function renderTechnicians() {
    const fleet = fleetByName();
    if (tab === "technicians") renderFleet(fleet);
    tl.$("fleet-count").textContent = fleet.length;
    const select = tl.$("filter-technician");
    select.replaceChildren(el("option", { value: "" }, "any technician"), ...fleet.map((t) => el("option", { value: t.id }, t.name)));
    select.value = state.filters.technician;
    if (select.value !== state.filters.technician) {  // another region's technician: the filter goes with him
      state.filters.technician = "";
      render();
      tl.map.drawOrders();
    }
  }

  function renderFleet(fleet) {
    const busy = tl.busyTechnicians();
    tl.$("technicians").replaceChildren(...fleet.map((t) => {
      const status = tl.technicianStatus(t, busy);
      const score = t.trust_score == null ? "–" : t.trust_score.toFixed(2);
      // He serves this region's orders wherever he is; one whose van is in another region is said to be there.
      const away = tl.several() ? tl.regionAt(t.position) : null;
      const where = away && away !== state.region ? ` · now in ${tl.regionName(away)}` : "";
      return el("li", { class: `${status} clickable`, dataset: { technician: t.id }, tabIndex: 0, onclick: () => tl.detail.showTechnician(t.id) },
        el("span", {}, t.name), el("small", {}, `${STATUS_LABEL[status]} · trust ${score}${where}`));
    }));
  }

  function bind() {
    for (const button of document.querySelectorAll("#tabs button")) {
      button.addEventListener("click", () => {
        showTab(button.dataset.tab);
        if (button.dataset.tab === "partners") tl.partners.load();
      });
    }
    const inputs = { search: "search", status: "filter-status", service: "filter-service", sla: "filter-sla", technician: "filter-technician" };
    for (const [key, id] of Object.entries(inputs)) {
      tl.$(id).addEventListener("input", () => {
        state.filters[key] = tl.$(id).value;
        if (key === "search") lookUpPast();
        render();
        tl.map.drawOrders();
      });
    }
    tl.$("filters").addEventListener("submit", (e) => {
      e.preventDefault();
      const [first] = [...filteredOrders(), ...pastMatches()];
      if (first) tl.detail.showOrder(first.order_id);
    });
  }

  tl.lists = { render, renderTechnicians, filteredOrders, showTab, bind, tab: () => tab };
})();
