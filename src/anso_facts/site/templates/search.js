// Client-side search over search-index.js, which is loaded (as a script, so that it works from file:// too)
// the first time the search box is used. The query is cut into words, and every word must match a record: as
// a word of its names (name, acronym, title, aliases, label), as the start of one, or in its text (its own
// words, the labels of the records it refers to, the terms of its ties). A plural matches its singular. First
// come exact ids, names and acronyms, then names that start with the query, then records one of whose words
// is their very acronym or name ("BHBD" in "members of BHBD"), then the most and best matched words. Each result shows its table and a snippet; every value is inserted as text through the DOM.
(function () {
  var form = document.querySelector("form.search");
  if (!form) return;
  var base = form.getAttribute("data-base");
  var input = form.querySelector("input");
  var list = form.querySelector("ul");
  var loading = null;
  var prepared = null;
  var SPLIT = /[^\p{L}\p{N}]+/u;

  function words(value) {
    return value.toLowerCase().split(SPLIT).filter(Boolean);
  }

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

  // each entry once: its names as whole phrases and as words, its text as words (" w1 w2 " to look in)
  function prepare(entries) {
    if (!prepared) {
      prepared = entries.map(function (entry) {
        var names = entry[3].split("\t").map(function (name) { return words(name).join(" "); });
        return {entry: entry, id: words(entry[0]).join(" "), names: names,
                nameWords: " " + names.join(" ") + " " + words(entry[0]).join(" ") + " ",
                textWords: " " + words(entry[4]).join(" ") + " "};
      });
    }
    return prepared;
  }

  function variants(word) {
    var found = [word];
    if (word.length > 3 && /s$/.test(word)) found.push(word.slice(0, -1));
    if (word.length > 4 && /es$/.test(word)) found.push(word.slice(0, -2));
    return found;
  }

  // how well one query word matches: 3 a whole word of the names, 2 the start of one, 1 a word of the text
  // (or its start), 0 not at all
  function wordScore(item, word) {
    var best = 0;
    variants(word).forEach(function (v) {
      if (item.nameWords.indexOf(" " + v + " ") !== -1) best = Math.max(best, 3);
      else if (item.nameWords.indexOf(" " + v) !== -1) best = Math.max(best, 2);
      else if (item.textWords.indexOf(" " + v) !== -1) best = Math.max(best, 1);
    });
    return best;
  }

  function score(item, query, phrase) {
    var total = 0;
    for (var i = 0; i < query.length; i++) {
      var s = wordScore(item, query[i]);
      if (!s) return 0;  // every word must match
      total += s;
      if (query.length > 1 && item.names.indexOf(query[i]) !== -1) total += 10;  // a word that is its acronym or name
    }
    if (item.id === phrase || item.names.indexOf(phrase) !== -1) total += 100;
    else if (item.names.some(function (n) { return n.indexOf(phrase) === 0; })) total += 50;
    return total;
  }

  function snippet(text, query) {
    var lower = text.toLowerCase(), at = -1;
    query.some(function (word) {
      var found = -1;
      variants(word).some(function (v) { found = lower.indexOf(v); return found !== -1; });
      at = found;
      return found !== -1;
    });
    if (at === -1) at = 0;
    var start = Math.max(0, at - 40), end = Math.min(text.length, at + 80);
    return (start ? "\u2026" : "") + text.slice(start, end) + (end < text.length ? "\u2026" : "");
  }

  function show(entries, value) {
    var query = words(value);
    var phrase = query.join(" ");
    var found = [];
    if (query.length) {
      prepare(entries).forEach(function (item) {
        var s = score(item, query, phrase);
        if (s) found.push([s, item.entry]);
      });
    }
    found.sort(function (a, b) { return b[0] - a[0] || a[1][1].localeCompare(b[1][1]) || (a[1][0] < b[1][0] ? -1 : 1); });
    list.replaceChildren();
    found.slice(0, 20).forEach(function (item) {
      var entry = item[1], li = document.createElement("li"), a = document.createElement("a");
      var table = document.createElement("span"), text = document.createElement("span");
      // every value as text through the DOM, never as HTML; the id percent-encoded as one segment of the path
      a.href = base + "records/" + encodeURIComponent(entry[0]) + ".html";
      a.textContent = entry[1];
      table.className = "table";
      table.textContent = " " + entry[2] + " \u00b7 " + entry[0];
      li.append(a, table);
      if (entry[4]) {
        text.className = "snippet";
        text.textContent = snippet(entry[4], query);
        li.append(text);
      }
      list.append(li);
    });
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = "No record matches every word.";
      list.append(none);
    }
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () {
    var value = input.value.trim();
    if (!value) { list.replaceChildren(); return; }
    load().then(function (entries) { if (input.value.trim() === value) show(entries, value); });
  });
})();
