// The follow-up queue: who to call (name, phone, the order one click away), what they said, who has the
// case, each contact attempt, and the outcome it was resolved with.
"use strict";

(() => {
  const tl = window.trustloop;
  const { el } = tl;
  const CONTACTS = [["reached", "Reached"], ["no_answer", "No answer"], ["callback_requested", "Call back later"]];
  const OUTCOMES = [["apologised", "apologised"], ["refunded", "refunded"], ["job_redone", "job redone"],
    ["compensated", "compensated"], ["no_action_needed", "no action needed"], ["unreachable", "unreachable"]];

  // Cases being resolved, with what the operator has typed so far: the queue is drawn again on every live change,
  // and a half-written note must survive it (and the focus, on the note or the outcome).
  const drafts = new Map();

  async function call(f, path, body, item) {
    try {
      await tl.api(`/v1/ops/followups/${f.id}/${path}`, { method: "POST", body: JSON.stringify(body) });
      if (path === "resolve") drafts.delete(f.id);
      await tl.loadFollowups();
    } catch (error) {
      item.querySelector(".result").textContent = `Not done: ${error.message}`;
    }
  }

  function resolveForm(f, item) {
    if (!drafts.has(f.id)) drafts.set(f.id, { outcome: OUTCOMES[0][0], note: "", focusOn: "note", caret: 0, fields: null });
    const draft = drafts.get(f.id);
    // Only the newest fields speak for the draft: the ones they replace blur as they leave the page.
    const current = (field) => draft.fields?.[field.name] === field;
    const focusKept = (field) => ({
      onfocus: () => { draft.focusOn = field().name; },
      onblur: () => { if (current(field())) draft.focusOn = null; },
    });
    const outcome = el("select", { name: "outcome", "aria-label": "Outcome", onchange: () => { draft.outcome = outcome.value; },
      ...focusKept(() => outcome) }, OUTCOMES.map(([v, label]) => el("option", { value: v }, label)));
    outcome.value = draft.outcome;
    const note = el("input", { name: "note", placeholder: "What was agreed", required: true, maxLength: 2000,
      title: "What was agreed with the driver",
      oninput: () => { draft.note = note.value; draft.caret = note.selectionStart; },
      onkeyup: () => { draft.caret = note.selectionStart; }, onclick: () => { draft.caret = note.selectionStart; },
      ...focusKept(() => note) });
    note.value = draft.note;
    draft.fields = { outcome, note };
    // Focused again as soon as the redraw that built them has put them on the page (a microtask: before the next
    // key press is handled, so no keystroke falls on the page in between).
    if (draft.focusOn) queueMicrotask(() => {
      const field = draft.fields?.[draft.focusOn];
      if (!field || !field.isConnected || document.activeElement === field) return;
      field.focus();
      if (field.name === "note") field.setSelectionRange(draft.caret, draft.caret);
    });
    return el("form", { class: "resolve-form", onsubmit: (e) => { e.preventDefault(); call(f, "resolve", { note: note.value, outcome: outcome.value }, item); } },
      outcome, note, el("button", { type: "submit" }, "Resolve"),
      el("button", { type: "button", class: "secondary", onclick: () => { drafts.delete(f.id); tl.lists.render(); } }, "Cancel"));
  }

  function item(f) {
    const overdue = Date.parse(f.due_at) < Date.now();
    const rating = [f.csat != null ? `CSAT ${f.csat}` : null, f.nps != null ? `NPS ${f.nps}` : null, ...(f.tags || []).map(tl.words)].filter(Boolean).join(" · ");
    const attempts = f.contacts || [];
    const entry = el("li", { class: overdue ? "overdue" : "", dataset: { followup: f.id } },
      el("span", { class: "who" }, f.driver_name || "unnamed driver", " ",
        f.driver_phone ? el("a", { href: `tel:${f.driver_phone}`, class: "phone" }, f.driver_phone) : el("small", {}, "no phone")),
      el("small", { class: "rating" }, [tl.words(f.reason), rating].filter(Boolean).join(" · ")),
      f.comment ? el("q", {}, f.comment) : null,
      (f.topics || []).length ? el("small", { class: "topics" }, "about: " + f.topics.map(tl.words).join(", ")) : null,
      (f.risks || []).length ? el("small", { class: "risks" }, "renewal at risk: " + f.risks.map(tl.words).join(", ")) : null,
      el("small", {}, `${overdue ? "overdue since" : "call by"} ${tl.time(f.due_at)}${tl.carTime(f.due_at, f.region)} · technician ${tl.technicianName(f.technician_id)} · `,
        el("a", { href: "#", class: "order-link", onclick: (e) => { e.preventDefault(); tl.detail.showOrder(f.order_id); } }, `order #${f.order_id.slice(0, 8)}`)),
      el("small", { class: "taken" }, f.taken_by ? `taken by ${f.taken_by_name || "an operator"} at ${tl.time(f.taken_at)}` : "nobody has it yet"),
      attempts.length ? el("ol", { class: "contacts" }, attempts.map((c) => el("li", {}, `${tl.time(c.at)} ${tl.words(c.outcome)}${c.by_name ? ` (${c.by_name})` : ""}`))) : null,
      el("div", { class: "row" },
        f.taken_by ? null : el("button", { type: "button", class: "secondary take", onclick: () => call(f, "take", {}, entry) }, "Take"),
        CONTACTS.map(([outcome, label]) => el("button", { type: "button", class: `secondary contact ${outcome}`,
          onclick: () => call(f, "contacts", { outcome }, entry) }, label)),
        el("button", { type: "button", class: "secondary resolve", onclick: (e) => e.target.closest(".row").replaceWith(resolveForm(f, entry)) }, "Resolve…")),
      el("p", { class: "result", role: "status" }));
    if (drafts.has(f.id)) entry.querySelector(".row").replaceWith(resolveForm(f, entry));
    return entry;
  }

  // Drafts of cases that left the queue (resolved, perhaps by someone else) go with them.
  function prune(cases) {
    const open = new Set(cases.map((f) => f.id));
    for (const id of drafts.keys()) if (!open.has(id)) drafts.delete(id);
  }

  tl.followups = { item, prune, forget: () => drafts.clear() };
})();
