// Search-as-you-type pickers (config/autocomplete.py): every <input data-autocomplete="URL">
// becomes a Tom Select picker that asks URL?q=<text> for at most 20 matches and posts the chosen
// id under the input's name. Without JavaScript the input stays a text box for the reference
// (a SKU, WAREHOUSE/CODE), which the form accepts too. Rows added later by formset.js are set up
// through window.partlineAutocomplete(row).
(function () {
  "use strict";

  function picker(input) {
    var url = input.getAttribute("data-autocomplete");
    var select = document.createElement("select");
    select.name = input.name;
    select.id = input.id;
    select.required = input.required;
    select.setAttribute("data-autocomplete-picker", url);
    var chosen = input.getAttribute("data-value");
    if (chosen) {
      var option = document.createElement("option");
      option.value = chosen;
      option.textContent = input.getAttribute("data-label") || input.value;
      option.selected = true;
      select.appendChild(option);
    }
    input.replaceWith(select);
    var separator = url.indexOf("?") === -1 ? "?" : "&";
    return new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: ["text"],
      maxOptions: 20,
      placeholder: input.getAttribute("placeholder") || "Type to search…",
      // An optional field can be emptied again; a required one only changed.
      plugins: input.required ? [] : { clear_button: { title: "Clear" } },
      loadThrottle: 250,
      closeAfterSelect: true,
      preload: "focus",
      load: function (query, callback) {
        fetch(url + separator + "q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        no_results: function () {
          return '<div class="no-results">No match</div>';
        },
      },
    });
  }

  function setUp(root) {
    if (typeof TomSelect === "undefined") {
      return; // the library did not load: the text inputs still work
    }
    root.querySelectorAll("input[data-autocomplete]").forEach(picker);
  }

  window.partlineAutocomplete = setUp;
  setUp(document);
})();
