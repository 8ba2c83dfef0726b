/*
 * Dates step: as soon as the project's start date is typed, say whether it falls before the first committee the
 * request can still reach (progressive enhancement: without JavaScript the server says it once the step is saved).
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-first-committee]");
  var input = document.getElementById("id_start_date");
  if (!box || !input) {
    return;
  }
  var alert = box.querySelector("#date-avant-comite");
  var shown = box.querySelector("[data-project-start]");
  var firstCommittee = box.getAttribute("data-first-committee");

  function update() {
    var value = input.value; /* "2025-06-14" from a date input, or "" */
    var early = /^\d{4}-\d{2}-\d{2}$/.test(value) && value < firstCommittee;
    if (early && shown) {
      var parts = value.split("-");
      shown.textContent = parts[2] + "/" + parts[1] + "/" + parts[0];
    }
    alert.hidden = !early;
  }

  input.addEventListener("change", update);
  input.addEventListener("input", update);
})();
