// The writing surface of the draft form: EasyMDE (static/vendor/easymde, copied from npm by the
// Makefile) over the body's textarea, with the reader's own rendering beside it (the server
// renders and sanitises: desk/writing.py) and two choosers, for pictures and for sources.
// Without JavaScript, or without EasyMDE, the body stays the plain textarea it is in the HTML.
(function () {
  "use strict";

  var PREVIEW_AFTER_MS = 400;

  function start() {
    var desk = document.getElementById("desk");
    var form = document.getElementById("articleversion_form");
    var body = document.getElementById("id_body");
    if (!desk || !form || !body || body.readOnly || typeof window.EasyMDE === "undefined") {
      return;
    }
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var chooser = makeChooser(desk);
    var editor;

    function insert(text) {
      var cm = editor.codemirror;
      var line = cm.getCursor().line;
      var own = /^!\[\[image:/.test(text); // a picture goes on a line of its own
      if (own && cm.getLine(line).trim() !== "") {
        text = "\n" + text + "\n";
      }
      cm.replaceSelection(text);
      cm.focus();
    }

    var rendered = "";
    var sequence = 0;
    var timer = null;
    function render(text, pane) {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++sequence;
        var data = new FormData();
        data.append("csrfmiddlewaretoken", token ? token.value : "");
        data.append("text", text);
        fetch(desk.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) {
            return response.text().then(function (html) {
              if (!response.ok) {
                throw new Error(html);
              }
              return html;
            });
          })
          .then(function (html) {
            if (mine === sequence) {
              rendered = html; // sanitised by the server with the reader's allow-list
              pane.innerHTML = html;
            }
          })
          .catch(function (error) {
            if (mine === sequence) {
              pane.textContent = "The preview could not be rendered: " + error.message;
            }
          });
      }, PREVIEW_AFTER_MS);
      return rendered || "<p>Rendering the preview…</p>";
    }

    function button(name, text, title, action) {
      return { name: name, text: text, title: title, action: action, className: "desk-tool" };
    }

    editor = new window.EasyMDE({
      element: body,
      autoDownloadFontAwesome: false,
      spellChecker: false,
      nativeSpellcheck: true,
      forceSync: true,
      inputStyle: "contenteditable",
      sideBySideFullscreen: false,
      status: ["lines", "words"],
      minHeight: "320px",
      previewRender: render,
      toolbar: [
        button("heading-2", "H2", "H2: section heading", window.EasyMDE.toggleHeading2),
        button("heading-3", "H3", "H3: subheading", window.EasyMDE.toggleHeading3),
        button("bold", "Bold", "Bold", window.EasyMDE.toggleBold),
        button("unordered-list", "• List", "• List: bulleted", window.EasyMDE.toggleUnorderedList),
        button("ordered-list", "1. List", "1. List: numbered", window.EasyMDE.toggleOrderedList),
        button("table", "Table", "Table: insert one", window.EasyMDE.drawTable),
        button("link", "Link", "Link: insert one", window.EasyMDE.drawLink),
        button("picture", "Picture…", "Picture… from the library (Ctrl-Alt-P)", function () {
          chooser.open("images", insert);
        }),
        button("citation", "Cite…", "Cite… a source from the library (Ctrl-Alt-C)", function () {
          chooser.open("sources", insert);
        }),
        "|",
        button("side-by-side", "Preview beside", "Preview beside the text: show or hide", window.EasyMDE.toggleSideBySide),
      ],
    });
    var cm = editor.codemirror;
    // Tab leaves the editor as it leaves any field (no keyboard trap); the choosers have keys of their own.
    cm.addKeyMap({
      Tab: false,
      "Shift-Tab": false,
      "Ctrl-Alt-P": function () { chooser.open("images", insert); },
      "Ctrl-Alt-C": function () { chooser.open("sources", insert); },
    });
    var input = cm.getInputField();
    input.setAttribute("aria-label", "Body (Markdown)");
    input.setAttribute("aria-multiline", "true");
    input.setAttribute("role", "textbox");
    var help = document.getElementById("desk-editor-help");
    if (help) {
      input.setAttribute("aria-describedby", help.id);
      help.hidden = false;
    }
    var toolbar = editor.gui.toolbar;
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    // EasyMDE takes its buttons out of the Tab order; every one is reachable by Tab here.
    Array.prototype.forEach.call(toolbar.querySelectorAll("button"), function (item) {
      item.tabIndex = 0;
    });
    cm.on("change", function () {
      form.dispatchEvent(new CustomEvent("desk:change"));
    });
    if (window.matchMedia("(min-width: 900px)").matches) {
      window.EasyMDE.toggleSideBySide(editor);
    }
    window.deskEditor = editor; // for the tests and the comments panel
  }

  // One dialog for both choosers: a search box, results as buttons, Escape closes; focus comes back.
  function makeChooser(desk) {
    var dialog = document.getElementById("desk-chooser");
    var title = document.getElementById("desk-chooser-title");
    var query = document.getElementById("desk-chooser-q");
    var list = document.getElementById("desk-chooser-results");
    var hint = document.getElementById("desk-chooser-hint");
    var upload = document.getElementById("desk-chooser-upload");
    var newSource = document.getElementById("desk-chooser-new-source");
    var close = document.getElementById("desk-chooser-close");
    var kind = null;
    var onChoose = null;
    var timer = null;
    var TITLES = { images: "Insert a picture", sources: "Cite a source" };
    var HINTS = {
      images: "Search the picture library by key, description or caption.",
      sources: "Search the source library by key, title, author or DOI.",
    };

    function search() {
      var url = (kind === "images" ? desk.dataset.imagesUrl : desk.dataset.sourcesUrl) +
        "?q=" + encodeURIComponent(query.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (item) {
            var li = document.createElement("li");
            var choose = document.createElement("button");
            choose.type = "button";
            choose.className = "button desk-choice";
            choose.textContent = item.insert + " — " + item.label; // text, never HTML
            choose.addEventListener("click", function () {
              dialog.close();
              onChoose(item.insert);
            });
            li.appendChild(choose);
            list.appendChild(li);
          });
          hint.textContent = data.results.length
            ? data.results.length + " found: Tab to one, Enter to insert it."
            : "Nothing found. " + HINTS[kind];
        })
        .catch(function () { hint.textContent = "The search failed; try again."; });
    }

    query.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // never submits the article form
        var first = list.querySelector("button");
        if (first) { first.focus(); }
      }
    });
    close.addEventListener("click", function () { dialog.close(); });

    return {
      open: function (which, choose) {
        kind = which;
        onChoose = choose;
        title.textContent = TITLES[which];
        hint.textContent = HINTS[which];
        upload.parentNode.hidden = which !== "images";
        newSource.parentNode.hidden = which !== "sources";
        query.value = "";
        list.textContent = "";
        dialog.showModal();
        query.focus();
        search();
      },
    };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
