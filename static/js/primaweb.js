/* Primaweb: a few behaviours on top of pages that work without JavaScript. */
(function () {
  "use strict";

  // Sections of a dossier's page served by other modules: load them in place.
  function loadFragments(root) {
    root.querySelectorAll("[data-fragment]").forEach(function (section) {
      fetch(section.dataset.fragment, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) { section.outerHTML = html; scrollableTables(document); })
        .catch(function () { /* the link to the section stays */ });
    });
  }

  // A document being converted: follow its status and move on by itself when the PDF is ready.
  function followConversion(root) {
    var box = root.querySelector("[data-status-url]");
    if (!box) { return; }
    var label = box.querySelector("[data-status-label]");
    var started = Date.now();
    function poll() {
      fetch(box.dataset.statusUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (label) { label.textContent = state.label; }
          if (!state.converting) { window.location.reload(); return; }
          var elapsed = (Date.now() - started) / 1000;
          window.setTimeout(poll, elapsed < 30 ? 1000 : 5000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 800);
  }

  // A mass mailing under way: its progress bar follows the counts the server keeps (a reload loses
  // nothing), and the page reloads once every letter has its outcome, to list them.
  function followMailing(root) {
    var box = root.querySelector("[data-progress-url]");
    if (!box || box.dataset.finished === "1") { return; }
    var bar = box.querySelector("[data-progress-bar]");
    function show(name, value) {
      var element = box.querySelector("[data-progress-" + name + "]");
      if (element) { element.textContent = value; }
    }
    function poll() {
      fetch(box.dataset.progressUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (progress) {
          if (bar) { bar.max = progress.total; bar.value = progress.done; bar.textContent = progress.percent + " %"; }
          show("done", progress.done);
          show("total", progress.total);
          show("sent", progress.sent);
          show("failed", progress.failed);
          if (progress.finished) { window.location.reload(); return; }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 500);
  }

  // Forms that change something for good ask first (the server checks the rules again anyway).
  function confirmations(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
  }

  // Refuse an over-size file before sending 1.5 MB for nothing; the server refuses it too.
  function fileLimits(root) {
    root.querySelectorAll("input[type=file][data-max-size]").forEach(function (input) {
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        var tooLarge = file && file.size > Number(input.dataset.maxSize);
        input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
        if (tooLarge) { input.reportValidity(); }
      });
    });
  }

  // « Imprimer »: a POST (it records the printing) whose PDF loads in a hidden frame that is then
  // printed; when the browser cannot print from the frame, the PDF opens in a new tab instead.
  function printing(root) {
    root.querySelectorAll("form[data-print]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var previous = document.getElementById("print-frame");
        if (previous) { previous.remove(); }
        var frame = document.createElement("iframe");
        frame.id = frame.name = "print-frame";
        frame.className = "visually-hidden";
        frame.title = form.textContent.trim();
        document.body.appendChild(frame);
        frame.addEventListener("load", function () {
          if (frame.contentWindow.location.href === "about:blank") { return; }
          try { frame.contentWindow.focus(); frame.contentWindow.print(); }
          catch (error) { window.open(form.dataset.pdf, "_blank", "noopener"); }
        });
        form.target = frame.name;
        window.setTimeout(function () { form.target = "_blank"; }, 0);
      });
    });
  }

  // On a narrow screen a wide table scrolls inside its own box: the keyboard must be able to reach it.
  function scrollableTables(root) {
    root.querySelectorAll("table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) { table.tabIndex = 0; }
      else { table.removeAttribute("tabindex"); }
    });
  }

  window.addEventListener("resize", function () { scrollableTables(document); });

  document.addEventListener("DOMContentLoaded", function () {
    scrollableTables(document);
    loadFragments(document);
    followConversion(document);
    followMailing(document);
    confirmations(document);
    fileLimits(document);
    printing(document);
  });
})();
