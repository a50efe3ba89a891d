// "Ask your question": as the reader types, show live articles and answered questions that
// may already answer it (GET /questions/suggest/?q=, JSON). Built with textContent and
// element properties only: nothing the server sends is parsed as HTML.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) {
    return;
  }
  var input = form.querySelector('input[name="text"]');
  var box = document.getElementById("suggestions");
  var timer = null;
  var latest = 0;

  function list(title, items) {
    var section = document.createElement("div");
    var heading = document.createElement("p");
    heading.className = "suggestions-heading";
    heading.textContent = title;
    section.appendChild(heading);
    var ul = document.createElement("ul");
    items.forEach(function (item) {
      if (typeof item.url !== "string" || item.url.charAt(0) !== "/" || item.url.charAt(1) === "/") {
        return; // only our own pages
      }
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title;
      li.appendChild(a);
      ul.appendChild(li);
    });
    section.appendChild(ul);
    return section;
  }

  function show(data) {
    box.replaceChildren();
    if (data.articles && data.articles.length) {
      box.appendChild(list("Articles that may answer it", data.articles));
    }
    if (data.questions && data.questions.length) {
      box.appendChild(list("Questions already answered", data.questions));
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var query = input.value.trim();
    if (query.length < 3) {
      box.replaceChildren();
      return;
    }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(form.dataset.suggestUrl + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { articles: [], questions: [] };
        })
        .then(function (data) {
          if (ticket === latest) {
            show(data);
          }
        })
        .catch(function () {});
    }, 300);
  });
})();
