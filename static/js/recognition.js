/* The recognition form: the hint «за что именно?» as one types, and a filter of
 * the list of colleagues. The hint is the server's rule (apps/recognition/hint.py):
 * with nothing linked, a text needs two concrete words, i.e. words in lower case
 * of three letters or more that are not thanks or praise (the list is the page's
 * json_script "praise-words"). A hint only: the form is always sent.
 */
(function () {
  "use strict";

  var WORD = /[\p{L}]+(?:-[\p{L}]+)*/gu;
  var ENOUGH = 2;

  function praiseWords() {
    var source = document.getElementById("praise-words");
    try {
      return new Set(source ? JSON.parse(source.textContent) : []);
    } catch (e) {
      return new Set();
    }
  }

  function concrete(text, praise) {
    return (text.match(WORD) || []).filter(function (word) {
      var first = word.charAt(0);
      var lowerFirst = first === first.toLowerCase() && first !== first.toUpperCase();
      return word.length >= 3 && lowerFirst && !praise.has(word.toLowerCase().replace(/ё/g, "е"));
    }).length;
  }

  function setUpHint(form) {
    var praise = praiseWords();
    var text = form.querySelector("textarea[name=text]");
    var link = form.querySelector("select[name=link]");
    var hint = document.getElementById("recognition-hint");
    if (!text || !hint) return;
    hint.textContent = form.getAttribute("data-recognition-hint") || "";
    function check() {
      var typed = text.value.trim().length > 0;
      var vague = typed && !(link && link.value) && concrete(text.value, praise) < ENOUGH;
      hint.classList.toggle("d-none", !vague);
      text.classList.toggle("border-warning", vague);
      var described = (text.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      var at = described.indexOf(hint.id);
      if (vague && at === -1) described.push(hint.id);
      if (!vague && at !== -1) described.splice(at, 1);
      if (described.length) text.setAttribute("aria-describedby", described.join(" "));
      else text.removeAttribute("aria-describedby");
    }
    text.addEventListener("input", check);
    if (link) link.addEventListener("change", check);
    check();
  }

  function setUpFilter(form) {
    var filter = form.querySelector("[data-recipient-filter]");
    if (!filter) return;
    var rows = form.querySelectorAll("[data-recipient]");
    filter.addEventListener("input", function () {
      var needle = filter.value.trim().toLowerCase().replace(/ё/g, "е");
      Array.prototype.forEach.call(rows, function (row) {
        var box = row.querySelector("input");
        var name = row.textContent.toLowerCase().replace(/ё/g, "е");
        row.classList.toggle("d-none", needle !== "" && name.indexOf(needle) === -1 && !(box && box.checked));
      });
    });
    // Enter in the filter must not send the form half-filled.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }

  function init() {
    document.querySelectorAll("form[data-recognition-hint]").forEach(function (form) {
      setUpHint(form);
      setUpFilter(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
