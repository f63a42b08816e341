// Record pages: hovering or focusing a field (its name, its value or the link to its words) lights the words
// of the seed that state it, in the passages below: each stretch is a <span class="ev" data-ev="FIELD ...">.
(function () {
  var items = document.querySelectorAll("[data-ev-for]");
  var spans = document.querySelectorAll(".ev");
  var hovered = null, focused = null;

  function update() {
    spans.forEach(function (span) {
      var fields = span.getAttribute("data-ev").split(" ");
      span.classList.toggle("lit", fields.indexOf(hovered) !== -1 || fields.indexOf(focused) !== -1);
    });
  }

  items.forEach(function (item) {
    var field = item.getAttribute("data-ev-for");
    item.addEventListener("mouseenter", function () { hovered = field; update(); });
    item.addEventListener("mouseleave", function () { if (hovered === field) hovered = null; update(); });
    item.addEventListener("focusin", function () { focused = field; update(); });
    item.addEventListener("focusout", function () { if (focused === field) focused = null; update(); });
  });
})();
