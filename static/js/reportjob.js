// Follows a background report job: polls its status URL and moves the progress bar, then shows
// the download link (or the error) without reloading the page.
(function () {
  "use strict";
  function follow(box) {
    var bar = box.querySelector("progress");
    var message = box.querySelector(".report-job-message");
    var link = box.querySelector(".report-job-download");
    var error = box.querySelector(".report-job-error");
    function poll() {
      fetch(box.dataset.reportJob, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          bar.value = job.progress;
          bar.textContent = job.progress + " %";
          message.textContent = job.status + (job.message ? " — " + job.message : "");
          if (job.status === "done" && job.download) {
            link.href = job.download;
            link.hidden = false;
          } else if (job.status === "failed") {
            error.textContent = job.error || "The export failed.";
            error.hidden = false;
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    poll();
  }
  // For a job started by a page's script: follow a box added after the page loaded.
  window.followReportJob = follow;
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-report-job]").forEach(follow);
  });
})();
