// Small behaviours of the server-rendered pages. They live in this file rather than in inline
// scripts or on…= attributes because the Content-Security-Policy allows scripts from 'self' only.

// <select data-autosubmit>: submit its form on change (language switch, year and kind filters).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// The dashboards' filters (<details class="filters-box" open>) fill a phone's first screen: on a phone
// they start folded, their summary naming the month, unless a filter was refused (its error shows).
if (window.matchMedia("(max-width: 640px)").matches) {
  document.querySelectorAll("details.filters-box[open]").forEach(function (box) {
    if (!box.querySelector(".errorlist")) { box.open = false; }
  });
}

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


// <select data-months-from="…" data-months-to="…"> (首个填报期): the months between the two date inputs it names,
// rebuilt when either changes and read in the page's language (2026年11月 / November 2026), as the server lists them.
document.querySelectorAll("select[data-months-from][data-months-to]").forEach(function (select) {
  var from = document.querySelector(select.dataset.monthsFrom), to = document.querySelector(select.dataset.monthsTo);
  if (!from || !to) { return; }
  var words = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {year: "numeric", month: "long"});
  function index(value) {
    var parts = (value || "").split("-");
    return parts.length >= 2 && parts[0].length === 4 ? Number(parts[0]) * 12 + Number(parts[1]) - 1 : NaN;
  }
  function option(n) {
    var year = Math.floor(n / 12), month = n % 12 + 1;
    return new Option(words.format(new Date(year, month - 1, 1)), year + "-" + (month < 10 ? "0" : "") + month);
  }
  function rebuild() {
    var first = index(from.value), last = index(to.value), chosen = select.value;
    if (!(last >= first) || last - first > 240) { return; }
    select.textContent = "";
    for (var n = first; n <= last; n++) { select.add(option(n)); }
    var kept = index(chosen);
    if (chosen && !(kept >= first && kept <= last) && !isNaN(kept)) { select.add(option(kept), 0); }
    select.value = chosen;
  }
  ["input", "change"].forEach(function (name) {
    from.addEventListener(name, rebuild);
    to.addEventListener(name, rebuild);
  });
});

// <button data-confirm="question">: ask before the form goes with that button (an act that cannot be undone).
// <form data-busy="words">: a form that starts long work goes once. On the first submit its buttons are
// disabled and the pressed one reads the words until the next page arrives; a second submit (a double
// click) is stopped. The buttons are disabled after the browser has read the form, so the pressed
// button's name and value still go with it. Back to the page from the history, the buttons work again.
function formBusy(form, button) {
  form.dataset.submitting = "1";
  form.setAttribute("aria-busy", "true");
  setTimeout(function () {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
      b.dataset.idleText = b.textContent;
      b.disabled = true;
    });
    if (button && button.tagName === "BUTTON") { button.textContent = form.dataset.busy; }
  }, 0);
}

function formIdle(form) {
  delete form.dataset.submitting;
  form.removeAttribute("aria-busy");
  form.querySelectorAll("[data-idle-text]").forEach(function (b) {
    b.textContent = b.dataset.idleText;
    delete b.dataset.idleText;
    b.disabled = false;
  });
}

document.querySelectorAll("form").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (form.dataset.busy !== undefined && form.dataset.submitting) { event.preventDefault(); return; }
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) { event.preventDefault(); return; }
    if (form.dataset.busy !== undefined) { formBusy(form, button); }
  });
});

window.addEventListener("pageshow", function (event) {
  if (event.persisted) { document.querySelectorAll("form[data-busy]").forEach(formIdle); }
});
