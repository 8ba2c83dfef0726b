/*
 * Holder step: show only the fields of the kind chosen ("un groupe d'habitants" or "une association"),
 * as progressive enhancement. Without JavaScript both fieldsets show, and the server reads only the
 * chosen kind's fields.
 */
(function () {
  "use strict";

  function update(block) {
    var checked = block.querySelector("input[type=radio][name$='kind']:checked");
    var kind = checked ? checked.value : "";
    block.querySelectorAll("[data-holder-kind]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.getAttribute("data-holder-kind") !== kind;
    });
  }

  document.querySelectorAll("[data-holder-fields]").forEach(function (block) {
    block.querySelectorAll("input[type=radio][name$='kind']").forEach(function (radio) {
      radio.addEventListener("change", function () {
        update(block);
      });
    });
    update(block);
  });
})();
