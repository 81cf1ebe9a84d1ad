// Draws every <canvas data-chart="..."> from the JSON in the <script type="application/json"> it names.
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets || [];
    var shown = datasets.filter(function (set) { return set.inLegend !== false; });
    var options = Object.assign({
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: spec.type === "doughnut" ? {} : { y: { beginAtZero: true } }
    }, spec.options || {});
    // Datasets flagged "inLegend": false (the upper edge of a forecast band) stay out of the
    // legend; the band is named once, by the dataset that fills it.
    options.plugins = Object.assign({}, options.plugins, {
      legend: Object.assign({ display: shown.length > 1 }, (options.plugins || {}).legend, {
        labels: {
          filter: function (item, data) {
            var set = data.datasets[item.datasetIndex];
            return !set || set.inLegend !== false;
          }
        }
      })
    });
    new Chart(canvas, { type: spec.type || "bar", data: { labels: spec.labels, datasets: datasets }, options: options });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
