/* Site-wide behaviour. Logging out on a shared school computer forgets the
 * feedback drafts kept in this browser (the server keeps its own copy). */
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
