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
      if (form.dataset.csrfReady === "1") {
        return;
      }
      event.preventDefault();
      var submitter = event.submitter;
      tokenFor(form).then(
        function () {
          form.dataset.csrfReady = "1";
          form.requestSubmit(submitter);
        },
        function () {
          form.dataset.csrfReady = "1"; // the server will answer 403 with its own page
          form.requestSubmit(submitter);
        },
      );
    });
  });
})();
