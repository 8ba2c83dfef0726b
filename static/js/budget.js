/*
 * Budget step: live totals and "add a line", as progressive enhancement.
 * Without JavaScript the page still works: blank extra lines are there, and the server
 * computes and checks the totals when the step is saved.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-budget-form]");
  if (!form) {
    return;
  }
  var money = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

  /* "1 234,50", "1234.5", "1 234 €" -> 1234.5 (in cents, to avoid float drift); anything else -> 0. */
  function cents(value) {
    var text = String(value || "").replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
    if (!/^\d+(\.\d{0,2})?$/.test(text)) {
      return 0;
    }
    return Math.round(parseFloat(text) * 100);
  }

  function isDeleted(input) {
    var line = input.closest("[data-budget-line]");
    var box = line && line.querySelector("input[type=checkbox][name$='-DELETE']");
    return Boolean(box && box.checked);
  }

  function sum(side) {
    var total = 0;
    form.querySelectorAll("[data-budget-amount='" + side + "']").forEach(function (input) {
      if (!isDeleted(input)) {
        total += cents(input.value);
      }
    });
    return total;
  }

  function show(name, amount) {
    var cell = form.querySelector("[data-total='" + name + "']");
    if (cell) {
      cell.textContent = money.format(amount / 100);
    }
  }

  function update(announce) {
    var expenses = sum("expense");
    var resources = sum("resource");
    show("expense", expenses);
    show("resource", resources);
    show("difference", expenses - resources);
    var message = form.querySelector("[data-balance-message]");
    if (message && announce) {
      var key = expenses === resources ? "balanced" : expenses > resources ? "missing" : "excess";
      message.textContent = message.getAttribute("data-" + key);
    }
  }

  function addLine(side) {
    var total = form.querySelector("input[name='" + side + "-TOTAL_FORMS']");
    var template = document.getElementById("modele-ligne-" + side);
    var list = form.querySelector("[data-budget-lines='" + side + "']");
    if (!total || !template || !list) {
      return;
    }
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var line = holder.firstElementChild;
    var legend = line.querySelector("legend");
    if (legend) {
      legend.textContent = legend.textContent.trim() + " " + (index + 1);
    }
    list.appendChild(line);
    total.value = String(index + 1);
    var first = line.querySelector("input[type=text], select");
    if (first) {
      first.focus();
    }
  }

  form.addEventListener("input", function () {
    update(false);
  });
  form.addEventListener("change", function () {
    update(true);
  });
  form.querySelectorAll("[data-add-line]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      addLine(button.getAttribute("data-add-line"));
    });
  });
  update(false);
})();
