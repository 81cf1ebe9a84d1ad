/* Order map pages: heatmap hexagons, vendors, areas (map page); coverage table and what-if
   slider (coverage page). Data from /api/geo/; requests debounced while panning or typing. */
(function () {
  "use strict";
  var element = document.getElementById("geo-map");
  var form = document.getElementById("geo-filters");
  if (!element || !form || !window.L) { return; }
  var page = element.dataset.page;
  var GRADE_COLOURS = { A: "#2f8132", B: "#2680c2", C: "#b7791f", D: "#c53030", "": "#616e7c" };

  // maxZoom on the map itself: without tiles nothing else sets it, and markercluster needs it.
  var map = L.map(element, { preferCanvas: true, maxZoom: 18 }).setView([0, 0], 2);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 18, attribution: element.dataset.tileAttribution || ""
    }).addTo(map);
  }
  var heatLayer = L.layerGroup().addTo(map);
  // Many vendors: Leaflet.markercluster groups the nearby ones (each cluster ringed in its most
  // common grade's colour, the grades counted in its tooltip); the markers keep their grade colour.
  var vendorLayer = (L.markerClusterGroup ? L.markerClusterGroup({
    chunkedLoading: true,
    maxClusterRadius: 40,
    disableClusteringAtZoom: 15,
    iconCreateFunction: clusterIcon
  }) : L.layerGroup()).addTo(map);
  var areaLayer = L.layerGroup().addTo(map);
  var statusText = document.getElementById("geo-status");
  // One counter per kind of request: an answer older than the latest asked of its kind is dropped.
  var heatmapGeneration = 0;
  var coverageGeneration = 0;
  var fitted = "";

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function filters() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value !== "") { params.set(key, value); } });
    return params;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json, application/geo+json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { var error = new Error(JSON.stringify(body)); error.body = body; throw error; }
          return body;
        });
      });
  }
  function resolutionForZoom(zoom) {
    if (zoom <= 9) { return 6; }
    if (zoom <= 11) { return 7; }
    if (zoom <= 13) { return 8; }
    return 9;
  }
  function colour(value) {
    // #ffffb2 → #fd8d3c → #bd0026 over 0..100
    var stops = [[255, 255, 178], [253, 141, 60], [189, 0, 38]];
    var t = Math.max(0, Math.min(100, value)) / 50;
    var i = Math.min(1, Math.floor(t));
    var f = t - i;
    var c = stops[i].map(function (v, k) { return Math.round(v + (stops[i + 1][k] - v) * f); });
    return "rgb(" + c.join(",") + ")";
  }
  function clusterIcon(cluster) {
    var counts = {};
    cluster.getAllChildMarkers().forEach(function (marker) {
      var grade = marker.options.grade || "";
      counts[grade] = (counts[grade] || 0) + 1;
    });
    var top = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); })[0];
    var size = cluster.getChildCount() < 10 ? "small" : (cluster.getChildCount() < 100 ? "medium" : "large");
    var title = Object.keys(counts).sort().map(function (g) { return (g || "no grade") + ": " + counts[g]; }).join(", ");
    var html = document.createElement("div");
    html.style.borderColor = GRADE_COLOURS[top] || GRADE_COLOURS[""];
    html.className = "geo-cluster";
    html.title = title;
    var label = document.createElement("span");
    label.textContent = cluster.getChildCount();
    html.appendChild(label);
    return L.divIcon({ html: html.outerHTML, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
  }
  function say(text) { if (statusText) { statusText.textContent = text; } }

  function fitCity(city) {
    if (!city || fitted === city) { return; }
    getJSON("/api/geo/vendors/?page_size=100&city=" + encodeURIComponent(city)).then(function (body) {
      var points = body.results.map(function (v) { return [v.latitude, v.longitude]; });
      if (points.length) { map.fitBounds(L.latLngBounds(points).pad(0.3)); fitted = city; }
    });
  }

  function loadVendors() {
    var params = filters();
    vendorLayer.clearLayers();
    if (!params.get("city")) { return; }
    var url = "/api/geo/vendors/?page_size=100&city=" + encodeURIComponent(params.get("city"));
    if (params.get("grade")) { url += "&grade=" + encodeURIComponent(params.get("grade")); }
    if (params.get("business_line")) { url += "&business_line=" + encodeURIComponent(params.get("business_line")); }
    (function next(pageUrl) {
      getJSON(pageUrl).then(function (body) {
        var markers = body.results.map(function (v) {
          return L.circleMarker([v.latitude, v.longitude], {
            radius: 5, weight: 1, color: "#fff", fillOpacity: 0.9, grade: v.grade || "",
            fillColor: GRADE_COLOURS[v.grade] || GRADE_COLOURS[""]
          }).bindTooltip(v.code + " " + v.name + " · grade " + (v.grade || "–") + " · " + v.radius_km + " km");
        });
        if (vendorLayer.addLayers) { vendorLayer.addLayers(markers); } else { markers.forEach(function (m) { m.addTo(vendorLayer); }); }
        if (body.next) { next(body.next); }
      });
    })(url);
  }

  function drawAreas(coverageAreas) {
    var params = filters();
    areaLayer.clearLayers();
    if (!params.get("city")) { return; }
    var byId = {};
    (coverageAreas || []).forEach(function (row) { byId[row.id] = row; });
    getJSON("/api/geo/areas/?page_size=100&city__code=" + encodeURIComponent(params.get("city")))
      .then(function (body) {
        body.results.filter(function (a) { return a.city === params.get("city"); }).forEach(function (area) {
          var row = byId[area.id];
          var ok = row ? row.meets_target : null;
          L.geoJSON(area.geojson, {
            style: { color: ok === null ? "#1f4e79" : (ok ? "#2f8132" : "#c53030"), weight: 2, fill: false }
          }).bindTooltip(area.name + (row ? ": " + row.coverage_percent + " % of orders covered, target " + row.target_percent + " %" : ""))
            .addTo(areaLayer);
        });
      });
  }

  // Heavy questions (a long period that reads every order; a city's whole grid) run as report
  // jobs: the synchronous endpoint answers 400 naming the job endpoint, and the page offers to
  // start the job with the same parameters, then follows its progress (static/js/reportjob.js).
  var jobBox = document.getElementById("geo-job");
  var jobParams = null;
  function offerJob(params, reason) {
    if (!jobBox) { return; }
    jobParams = params;
    jobBox.querySelector(".geo-job-reason").textContent = reason;
    jobBox.hidden = false;
  }
  function startJob(fileFormat) {
    var params = new URLSearchParams(jobParams || filters());
    params.delete("format");
    params.set("file_format", fileFormat);
    var progress = jobBox.querySelector(".report-job");
    fetch(jobBox.dataset.jobUrl, {
      method: "POST", credentials: "same-origin", body: params,
      headers: { Accept: "application/json", "X-CSRFToken": jobBox.querySelector("[name=csrfmiddlewaretoken]").value }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(JSON.stringify(body)); }
        return body;
      });
    }).then(function (body) {
      var fresh = progress.cloneNode(true);  // a new job: a box no earlier poll is updating
      fresh.hidden = false;
      fresh.dataset.reportJob = body.status;
      fresh.querySelector(".report-job-download").hidden = true;
      fresh.querySelector(".report-job-error").hidden = true;
      progress.replaceWith(fresh);
      if (window.followReportJob) { window.followReportJob(fresh); }
    }).catch(function (error) {
      var message = progress.querySelector(".report-job-error");
      message.textContent = "Cannot start the job: " + error.message;
      message.hidden = false;
      progress.hidden = false;
    });
  }
  if (jobBox) {
    jobBox.querySelectorAll("button[data-file-format]").forEach(function (button) {
      button.addEventListener("click", function () { startJob(button.dataset.fileFormat); });
    });
  }

  function loadHeatmap() {
    var params = filters();
    if (!params.get("city")) { say("No city yet: refresh vendors first."); return; }
    params.set("resolution", resolutionForZoom(map.getZoom()));
    params.set("format", "geojson");
    var mine = ++heatmapGeneration;
    if (jobBox && page === "map") { jobBox.hidden = true; }
    say("Loading…");
    getJSON("/api/geo/heatmap/?" + params.toString()).then(function (body) {
      if (mine !== heatmapGeneration) { return; }
      heatLayer.clearLayers();
      L.geoJSON(body, {
        style: function (feature) {
          return { stroke: false, fillOpacity: 0.55, fillColor: colour(feature.properties.value) };
        },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(feature.properties.h3 + ": " + feature.properties.count);
        }
      }).addTo(heatLayer);
      var stats = body.properties.stats;
      say(stats.cells + " cells, " + stats.total + " in total; 0 ≈ " + stats.p5 + ", 100 ≈ " + stats.p95 +
        " (resolution " + body.properties.resolution + ")");
    }).catch(function (error) {
      if (mine !== heatmapGeneration) { return; }
      var reason = error.body && error.body.from && String(error.body.from[0]);
      if (reason && reason.indexOf("/jobs/") !== -1) {
        heatLayer.clearLayers();
        say("Too heavy to answer at once: run it as a job below.");
        offerJob(params, reason);
      } else {
        say("Cannot load the heatmap: " + error.message);
      }
    });
  }

  function coverageQuery() {
    var params = filters();
    params.set("cells", "false");
    return params;
  }
  function loadCoverage(draw) {
    var params = coverageQuery();
    if (!params.get("city")) { return; }
    var mine = ++coverageGeneration;
    getJSON("/api/geo/coverage/?" + params.toString()).then(function (body) {
      if (mine !== coverageGeneration) { return; }
      draw(body);
    }).catch(function (error) {
      var summary = document.getElementById("coverage-summary");
      if (summary) { summary.textContent = "Cannot load coverage: " + error.message; }
    });
  }
  function cell(text, numeric) {
    var td = document.createElement("td");
    td.textContent = text;
    if (numeric) { td.className = "num"; }
    return td;
  }
  function drawCoverageTables(body) {
    document.getElementById("coverage-summary").textContent =
      body.summary.coverage_percent + " % of " + body.summary.orders + " orders fall in cells that " +
      body.vendors + " vendors reach" + (body.radius_scale ? " (radii at " + body.radius_scale + " %)" : "") + ".";
    var areas = document.querySelector("#coverage-areas tbody");
    areas.replaceChildren();
    body.areas.forEach(function (row) {
      var tr = document.createElement("tr");
      [cell(row.name), cell(row.orders, true), cell(row.covered_orders, true), cell(row.coverage_percent + " %", true),
        cell(row.target_percent + " %", true), cell(row.meets_target ? "meets target" : "below target")]
        .forEach(function (td) { tr.appendChild(td); });
      areas.appendChild(tr);
    });
    var uncovered = document.querySelector("#coverage-uncovered tbody");
    uncovered.replaceChildren();
    body.top_uncovered.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(row.h3));
      tr.appendChild(cell(row.orders, true));
      uncovered.appendChild(tr);
    });
    drawAreas(body.areas);
  }

  var refreshMap = debounce(function () { loadHeatmap(); }, 350);
  var refreshAll = debounce(function () {
    fitCity(filters().get("city"));
    loadHeatmap();
    loadVendors();
    loadCoverage(function (body) { drawAreas(body.areas); });
  }, 350);
  var refreshCoverage = debounce(function () {
    fitCity(filters().get("city"));
    loadVendors();
    loadCoverage(drawCoverageTables);
  }, 350);

  if (page === "coverage") {
    var slider = document.getElementById("radius-scale");
    var shown = document.getElementById("radius-scale-value");
    form.addEventListener("input", function () { shown.textContent = slider.value + " %"; refreshCoverage(); });
    form.addEventListener("change", refreshCoverage);
    refreshCoverage();
  } else {
    map.on("moveend zoomend", refreshMap);
    form.addEventListener("input", refreshAll);
    form.addEventListener("change", refreshAll);
    refreshAll();
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
})();
