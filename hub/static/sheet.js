// Feuilles de résultats et de centaines : refait pendant la frappe les contrôles du hub
// (mêmes règles que common/src/rules.rs), affiche les sommes et bloque l'envoi d'une
// feuille incohérente tant que le motif « procès-verbal incohérent » est vide. Le hub
// refait tous les contrôles à l'enregistrement.
"use strict";
(function () {
  function parse(input) {
    if (!input) {
      return null;
    }
    const digits = input.value.replace(/\s/g, "");
    if (digits === "") {
      return null;
    }
    return /^[0-9]+$/.test(digits) ? Number(digits) : NaN;
  }

  function show(box, problems, notes) {
    box.replaceChildren();
    if (problems.length === 0 && notes.length === 0) {
      return;
    }
    const list = document.createElement("ul");
    for (const [kind, text] of problems.map((p) => ["bad", p]).concat(notes.map((n) => ["ok", n]))) {
      const item = document.createElement("li");
      item.className = kind;
      item.textContent = text;
      list.append(item);
    }
    box.append(list);
  }

  function resultsSheet(form) {
    const box = document.getElementById("live-checks");
    const reasonBox = document.getElementById("reason-box");
    const reason = document.getElementById("inconsistency_reason");
    const field = (name) => form.querySelector("#" + name);
    const configured = Number(form.dataset.configured);

    function evaluate() {
      const problems = [];
      const notes = [];
      const invalid = new Set();
      const value = {};
      for (const name of ["registered", "voters", "ballots_found", "blank", "invalid", "valid_votes"]) {
        value[name] = parse(field(name));
        if (Number.isNaN(value[name])) {
          problems.push("« " + field(name).value.trim() + " » n'est pas un nombre entier");
          invalid.add(name);
        }
      }
      let votes = 0;
      let missing = 0;
      const voteFields = form.querySelectorAll("input.vote").length;
      for (const input of form.querySelectorAll("input.vote")) {
        const v = parse(input);
        if (v === null) {
          missing += 1;
        } else if (Number.isNaN(v)) {
          problems.push("« " + input.value.trim() + " » n'est pas un nombre entier");
          invalid.add(input.id);
        } else {
          votes += v;
        }
      }
      document.getElementById("votes-total").textContent = String(votes);
      const known = (name) => value[name] !== null && !Number.isNaN(value[name]);
      if (known("voters") && known("registered") && value.voters > value.registered) {
        problems.push("Votants (" + value.voters + ") supérieurs aux inscrits (" + value.registered + ")");
        invalid.add("voters");
      }
      const ballotsName = known("ballots_found") ? "ballots_found" : "voters";
      const ballotsLabel = known("ballots_found") ? "enveloppes et bulletins trouvés" : "votants";
      if (known(ballotsName) && known("blank") && known("invalid") && known("valid_votes")) {
        const marked = value.blank + value.invalid + value.valid_votes;
        if (marked !== value[ballotsName]) {
          problems.push("Blancs (" + value.blank + ") + nuls (" + value.invalid + ") + exprimés (" +
            value.valid_votes + ") = " + marked + ", mais " + ballotsLabel + " = " + value[ballotsName]);
          invalid.add("valid_votes");
        } else {
          notes.push("Blancs + nuls + exprimés = " + ballotsLabel + " (" + marked + ")");
        }
      }
      if (known("valid_votes") && missing === 0) {
        if (votes !== value.valid_votes) {
          problems.push("La somme des voix (" + votes + ") diffère des suffrages exprimés (" + value.valid_votes + ")");
          for (const input of form.querySelectorAll("input.vote")) {
            invalid.add(input.id);
          }
        } else {
          notes.push("Somme des voix = suffrages exprimés (" + votes + ")");
        }
      }
      if (missing > 0 && missing < voteFields) {
        notes.push(missing + " candidat(s) sans voix saisies : saisissez 0 si aucune voix");
      }
      if (known("registered") && configured && value.registered !== configured) {
        notes.push("Inscrits différents de la configuration (" + configured + ") : à vérifier sur la liste d'émargement");
      }
      for (const input of form.querySelectorAll("input.count")) {
        if (invalid.has(input.id)) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      }
      show(box, problems, notes);
      return { problems, invalid };
    }

    form.addEventListener("input", evaluate);
    form.addEventListener("submit", function (event) {
      const { problems, invalid } = evaluate();
      if (problems.length === 0 || (reason && reason.value.trim() !== "")) {
        return;
      }
      event.preventDefault();
      if (reasonBox) {
        reasonBox.hidden = false;
      }
      const lead = document.createElement("p");
      lead.className = "bad";
      lead.textContent = "Enregistrement refusé : corrigez la saisie, ou indiquez pourquoi le procès-verbal lui-même est incohérent.";
      box.prepend(lead);
      const first = form.querySelector("input.count[aria-invalid='true']") || reason;
      if (first && invalid.size > 0) {
        first.focus();
      }
    });
    evaluate();
  }

  function hundredSheet(form) {
    const box = document.getElementById("live-checks");
    const size = Number(form.dataset.size);

    function evaluate() {
      const problems = [];
      const notes = [];
      let sum = 0;
      for (const input of form.querySelectorAll("input.ballot")) {
        const v = parse(input);
        let wrong = false;
        if (Number.isNaN(v)) {
          problems.push("« " + input.value.trim() + " » n'est pas un nombre entier");
          wrong = true;
        } else if (v !== null) {
          sum += v;
          const first = Number(input.dataset.first);
          if (input.dataset.first !== undefined && !Number.isNaN(first) && v < first) {
            problems.push(input.labels[0].textContent.trim() + " : " + v + ", moins que les " + first + " de la première centaine");
            wrong = true;
          }
        }
        if (wrong) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      }
      document.getElementById("ballots-total").textContent = String(sum);
      if (sum > size) {
        problems.push(sum + " bulletins comptés, plus que " + size);
      } else if (sum < size) {
        notes.push(sum + " bulletins comptés sur " + size + " : juste seulement si le bureau a moins de " + size + " bulletins");
      } else {
        notes.push(size + " bulletins comptés");
      }
      show(box, problems, notes);
      return problems;
    }

    form.addEventListener("input", evaluate);
    form.addEventListener("submit", function (event) {
      if (evaluate().length > 0) {
        event.preventDefault();
        form.querySelector("input[aria-invalid='true']")?.focus();
      }
    });
    evaluate();
  }

  const results = document.getElementById("results-form");
  if (results) {
    resultsSheet(results);
  }
  const hundred = document.getElementById("hundred-form");
  if (hundred) {
    hundredSheet(hundred);
  }
})();
