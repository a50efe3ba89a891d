// The expert preview page: selecting text in the article copies it into the comment's passage field,
// so the comment is anchored to it for the editors (comments/). Without it the passage is pasted by hand.
(function () {
  "use strict";

  function start() {
    var article = document.querySelector("article.article");
    var passage = document.getElementById("id_passage");
    if (!article || !passage) {
      return;
    }
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
        return;
      }
      var range = selection.getRangeAt(0);
      if (article.contains(range.commonAncestorContainer)) {
        passage.value = selection.toString().trim();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
