// Binds the controls and signs in (with the token kept for this tab, if any).
"use strict";

(() => {
  const tl = window.trustloop;
  const { $, state } = tl;

  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    tl.signIn($("token").value);
  });
  $("demo-login").addEventListener("click", async () => {
    const response = await fetch("/v1/dev/tokens", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ role: "operator", name: "Demo operator" }),
    });
    if (!response.ok) {
      $("login-error").textContent = "Demo sign-in is off on this server: paste a token.";
      return;
    }
    await tl.signIn((await response.json()).token);
  });
  $("logout").addEventListener("click", () => tl.signOut());
  for (const button of document.querySelectorAll("#period button")) {
    button.addEventListener("click", () => {
      state.periodDays = Number(button.dataset.days);
      for (const other of document.querySelectorAll("#period button")) other.classList.toggle("active", other === button);
      tl.loadKpis();
      tl.partners.periodChanged();
    });
  }
  tl.lists.bind();
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("confirm").open) tl.detail.close();
  });

  if (state.token) tl.signIn(state.token);
  else $("login").hidden = false;
})();
