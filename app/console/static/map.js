// The console's map on Leaflet: the region's own roads (GET /v1/ops/map, drawn on a canvas, no tile
// server), place names from the same extract, orders coloured by SLA state, technicians by status in
// clusters that split as one zooms in, and the selected order's route from its technician to the driver.
"use strict";

(() => {
  const tl = window.trustloop;
  const { state, stats } = tl;
  // Roads in greys and slate that no SLA or technician colour uses, by rank: main roads, through roads,
  // streets, service roads (car parks and yards, thinnest), and ways closed to cars (pedestrian streets, bus
  // lanes), dashed: a pin on one is not on a road a van can drive.
  const ROADS = [
    { casing: "#a6adba", color: "#c9cfd9", weight: 4.5 },
    { casing: "#d6d2c8", color: "#fbfaf7", weight: 2.6 },
    { casing: null, color: "#ffffff", weight: 1.3 },
    { casing: null, color: "#ffffff", weight: 0.8 },
    { casing: null, color: "#aeb4bd", weight: 1, dashArray: "3 3" },
  ];
  const RANKS_UNDER_FIRST = [4, 3, 2, 1, 0];
  // ROADS' widths are a region's view; closer in they widen (up to three times), or streets would fade away.
  const ROADS_WIDEN_FROM = 14;
  const STATUS_LABEL = { free: "free", busy: "on a job", offline: "offline" };
  const TECHNICIANS_APART_AT = 17;  // the zoom from which vans are never clustered
  const SELECTED_ON_TOP = 1000;  // the technician whose card is open is drawn over the orders' pins
  const ROAD_IN_VIEW_M = 150;  // at that zoom, a road this near a van is on screen beside him

  let map = null;
  let technicianLayer = null;
  let orderLayer = null;
  let routeLayer = null;
  const orderMarkers = new Map();
  const technicianMarkers = new Map();

  function init() {
    if (map) return;
    map = L.map("map", { preferCanvas: true, attributionControl: false, minZoom: 9, maxZoom: 19, zoomSnap: 0.5 });
    map.setView([60.17, 24.94], 13);
    map.createPane("roads").style.zIndex = 250;
    map.createPane("places").style.zIndex = 350;
    map.createPane("route").style.zIndex = 420;
    map.getPane("places").style.pointerEvents = "none";
    technicianLayer = L.markerClusterGroup({
      maxClusterRadius: 36, disableClusteringAtZoom: TECHNICIANS_APART_AT, showCoverageOnHover: false, chunkedLoading: true,
      spiderfyOnMaxZoom: true, iconCreateFunction: clusterIcon,
      chunkProgress: added,
    }).addTo(map);
    // Orders cluster too (a thousand pins hide the map and each other), each cluster in the colour of
    // its worst SLA state; they come apart one zoom step before the technicians do.
    orderLayer = L.markerClusterGroup({
      maxClusterRadius: 40, disableClusteringAtZoom: 16, showCoverageOnHover: false, chunkedLoading: true,
      spiderfyOnMaxZoom: true, iconCreateFunction: orderClusterIcon, chunkProgress: added,
    }).addTo(map);
    routeLayer = L.layerGroup().addTo(map);
    map.on("zoomend", placeVisibility);
    map.on("zoomend", roadWidths);
    map.on("zoomend moveend", placeNamesLater);
    for (const layer of [technicianLayer, orderLayer]) layer.on("animationend", placeNamesLater);
    // The region stays fitted as the panel settles (the tiles above it take their height as figures come),
    // until the operator moves the map himself.
    new ResizeObserver(() => {
      map.invalidateSize({ pan: false });
      if (fitted) map.fitBounds(fitted, { padding: [10, 10] });
    }).observe(document.getElementById("map"));
    for (const gesture of ["mousedown", "wheel", "touchstart", "keydown"]) {
      map.getContainer().addEventListener(gesture, () => { fitted = following = null; }, { passive: true });
    }
    tl.map.leaflet = map;
  }

  // Markers are clustered in chunks over a few frames: `settled()` resolves once every bulk addition
  // has its last chunk in.
  let adding = 0;
  const waiting = [];
  function addAll(layer, markers) {
    adding += 1;
    layer.addLayers(markers);
  }
  function added(processed, total) {
    if (processed < total) return;
    adding = Math.max(0, adding - 1);
    if (!adding) for (const resolve of waiting.splice(0)) resolve();
    placeNamesLater();
  }
  const settled = () => (adding ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve());

  function orderClusterIcon(cluster) {
    const children = cluster.getAllChildMarkers();
    const worst = children.some((m) => m.options.sla === "breached") ? "breached"
      : children.some((m) => m.options.sla === "at_risk") ? "at_risk" : "ok";
    return L.divIcon({ html: String(children.length), className: `order-cluster ${worst}`, iconSize: [32, 32] });
  }

  function clusterIcon(cluster) {
    const children = cluster.getAllChildMarkers();
    const busy = children.filter((m) => m.options.status === "busy").length;
    const free = children.filter((m) => m.options.status === "free").length;
    const tone = free ? "free" : busy ? "busy" : "offline";
    const label = document.createElement("span");
    label.textContent = children.length;
    return L.divIcon({ html: label, className: `tech-cluster ${tone}`, iconSize: [30, 30] });
  }

  const REGION_KEY = "trustloop.region";
  let regionLayer = null;  // the shown region's roads and place names
  let fitted = null;  // the region's bounds, while the map shows it as fitted
  let regionBounds = null;  // the shown region's roads' bounds
  let following = null;  // the technician whose card took the map to him: it keeps him in view as he drives
  let roadVertices = new Float64Array(0);  // the drawn roads' points, lat and lon in turn
  let roadLines = [];  // [polyline, its width in the region's view], casings first

  // The region switch: shown when the deployment serves more than one region.
  function regionSwitch(data) {
    const pick = tl.$("region-switch");
    if (!pick || (data.regions || []).length < 2) return;
    pick.replaceChildren(...data.regions.map((name) => {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = tl.regionName(name);
      return option;
    }));
    pick.value = data.region;
    pick.hidden = false;
    tl.$("region").hidden = true;  // the switch names the region
    pick.onchange = () => loadRoads(pick.value);
  }

  // Without a region asked for, the one this browser watched last (else the first served).
  async function loadRoads(region) {
    const asked = region || localStorage.getItem(REGION_KEY);
    let data;
    try {
      data = await tl.api(asked ? `/v1/ops/map?region=${encodeURIComponent(asked)}` : "/v1/ops/map");
    } catch (error) {
      if (asked && !region && error.status === 404) {  // the region watched last is no longer served here
        localStorage.removeItem(REGION_KEY);
        return loadRoads();
      }
      console.warn("no map:", error.message);
      tl.$("map-waiting").textContent = `The map could not be loaded (${error.message}).`;
      return;
    }
    if (region) localStorage.setItem(REGION_KEY, data.region);
    state.region = data.region;
    state.regions = data.regions || [];
    state.timeZones = data.time_zones || {};
    state.bounds = data.bounds || {};
    const open = state.selected && (state.selected.kind === "order"
      ? state.orders.get(state.selected.id) || tl.detail.shownOrder() : state.technicians.get(state.selected.id));
    if (open && !tl.inRegion(open)) tl.detail.close();  // another region's: not under this map
    tl.$("region").textContent = data.region;
    regionSwitch(data);
    if (region) tl.loadKpis();  // switched: the region's own figures (at start, they follow the roads)
    if (tl.several()) {
      // The region's own lists and fleet (the lists may have come before the roads did).
      tl.lists.render();
      tl.lists.renderTechnicians();
      tl.charts.renderTiles();
      drawOrders();
      drawTechnicians();
    }
    if (regionLayer) regionLayer.remove();
    regionLayer = L.layerGroup().addTo(map);
    stats.roadsDrawn = stats.places = 0;
    const renderer = L.canvas({ pane: "roads", padding: 0.3 });
    const byRank = ROADS.map(() => []);
    roadVertices = new Float64Array(data.roads.reduce((n, [, flat]) => n + flat.length, 0));
    let vertex = 0;
    for (const [rank, flat] of data.roads) {
      const line = [];
      for (let i = 0; i < flat.length; i += 2) {
        line.push([flat[i + 1], flat[i]]);
        roadVertices[vertex++] = flat[i + 1];
        roadVertices[vertex++] = flat[i];
      }
      byRank[rank]?.push(line);  // a rank this page does not know yet (a newer server's) is not drawn
    }
    const group = L.layerGroup();
    const options = { renderer, interactive: false, lineCap: "round", lineJoin: "round" };
    roadLines = [];
    for (const rank of RANKS_UNDER_FIRST) {
      const style = ROADS[rank];
      if (!style.casing) continue;
      roadLines.push([L.polyline(byRank[rank], { ...options, color: style.casing }).addTo(group), style.weight + 1.6]);
    }
    for (const rank of RANKS_UNDER_FIRST) {
      const style = ROADS[rank];
      const line = L.polyline(byRank[rank], { ...options, color: style.color, dashArray: style.dashArray });
      roadLines.push([line.addTo(group), style.weight]);
    }
    roadWidths();
    group.addTo(regionLayer);
    stats.roadsDrawn = data.roads.length;
    for (const [name, kind, lon, lat] of data.places || []) {
      const label = document.createElement("span");
      label.textContent = name;
      L.marker([lat, lon], {
        pane: "places", interactive: false, keyboard: false,
        icon: L.divIcon({ html: label, className: `place place-${kind}`, iconSize: null }),
      }).addTo(regionLayer);
      stats.places += 1;
    }
    regionBounds = null;
    if (data.bbox) {
      const [west, south, east, north] = data.bbox;
      regionBounds = fitted = [[south, west], [north, east]];
      map.fitBounds(fitted, { padding: [10, 10] });
    }
    tl.$("map-waiting").hidden = true;
    placeVisibility();
    placeNamesLater();
  }

  function roadWidths() {
    const scale = Math.min(3, Math.max(1, 2 ** ((map.getZoom() - ROADS_WIDEN_FROM) / 2)));
    for (const [line, weight] of roadLines) line.setStyle({ weight: weight * scale });
  }

  function placeVisibility() {
    const container = map.getContainer();
    container.classList.toggle("mid", map.getZoom() < 15.5);
    container.classList.toggle("far", map.getZoom() < 14);
    container.classList.toggle("very-far", map.getZoom() < 12.5);
  }

  function orderIcon(order) {
    const selected = state.selected?.kind === "order" && state.selected.id === order.order_id;
    return L.divIcon({ className: `order-pin ${order.sla_state}${selected ? " selected" : ""}`, iconSize: [18, 18] });
  }

  function orderLabel(order) {
    return `${tl.words(order.service)} · ${tl.words(order.status)} · ${tl.technicianName(order.technician_id)}` +
      (order.sla_state !== "ok" ? ` · ${tl.words(order.sla_state)}: ${order.sla_reason || ""}` : "");
  }

  function drawOrders() {
    if (!map) return;
    const started = performance.now();
    const visible = new Set(tl.lists.filteredOrders().map((o) => o.order_id));
    const gone = [];
    for (const [id, marker] of orderMarkers) {
      if (!visible.has(id)) {
        gone.push(marker);
        orderMarkers.delete(id);
      }
    }
    if (gone.length) orderLayer.removeLayers(gone);
    const fresh = [];
    const changed = [];
    for (const id of visible) {
      const order = state.orders.get(id);
      const key = `${order.sla_state}|${state.selected?.id === id}`;
      let marker = orderMarkers.get(id);
      if (!marker) {
        marker = L.marker([order.location.lat, order.location.lon], { icon: orderIcon(order), zIndexOffset: 1000, riseOnHover: true, sla: order.sla_state });
        marker.on("click", () => tl.detail.showOrder(id));
        marker.on("add", () => marker.getElement()?.setAttribute("data-order", id));
        marker.bindTooltip("", { direction: "top", offset: [0, -8] });
        orderMarkers.set(id, marker);
        marker.key = key;
        fresh.push(marker);
      } else if (marker.key !== key) {
        marker.setIcon(orderIcon(order));
        marker.options.sla = order.sla_state;
        marker.key = key;
        changed.push(marker);
      }
      marker.setTooltipContent(orderLabel(order));
    }
    if (fresh.length) addAll(orderLayer, fresh);
    if (changed.length) orderLayer.refreshClusters(changed);
    frame(started);
  }

  function technicianIcon(status, selected) {
    return L.divIcon({ className: `tech-pin ${status}${selected ? " selected" : ""}`, iconSize: [14, 14] });
  }

  function drawTechnicians() {
    if (!map) return;
    const started = performance.now();
    const busy = tl.busyTechnicians();
    const fresh = [];
    for (const [id, marker] of technicianMarkers) {
      const t = state.technicians.get(id);
      if (!t || !t.position || !tl.inRegion(t)) {
        technicianLayer.removeLayer(marker);
        technicianMarkers.delete(id);
      }
    }
    for (const t of state.technicians.values()) {
      if (!t.position || !tl.inRegion(t)) continue;
      const status = tl.technicianStatus(t, busy);
      const selected = state.selected?.kind === "technician" && state.selected.id === t.id;
      let marker = technicianMarkers.get(t.id);
      if (!marker) {
        marker = L.marker([t.position.lat, t.position.lon], {
          icon: technicianIcon(status, selected), status, selected, zIndexOffset: selected ? SELECTED_ON_TOP : 0,
        });
        marker.technicianId = t.id;
        marker.on("click", () => tl.detail.showTechnician(t.id));
        marker.bindTooltip(`${t.name} · ${STATUS_LABEL[status]}`, { direction: "top", offset: [0, -6] });
        technicianMarkers.set(t.id, marker);
        fresh.push(marker);
        continue;
      }
      if (marker.options.status !== status || marker.options.selected !== selected) {
        marker.options.status = status;
        marker.options.selected = selected;
        marker.setIcon(technicianIcon(status, selected));
        marker.setZIndexOffset(selected ? SELECTED_ON_TOP : 0);
        marker.setTooltipContent(`${t.name} · ${STATUS_LABEL[status]}`);
      }
      const at = marker.getLatLng();
      if (at.lat !== t.position.lat || at.lng !== t.position.lon) marker.setLatLng([t.position.lat, t.position.lon]);
    }
    if (fresh.length) addAll(technicianLayer, fresh);
    technicianLayer.refreshClusters();
    frame(started);
  }

  // Positions arrive by the hundred a second. Each one moved on its own makes the cluster library rebuild
  // the icons of the clusters it leaves and joins, and repaint them, every frame; so they are noted and
  // applied four times a second, in one bulk removal and re-adding (one refresh of the cluster icons).
  // A technician heard from twice in that time moves once, to his latest place.
  const MOVE_EVERY_MS = 250;
  const moved = new Set();
  let moveTimer = 0;
  function moveTechnician(t) {
    if (!tl.inRegion(t)) {  // another region's, or one who serves every region and has driven out of this one
      if (technicianMarkers.has(t.id)) drawTechnicians();
      return;
    }
    if (!technicianMarkers.has(t.id)) return drawTechnicians();
    moved.add(t.id);
    if (!moveTimer) moveTimer = setTimeout(() => requestAnimationFrame(applyMoves), MOVE_EVERY_MS);
  }

  function applyMoves() {
    moveTimer = 0;
    const started = performance.now();
    const markers = [];
    for (const id of moved) {
      const t = state.technicians.get(id);
      const marker = technicianMarkers.get(id);
      if (t?.position && marker) markers.push([marker, t.position]);
    }
    moved.clear();
    const batch = markers.map(([marker]) => marker);
    technicianLayer.removeLayers(batch);
    for (const [marker, at] of markers) marker.setLatLng([at.lat, at.lon]);
    addAll(technicianLayer, batch);
    const order = state.selected?.kind === "order" && state.orders.get(state.selected.id);
    if (order && markers.some(([marker]) => marker.technicianId === order.technician_id)) tl.detail.redrawRoute();
    keepFollowed(markers);
    frame(started);
  }

  function frame(started) {
    stats.frames += 1;
    stats.lastFrameMs = performance.now() - started;
    // Now, not at the next frame: the clusters the moves touched have new icons, on their spots until moved off.
    cancelAnimationFrame(namesFrame);
    placeNames();
  }

  // Place names give way to the pins and to each other: the more important first (a city before a village,
  // a village before a street), each moved to just above what covers it, else just below, and hidden only
  // while neither is clear (zooming in brings it back). Names nothing covers stay on their spot.
  const NAME_GAP_PX = 2;
  const NAME_RANK = ["city", "town", "suburb", "village", "quarter", "neighbourhood", "hamlet", "square", "street"];
  const nameRank = (name) => {
    const rank = NAME_RANK.findIndex((kind) => name.parentElement.classList.contains(`place-${kind}`));
    return rank < 0 ? NAME_RANK.length : rank;
  };
  let namesFrame = 0;
  function placeNamesLater() {
    if (!namesFrame) namesFrame = requestAnimationFrame(placeNames);
  }

  function placeNames() {
    namesFrame = 0;
    if (!map) return;
    const view = map.getContainer().getBoundingClientRect();
    const inView = (r) => r.width && r.right > view.left && r.left < view.right && r.bottom > view.top && r.top < view.bottom;
    const pane = map.getPane("markerPane");
    // The legend and the zoom buttons stand over the map: what they would cover is moved as a pin would cover it.
    const overlays = [document.getElementById("legend"), map.getContainer().querySelector(".leaflet-control-zoom")];
    const taken = [...pane.querySelectorAll(".leaflet-marker-icon:not(.tech-cluster):not(.order-cluster)"), ...overlays]
      .filter(Boolean)
      .map(withRing)
      .filter(inView);
    // Clusters give way to the pins and to each other as names do, so that every count is read: a cluster stands
    // for pins spread over its radius around it, so a pin's height or width off its spot it still says where they
    // are. Orders at risk or breached first, then the other orders, then the vans.
    const clusters = [];
    for (const cluster of pane.querySelectorAll(".order-cluster, .tech-cluster")) {
      const box = cluster.getBoundingClientRect();
      if (!inView(box)) continue;
      const [dx, dy] = (cluster.dataset.shift || "0 0").split(" ").map(Number);
      const box0 = { left: box.left - dx, right: box.right - dx, top: box.top - dy, bottom: box.bottom - dy };
      clusters.push({ cluster, rank: clusterRank(cluster), box: box0 });
    }
    clusters.sort((a, b) => a.rank - b.rank);
    for (const entry of clusters) {
      const { box } = entry;
      const up = clearShift(box, taken);
      const [dx, dy] = up !== null ? [0, up] : [clearShift(box, taken, "x") ?? 0, 0];
      entry.shift = [dx, dy];
      taken.push({ left: box.left + dx, right: box.right + dx, top: box.top + dy, bottom: box.bottom + dy });
    }
    for (const { cluster, shift: [dx, dy] } of clusters) {
      cluster.dataset.shift = `${dx} ${dy}`;
      cluster.style.translate = dx || dy ? `${dx}px ${dy}px` : "";
    }
    const names = [];  // every name measured first, then all moved: one layout, not one per name
    for (const name of map.getPane("places").querySelectorAll(".place span")) {
      const box = name.getBoundingClientRect();
      if (!inView(box)) continue;  // not shown at this zoom, or off the map: placed when it comes into view
      const shift = Number(name.dataset.shift || 0);
      names.push({ name, rank: nameRank(name), box: { left: box.left, right: box.right, top: box.top - shift, bottom: box.bottom - shift } });
    }
    names.sort((a, b) => a.rank - b.rank);  // stable: among equals, the server's order
    for (const entry of names) {
      entry.shift = clearShift(entry.box, taken);
      if (entry.shift !== null) taken.push({ ...entry.box, top: entry.box.top + entry.shift, bottom: entry.box.bottom + entry.shift });
    }
    for (const { name, shift } of names) {
      name.dataset.shift = shift ?? 0;
      name.style.translate = shift ? `0 ${shift}px` : "";
      name.style.visibility = shift === null ? "hidden" : "";
    }
  }

  // A pin's box, with the ring that marks the selected one (drawn as a shadow, outside the box the browser gives).
  const SELECTED_RING_PX = 3;
  function withRing(pin) {
    const box = pin.getBoundingClientRect();
    if (!pin.classList.contains("selected")) return box;
    const ring = SELECTED_RING_PX;
    return { left: box.left - ring, right: box.right + ring, top: box.top - ring, bottom: box.bottom + ring,
             width: box.width + 2 * ring, height: box.height + 2 * ring };
  }

  function covered(box, other) {
    return other.left < box.right + NAME_GAP_PX && other.right > box.left - NAME_GAP_PX &&
      other.top < box.bottom + NAME_GAP_PX && other.bottom > box.top - NAME_GAP_PX;
  }

  const CLUSTER_RANK = ["order-cluster breached", "order-cluster at_risk", "order-cluster"];
  const clusterRank = (cluster) => {
    const rank = CLUSTER_RANK.findIndex((kinds) => kinds.split(" ").every((kind) => cluster.classList.contains(kind)));
    return rank < 0 ? CLUSTER_RANK.length : rank;
  };

  // How far a box must move to be clear of everything taken: down (negative: up), or along `axis` "x" right
  // (negative: left); null if neither just before nor just after what covers it is clear.
  function clearShift(box, taken, axis = "y") {
    const [start, end] = axis === "y" ? ["top", "bottom"] : ["left", "right"];
    const over = taken.filter((other) => covered(box, other));
    if (!over.length) return 0;
    const first = Math.min(...over.map((other) => other[start]));
    const last = Math.max(...over.map((other) => other[end]));
    for (const shift of [first - NAME_GAP_PX - box[end], last + NAME_GAP_PX - box[start]]) {
      const moved = { ...box, [start]: box[start] + shift, [end]: box[end] + shift };
      if (!taken.some((other) => covered(moved, other))) return shift;
    }
    return null;
  }

  // The selected order's route: the live route from the technician when there is one, else a straight
  // dashed line from where he is; the driver's spot and the technician's framed in view.
  function showRoute(order, detail) {
    routeLayer.clearLayers();
    stats.routeShown = false;
    if (!order) return;
    const driver = [order.location.lat, order.location.lon];
    const technician = order.technician_id && state.technicians.get(order.technician_id);
    let line = null;
    if (detail?.route?.geometry?.coordinates?.length) {
      line = L.polyline(detail.route.geometry.coordinates.map(([lon, lat]) => [lat, lon]), {
        pane: "route", color: "#1f3fbf", weight: 5, opacity: 0.85, className: "route-line",
      });
    } else if (technician?.position) {
      line = L.polyline([[technician.position.lat, technician.position.lon], driver], {
        pane: "route", color: "#1f3fbf", weight: 3, dashArray: "6 8", className: "route-line straight",
      });
    }
    if (line) {
      line.addTo(routeLayer);
      stats.routeShown = true;
    }
    if (detail && tl.walkToCar(detail)) {  // the road ends short of the car: the last stretch is on foot, dotted
      const [lon, lat] = detail.route.geometry.coordinates.at(-1);
      L.polyline([[lat, lon], driver], { pane: "route", color: "#1f3fbf", weight: 2, dashArray: "1 6", className: "route-line on-foot" })
        .addTo(routeLayer);
    }
  }

  function zoomTo(order) {
    fitted = following = null;  // the operator chose where to look
    const bounds = L.latLngBounds([[order.location.lat, order.location.lon]]);
    const technician = order.technician_id && state.technicians.get(order.technician_id);
    if (technician?.position) bounds.extend([technician.position.lat, technician.position.lon]);
    map.flyToBounds(bounds.pad(0.4), { maxZoom: 16, duration: 0.4 });
  }

  // Only onto the map shown: a position outside its area would be a blank patch with a pin, so the map shows the
  // whole region instead (and the card says where he is). Close enough that his pin is out of any cluster, with
  // its ring, unless the nearest drawn road is farther: then far enough out to show it too (a van on a farm track,
  // which the map does not draw).
  function zoomToTechnician(t) {
    following = null;
    const mapped = Object.keys(state.bounds).length > 0;
    if (!t.position || (mapped && tl.regionAt(t.position) !== state.region)) {
      if (regionBounds) {
        fitted = regionBounds;
        map.flyToBounds(regionBounds, { padding: [10, 10], duration: 0.4 });
      }
      return false;
    }
    fitted = null;
    following = t.id;
    const at = L.latLng(t.position.lat, t.position.lon);
    const road = nearestRoad(at);
    if (road && at.distanceTo(road) > ROAD_IN_VIEW_M) {
      map.flyToBounds(L.latLngBounds([at, road]).pad(0.5), { maxZoom: TECHNICIANS_APART_AT, duration: 0.4 });
    } else {
      map.flyTo(at, Math.max(map.getZoom(), TECHNICIANS_APART_AT), { duration: 0.4 });
    }
    return true;
  }

  // The van whose card is open stays in view as he drives, until the operator moves the map himself.
  function keepFollowed(markers) {
    if (!following || state.selected?.kind !== "technician" || state.selected.id !== following) return;
    const moved = markers.find(([marker]) => marker.technicianId === following);
    if (moved && !map.getBounds().pad(-0.2).contains(moved[0].getLatLng())) map.panTo(moved[0].getLatLng(), { duration: 0.4 });
  }

  function nearestRoad(at) {
    let best = null;
    let bestScore = Infinity;
    const shrink = Math.cos((at.lat * Math.PI) / 180) ** 2;  // a degree of longitude is shorter than one of latitude
    for (let i = 0; i < roadVertices.length; i += 2) {
      const dLat = roadVertices[i] - at.lat;
      const dLon = roadVertices[i + 1] - at.lng;
      const score = dLat * dLat + dLon * dLon * shrink;
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best == null ? null : L.latLng(roadVertices[best], roadVertices[best + 1]);
  }

  tl.map = { init, loadRoads, drawOrders, drawTechnicians, moveTechnician, showRoute, zoomTo, zoomToTechnician, settled, leaflet: null };
})();
