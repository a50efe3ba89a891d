// A field with a length limit says how many characters are left as the reader types, instead of
// stopping silently at the limit. Marked in the form with data-counter; without JavaScript the
// field's help text states the limit.
(function () {
  "use strict";
  document.querySelectorAll("[data-counter][maxlength]").forEach(function (field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    var note = document.createElement("p");
    note.className = "char-count";
    note.id = field.id + "_count";
    note.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", note);
    var describedBy = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + note.id);
    function update() {
      var left = limit - field.value.length;
      note.textContent = left === 1 ? "1 character left" : left + " characters left";
      note.classList.toggle("char-count-none", left <= 0);
    }
    field.addEventListener("input", update);
    update();
  });
})();
