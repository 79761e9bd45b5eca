// Tableau de bord : recharge la partie vivante du tableau à chaque changement annoncé par
// /api/v1/events (EventSource). Sans JavaScript, le lien « Rafraîchir » recharge la page.
"use strict";
(function () {
  const container = document.getElementById("board-live");
  const status = document.getElementById("live-status");
  if (!container || !window.EventSource) {
    return;
  }
  const source = container.dataset.source;
  let loading = false;
  let pending = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function clock() {
    return new Date().toLocaleTimeString("fr-FR", { timeZone: "Europe/Paris" });
  }

  async function refresh() {
    if (loading) {
      pending = true;
      return;
    }
    loading = true;
    try {
      const response = await fetch(source, { credentials: "same-origin", cache: "no-store" });
      if (response.redirected || !response.ok) {
        say("Session expirée ou hub indisponible : rechargez la page.");
        return;
      }
      const html = await response.text();
      const focused = document.activeElement;
      const focusedId = focused && container.contains(focused) ? focused.closest("tr")?.id : null;
      container.innerHTML = html;
      if (focusedId) {
        document.getElementById(focusedId)?.querySelector("a, button")?.focus();
      }
      say("Mis à jour en direct à " + clock() + ".");
    } catch (error) {
      say("Mise à jour impossible (" + error + ") : rechargez la page.");
    } finally {
      loading = false;
      if (pending) {
        pending = false;
        refresh();
      }
    }
  }

  const events = new EventSource(container.dataset.events);
  for (const kind of ["final_results", "validation", "election", "double_entry"]) {
    events.addEventListener(kind, refresh);
  }
  events.onopen = function () {
    say("Mise à jour en direct (connecté à " + clock() + ").");
  };
  events.onerror = function () {
    say("Connexion au hub perdue : nouvelle tentative en cours…");
  };
  // A page in the back/forward cache would keep its stream open and use one of the six
  // connections Chromium allows per host: close it, and reload if the page comes back.
  window.addEventListener("pagehide", function () {
    events.close();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) location.reload();
  });
})();
