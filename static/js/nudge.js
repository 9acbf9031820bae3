/* A gentle nudge, never a block: when a text field of a form with data-nudge
 * holds one of the school's evaluative words (a json_script "evaluative-words"),
 * the field is outlined and a hint under it suggests describing facts instead.
 * The hint's text comes from data-nudge-message, with "{words}" for the words found.
 */
(function () {
  "use strict";

  function escape(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function patterns() {
    var source = document.getElementById("evaluative-words");
    if (!source) return [];
    var words;
    try {
      words = JSON.parse(source.textContent) || [];
    } catch (e) {
      return [];
    }
    return words
      .filter(function (word) {
        return word && word.trim();
      })
      .map(function (word) {
        // Whole words only: "слабо" must not catch "слабовидящий".
        return {
          word: word,
          re: new RegExp("(?<![\\p{L}\\p{N}_])" + escape(word.trim()) + "(?![\\p{L}\\p{N}_])", "iu"),
        };
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
        var found = rules
          .filter(function (rule) {
            return rule.re.test(area.value);
          })
          .map(function (rule) {
            return rule.word;
          });
        var on = found.length > 0;
        area.classList.toggle("border-warning", on);
        area.classList.toggle("border-2", on);
        hint.classList.toggle("d-none", !on);
        hint.innerHTML = "";
        if (on) {
          var icon = document.createElement("i");
          icon.className = "bi bi-lightbulb";
          icon.setAttribute("aria-hidden", "true");
          hint.appendChild(icon);
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
    document.querySelectorAll("form[data-nudge]").forEach(function (form) {
      setUp(form, rules);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
