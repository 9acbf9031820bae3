/* Site-wide behaviour, wired by data attributes: the Content-Security-Policy
 * runs no inline script and no on...= handler, so pages say what they need here.
 *
 * - <form data-confirm="Question?">: asks before submitting; "Cancel" keeps the page.
 * - <button data-print>: prints the page.
 * - <button data-history-back>: goes back to the previous page (the form a 413
 *   page refused: the browser still holds what was typed there).
 * - <button data-copy="#input-id" data-copied="Copied">: copies the input's value.
 * - <form data-logout>: logging out on a shared school computer forgets the
 *   feedback drafts kept in this browser (the server keeps its own copy). */
(function () {
  "use strict";
  var PREFIX = "collabschool:draft:";
  document.addEventListener("submit", function (event) {
    if (!event.target.matches("form[data-logout]")) return;
    try {
      var doomed = [];
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) doomed.push(key);
      }
      doomed.forEach(function (key) { window.localStorage.removeItem(key); });
    } catch (e) {
      /* storage unavailable: nothing kept, nothing to forget */
    }
  });
})();

(function () {
  "use strict";
  // Capture phase: the question comes before any other submit handler.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var question = form.getAttribute && form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    var printer = event.target.closest("[data-print]");
    if (printer) {
      event.preventDefault();
      window.print();
      return;
    }
    if (event.target.closest("[data-history-back]")) {
      event.preventDefault();
      window.history.back();
      return;
    }
    var copier = event.target.closest("[data-copy]");
    if (!copier) return;
    var input = document.querySelector(copier.getAttribute("data-copy"));
    if (!input) return;
    var done = function () {
      if (copier.dataset.copied) copier.textContent = copier.dataset.copied;
    };
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();

(function () {
  "use strict";
  // A wide table scrolls sideways inside its .table-responsive box (on a phone, mostly):
  // a keyboard user scrolls it once it can take the focus (WCAG 2.1.1), so a box that
  // scrolls becomes a tab stop, and one that no longer does stops being one.
  function focusScrollingTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  var pending = null;
  function later() {
    if (pending) window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(function () {
      pending = null;
      focusScrollingTables();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusScrollingTables);
  } else {
    focusScrollingTables();
  }
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
})();
