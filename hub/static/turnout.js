// Participation : contrôle chaque champ pendant la frappe (inscrits, tranches voisines,
// votants définitifs) et tient le total à jour. Le hub refait tous les contrôles à
// l'enregistrement.
"use strict";
(function () {
  const form = document.getElementById("turnout-form");
  if (!form) {
    return;
  }
  const slot = form.dataset.slot;
  const registeredAll = Number(form.dataset.registeredAll || 0);

  function parse(text) {
    const digits = text.replace(/\s/g, "");
    if (digits === "") {
      return null;
    }
    return /^[0-9]+$/.test(digits) ? Number(digits) : NaN;
  }

  function percent(numerator, denominator) {
    if (!denominator) {
      return "—";
    }
    return (Math.round((numerator * 10000) / denominator) / 100).toFixed(2).replace(".", ",") + " %";
  }

  function problem(input) {
    const value = parse(input.value);
    const data = input.dataset;
    if (value === null) {
      return "";
    }
    if (Number.isNaN(value)) {
      return "« " + input.value.trim() + " » n'est pas un nombre entier";
    }
    if (value > Number(data.registered)) {
      return "supérieur aux inscrits (" + data.registered + ")";
    }
    if (data.previous !== undefined && value < Number(data.previous)) {
      return "inférieur à la participation de " + data.previousSlot + " (" + data.previous + ")";
    }
    if (data.next !== undefined && value > Number(data.next)) {
      return "supérieur à la participation de " + data.nextSlot + " (" + data.next + ")";
    }
    if (data.final !== undefined && value > Number(data.final)) {
      return "supérieur aux votants des résultats (" + data.final + ")";
    }
    return "";
  }

  function check(input) {
    const text = problem(input);
    const cell = document.getElementById(input.getAttribute("aria-describedby"));
    let note = cell ? cell.querySelector(".precheck") : null;
    if (cell && !note) {
      note = document.createElement("span");
      note.className = "finding error precheck";
      cell.prepend(note);
    }
    if (note) {
      note.textContent = text ? "À vérifier : " + text + " à " + slot : "";
    }
    if (text) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  function total() {
    let sum = 0;
    for (const input of form.querySelectorAll("input.count")) {
      const value = parse(input.value);
      if (value && !Number.isNaN(value)) {
        sum += value;
      }
    }
    for (const cell of form.querySelectorAll("span.readonly")) {
      const value = parse(cell.textContent);
      if (value && !Number.isNaN(value)) {
        sum += value;
      }
    }
    document.getElementById("turnout-total").textContent = String(sum);
    document.getElementById("turnout-rate").textContent = percent(sum, registeredAll);
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches("input.count")) {
      check(event.target);
      total();
    }
  });
})();
