// Tables of the review site: a heading's button sorts its column (again: the other way), and the filter box
// shows only the rows that hold every word typed. Plain DOM, no library; every value stays text.
(function () {
  function key(cell) {
    if (!cell) return "";
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? sort : cell.textContent.trim();
  }

  function compare(a, b) {
    if (a === b) return 0;
    if (a === "") return 1;  // empty cells last, either way
    if (b === "") return -1;
    var x = Number(a), y = Number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    return a.localeCompare(b, undefined, {numeric: true, sensitivity: "base"});
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var body = table.tBodies[0];
    headers.forEach(function (header, column) {
      var button = header.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.map.call(body.rows, function (row, index) {
          return [key(row.cells[column]), index, row];
        });
        rows.sort(function (a, b) {
          var empty = (a[0] === "") - (b[0] === "");
          if (empty) return empty;
          return (ascending ? compare(a[0], b[0]) : compare(b[0], a[0])) || a[1] - b[1];
        });
        body.append.apply(body, rows.map(function (item) { return item[2]; }));
      });
    });
  });

  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    var said = input.parentNode.querySelector(".shown");
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = null;
    input.addEventListener("input", function () {
      if (!texts) texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, index) {
        var match = words.every(function (word) { return texts[index].indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (said) said.textContent = words.length ? shown + " of " + rows.length + " rows" : "";
    });
  });
})();
