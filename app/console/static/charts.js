// Key-figure tiles (each with its sample size and period) and one trend chart per measure on uPlot,
// each on its own axis; "not enough data" where fewer than two days have a value.
"use strict";

(() => {
  const tl = window.trustloop;
  const { state } = tl;
  const PERIOD = { 1: "today", 7: "7 days", 30: "30 days" };

  const percent = (v) => (v == null ? "–" : `${Math.round(v * 100)}%`);
  const RATINGS = ["rating", "ratings"];
  const ARRIVALS = ["arrival", "arrivals"];
  // Under a minute in seconds: "0.0 min" would read as no time at all.
  const minutes = (s) => (s == null ? "–" : s < 60 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);

  // How many the figure rests on: "157 ratings", "1 rating", "no ratings yet".
  function sample(k, key, [one, many]) {
    const n = k?.samples?.[key];
    if (n == null) return "";
    return n ? `${n} ${n === 1 ? one : many}` : `no ${many} yet`;
  }

  // A figure, its unit smaller: "14.5" large, " min" not.
  function figure(value) {
    const [, number, unit] = String(value).match(/^(.*?)( min| s)?$/);
    return tl.el("b", { title: String(value) }, number, unit ? tl.el("span", { class: "unit" }, unit) : null);
  }

  // The tiles of one KPI object: the whole operation's, or a partner's own (`live` false: no open-order tiles).
  function tiles(k, period, live = true) {
    const attention = state.attention.filter(tl.inRegion);
    const risky = attention.filter((o) => o.sla_state === "at_risk").length;
    const breached = attention.filter((o) => o.sla_state === "breached").length;
    const open = [...state.orders.values()].filter(tl.inRegion).length;
    const rows = [
      live ? null : ["Orders", k.orders, "ordered"],
      ["NPS", k.nps == null ? "–" : Math.round(k.nps), sample(k, "nps", RATINGS)],
      ["CSAT", percent(k.csat), sample(k, "csat", RATINGS)],
      ["Promise kept", percent(k.eta_promise_kept), sample(k, "eta_promise_kept", ARRIVALS)],
      ["First response", minutes(k.first_response_s.p50), `p50 · ${sample(k, "first_response_s", ["accepted", "accepted"])}`],
      ["Arrival", minutes(k.time_to_arrival_s.p50), `p50 · ${sample(k, "time_to_arrival_s", ARRIVALS)}`],
      ["First-time fix", percent(k.fcr), sample(k, "fcr", ["job", "jobs"])],
      // Counted over the cases someone has called: "no follow-ups yet" misread a queue of cases not yet called.
      ["First contact", minutes(k.first_contact_s?.p50), `p50 · ${sample(k, "first_contact_s", ["case called", "cases called"])}`],
      live ? ["Open orders", open, `${k.orders} ordered`] : null,
      live ? ["At risk", risky, "now", risky ? "warn" : ""] : null,
      live ? ["Breached", breached, "now", breached ? "bad" : ""] : null,
    ].filter(Boolean);
    return rows.map(([label, value, note, tone]) =>
      tl.el("div", { class: `tile ${tone || ""}`, dataset: { kpi: label } },
        tl.el("span", { class: "label" }, label), figure(value),
        tl.el("small", { title: note === "now" ? null : `${note} · ${period}` }, note === "now" ? "now" : `${note} · ${period}`)));
  }

  function renderTiles() {
    if (!state.kpis) return;
    tl.$("tiles").replaceChildren(...tiles(state.kpis, PERIOD[state.periodDays]));
  }

  const MEASURES = [
    { key: "nps", label: "NPS", stroke: "#2f6fdb", range: [-100, 100], value: (d) => d.nps, unit: "" },
    { key: "csat", label: "CSAT", stroke: "#2e9e5b", range: [0, 100], value: (d) => (d.csat == null ? null : d.csat * 100), unit: "%" },
    { key: "eta_promise_kept", label: "Promise kept", stroke: "#7a3fc0", range: [0, 100], value: (d) => (d.eta_promise_kept == null ? null : d.eta_promise_kept * 100), unit: "%" },
    { key: "time_to_arrival_s", label: "Arrival p50", stroke: "#4a5568", range: null, value: (d) => (d.time_to_arrival_s.p50 == null ? null : d.time_to_arrival_s.p50 / 60), unit: " min" },
  ];
  const charts = new Map();

  // The last day is today's (UTC), still running: a few hours' sample is not a day's figure. The whole days make
  // one line; today's figure so far hangs off it, dashed, from yesterday's.
  function todayAndWhole(ys) {
    const today = ys.length - 1;
    return [ys.map((v, i) => (i >= today - 1 ? v : null)), ys.map((v, i) => (i === today ? null : v))];
  }

  function renderTrends() {
    const section = tl.$("trends");
    for (const chart of charts.values()) chart.destroy();
    charts.clear();
    const days = state.daily;
    const xs = days.map((d) => Date.parse(`${d.day}T12:00:00Z`) / 1000);
    section.replaceChildren(...MEASURES.map((m) => {
      const ys = days.map(m.value);
      const points = ys.filter((v) => v != null).length;
      const box = tl.el("figure", { class: "trend", dataset: { measure: m.key } },
        tl.el("figcaption", { title: "Today's figure so far is the dashed end of the line: the day is not over." },
          `${m.label} per day`, tl.el("small", {}, ` last ${days.length} days`)));
      if (points < 2) {
        box.append(tl.el("p", { class: "no-data" }, points ? "Not enough data: one day so far" : "Not enough data yet"));
        return box;
      }
      box.plot = { m, ys };
      return box;
    }));
    requestAnimationFrame(() => {
      for (const box of section.querySelectorAll("figure.trend")) {
        if (!box.plot) continue;
        const { m, ys } = box.plot;
        const width = Math.max(160, box.clientWidth - 8);
        const height = Math.max(70, box.clientHeight - 28);
        const chart = new uPlot({
          width, height, legend: { show: false }, cursor: { points: { size: 6 } },
          scales: { x: { time: true }, y: m.range ? { range: m.range } : { range: (u, min, max) => [0, Math.max(10, Math.ceil(max * 1.2))] } },
          axes: [
            // Days as the operator's browser writes them ("3 Dec" in Britain, "Dec 3" in the US), not uPlot's "12/3".
            { stroke: "#6b7385", size: 26, grid: { show: false }, font: "11px system-ui",
              values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleDateString([], { day: "numeric", month: "short" })) },
            { stroke: "#6b7385", size: 54, font: "11px system-ui", grid: { stroke: "#eceef2" }, values: (u, ticks) => ticks.map((t) => `${t}${m.unit}`) },
          ],
          series: [  // today's first, so that yesterday's point is drawn whole over its hollow one
            {},
            { label: `${m.label} today so far`, stroke: m.stroke, width: 2, dash: [5, 4], spanGaps: false,
              points: { show: true, size: 6, fill: "#fff", stroke: m.stroke } },
            { label: m.label, stroke: m.stroke, width: 2, spanGaps: false, points: { show: true, size: 5, fill: m.stroke } },
          ],
        }, [xs, ...todayAndWhole(ys)], box);
        charts.set(m.key, chart);
      }
    });
  }

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => state.daily.length && renderTrends(), 200);
  });

  tl.charts = { tiles, renderTiles, renderTrends, charts, period: () => PERIOD[state.periodDays] };
})();
