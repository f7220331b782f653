// The selected order's panel (driver, service, timeline, technician and live ETA against the promise,
// pushes, the dispatcher's decision, and the operator's actions) and a technician's card.
"use strict";

(() => {
  const tl = window.trustloop;
  const { state, el } = tl;
  const FREE_TO_ACT = new Set(["searching", "assigned", "en_route"]);
  const CALLED_OFF = new Set(["cancelled", "unfulfilled"]);
  const CANCEL_CAUSES = [["driver_asked", "the driver asked"], ["duplicate", "a duplicate request"],
    ["help_not_needed", "help no longer needed"], ["location_unreachable", "the place can't be reached"],
    ["unsafe", "unsafe to send anyone"], ["other", "another reason"]];
  const LANGUAGE_NAMES = { en: "English", ru: "Russian", de: "German" };
  let current = null; // the order panel's data: {order, decision, pushes, choices}
  let said = null; // the last action's result, kept across the panel's refreshes: {id, text, ok}
  // Who could take the order costs the server a road table per ask, and the panel is drawn again on every live
  // change of the order: the list is asked for when the panel opens, when the order's status changes, after the
  // operator acts on it, when he asks again, and when it has been shown this long; redraws in between reuse it.
  const CHOICES_FRESH_MS = 30000;
  let choices = null; // {orderId, status, at, list}: the list as asked for, null where the server could not say
  let choicesTimer = 0;
  let askWhenSeen = null; // the order whose list went stale while the tab was hidden

  let shownCard = null;  // the technician's card on the panel, as the server gave it
  const panel = () => tl.$("detail");
  const fill = (...children) => panel().replaceChildren(...children.flat().filter((c) => c != null && c !== false));
  // Operators know a technician by his full name; drivers see his display name.
  const fullName = (technician) => state.technicians.get(technician.id)?.name || technician.name;

  function open(kind, id) {
    state.selected = { kind, id };
    said = null;
    forgetChoices();
    for (const element of document.querySelectorAll("#side > .list, #filters")) element.hidden = true;
    panel().hidden = false;
    panel().dataset.kind = kind;
    panel().dataset.id = id;
    tl.map.showRoute(null);  // the route of the order shown before, if any: it is not this one's
    tl.map.drawOrders();
    tl.map.drawTechnicians();
  }

  function close() {
    if (!state.selected) return;
    state.selected = null;
    current = null;
    forgetChoices();
    panel().hidden = true;
    panel().replaceChildren();
    tl.map.showRoute(null);
    tl.map.drawOrders();
    tl.map.drawTechnicians();
    const tab = tl.lists.tab();
    for (const element of document.querySelectorAll("#side > .list, #filters")) element.hidden = !element.classList.contains(`tab-${tab}`);
  }

  function confirmAction(text, extra = null) {
    const dialog = tl.$("confirm");
    tl.$("confirm-text").textContent = text;
    tl.$("confirm-extra").replaceChildren(...(extra ? [extra] : []));
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
  }

  function result(text, ok = true) {
    said = { id: state.selected?.id, text, ok };
    showResult();
  }

  function showResult() {
    const box = panel().querySelector(".result");
    if (!box || !said || said.id !== state.selected?.id) return;
    box.textContent = said.text;
    box.className = `result ${said.ok ? "ok" : "failed"}`;
  }

  async function act(question, call, done) {
    if (!(await confirmAction(question))) return;
    said = null;
    try {
      const answer = await call();
      result(done(answer), true);
      tl.soon(tl.loadOrders, 100);
      tl.soon(tl.loadAttention, 100);
    } catch (error) {
      result(`Not done: ${error.message}`, false);
    }
    await refresh({ askWhoCan: true });  // done or refused, who can take it now may differ from the list shown
  }

  async function showOrder(id) {
    open("order", id);
    panel().replaceChildren(el("p", { class: "empty" }, "Loading the order…"));
    await refresh();
    if (state.selected?.id !== id || !current) return;
    // Another region's order (from a technician's card, a partner's deliveries, a search): the map and the lists
    // switch to its region, as the region switch would, so that the operator sees its pin.
    const region = current.order.region;
    if (tl.several() && region && region !== state.region && state.regions.includes(region)) {
      await tl.map.loadRoads(region);
      if (state.selected?.id !== id) return;
    }
    const order = state.orders.get(id) || { order_id: id, location: current.order.location, technician_id: current.order.technician?.id };
    tl.map.zoomTo(order);
  }

  // askWhoCan: ask who could take it even if the list shown is fresh (the operator acted, or asked).
  async function refresh({ askWhoCan = false } = {}) {
    if (state.selected?.kind !== "order") return;
    const id = state.selected.id;
    // As the panel opens on an open order, the list is asked for alongside the order; later, once the order says
    // whether its status changed.
    const opening = choices?.orderId !== id && FREE_TO_ACT.has(state.orders.get(id)?.status);
    const [order, decision, pushes, early] = await Promise.all([
      tl.api(`/v1/ops/orders/${id}`),
      tl.api(`/v1/ops/orders/${id}/decision`).catch(() => null),
      tl.api(`/v1/ops/notifications?order_id=${id}&limit=50`).then((p) => p.items).catch(() => []),
      opening ? askChoices(id) : null,
    ]);
    if (state.selected?.id !== id) return;
    if (opening && FREE_TO_ACT.has(order.status)) keepChoices(id, order.status, early);
    else if (choicesDue(id, order.status, askWhoCan)) {
      const list = await askChoices(id);
      if (state.selected?.id !== id) return;
      keepChoices(id, order.status, list);
    }
    current = { order, decision, pushes, choices: choices?.orderId === id ? choices.list : null };
    renderOrder();
  }

  function choicesDue(id, status, asked) {
    if (!FREE_TO_ACT.has(status)) return false;  // nobody can be offered or given it
    return asked || choices?.orderId !== id || choices.status !== status || Date.now() - choices.at >= CHOICES_FRESH_MS;
  }

  // The list, or null where the server could not say (drawn as "Could not ask who is free").
  function askChoices(id) {
    return tl.api(`/v1/ops/orders/${id}/technicians`).catch(() => null);
  }

  function keepChoices(orderId, status, list) {
    choices = { orderId, status, at: Date.now(), list };
    clearTimeout(choicesTimer);
    choicesTimer = setTimeout(() => askAgainIfWatched(orderId), CHOICES_FRESH_MS);
  }

  // A console left in a background tab asks nothing: the list is asked for again, once, when the operator comes
  // back to it (one listener for the page's life, so stale lists never pile up asks for the moment he returns).
  function askAgainIfWatched(orderId) {
    if (state.selected?.id !== orderId) return;
    if (document.hidden) askWhenSeen = orderId;
    else refresh({ askWhoCan: true });
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden || askWhenSeen === null) return;
    const orderId = askWhenSeen;
    askWhenSeen = null;
    askAgainIfWatched(orderId);
  });

  function forgetChoices() {
    choices = null;
    clearTimeout(choicesTimer);
  }

  function redrawRoute() {
    if (!current) return;
    const o = current.order;
    if (CALLED_OFF.has(o.status)) tl.map.showRoute({ order_id: o.id, location: o.location, technician_id: null }, null);  // nobody is coming
    else tl.map.showRoute({ order_id: o.id, location: o.location, technician_id: o.technician?.id }, o);
  }

  function etaLine(o) {
    if (!o.eta) return o.technician ? "no live ETA now" : "";
    const late = o.eta.late;  // past the promise by more than its grace, as the SLA and the driver's pushes judge it
    const [arrival, promised] = [tl.minuteEnd(o.eta.arrival_at), tl.minuteEnd(o.eta.promised_at)];
    const promisedText = promised ? ` · promised ${tl.time(promised)}${tl.carTime(promised, o.region)}` : "";
    const walk = tl.walkToCar(o);  // his route ends short of the car: he walks the rest
    const short = walk ? ` · the road ends ${Math.round(walk / 10) * 10} m short of the car` : "";
    // The time shown has passed and he has not arrived: the estimate is as old as his last position, and says
    // nothing of being on time any more.
    if (Date.now() >= Date.parse(arrival)) {
      return el("span", { class: "eta late" }, `ETA ${tl.time(arrival)}${tl.carTime(arrival, o.region)} has passed: no newer `
        + `position to estimate from${promisedText}${late ? " · late" : promised && Date.now() > Date.parse(promised) ? " · past it" : ""}${short}`);
    }
    return el("span", { class: `eta ${late ? "late" : "on-time"}` },
      `ETA ${tl.time(arrival)}${tl.carTime(arrival, o.region)} · ${tl.minutesTo(o.eta.arrival_at)} min, ${o.eta.confidence} confidence`,
      promised ? `${promisedText}${late ? " · late" : arrival > promised ? " · past it, within its grace" : " · on time"}` : "",
      short);
  }

  // What the promise was made of: OSRM's estimate, the calibrated median and the quantile promised. The median's
  // parts are named where they move it by 3 % or more; the small ones together are "the rest", so that the parts
  // shown multiply to the median's factor.
  function promiseText(p) {
    // Tenths of a minute: in whole minutes the figures would not multiply out (OSRM 3 min × 0.85 for a 2 min promise).
    const min = (s) => `${(s / 60).toFixed(1)} min`;
    if (p.quantile == null) {
      return `${min(p.promised_s)}: OSRM's estimate as it is (${p.basis.observations || 0} finished drives, too few to calibrate)`;
    }
    const b = p.basis;
    const named = [["hour_of_day", "hour"], ["hour_of_week", "weekday"], ["distance_band", "distance"],
      ["route_speed", "road"], ["technician", "technician"]]
      .filter(([key]) => Math.abs((b[key] ?? 1) - 1) >= 0.03);
    const rest = p.correction / named.reduce((product, [key]) => product * b[key], b.fleet);
    const factors = [["fleet", b.fleet], ...named.map(([key, word]) => [word, b[key]]),
      ...(Math.abs(rest - 1) >= 0.005 ? [["the rest", rest]] : [])];
    return `${min(p.promised_s)}: OSRM ${min(p.raw_s)} × ${p.correction.toFixed(2)} for the median drive `
      + `(${factors.map(([word, value]) => `${word} ×${value.toFixed(2)}`).join(", ")}), `
      + `× ${b.spread.toFixed(2)} to keep it ${Math.round(p.quantile * 100)} times in 100`
      + `${b.grace_s ? ` with its ${Math.round(b.grace_s / 60)} min grace` : ""} · `
      + `learnt from ${b.observations} drives, ${b.technician_jobs} by this technician`;
  }

  function promiseLine(p) {
    return p ? [el("dt", {}, "Promise"), el("dd", { class: "promise" }, promiseText(p))] : null;
  }

  // The car's clock now, once, where it reads otherwise than the operator's.
  function carClock(region) {
    const now = new Date().toISOString();
    const there = tl.clockIn(region, now);
    return there === tl.time(now) ? null : [el("dt", {}, "Car's clock"), el("dd", { class: "car-clock" }, `${there} now (yours ${tl.time(now)})`)];
  }

  // What the operator has chosen or typed in the order's panel (the technician, the cancel cause, the notes) and
  // where the focus was: the panel is drawn again on every live change of the order, and must not wipe them.
  const FORM_FIELDS = "select[name=technician], select[name=cause], input[name=reason], .note-form input";
  // Each field by its name (technician, cause, reason, note), never by its place: a redraw without the actions
  // (the order was called off) must not pour one field's value into another.
  function keptInput(orderId) {
    const shown = panel().dataset.kind === "order" && panel().dataset.id === orderId;
    const fields = shown ? [...panel().querySelectorAll(FORM_FIELDS)] : [];
    const focused = fields.find((f) => f === document.activeElement);
    return {
      values: new Map(fields.map((f) => [f.name, f.value])),
      focused: focused?.name,
      caret: focused ? focused.selectionStart : null,
    };
  }

  function restoreInput(kept) {
    for (const field of panel().querySelectorAll(FORM_FIELDS)) {
      const value = kept.values.get(field.name);
      if (!value) continue;
      if (field.tagName === "SELECT" && ![...field.options].some((option) => option.value === value)) continue;  // no longer a choice
      field.value = value;
      field.dispatchEvent(new Event("change"));
    }
    const focus = kept.focused && panel().querySelector(`[name="${kept.focused}"]`);
    if (!focus) return;
    focus.focus();
    if (kept.caret != null && focus.setSelectionRange) focus.setSelectionRange(kept.caret, kept.caret);
  }

  function renderOrder() {
    const kept = keptInput(current.order.id);
    drawOrder();
    restoreInput(kept);
  }

  // "assigned to Felix Beck (was Boris Novak) · by Anna Meier": who did it, and on an assignment to whom.
  const BY_ROLE = { driver: "the driver", technician: "the technician", operator: "an operator", partner: "a partner" };
  function changeText(t) {
    const to = t.technician ? ` to ${t.technician}` : "";
    const was = t.previous_technician ? ` (was ${t.previous_technician})` : "";
    // A technician given a job by himself took an offer: "assigned to Hugo · by Hugo" would read as a slip.
    const accepted = t.technician && t.by_role === "technician" && t.by === t.technician;
    const by = accepted ? " · accepted the offer" : t.by_role ? ` · by ${t.by || BY_ROLE[t.by_role]}` : "";
    return `${tl.words(t.status)}${to}${was}${by}${t.reason ? `: “${t.reason}”` : ""}`;
  }

  function drawOrder() {
    const { order: o, decision, pushes } = current;
    const vehicle = o.vehicle ? Object.values(o.vehicle).filter(Boolean).join(" ") : "no vehicle given";
    const timeline = [
      ...(o.changes || o.timeline).map((t) => ({ at: t.at, text: changeText(t) })),
      ...(o.operator_notes || []).map((n) => ({ at: n.at, text: `note by ${n.author || "an operator"}: ${n.text}`, note: true })),
    ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    fill(
      el("div", { class: "panel-head" },
        el("button", { class: "secondary back", type: "button", onclick: close }, "← Back"),
        el("h2", {}, `${tl.words(o.service)} · ${tl.words(o.status)}`),
        el("code", {}, `#${o.id.slice(0, 8)}`)),
      o.sla_state && o.sla_state !== "ok" ? el("p", { class: `sla ${o.sla_state}` }, `${tl.words(o.sla_state)}: ${o.sla_reason || ""}`) : null,
      stallBlock(o),
      el("dl", {},
        el("dt", {}, "Driver"), el("dd", { class: "driver" }, o.driver?.name || "unnamed driver", " ",
          o.driver?.phone ? el("a", { href: `tel:${o.driver.phone}` }, o.driver.phone) : "no phone"),
        el("dt", {}, "Vehicle"), el("dd", {}, vehicle),
        el("dt", {}, "Where"), el("dd", { class: "where" }, o.address || `${o.location.lat.toFixed(5)}, ${o.location.lon.toFixed(5)}`,
          tl.several() && o.region ? ` · ${tl.regionName(o.region)}` : ""),
        carClock(o.region),
        o.notes ? [el("dt", {}, "Driver's note"), el("dd", {}, o.notes)] : null,
        el("dt", {}, "Technician"), el("dd", { class: "technician" }, o.technician
          ? [el("a", { href: "#", onclick: (e) => { e.preventDefault(); showTechnician(o.technician.id); } }, fullName(o.technician)), " · ",
            CALLED_OFF.has(o.status) ? "was on it when it was called off" : etaLine(o)]
          : "nobody yet"),
        CALLED_OFF.has(o.status) ? null : promiseLine(o.promise),  // nobody is coming: no promise to explain
        o.cancel_cause || o.cancel_reason ? [el("dt", {}, "Cancelled"),
          el("dd", {}, [CANCEL_CAUSES.find(([v]) => v === o.cancel_cause)?.[1], o.cancel_reason].filter(Boolean).join(": "))] : null),
      el("p", { class: "result", role: "status" }),
      actions(o, current.choices),
      stepIn(o),
      el("h3", {}, "Timeline"),
      el("ol", { class: "timeline" }, timeline.map((t) => el("li", { class: t.note ? "note" : "" }, el("time", {}, tl.time(t.at)), " ", t.text))),
      el("form", { class: "note-form", onsubmit: (e) => addNote(e, o.id) },
        el("input", { name: "note", placeholder: "Add a note to the timeline", required: true, maxLength: 2000 }),
        el("button", { type: "submit" }, "Add note")),
      el("h3", {}, `Pushes sent (${pushes.length})`),
      el("ul", { class: "pushes" }, pushes.length ? pushes.map((p) => pushItem(p, o)) : el("li", { class: "empty" }, "none")),
      decisionBlock(decision, o),
    );
    showResult();
    redrawRoute();
  }

  // Where a push stands, in words: "no_devices" means nobody could be told by push (no phone with the app).
  const PUSH_STATUS = { pending: "sending", sent: "sent", failed: "failed to send", no_devices: "not sent: no app on a phone" };

  // A push as its recipient read it: in the language of each of his phones; with none, in the language the order
  // was given in for its driver (a partner's member), else English.
  function pushItem(p, o) {
    const languages = p.read_in?.length ? p.read_in : [(p.user_id === o.driver?.id && o.locale) || "en"];
    return el("li", {}, el("time", {}, tl.time(p.created_at)), ` ${tl.words(p.kind)} · `,
      el("span", { class: `push-status ${p.status}` }, PUSH_STATUS[p.status] || p.status),
      p.read_in?.length || p.status === "no_devices" ? null : el("span", { class: "muted" }, " · no app on a phone"),
      languages.filter((lang) => p.preview?.[lang]).map((lang) => el("small", { lang },
        el("abbr", { class: "lang", title: LANGUAGE_NAMES[lang] || lang }, lang.toUpperCase()),
        " ", el("strong", {}, p.preview[lang].title), ` — ${p.preview[lang].body}`)));  // a title may hold a colon
  }

  function stallBlock(o) {
    if (!o.stall) return null;
    const what = o.stall.trouble === "stalled" ? "No progress towards the driver" : "No signal from the technician's phone";
    return el("div", { class: "stall" },
      el("p", {}, `${what} since ${tl.time(o.stall.since)} · ${o.stall.redispatch_offered ? "re-dispatch offered" : o.stall.step >= 2 ? "at risk" : "technician asked"}`),
      o.stall.redispatch_offered ? el("button", { type: "button", class: "redispatch", onclick: () =>
        act(`Take the job from ${fullName(o.technician)} and give it to the free technician nearest by road?`,
          () => tl.api(`/v1/ops/orders/${o.id}/redispatch`, { method: "POST" }),
          (order) => `Re-dispatched to ${order.technician ? fullName(order.technician) : "another technician"}.`) }, "Re-dispatch") : null);
  }

  // Who could take it, as the server finds them (skill, region, free, not blocked by this driver), soonest by road
  // first: each with his drive (the calibrated median, as the dispatcher's decision shows it), how old the position
  // it starts from is, and his trust for this service (named so: his card and the fleet show his overall trust).
  function candidateOptions(choices, service) {
    const km = (m) => {
      if (m < 1000) return `${Math.round(m / 10) * 10} m`;
      const k = m / 1000;
      return `${k < 10 ? k.toFixed(1) : Math.round(k).toLocaleString("en")} km`;
    };
    return (choices?.items || []).map((c) => {
      const drive = c.eta_s != null ? `${Math.max(1, Math.round(c.eta_s / 60))} min drive${c.road_m != null ? ` (${km(c.road_m)})` : ""}`
        : c.straight_m != null ? `no road from the van's position (${km(c.straight_m)} away)` : "whereabouts unknown";
      const age = c.position_age_s != null && c.position_age_s >= 120 ? ` · seen ${Math.round(c.position_age_s / 60)} min ago` : "";
      // Trust before the drive: where a narrow panel cuts the line off, it cuts the distance, not the score.
      const label = [
        c.name, ` · ${tl.words(service)} trust ${c.trust_score.toFixed(2)}`, ` · ${drive}${age}`,
        c.offered_this ? " · offered this job, waiting" : c.offered_elsewhere ? " · has another offer open" : "",
      ].join("");
      return el("option", { value: c.technician_id, title: label }, label);
    });
  }

  function actions(o, choices) {
    if (!FREE_TO_ACT.has(o.status)) return null;
    const pick = el("select", { name: "technician", "aria-label": "Technician" }, candidateOptions(choices, o.service));
    if (!pick.options.length) pick.append(el("option", { value: "", disabled: true, selected: true }, choices ? "Nobody free can take it now" : "Could not ask who is free"));
    const name = () => pick.selectedOptions[0]?.textContent.split(" · ")[0] || "";
    const picked = () => (choices?.items || []).find((item) => item.technician_id === pick.value);
    // The confirmation says what the choice means for the driver when no drive can be promised from his position.
    const roadless = () => {
      const c = picked();
      if (!c || c.eta_s != null) return "";
      return c.straight_m != null
        ? ` No road leads from where ${name()} is to the car: the driver gets no arrival time or route until the van moves.`
        : ` Nobody knows where ${name()} is: the driver gets no arrival time or route until that phone reports.`;
    };
    // What taking the job from the technician on it costs the driver: when each would be there (the one on it by
    // the live ETA, the other by the median drive the list shows), told as the panel tells times, each rounded up
    // to its minute, so that the minutes between them are the ones said; and whether it breaks the promise.
    const handoverCost = () => {
      const c = picked();
      if (!o.technician || !c || c.eta_s == null) return "";
      const clock = (iso) => `${tl.time(iso)}${tl.carTime(iso, o.region)}`;
      const coming = tl.minuteEnd(new Date(Date.now() + c.eta_s * 1000).toISOString());
      const told = ` ${name()} would be there around ${clock(coming)}`;  // the list beside it gives the drive
      const promised = o.eta?.promised_at && tl.minuteEnd(o.eta.promised_at);
      const breaks = promised && Date.parse(coming) > Date.parse(promised) ? `, past the promised ${clock(promised)}` : "";
      if (!o.eta) return `${told}; ${fullName(o.technician)} has no live ETA now. The driver is told the new time.`;
      const now = tl.minuteEnd(o.eta.arrival_at);
      const later = Math.round((Date.parse(coming) - Date.parse(now)) / 60000);
      const waits = later > 0 ? `the driver waits ${later} min longer`
        : later < 0 ? `the driver is helped ${-later} min sooner` : "the driver is helped as soon";
      return `${told}, where ${fullName(o.technician)} arrives around ${clock(now)}: ${waits}${breaks}, and is told the new time.`;
    };
    // The driver's and the technician's pushes say the cause in their language; the note is for the record.
    const cause = el("select", { name: "cause", "aria-label": "Why cancel" },
      el("option", { value: "" }, "Why cancel…"), CANCEL_CAUSES.map(([v, label]) => el("option", { value: v }, label)));
    const reason = el("input", { name: "reason", placeholder: "Note for the record", maxLength: 500,
      title: "Kept on the order for operators and partners; not sent to the driver or the technician" });
    return el("div", { class: "actions" },
      el("div", { class: "row" }, pick,
        el("button", { type: "button", class: "offer", disabled: !pick.value || o.status !== "searching", onclick: () =>
          act(`Offer this job to ${name()}? The offer stays open 2 minutes.${roadless()}`,
            () => tl.api(`/v1/ops/orders/${o.id}/offers`, { method: "POST", body: JSON.stringify({ technician_id: pick.value, ttl_s: 120 }) }),
            (offer) => `Offered to ${name()}: waiting for an answer until ${tl.time(offer.expires_at)}.`) }, "Offer"),
        el("button", { type: "button", class: "assign", disabled: !pick.value, onclick: () =>
          act((o.technician ? `Take the job from ${fullName(o.technician)} and give it to ${name()}?${handoverCost()}` : `Assign this job to ${name()}?`) + roadless(),
            () => tl.api(`/v1/ops/orders/${o.id}/assign`, { method: "POST", body: JSON.stringify({ technician_id: pick.value }) }),
            (given) => {
              // The map frames the car and the technician now coming, not the one the job was taken from.
              tl.map.zoomTo({ location: o.location, technician_id: given.technician?.id });
              return `${o.technician ? "Reassigned" : "Assigned"} to ${name()}.`;
            }) }, o.technician ? "Reassign" : "Assign"),
        el("button", { type: "button", class: "secondary ask-again", title: "Ask again who is free and how far each is by road",
          onclick: () => refresh({ askWhoCan: true }) }, "Refresh list")),
      el("div", { class: "row" }, cause, reason,
        el("button", { type: "button", class: "cancel danger", onclick: () => {
          if (!cause.value) { cause.setCustomValidity("Say why"); cause.reportValidity(); return; }
          cause.setCustomValidity("");
          const note = reason.value.trim();
          act(`Cancel this order (${cause.selectedOptions[0].textContent})? The driver${o.technician ? " and the technician are" : " is"} told why, in their language.`,
            () => tl.api(`/v1/orders/${o.id}/cancel`, { method: "POST", body: JSON.stringify({ cause: cause.value, ...(note ? { reason: note } : {}) }) }),
            () => `Cancelled. A push tells ${o.technician ? "the driver and the technician" : "the driver"} why; `
              + "below, whether it reached a phone.");
        } }, "Cancel order")));
  }

  // The steps an operator may record for the technician whose app cannot (a dead phone, no signal), from each status,
  // as the order's states allow them; the driver hears of each as if the app had said it.
  const STEPS_FOR_HIM = {
    assigned: [["en_route", "is on the way"]],
    en_route: [["arrived", "is at the car"]],
    arrived: [["in_progress", "is at work"], ["failed", "could not help"]],
    in_progress: [["completed", "is done"], ["failed", "could not help"]],
  };

  function stepIn(o) {
    const steps = o.technician && STEPS_FOR_HIM[o.status];
    if (!steps) return null;
    const name = fullName(o.technician);
    const step = el("select", { name: "step", "aria-label": "Step to record", onchange: () => step.setCustomValidity("") },
      el("option", { value: "" }, `Record a step for ${name}…`), steps.map(([v, label]) => el("option", { value: v }, `${name} ${label}`)));
    const why = el("input", { name: "why", placeholder: "Why (e.g. called in: phone dead)", maxLength: 500,
      title: "Required: kept on the order's timeline", oninput: () => why.setCustomValidity("") });
    return el("div", { class: "actions step-in" }, el("div", { class: "row" }, step, why,
      el("button", { type: "button", class: "record secondary", onclick: () => {
        if (!step.value) { step.setCustomValidity("Choose the step"); step.reportValidity(); return; }
        step.setCustomValidity("");
        if (!why.value.trim()) { why.setCustomValidity("Say why"); why.reportValidity(); return; }
        why.setCustomValidity("");
        const what = step.selectedOptions[0].textContent;
        act(`Record that ${what}? The driver is told, as if the technician's app had said it.`,
          () => tl.api(`/v1/ops/orders/${o.id}/status`, { method: "POST", body: JSON.stringify({ status: step.value, reason: why.value.trim() }) }),
          () => `Recorded: ${what}.`);
      } }, "Record")));
  }

  async function addNote(event, id) {
    event.preventDefault();
    const input = event.target.elements.note;
    try {
      await tl.api(`/v1/ops/orders/${id}/notes`, { method: "POST", body: JSON.stringify({ text: input.value }) });
      input.value = "";  // added: not to be kept through the redraw
      await refresh();
      result("Note added.");
    } catch (error) {
      result(`Not added: ${error.message}`, false);
    }
  }

  function decisionBlock(decision, o) {
    if (!decision) return null;
    // Rounds that found nobody in a row say it once, with how long it has gone on.
    const rounds = [];
    for (const r of decision.rounds) {
      const last = rounds[rounds.length - 1];
      if (last && !last.candidates.length && !r.candidates.length && last.outcome === r.outcome) { last.since = r.at; last.times += 1; }
      else if (rounds.length < 3) rounds.push({ ...r, since: r.at, times: 1 });
      else break;
    }
    const handIt = FREE_TO_ACT.has(o.status) ? " Offer or assign one by hand above." : "";
    // What to do is said of the newest round while the order is still searching; older rounds only say what was.
    const advised = (r) => r === rounds[0] && o.status === "searching";
    return el("section", { class: "decision" },
      el("h3", {}, "Dispatcher's decision", el("small", {}, decision.assigned_by ? ` · assigned by ${decision.assigned_by}` : "")),
      rounds.length ? rounds.map((r) => !r.candidates.length
        ? el("p", { class: "no-candidates" }, `${r.times > 1 ? `${tl.time(r.since)}–${tl.time(r.at)} · ${r.times} rounds` : tl.time(r.at)} · `
          + (r.outcome === "no_road"
            ? "nobody to ask: the map has no driving route to this pin from any free technician near it (the pin may be off "
              + "the road)." + (advised(r) ? " Call the driver to find where the car stands before sending anyone." : "")
            : "nobody to ask: no free technician with the skill within the dispatcher's search radius and a road to the car (the radius widens each minute; the list above has no radius).")
          + (advised(r) ? handIt : ""))
        : el("table", {},
        el("caption", {}, `${tl.time(r.at)} · ${tl.words(r.outcome)}${r.winner_name ? ` · ${r.winner_name}` : ""}`),
        el("thead", {}, el("tr", {}, ["Technician", "Median ETA", "Trust then", "Cost", "Why"].map((h) => el("th", {}, h)))),
        el("tbody", {}, r.candidates.map((c) => el("tr", { class: c.chosen ? "chosen" : "" },
          el("td", { class: "name" }, c.technician_name || c.technician_id.slice(0, 8)),
          el("td", { title: c.raw_eta_s != null ? `OSRM's estimate ${Math.round(c.raw_eta_s / 60)} min, calibrated to the median drive` : "" },
            `${Math.round(c.eta_s / 60)} min`),
          el("td", { title: "The technician's trust score for this service when the round ran (the list above shows it as it is now), and the drive it added to the cost (or took off), capped" },
            c.trust_score.toFixed(2), Math.abs(c.trust_s || 0) >= 3 ? el("small", {}, `${c.trust_s > 0 ? "+" : "−"}${(Math.abs(c.trust_s) / 60).toFixed(1)} min`) : null),
          el("td", {}, c.cost.toFixed(0)),
          el("td", {}, c.chosen ? "chosen" : c.why_not || "")))))) : el("p", { class: "empty" }, "No dispatch round yet."));
  }

  async function showTechnician(id) {
    open("technician", id);
    panel().replaceChildren(el("p", { class: "empty" }, "Loading the technician…"));
    const t = state.technicians.get(id);
    await Promise.all([technicianCard(id), t ? showOnMap(t) : null]);
  }

  // His last position on the map, in the region it lies in (the map switches, as for an order, when he is listed
  // there: that region's own, or one who serves every region). Outside every map, the map shows the region and the
  // card says where he is.
  async function showOnMap(t) {
    const where = tl.regionAt(t.position);
    if (tl.several() && where && where !== state.region && (t.region == null || t.region === where)) {
      await tl.map.loadRoads(where);
      if (state.selected?.id !== t.id) return;
    }
    tl.map.zoomToTechnician(t);
  }

  // How old his last position is, and where it lies when the map shown cannot show it: his latest, as the live
  // stream brought it, else the card's.
  function lastSeen(card) {
    const live = state.technicians.get(card.id);
    if (live?.position) card = { position: live.position, position_at: live.position_at };
    if (!card.position) return "not known";
    const minutes = card.position_at ? tl.minutesAgo(card.position_at) : null;
    const today = card.position_at && new Date(card.position_at).toDateString() === new Date().toDateString();
    const age = minutes == null ? "" : minutes < 1 ? "just now" : minutes < 90 ? `${minutes} min ago`
      : today ? `at ${tl.time(card.position_at)}`
      : `${new Date(card.position_at).toLocaleDateString([], { day: "numeric", month: "short" })} ${tl.time(card.position_at)}`;
    const mapped = Object.keys(state.bounds).length > 0;
    const where = tl.regionAt(card.position);
    const place = !mapped ? "" : where == null ? "outside the map" : where !== state.region ? `in ${tl.regionName(where)}` : "";
    return [age, place].filter(Boolean).join(" · ");
  }

  // The card is read again when he goes online or offline, or a job of his changes, while it is open.
  async function technicianCard(id) {
    const since = new Date();
    since.setHours(0, 0, 0, 0);
    const [card, jobs] = await Promise.all([
      tl.api(`/v1/ops/technicians/${id}`),
      tl.api(`/v1/ops/orders?technician_id=${id}&limit=50`).then((p) => p.items).catch(() => []),
    ]);
    if (state.selected?.id !== id) return;
    shownCard = card;
    const today = jobs.filter((j) => Date.parse(j.created_at) >= since.getTime());
    const currentJob = jobs.find((j) => tl.OPEN.has(j.status));
    const status = currentJob && card.online ? "busy" : tl.technicianStatus(card);  // his jobs, read just now, say it first
    const pct = (v) => (v == null ? "–" : `${Math.round(v * 100)}%`);
    fill(
      el("div", { class: "panel-head" },
        el("button", { class: "secondary back", type: "button", onclick: close }, "← Back"),
        el("h2", {}, card.name), el("span", { class: `badge ${status}` }, status === "busy" ? "on a job" : status)),
      el("dl", {},
        el("dt", {}, "Phone"), el("dd", {}, card.phone ? el("a", { href: `tel:${card.phone}` }, card.phone) : "–"),
        el("dt", {}, "Skills"), el("dd", {}, card.skills.map(tl.words).join(", ")),
        el("dt", {}, "Last seen"), el("dd", { class: "last-seen" }, lastSeen(card)),
        el("dt", {}, "Current job"), el("dd", { class: "current-job" }, currentJob
          ? el("a", { href: "#", onclick: (e) => { e.preventDefault(); showOrder(currentJob.order_id); } }, `${tl.words(currentJob.service)} · ${tl.words(currentJob.status)}`)
          : "none"),
        el("dt", {}, "Today"), el("dd", {}, `${today.length} job${today.length === 1 ? "" : "s"}`),
        el("dt", {}, "Record"), el("dd", {}, `${card.jobs.completed} done · ${card.jobs.failed} failed · CSAT ${pct(card.csat)} · on time ${pct(card.on_time_rate)}`),
        el("dt", {}, "Offers"), el("dd", {}, `${card.offers.accepted} accepted · ${card.offers.declined} declined · ${card.offers.expired} expired`)),
      el("h3", {}, `Trust ${card.trust.score.toFixed(2)}`, el("small", {}, ` from ${card.trust.ratings} rating${card.trust.ratings === 1 ? "" : "s"} (prior ${card.trust.prior.toFixed(2)})`)),
      el("table", { class: "parts" },
        el("thead", {}, el("tr", {}, ["Part", "Value", "Seen", "Events", "Weight"].map((h) => el("th", {}, h)))),
        el("tbody", {}, card.trust.parts.map((p) => el("tr", {}, el("td", {}, tl.words(p.signal)), el("td", {}, p.value.toFixed(2)),
          el("td", {}, p.observed == null ? "–" : p.observed.toFixed(2)), el("td", {}, String(p.events)), el("td", {}, p.weight.toFixed(2)))))),
      el("h3", {}, "Score history"),
      el("ol", { class: "history" }, card.trust.history.length
        ? card.trust.history.slice(0, 6).map((h) => el("li", {}, el("time", {}, `${new Date(h.at).toLocaleDateString([], { day: "numeric", month: "short" })} ${tl.time(h.at)}`),
          ` ${scoreChange(h.previous, h.score)} · ${tl.words(h.cause)}`))
        : el("li", { class: "empty" }, "no change yet")),
      driversSaid(card.drivers_said),
      el("h3", {}, "Today's jobs"),
      el("ul", { class: "list" }, today.length ? today.map((j) => el("li", { class: `${j.sla_state} clickable`, onclick: () => showOrder(j.order_id) },
        `${tl.time(j.created_at)} ${tl.words(j.service)} · ${tl.words(j.status)}`)) : el("li", { class: "empty" }, "none")),
    );
  }

  // A change too small for two decimals is told with three ("0.903 → 0.897"), and none at all as none.
  function scoreChange(previous, score) {
    if (previous == null) return score.toFixed(2);
    const digits = previous.toFixed(2) === score.toFixed(2) ? 3 : 2;
    if (previous.toFixed(digits) === score.toFixed(digits)) return `unchanged at ${score.toFixed(2)}`;
    return `${previous.toFixed(digits)} → ${score.toFixed(digits)}`;
  }

  // What drivers wrote about his jobs: the topics of the last weeks' comments, most named first, and his newest
  // ratings, each opening its order.
  function driversSaid(said) {
    const named = Object.entries(said.topics);
    return el("section", { class: "drivers-said" },
      el("h3", {}, "What drivers said",
        el("small", {}, ` ${said.comments} comment${said.comments === 1 ? "" : "s"} in ${said.weeks} weeks` +
          (said.comments ? `, ${said.negative} negative` : ""))),
      named.length ? el("p", { class: "topics" }, named.map(([topic, n]) => `${tl.words(topic)} ${n}`).join(" · ")) : null,
      said.recent.length ? el("p", { class: "newest" }, el("small", {}, said.recent.length === 1 ? "The newest rating:" : `The ${said.recent.length} newest ratings, with or without words:`)) : null,
      el("ul", { class: "list" }, said.recent.length
        ? said.recent.map((f) => el("li", { class: `clickable ${f.comment_analysis?.sentiment || ""}`, onclick: () => showOrder(f.order_id) },
            el("small", {}, `${new Date(f.created_at).toLocaleDateString([], { day: "numeric", month: "short" })} · ` +
              `${"★".repeat(f.csat)}${"☆".repeat(5 - f.csat)}` + (f.nps == null ? "" : ` · NPS ${f.nps}`) +
              (f.comment_analysis ? ` · ${f.comment_analysis.sentiment}` : "")),
            f.comment ? el("q", {}, f.comment) : el("span", { class: "empty" }, "stars only, no words"),
            f.comment_analysis?.topics.length ? el("small", {}, "about: " + f.comment_analysis.topics.map(tl.words).join(", ")) : null))
        : el("li", { class: "empty" }, "no ratings yet")));
  }

  function changed(orderId) {
    if (state.selected?.kind === "order" && state.selected.id === orderId) tl.soon(refresh, 400);
  }

  function technicianChanged(technicianId) {
    if (state.selected?.kind === "technician" && state.selected.id === technicianId) tl.soon(refreshCard, 400);
  }

  // The open card's "last seen" ages as the lists' times do (an offline van's position is not refreshed).
  function age() {
    const shown = panel().querySelector(".last-seen");
    if (shown && state.selected?.kind === "technician" && shownCard?.id === state.selected.id) shown.textContent = lastSeen(shownCard);
    const eta = panel().querySelector(".technician .eta");  // its minutes count down, and its time may pass
    const order = shownOrder();
    if (eta && order?.eta) eta.replaceWith(etaLine(order));
  }

  function refreshCard() {
    if (state.selected?.kind === "technician") technicianCard(state.selected.id);
  }

  // The order the panel shows, as the server gave it (it may be one no list holds: a finished one, another region's).
  const shownOrder = () => (state.selected?.kind === "order" && current?.order.id === state.selected.id ? current.order : null);

  tl.detail = {
    showOrder, showTechnician, open, close, changed, technicianChanged, redrawRoute, refresh, confirmAction, shownOrder, promiseText, etaLine,
    scoreChange, age,
  };
})();
