// Submit a form when one of its <select data-autosubmit> changes (the language switch).
// A file rather than an inline onchange, because the Content-Security-Policy forbids inline scripts.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
