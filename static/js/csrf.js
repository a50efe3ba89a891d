// Public pages are the same bytes for every reader, so a shared cache (the site's page
// cache, Varnish) can serve them: they carry no CSRF token. A form marked with
// data-csrf-url fetches its token from that (uncached) address when the reader starts to
// use it, and submits once the token is in place. Loaded from our own origin: the
// Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function tokenFor(form) {
    if (!form.csrfToken) {
      form.csrfToken = fetch(form.dataset.csrfUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("CSRF token: " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
          if (!input) {
            input = document.createElement("input");
            input.type = "hidden";
            input.name = "csrfmiddlewaretoken";
            form.appendChild(input);
          }
          input.value = data.token;
        })
        .catch(function (error) {
          form.csrfToken = null; // try again on the next interaction
          throw error;
        });
    }
    return form.csrfToken;
  }

  document.querySelectorAll("form[data-csrf-url]").forEach(function (form) {
    ["pointerdown", "focusin", "keydown"].forEach(function (type) {
      form.addEventListener(type, function () {
        tokenFor(form).catch(function () {});
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var submitter = event.submitter;
      var send = function () {
        // form.submit() sends no submitter and fires no second submit event: carry the
        // pressed button's name and value in a hidden field instead.
        if (submitter && submitter.name) {
          var chosen = form.querySelector('input[type="hidden"][data-submitter]');
          if (!chosen) {
            chosen = document.createElement("input");
            chosen.type = "hidden";
            chosen.dataset.submitter = "1";
            form.appendChild(chosen);
          }
          chosen.name = submitter.name;
          chosen.value = submitter.value;
        }
        form.submit();
      };
      // on failure the server answers 403 with its own page
      tokenFor(form).then(send, send);
    });
  });
})();
