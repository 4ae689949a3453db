/* Primaweb: a few behaviours on top of pages that work without JavaScript. */
(function () {
  "use strict";

  // Sections of a dossier's page served by other modules: load them in place.
  function loadFragments(root) {
    root.querySelectorAll("[data-fragment]").forEach(function (section) {
      fetch(section.dataset.fragment, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) { section.outerHTML = html; })
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

  // « Imprimer »: print the PDF from a hidden frame, or open it when the browser cannot.
  function printing(root) {
    root.querySelectorAll("[data-print]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var frame = document.createElement("iframe");
        frame.className = "visually-hidden";
        frame.title = link.textContent;
        frame.src = link.href;
        frame.addEventListener("load", function () {
          try { frame.contentWindow.focus(); frame.contentWindow.print(); }
          catch (error) { window.open(link.href, "_blank", "noopener"); }
        });
        document.body.appendChild(frame);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    loadFragments(document);
    followConversion(document);
    confirmations(document);
    fileLimits(document);
    printing(document);
  });
})();
