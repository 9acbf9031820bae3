/* A gentle nudge, never a block: when a text field of a form with data-nudge
 * holds one of the school's evaluative words or phrases in any of its forms, the
 * field is outlined and a hint under it suggests describing facts instead.
 * The page carries the list (a json_script "evaluative-words") and, for each
 * entry, the forms each of its words may take ("evaluative-forms", made on the
 * server with pymorphy3: apps.core.wordforms). Matching is the server's
 * (wordforms.entries_found): words are letters or digits with inner hyphens,
 * compared in lower case with ё as е; a phrase is its words one after another
 * within a sentence, and is looked for before the words in it.
 * The hint's text comes from data-nudge-message, with "{words}" for the entries found.
 */
(function () {
  "use strict";

  var TOKEN = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;
  var CLAUSE_BREAK = /[.!?;\u2026\n]+/;

  function fold(text) {
    return text.toLowerCase().replace(/ё/g, "е");
  }

  function json(id) {
    var source = document.getElementById(id);
    if (!source) return null;
    try {
      return JSON.parse(source.textContent);
    } catch (e) {
      return null;
    }
  }

  function patterns() {
    var words = json("evaluative-words") || [];
    var forms = json("evaluative-forms") || {};
    var rules = [];
    words.forEach(function (word, index) {
      var positions = forms[word];
      if (!word || !Array.isArray(positions) || !positions.length) return;
      rules.push({
        word: word,
        index: index,
        sets: positions.map(function (list) {
          return new Set(list);
        }),
      });
    });
    // Phrases first, the longest first; in the list's order otherwise.
    return rules.sort(function (a, b) {
      return b.sets.length - a.sets.length || a.index - b.index;
    });
  }

  function find(rules, text) {
    var found = {};
    fold(text)
      .split(CLAUSE_BREAK)
      .forEach(function (clause) {
        var words = clause.match(TOKEN) || [];
        var covered = words.map(function () {
          return false;
        });
        rules.forEach(function (rule) {
          var size = rule.sets.length;
          for (var start = 0; start + size <= words.length; start++) {
            var match = true;
            var fresh = false;
            for (var k = 0; k < size; k++) {
              if (!rule.sets[k].has(words[start + k])) {
                match = false;
                break;
              }
              if (!covered[start + k]) fresh = true;
            }
            if (!match) continue;
            if (fresh) found[rule.index] = rule.word;
            for (k = 0; k < size; k++) covered[start + k] = true;
          }
        });
      });
    return Object.keys(found)
      .map(Number)
      .sort(function (a, b) {
        return a - b;
      })
      .map(function (index) {
        return found[index];
      });
  }

  function setUp(form, rules) {
    var message = form.getAttribute("data-nudge-message") || "{words}";
    var areas = form.querySelectorAll("textarea");
    Array.prototype.forEach.call(areas, function (area) {
      var hint = document.createElement("div");
      hint.className = "form-text text-warning-emphasis d-none";
      hint.setAttribute("data-testid", "nudge-hint");
      hint.setAttribute("role", "status");
      hint.id = area.id + "_nudge";
      area.insertAdjacentElement("afterend", hint);

      function check() {
        var found = find(rules, area.value);
        var on = found.length > 0;
        area.classList.toggle("border-warning", on);
        area.classList.toggle("border-2", on);
        hint.classList.toggle("d-none", !on);
        hint.innerHTML = "";
        if (on) {
          // The icon as the page drew it ({% icon %} in a <template>: the sprite's URL is the server's).
          var icon = form.querySelector("template[data-nudge-icon]");
          if (icon) hint.appendChild(icon.content.cloneNode(true));
          var quoted = found.map(function (word) {
            return "«" + word + "»";
          });
          hint.appendChild(document.createTextNode(" " + message.replace("{words}", quoted.join(", "))));
          var described = (area.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
          if (described.indexOf(hint.id) === -1) described.push(hint.id);
          area.setAttribute("aria-describedby", described.join(" "));
        }
      }

      area.addEventListener("input", check);
      check();
    });
    form.addEventListener("draftrestored", function () {
      Array.prototype.forEach.call(areas, function (area) {
        area.dispatchEvent(new Event("input"));
      });
    });
  }

  function init() {
    var rules = patterns();
    if (!rules.length) return;
    document.querySelectorAll("form[data-nudge]:not([data-nudge-bound])").forEach(function (form) {
      form.setAttribute("data-nudge-bound", "");
      setUp(form, rules);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  // A form that htmx brings in (a comment thread after a post) gets its nudge too.
  document.addEventListener("htmx:afterSettle", init);
})();
