// Client-side search over search-index.js, which is loaded (as a script, so that it works from file:// too)
// the first time the search box is used. Exact matches of an id, name, acronym or alias come first, then
// names that start with the words, then any record whose text holds them.
(function () {
  var form = document.querySelector("form.search");
  if (!form) return;
  var base = form.getAttribute("data-base");
  var input = form.querySelector("input");
  var list = form.querySelector("ul");
  var loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + "search-index.js";
        script.onload = function () { resolve(window.ANSO_SEARCH); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function rank(entry, query) {
    var names = entry[3].split("\t");
    if (entry[0] === query || names.indexOf(query) !== -1) return 0;
    if (names.some(function (n) { return n.indexOf(query) === 0; })) return 1;
    if (entry[0].indexOf(query) !== -1 || entry[4].indexOf(query) !== -1) return 2;
    return -1;
  }

  function show(entries, query) {
    var found = [];
    entries.forEach(function (entry) {
      var r = rank(entry, query);
      if (r >= 0) found.push([r, entry]);
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1][1].localeCompare(b[1][1]); });
    list.replaceChildren();
    found.slice(0, 20).forEach(function (item) {
      var entry = item[1], li = document.createElement("li"), a = document.createElement("a");
      var table = document.createElement("span");
      // every value as text through the DOM, never as HTML; the id percent-encoded as one segment of the path
      a.href = base + "records/" + encodeURIComponent(entry[0]) + ".html";
      a.textContent = entry[1];
      table.className = "table";
      table.textContent = " " + entry[2] + " · " + entry[0];
      li.append(a, table);
      list.append(li);
    });
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = "No record matches.";
      list.append(none);
    }
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () {
    var query = input.value.trim().toLowerCase();
    if (!query) { list.replaceChildren(); return; }
    load().then(function (entries) { if (input.value.trim().toLowerCase() === query) show(entries, query); });
  });
})();
