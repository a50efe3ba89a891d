// The draft form's desk (templates/admin/articles/articleversion/change_form.html):
// - autosave: a few seconds after typing stops, the form's text goes to the server
//   (desk/, never a new version); on leaving the page, whatever is left goes by beacon;
// - the guard: leaving with text that no real save has kept asks first;
// - presence: who else has this version open, every 15 seconds.
// Loaded from our own origin (CSP script-src 'self'); without it the form is a plain form.
(function () {
  "use strict";

  var AUTOSAVE_AFTER_MS = 2000;
  var PRESENCE_EVERY_MS = 15000;
  var FIELDS = ["title", "summary", "body", "image_credits", "change_note"];

  function start() {
    var desk = document.getElementById("desk");
    var form = document.getElementById("articleversion_form");
    if (!desk || !form) {
      return;
    }
    var status = document.getElementById("desk-autosave-status");
    var presence = document.getElementById("desk-presence");
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var dirty = desk.dataset.restored === "1"; // restored text is not saved yet
    var pending = null;
    var lastSent = null;
    var submitting = false;

    function payload() {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      var seen = form.querySelector('input[name="revision_seen"]');
      data.append("revision_seen", seen ? seen.value : "");
      FIELDS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        data.append(name, field && "value" in field ? field.value : "");
      });
      return data;
    }

    function tokenOnly(extra) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      Object.keys(extra || {}).forEach(function (key) {
        data.append(key, extra[key]);
      });
      return data;
    }

    function snapshot() {
      return FIELDS.map(function (name) {
        var field = form.elements.namedItem(name);
        return field && "value" in field ? field.value : "";
      }).join("\u0000");
    }

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function autosave() {
      pending = null;
      var now = snapshot();
      if (now === lastSent) {
        return;
      }
      fetch(desk.dataset.autosaveUrl, { method: "POST", body: payload(), credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) {
              throw new Error(body.error || "Autosave failed (" + response.status + ").");
            }
            lastSent = now;
            say("Unsaved changes kept as a draft of your own at " + body.saved_at + ". Save to keep them.");
          });
        })
        .catch(function (error) {
          say("Not autosaved: " + error.message + " Your text is still in the form.");
        });
    }

    function changed(event) {
      if (event && event.target && event.target.closest && event.target.closest("#desk-chooser")) {
        return; // a chooser's search box is not the article's text
      }
      dirty = true;
      if (pending) {
        clearTimeout(pending);
      }
      pending = setTimeout(autosave, AUTOSAVE_AFTER_MS);
    }

    form.addEventListener("input", changed);
    form.addEventListener("desk:change", changed); // the Markdown editor's changes (editor.js)
    form.addEventListener("submit", function () {
      submitting = true;
    });

    window.addEventListener("beforeunload", function (event) {
      if (dirty && !submitting) {
        event.preventDefault();
        event.returnValue = ""; // the browser shows its own "leave site?" question
      }
    });
    window.addEventListener("pagehide", function () {
      if (!submitting && dirty && snapshot() !== lastSent && navigator.sendBeacon) {
        navigator.sendBeacon(desk.dataset.autosaveUrl, payload());
      }
      if (navigator.sendBeacon) {
        navigator.sendBeacon(desk.dataset.presenceUrl, tokenOnly({ leaving: "1" }));
      }
    });

    function ping() {
      fetch(desk.dataset.presenceUrl, { method: "POST", body: tokenOnly(), credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { others: [] };
        })
        .then(function (body) {
          if (!presence) {
            return;
          }
          presence.textContent = body.others.length
            ? "Also editing this version now: " + body.others.join(", ") +
              ". If you both save, the second save is stopped and asked to confirm."
            : "";
          presence.classList.toggle("warningnote", body.others.length > 0);
        })
        .catch(function () {});
    }
    ping();
    setInterval(ping, PRESENCE_EVERY_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
