// Small behaviours of the server-rendered pages. They live in this file rather than in inline
// scripts or on…= attributes because the Content-Security-Policy allows scripts from 'self' only.

// <select data-autosubmit>: submit its form on change (language switch, year and kind filters).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// <input type="checkbox" data-select-all="CSS selector">: tick or untick every box it names.
document.querySelectorAll("input[data-select-all]").forEach(function (master) {
  master.addEventListener("change", function () {
    document.querySelectorAll(master.dataset.selectAll).forEach(function (box) { box.checked = master.checked; });
  });
});

// <div data-status-url> of a background export: poll its status until it is done or failed.
document.querySelectorAll("[data-job-poll][data-status-url]").forEach(function (box) {
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      box.dataset.status = data.status;
      box.querySelector(".progress-bar span").style.width = data.percent + "%";
      box.querySelector(".progress-bar").setAttribute("aria-valuenow", data.percent);
      box.querySelector("[data-job-rows]").textContent = data.rows_done + " / " + data.rows_total;
      box.querySelector("[data-job-state]").textContent = data.status_display || data.status;
      if (data.error) { var e = box.querySelector("[data-job-error]"); e.textContent = data.error; e.hidden = false; }
      if (data.download) { box.querySelector("[data-job-download]").hidden = false; }
      if (data.status === "pending" || data.status === "running") { setTimeout(poll, 1000); }
    });
  }
  if (box.dataset.status === "pending" || box.dataset.status === "running") { poll(); }
});

