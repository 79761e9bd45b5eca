// Projector wall: reads /projection/{id}/data, redraws after each event of the election
// on /api/v1/events, and rotates the configured slides. Every share shown is a `percent`
// string of the API; this script computes no percentage.
"use strict";
(() => {
  const params = new URLSearchParams(location.search);
  const key = params.get("key") || "";
  const pinned = params.get("slide");
  const electionId = document.body.dataset.election;
  const EVENT_KINDS = ["final_results", "validation", "turnout", "hundred", "election",
    "seats", "double_entry", "display", "embargo", "message", "other_communes",
    "other_commune_results", "other_commune_validation"];
  const LOST_MESSAGE_AFTER_MS = 3000;

  let data = null;
  let slideIndex = 0;
  let stationCursor = 0;
  let rotation = null;
  let fetching = false;
  let fetchAgain = false;
  let source = null;
  let lostSince = null;
  let lostTimer = null;
  let lastEventId = 0;

  const byId = (id) => document.getElementById(id);
  const escape = (text) => String(text ?? "").replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const percentText = (share) => share && share.percent ? `${share.percent} %` : "—";
  // The API's percent string as a CSS length: "37,23" becomes "37.23%".
  const barWidth = (share) => share && share.percent ? `${share.percent.replace(",", ".")}%` : "0";

  function parisClock(date, withSeconds) {
    const parts = new Intl.DateTimeFormat("fr-FR", {
      timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit",
      second: withSeconds ? "2-digit" : undefined, hourCycle: "h23",
    }).formatToParts(date);
    const part = (type) => (parts.find((p) => p.type === type) || {}).value || "";
    return withSeconds
      ? `${part("hour")} h ${part("minute")} min ${part("second")} s`
      : `${part("hour")} h ${part("minute")}`;
  }

  function showFreshStamp() {
    const stamp = byId("stamp");
    stamp.classList.remove("stale", "lost");
    stamp.textContent = data && data.data_clock
      ? `données de ${data.data_clock}` : "aucune donnée saisie";
  }

  function markLost() {
    if (lostSince) return;
    lostSince = new Date();
    const stamp = byId("stamp");
    stamp.classList.add("stale");
    stamp.textContent = data && data.data_clock
      ? `données de ${data.data_clock} — liaison interrompue` : "liaison interrompue";
    lostTimer = setTimeout(() => {
      stamp.classList.add("lost");
      stamp.textContent = `liaison perdue avec le hub depuis ${parisClock(lostSince, false)}`
        + (data && data.data_clock ? ` — données de ${data.data_clock}` : "");
    }, LOST_MESSAGE_AFTER_MS);
  }

  function markLinked() {
    if (!lostSince) return;
    lostSince = null;
    clearTimeout(lostTimer);
    showFreshStamp();
  }

  async function refresh() {
    if (fetching) { fetchAgain = true; return; }
    fetching = true;
    try {
      let fetched;
      try {
        const response = await fetch(
          `/projection/${electionId}/data?key=${encodeURIComponent(key)}`, { cache: "no-store" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        fetched = await response.json();
      } catch (error) {
        markLost();
        return;
      }
      data = fetched;
      lastEventId = Math.max(lastEventId, data.last_event_id || 0);
      markLinked();
      applySettings();
      render(false);
      showFreshStamp();
      document.body.dataset.version = String(data.results.version);
      document.body.dataset.eventId = String(data.last_event_id);
    } catch (error) {
      console.error("projection: drawing failed", error);
    } finally {
      fetching = false;
      if (fetchAgain) { fetchAgain = false; refresh(); }
    }
  }

  function applySettings() {
    const settings = data.settings;
    const root = document.documentElement.style;
    root.setProperty("--background", settings.background);
    root.setProperty("--foreground", settings.foreground);
    root.setProperty("--accent", settings.accent);
    root.setProperty("--scale", String(settings.font_scale_percent / 100));
    const election = data.election;
    byId("title").textContent = settings.title || `${election.label} — ${election.commune_name}`;
    byId("simulation").hidden = !election.rehearsal;
    const logo = byId("logo");
    if (settings.show_logo && data.logo) {
      logo.src = `/api/v1/logo?v=${data.logo.slice(0, 12)}`;
      logo.hidden = false;
    } else {
      logo.hidden = true;
    }
  }

  function slides() {
    const available = (kind) => (kind !== "seats" || Boolean(data.hemicycle_svg))
      && (kind !== "race" || Boolean(data.race));
    const list = data.settings.slides.filter((slide) => available(slide.kind));
    if (pinned) return list.filter((s) => s.kind === pinned).concat(
      list.some((s) => s.kind === pinned) ? [] : [{ kind: pinned, seconds: 12 }]);
    return list.length ? list : [{ kind: "commune", seconds: 12 }];
  }

  function photo(number) {
    if (!data.settings.show_photos || !data.photos.includes(number)) return "";
    return `<img class="photo" alt="" src="/api/v1/elections/${electionId}/candidates/${number}/photo">`;
  }

  const sizeClass = (count) => (count > 8 ? " many" : count <= 4 ? " few" : "");

  function candidateRows(candidates, shareOf) {
    return candidates.map((c) => `
      <li class="candidate">
        ${photo(c.ballot_number)}
        <span class="name">${escape(c.name)}</span>
        <span class="track"><span class="bar" style="width:${barWidth(shareOf(c))};background:${escape(colourOf(c.ballot_number))}"></span></span>
        <span class="percent">${percentText(shareOf(c))}</span>
        <span class="votes">${c.votes.toLocaleString("fr-FR")} voix</span>
      </li>`).join("");
  }

  function colourOf(number) {
    const candidate = data.results.commune.candidates.find((c) => c.ballot_number === number);
    const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];
    const colour = candidate && candidate.colour;
    return colour && /^#[0-9a-fA-F]{3,6}$/.test(colour) ? colour : palette[number % palette.length];
  }

  const renderers = {
    turnout() {
      const slots = data.turnout.slots;
      const previous = data.previous_turnout
        ? `<p class="note">Courbe en pointillés : ${escape(data.previous_turnout.label)}</p>` : "";
      return `<h2>Participation</h2>${data.turnout_svg}${previous}
        <p class="progress">${slots.map((s) => `${escape(s.slot)} : ${percentText(s.turnout_of_reported)} (${escape(s.progress.label)})`).join(" · ")}</p>`;
    },
    commune() {
      const commune = data.results.commune;
      if (commune.progress.counted === 0) {
        return `<h2>Résultats de la commune</h2><p class="progress big">${escape(commune.progress.label)} dépouillés</p>
          <p class="waiting">En attente des premiers bureaux</p>`;
      }
      return `<h2>Résultats de la commune <span class="progress">${escape(commune.progress.label)}</span></h2>
        <ol class="candidates${sizeClass(commune.candidates.length)}">${candidateRows(commune.candidates, (c) => c.share_of_valid_votes)}</ol>
        <p class="figures">Votants ${commune.voters.toLocaleString("fr-FR")} (${percentText(commune.turnout_of_counted)})
          · blancs ${commune.blank} · nuls ${commune.invalid} · exprimés ${commune.valid_votes.toLocaleString("fr-FR")}</p>`;
    },
    race() {
      const race = data.race;
      if (!race) return `<h2>Circonscription</h2><p class="waiting">Aucune autre commune listée</p>`;
      const area = race.area;
      const status = race.provisional ? "Résultat provisoire" : "Résultat définitif";
      return `<h2>${escape(area.name)} — toutes les communes</h2>
        <p class="figures">${escape(race.progress.label)}</p>
        <ol class="candidates${sizeClass(area.candidates.length)}">${candidateRows(area.candidates, (c) => c.share_of_valid_votes)}</ol>
        <p class="figures">${escape(status)} · votants ${area.voters.toLocaleString("fr-FR")} (${percentText(area.turnout_of_counted)})
          · exprimés ${area.valid_votes.toLocaleString("fr-FR")}</p>`;
    },
    stations() {
      const counted = data.results.stations.filter((s) => s.count && s.status !== "not_arrived");
      if (!counted.length) return `<h2>Résultats par bureau</h2><p class="waiting">Aucun bureau dépouillé</p>`;
      const station = counted[stationCursor % counted.length];
      const candidates = data.results.commune.candidates.map((c) => {
        const votes = station.votes.find((v) => v.ballot_number === c.ballot_number);
        return { ...c, votes: votes ? votes.votes : 0, station_share: votes ? votes.share_of_valid_votes : null };
      });
      return `<h2>Bureau ${escape(station.code)} — ${escape(station.name)} <span class="progress">${counted.length} arrivés</span></h2>
        <ol class="candidates${sizeClass(candidates.length)}">${candidateRows(candidates, (c) => c.station_share)}</ol>
        <p class="figures">Votants ${station.count.voters} (${percentText(station.turnout)}) · état : ${escape(station.status_label)}</p>`;
    },
    hundreds() {
      const hundred = data.hundreds.hundreds.find((h) => h.progress.counted > 0) || data.hundreds.hundreds[0];
      if (!hundred) return `<h2>Centaines</h2><p class="waiting">Pas de centaine saisie</p>`;
      return `<h2>Tendance : ${escape(hundred.label)} <span class="progress">${escape(hundred.progress.label)}</span></h2>
        <ol class="candidates${sizeClass(hundred.candidates.length)}">${candidateRows(hundred.candidates, (c) => c.share_of_votes)}</ol>
        <p class="note">Une tendance sur les premiers bulletins, pas un résultat.</p>`;
    },
    seats() {
      const provisional = data.seats && data.seats.provisional ? `<p class="note">Répartition provisoire</p>` : "";
      const council = data.seats && data.seats.municipal_council;
      const waiting = (council && council.message)
        || (council && council.allocation ? "Aucun siège attribué à ce stade" : "Sièges non encore calculés");
      return `<h2>Sièges du conseil municipal</h2>${data.hemicycle_svg || `<p class="waiting">${escape(waiting)}</p>`}${provisional}`;
    },
    status() {
      const cells = data.results.stations.map((s) => `
        <li class="station status-${escape(s.status)}">
          <span class="code">${escape(s.code)}</span>
          <span class="label">${escape(s.status_label)}</span>
        </li>`).join("");
      return `<h2>Avancement <span class="progress">${escape(data.results.commune.progress.label)}</span></h2>
        <ul class="grid">${cells}</ul>`;
    },
    qr() {
      const url = data.settings.public_url || `${location.origin}/public/${electionId}/`;
      return `<h2>Suivez les résultats chez vous</h2>
        <div class="qr"><img alt="Code QR du site des résultats" src="/projection/${electionId}/qr.svg?key=${encodeURIComponent(key)}">
        <p class="url">${escape(url)}</p></div>`;
    },
  };

  function render(advance) {
    if (!data) return;
    const list = slides();
    if (advance) {
      if (list[slideIndex % list.length].kind === "stations") stationCursor += 1;
      slideIndex = (slideIndex + 1) % list.length;
    }
    const slide = list[slideIndex % list.length];
    const main = byId("slide");
    main.className = `slide slide-${slide.kind}`;
    main.dataset.kind = slide.kind;
    main.innerHTML = (renderers[slide.kind] || renderers.commune)();
    document.body.dataset.slides = list.map((s) => s.kind).join(",");
    byId("dots").innerHTML = list.map((s, i) =>
      `<span class="dot${i === slideIndex % list.length ? " current" : ""}">${i + 1}</span>`).join("");
    if (advance || !rotation) {
      clearTimeout(rotation);
      rotation = setTimeout(() => render(true), slide.seconds * 1000);
    }
  }

  function connect() {
    const url = `/api/v1/events?election=${encodeURIComponent(electionId)}`
      + (lastEventId ? `&since=${lastEventId}` : "");
    source = new EventSource(url);
    source.addEventListener("open", () => {
      // Events missed during a gap are replayed, but refetch anyway: the views are small.
      markLinked();
      refresh();
    });
    for (const kind of EVENT_KINDS) {
      source.addEventListener(kind, (event) => {
        lastEventId = Math.max(lastEventId, Number(event.lastEventId) || 0);
        refresh();
      });
    }
    source.addEventListener("error", () => {
      markLost();
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        setTimeout(connect, 2000);
      }
    });
  }

  // Chromium keeps a page left by a navigation in its back/forward cache with its events
  // stream still open, and opens at most six connections per host. After five
  // navigations the new page's last request (the QR code image) waited for ever, so the
  // stream closes when the page is hidden and opens again if the page comes back.
  window.addEventListener("pagehide", () => {
    if (source) {
      source.close();
      source = null;
    }
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && !source) connect();
  });

  refresh();
  connect();
})();
