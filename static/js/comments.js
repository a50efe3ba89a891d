// Comment on a passage (templates/comments/panel.html): selecting text in the saved body fills the
// passage field and a little context on each side, which the server uses to tell one occurrence of
// the passage from another (comments/anchoring.py). Without it the passage is copied by hand.
(function () {
  "use strict";

  var CONTEXT = 32;

  function start() {
    var source = document.getElementById("comment-source");
    var quote = document.getElementById("comment-quote");
    var prefix = document.getElementById("comment-prefix");
    var suffix = document.getElementById("comment-suffix");
    if (!source || !quote) {
      return;
    }
    quote.addEventListener("input", function () {
      prefix.value = "";
      suffix.value = "";
    });
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
        return;
      }
      var range = selection.getRangeAt(0);
      if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) {
        return;
      }
      var before = document.createRange();
      before.selectNodeContents(source);
      before.setEnd(range.startContainer, range.startOffset);
      var start = before.toString().length;
      var text = source.textContent;
      var passage = range.toString();
      quote.value = passage;
      prefix.value = text.slice(Math.max(0, start - CONTEXT), start);
      suffix.value = text.slice(start + passage.length, start + passage.length + CONTEXT);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
