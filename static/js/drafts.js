/* Nothing typed is lost.
 *
 * A form with data-draft-key keeps a copy of its fields in localStorage on every
 * keystroke, under a key per visit and user. When the page opens and the copy is
 * newer than the server's draft (data-draft-server-time, ms; the clocks are
 * aligned with data-draft-server-now), the copy is restored and a notice shown:
 * this brings the text back after a lost connection, a closed tab, or a submit
 * that met an expired session and went through the login page.
 *
 * With data-draft-autosave="<seconds>", the form also fires "draftautosave" on a
 * change and every so many seconds while something is unsaved; an htmx element
 * listening to it posts the form to the server's draft endpoint. A draft refused
 * as too long (413) shows the server's note and waits for the next edit.
 *
 * Any page may carry data-draft-clear="<key> ..." to forget copies that are no
 * longer needed (the feedback page after a successful submit).
 *
 * A form's fields may stand outside it, tied to it by form="<id>" (the feedback's
 * checklist, in the protocol's card): they are kept and listened to as well.
 */
(function () {
  "use strict";

  var PREFIX = "collabschool:draft:";

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or storage disabled: the server drafts still work
    }
  }

  var store = storage();

  function read(key) {
    if (!store) return null;
    try {
      var value = JSON.parse(store.getItem(PREFIX + key));
      return value && typeof value === "object" && value.values ? value : null;
    } catch (e) {
      return null;
    }
  }

  function write(key, record) {
    if (!store) return;
    try {
      store.setItem(PREFIX + key, JSON.stringify(record));
    } catch (e) {
      /* quota exceeded: nothing more to do */
    }
  }

  function forget(key) {
    if (store) store.removeItem(PREFIX + key);
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return false;
      var type = (el.type || "").toLowerCase();
      return ["submit", "button", "hidden", "file", "reset"].indexOf(type) === -1;
    });
  }

  function collect(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) values[el.name] = el.value;
        else if (!(el.name in values)) values[el.name] = "";
      } else if (el.type === "checkbox") {
        // Boxes sharing a name (a checklist, the problems) are one list of the ticked values.
        if (!Array.isArray(values[el.name])) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function apply(form, values) {
    fields(form).forEach(function (el) {
      if (!(el.name in values)) return;
      var value = values[el.name];
      if (el.type === "checkbox" && Array.isArray(value)) {
        el.checked = value.indexOf(el.value) !== -1;
      } else if (el.type === "radio" || el.type === "checkbox") {
        el.checked = value === el.value; // a copy kept before the lists: one value
      } else {
        el.value = value;
      }
    });
  }

  function same(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a || []) === JSON.stringify(b || []);
    return (a || "") === (b || "");
  }

  function differs(a, b) {
    return Object.keys(a).some(function (name) {
      return !same(a[name], b[name]);
    });
  }

  // Input and change events of the form's fields, those tied to it from outside included.
  function listen(form, type, handler) {
    document.addEventListener(type, function (event) {
      var el = event.target;
      if (el && (el.form === form || form.contains(el))) handler(event);
    });
  }

  function show(selector, visible) {
    var el = document.querySelector(selector);
    if (el) el.classList.toggle("d-none", !visible);
  }

  function setUp(form) {
    var key = form.getAttribute("data-draft-key");
    var serverTime = parseInt(form.getAttribute("data-draft-server-time") || "0", 10) || 0;
    var serverNow = parseInt(form.getAttribute("data-draft-server-now") || "0", 10);
    // Times are kept in the server's clock, so a phone whose clock is off still compares right.
    var offset = serverNow ? Date.now() - serverNow : 0;
    var now = function () {
      return Date.now() - offset;
    };
    var dirty = false;
    var autosave = parseInt(form.getAttribute("data-draft-autosave") || "0", 10);

    var local = read(key);
    if (local) {
      if (local.savedAt > serverTime && differs(local.values, collect(form))) {
        apply(form, local.values);
        dirty = true;
        show("[data-draft-restored]", true);
        form.dispatchEvent(new CustomEvent("draftrestored", { bubbles: true }));
      } else if (local.savedAt <= serverTime) {
        forget(key); // the server has everything this copy had
      }
    }

    function remember() {
      write(key, { savedAt: now(), values: collect(form) });
      dirty = true;
    }

    listen(form, "input", remember);
    listen(form, "change", remember);

    var discard = document.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        forget(key);
        window.location.reload();
      });
    }

    if (autosave > 0 && window.htmx) {
      var fire = function () {
        if (!dirty) return;
        dirty = false;
        form.dispatchEvent(new CustomEvent("draftautosave"));
      };
      var changeTimer = null;
      listen(form, "change", function () {
        window.clearTimeout(changeTimer);
        changeTimer = window.setTimeout(fire, 800);
      });
      window.setInterval(fire, autosave * 1000);
      if (dirty) window.setTimeout(fire, 1500); // a restored copy goes to the server too

      var loginUrl = form.getAttribute("data-login-url") || "/accounts/login/";
      document.body.addEventListener("htmx:beforeSwap", function (event) {
        var xhr = event.detail.xhr;
        if (xhr && xhr.responseURL && xhr.responseURL.indexOf(loginUrl) !== -1) {
          // The session has ended: the login page is not a draft status.
          event.detail.shouldSwap = false;
          dirty = true;
          show("[data-draft-session]", true);
        } else if (xhr && xhr.status === 413) {
          // Refused as too long: say so where the status goes. The text stays in the
          // form (and in this browser's copy); the next edit tries again.
          event.detail.shouldSwap = true;
          event.detail.isError = false;
        } else if (event.detail.isError) {
          event.detail.shouldSwap = false;
          dirty = true;
        } else {
          show("[data-draft-session]", false);
          show("[data-draft-offline]", false);
        }
      });
      document.body.addEventListener("htmx:sendError", function () {
        dirty = true;
        show("[data-draft-offline]", true);
      });
    }
  }

  function clearOld() {
    document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
      el.getAttribute("data-draft-clear")
        .split(/\s+/)
        .forEach(function (key) {
          if (key) forget(key);
        });
    });
  }

  function init() {
    clearOld();
    document.querySelectorAll("form[data-draft-key]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
