// Partners: the list (name, kind, services, regions, webhook address, active keys by prefix) and a
// partner's panel with its KPIs for the picked period, its weekly CSV report, and its recent webhook
// deliveries, each of which can be sent again.
"use strict";

(() => {
  const tl = window.trustloop;
  const { state, el } = tl;
  let partners = [];
  let said = null; // the last replay's result on the open panel: {id, text, ok}

  const every = (list, noun, word = tl.words) => (list.length ? list.map(word).join(", ") : `every ${noun}`);
  const activeKeys = (p) => p.keys.filter((k) => !k.revoked_at);
  // The contract's own service levels (its members' orders are judged by them, over the house's).
  const TARGET_WORDS = { arrival_within: "reached within", accept_at_risk: "at risk unassigned after",
    accept_breached: "breached unassigned after" };
  const serviceLevels = (targets) => {
    const scopes = Object.entries(targets || {}).sort(([a], [b]) => (a === "default" ? -1 : b === "default" ? 1 : a.localeCompare(b)));
    if (!scopes.length) return "the house's";
    return scopes.map(([scope, values]) => `${scope === "default" ? "every order" : tl.words(scope)}: ${Object.entries(values)
      .map(([name, seconds]) => `${TARGET_WORDS[name] || tl.words(name)} ${Math.round(seconds / 60)} min`).join(", ")}`).join("; ");
  };

  async function load() {
    partners = await tl.all("/v1/ops/partners?limit=50");
    partners.sort((a, b) => a.name.localeCompare(b.name));
    render();
  }

  function render() {
    tl.$("partners").replaceChildren(...partners.map((p) => {
      const keys = activeKeys(p);
      return el("li", { class: "clickable", dataset: { partner: p.id }, tabIndex: 0,
        onclick: () => show(p.id), onkeydown: (e) => e.key === "Enter" && show(p.id) },
        el("span", {}, p.name, el("small", { class: "kind" }, ` ${tl.words(p.kind)}`)),
        el("small", {}, `${every(p.services, "service")} · ${every(p.regions, "region", tl.regionName)}`),
        el("small", { class: "hook" }, p.webhook_url ? `webhooks to ${p.webhook_url}` : "no webhooks"),
        el("small", { class: "keys" }, keys.length ? ["keys ", ...keys.flatMap((k, i) => [i ? ", " : null, el("code", {}, k.prefix)])] : "no active key"));
    }));
    if (!partners.length) tl.$("partners").append(el("li", { class: "empty" }, "No partner yet."));
    tl.$("partner-count").textContent = partners.length;
  }

  const panel = () => tl.$("detail");
  const isOpen = (id) => state.selected?.kind === "partner" && (id == null || state.selected.id === id);

  async function show(id) {
    tl.detail.open("partner", id);
    said = null;
    panel().replaceChildren(el("p", { class: "empty" }, "Loading the partner…"));
    await refresh();
  }

  async function refresh() {
    if (!isOpen()) return;
    const id = state.selected.id;
    const [partner, kpis, deliveries] = await Promise.all([
      tl.api(`/v1/ops/partners/${id}`),
      tl.api(`/v1/ops/kpis?partner_id=${id}&${tl.periodQuery()}`),
      tl.api(`/v1/ops/partners/${id}/webhook-deliveries?limit=25`).then((page) => page.items),
    ]);
    if (!isOpen(id)) return;
    renderPanel(partner, kpis, deliveries);
  }

  function renderPanel(p, kpis, deliveries) {
    const keys = activeKeys(p);
    panel().replaceChildren(
      el("div", { class: "panel-head" },
        el("button", { class: "secondary back", type: "button", onclick: tl.detail.close }, "← Back"),
        el("h2", {}, p.name), el("span", { class: "badge" }, tl.words(p.kind))),
      el("dl", {},
        el("dt", {}, "Services"), el("dd", {}, every(p.services, "service")),
        el("dt", {}, "Regions"), el("dd", {}, every(p.regions, "region", tl.regionName)),
        el("dt", {}, "Service levels"), el("dd", { class: "levels" }, serviceLevels(p.sla_targets)),
        el("dt", {}, "Webhooks"), el("dd", { class: "hook" }, p.webhook_url ? el("code", {}, p.webhook_url) : "none"),
        el("dt", {}, "Active keys"), el("dd", { class: "keys" }, keys.length
          ? keys.map((k) => el("span", { class: "key" }, el("code", {}, k.prefix), ` since ${new Date(k.created_at).toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" })}`))
          : "none")),
      el("h3", {}, "Key figures", el("small", {}, ` · its orders, ${tl.charts.period()}`)),
      el("div", { class: "partner-tiles" }, tl.charts.tiles(kpis, tl.charts.period(), false)),
      el("p", {}, el("a", { href: "#", class: "report", onclick: (e) => { e.preventDefault(); report(p); } }, "Download the weekly report (CSV)")),
      el("h3", {}, "Webhook deliveries", el("small", {}, ` · the latest ${deliveries.length}`)),
      el("p", { class: "result", role: "status" }),
      deliveries.length ? el("table", { class: "deliveries" },
        el("thead", {}, el("tr", {}, ["Event", "Order", "Status", "Tries", ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, deliveries.map((d) => el("tr", { class: `delivery ${d.status}`, dataset: { delivery: d.id } },
          el("td", { class: "event" }, d.event_type.split(".").flatMap((part, i) => (i ? [".", el("wbr"), part] : [part])), el("small", {}, tl.time(d.created_at))),
          el("td", {}, el("a", { href: "#", class: "order-link", onclick: (e) => { e.preventDefault(); tl.detail.showOrder(d.order_id); } }, `#${d.order_id.slice(0, 8)}`)),
          el("td", { title: d.last_error || "" }, el("span", { class: "status" }, tl.words(d.status)),
            d.attempts ? el("small", { class: "code" }, d.last_status_code == null ? "no answer" : `HTTP ${d.last_status_code}`) : null),
          el("td", { class: "attempts" }, String(d.attempts)),
          el("td", {}, el("button", { type: "button", class: "secondary replay", onclick: () => replay(p, d) }, "Replay"))))))
        : el("p", { class: "empty" }, "No webhook event yet."),
    );
    showResult();
  }

  function showResult() {
    const box = panel().querySelector(".result");
    if (!box || !said || !isOpen(said.id)) return;
    box.textContent = said.text;
    box.className = `result ${said.ok ? "ok" : "failed"}`;
  }

  async function replay(p, d) {
    const where = p.webhook_url || "the partner";
    if (!(await tl.detail.confirmAction(`Send ${d.event_type} of order #${d.order_id.slice(0, 8)} to ${where} again, with the same event id?`))) return;
    try {
      await tl.api(`/v1/ops/partners/${p.id}/webhook-deliveries/${d.id}/replay`, { method: "POST" });
      said = { id: p.id, text: `Replay queued: ${d.event_type} goes out again within seconds.`, ok: true };
    } catch (error) {
      said = { id: p.id, text: `Not replayed: ${error.message}`, ok: false };
    }
    await refresh();
    showResult();
    if (said.ok) setTimeout(refresh, 3000); // the sender's answer: delivered, or another failed try
  }

  // The CSV needs the operator's token, so it is fetched and handed to the browser as a file.
  async function report(p) {
    const response = await fetch(`/v1/ops/partners/${p.id}/report.csv`, { headers: { Authorization: `Bearer ${state.token}` } });
    if (!response.ok) {
      said = { id: p.id, text: `No report: ${response.status}`, ok: false };
      return showResult();
    }
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: `trustloop-partner-${p.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function periodChanged() {
    if (isOpen()) refresh();
  }

  tl.partners = { load, show, refresh, periodChanged };
})();
