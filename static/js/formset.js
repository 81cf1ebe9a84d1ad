// "Add line" for a Django formset: clones the <template id="empty-line"> row, replacing
// __prefix__ with the next form index, and raises TOTAL_FORMS. Without JavaScript the page
// still offers its blank rows, and saving a draft gives four more.
(function () {
  "use strict";
  document.querySelectorAll("[data-add-line]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-line");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById("empty-line");
    var body = document.querySelector("[data-formset-body]");
    if (!total || !template || !body) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      if (window.partlineAutocomplete) {
        window.partlineAutocomplete(body.lastElementChild);
      }
      var added = body.lastElementChild.querySelector("select, input:not([type=hidden])");
      if (added) {
        added.focus();
      }
    });
  });
})();
