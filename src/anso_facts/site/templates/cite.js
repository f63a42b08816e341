// Seed pages: the words a reader selects in the text, offered as the `cite` entry `anso-facts cite` prints
// (cite.py): the seed, the lines (from the <li id="L123"> the selection starts and ends in) and the seed's own
// words on one line (white space runs as one space, a word hyphenated at a line end joined keeping its hyphen),
// as a JSON string, which YAML reads as the same string.
(function () {
  var list = document.querySelector("ol.seed-text[data-cite-seed]");
  var box = document.getElementById("cite-box");
  if (!list || !box) return;
  var yaml = document.getElementById("cite-yaml"), said = document.getElementById("cite-said");
  // Python's white space (str.split) and letters ([^\W\d_]), so that the words are cite.quote_of's
  var ws = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var hyphenBreak = new RegExp("(?<=[\\p{L}\\p{Nl}\\p{No}])-[ \\t]*\\n[" + ws + "]*(?=[\\p{L}\\p{Nl}\\p{No}])", "gu");
  var spaces = new RegExp("[" + ws + "]+", "u");
  var notInYaml = /[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

  function upTo(element, node, offset) {  // how many characters of element's text stand before the point
    var range = document.createRange();
    range.setStart(element, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function entry(range) {
    var parts = [];
    list.querySelectorAll("li > .text").forEach(function (text) {
      if (!range.intersectsNode(text)) return;
      var whole = document.createRange(), content = text.textContent, from = 0, to = content.length;
      whole.selectNodeContents(text);
      if (range.compareBoundaryPoints(Range.START_TO_START, whole) > 0) from = upTo(text, range.startContainer, range.startOffset);
      if (range.compareBoundaryPoints(Range.END_TO_END, whole) < 0) to = upTo(text, range.endContainer, range.endOffset);
      parts.push([text.parentNode.id.slice(1), content.slice(from, to)]);
    });
    var blank = function (part) { return part[1].split(spaces).join("") === ""; };
    while (parts.length && blank(parts[0])) parts.shift();
    while (parts.length && blank(parts[parts.length - 1])) parts.pop();
    if (!parts.length) return null;
    var words = parts.map(function (part) { return part[1]; }).join("\n").replace(hyphenBreak, "-")
      .split(spaces).filter(Boolean).join(" ");
    var first = parts[0][0], last = parts[parts.length - 1][0];
    var quote = JSON.stringify(words).replace(notInYaml, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
    return "  cite:\n  - seed: " + list.getAttribute("data-cite-seed") + "\n    lines: " +
      (first === last ? first : first + "-" + last) + "\n    quote: " + quote;
  }

  function offer() {
    var selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    var range = selection.getRangeAt(0);
    if (!range.intersectsNode(list)) return;
    var block = entry(range);
    if (!block) return;
    yaml.value = block;
    yaml.rows = block.split("\n").length;
    said.textContent = "";
    box.hidden = false;
  }

  document.addEventListener("mouseup", offer);
  document.addEventListener("keyup", offer);
  document.addEventListener("selectionchange", offer);
  document.getElementById("cite-copy").addEventListener("click", function () {
    function selected() {  // the fallback: the block selected in its box, for the reader's own copy
      yaml.focus();
      yaml.select();
      said.textContent = document.execCommand && document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C.";
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(yaml.value).then(function () { said.textContent = "Copied."; }, selected);
    } else {
      selected();
    }
  });
  document.getElementById("cite-close").addEventListener("click", function () { box.hidden = true; });
})();
