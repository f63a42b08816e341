"""Problems, compiler style: every check adds to one list; the run reports them all, sorted, and exits once.

Every code is in the catalogue (CHECKS, from which docs/checks.md is written) and is declared by the one
function that makes its problems (check/registry.py: `@emits` on a function, `@rule` on a rule of the check)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Check:
    """A kind of problem: its stable code, what it catches, and how a curator fixes it."""

    code: str
    catches: str
    fix: str


CHECKS = {
    check.code: check
    for check in (
        # reading a file
        Check("not-utf8", "A file that is not UTF-8 text.", "Save the file as UTF-8."),
        Check("file-too-large", "A fact file over 32 MiB.", "Split it into several files in `data/`."),
        Check(
            "yaml-syntax",
            "Text that is not YAML.",
            "Mend the YAML at the place given; a quote or a colon is often the cause.",
        ),
        Check("yaml-tab", "A tab in the indentation.", "Indent with spaces only."),
        Check("yaml-character", "A control character YAML does not allow, such as NUL.", "Remove the character."),
        Check("yaml-documents", "A second YAML document (`---`) in one file.", "Keep one document per file."),
        Check("yaml-alias", "An anchor or alias (`&a`, `*a`).", "Write the value out in full."),
        Check("yaml-tag", "An explicit tag such as `!!str`.", "Remove the tag; quote a value to keep it text."),
        Check("yaml-too-deep", "Nesting deeper than the loader's limit.", "Flatten the structure."),
        Check("yaml-key", "A key that is not a plain string.", "Use a plain field name as the key."),
        Check("duplicate-key", "The same key twice in one mapping (YAML keeps only one).", "Keep one of the two."),
        # the JSON Schemas
        Check(
            "unknown-field",
            "A field or table the schema does not declare (a misspelt name, often).",
            "Use the suggested name, or one of those listed.",
        ),
        Check("missing-field", "A record without a required field.", "Add the field."),
        Check(
            "wrong-type",
            "A value of the wrong type (text for a number, a list for a mapping...).",
            "Write the value as the data dictionary declares it.",
        ),
        Check(
            "not-allowed-value",
            "A value outside the field's list of allowed values.",
            "Use one of the values listed in the message.",
        ),
        Check(
            "bad-format",
            "A value that does not have its field's form (an id, a date, a URL, a country code...).",
            "Write it as the message says the field's values look.",
        ),
        Check(
            "out-of-range",
            "A number, text or list too small or too large for its field.",
            "Correct the value; a line number or figure this large is a typing mistake.",
        ),
        Check("schema", "Any other way a file breaks its JSON Schema.", "Follow the message."),
        # files and seeds
        Check("catalogue-missing", "No seed catalogue at `seeds/seeds.yaml`.", "Restore the catalogue."),
        Check(
            "vocabularies-missing",
            "No vocabularies at `data/vocabularies.yaml` (the controlled lists every kind, "
            "role, verb, comparator and relation comes from).",
            "Restore the file.",
        ),
        Check(
            "unread-file",
            "A file in `data/` that is not a `.yaml` fact file, so it would be passed over.",
            "Rename a `.yml` file to `.yaml`; move anything else out of `data/`.",
        ),
        Check(
            "unnamed-seed",
            "A file in `seeds/` that no seed of the catalogue names.",
            "Add it to the catalogue with its sha256 and line count, or remove it.",
        ),
        Check("seed-missing", "A catalogue seed whose file is not in `seeds/`.", "Restore the file, byte for byte."),
        Check(
            "seed-unpinned",
            "A catalogue seed without its sha256 or line count.",
            "Add the two values the message gives (or add the seed with `anso-facts seed add`, which writes them).",
        ),
        Check(
            "seed-changed",
            "A seed whose bytes no longer have the pinned sha256.",
            "Restore the seed; if it truly changed, check every citation of it, then pin the new sha256.",
        ),
        Check(
            "seed-line-count",
            "A seed with another number of lines than the catalogue says.",
            "Restore the seed, or correct `line_count`.",
        ),
        Check(
            "symlink",
            "A symbolic link in `data/`, `seeds/` or `docs/`: the check reads only plain files inside the "
            "checkout, and neither reads nor names a link's target.",
            "Replace the link by the file itself, copied into the checkout, or remove it.",
        ),
        Check(
            "excluded-quote",
            "An excluded line range over a line a quote stands on.",
            "Remove the exclusion: a quoted line carries a fact.",
        ),
        # citations and values
        Check("lines-reversed", "A line range whose first line is after its last.", "Write the range as `first-last`."),
        Check("lines-outside-seed", "A line range past the end of its seed.", "Cite lines the seed has."),
        Check(
            "quote-not-in-lines",
            "A quote that does not stand in its cited lines.",
            "Copy the exact words from the seed, or cite the lines the message says the quote stands on.",
        ),
        Check(
            "control-character",
            "A control character (C0 other than tab and newline, DEL, C1 such as ESC or BEL) or "
            "a bidirectional override or isolate (U+202A-U+202E, U+2066-U+2069) in a text: it can rewrite a terminal's "
            "screen or show words in another order than they are stored.",
            "Remove the character; write the text as the seed prints it.",
        ),
        Check(
            "formula-text",
            "A text that starts with `=`, `+`, `-` or `@` (or their full-width or small forms, or the minus sign), "
            "even after white space or an invisible character: a spreadsheet that opens the CSV tables would run "
            "it as a formula.",
            "Start the text with its first word or figure: drop the sign, or quote from the next word on.",
        ),
        Check("impossible-date", "A date that does not exist, such as 2021-02-30.", "Correct the date."),
        Check(
            "ungrounded-value",
            "A number, date or URL that none of the record's quotes states.",
            "Cite the words that state it, or mark it inferred with the reason.",
        ),
        Check(
            "ungrounded-reference",
            "A reference whose record none of the record's quotes names: not by its name, "
            "acronym or an alias, nor, for a person, the surname.",
            "Cite the words that name it (a second citation "
            "is fine), or mark the field inferred with why the text points to that record.",
        ),
        Check(
            "ungrounded-name",
            "A name, acronym or alias that stands in none of the record's quotes.",
            "Cite the words that print it; write a name the text does not print as a description in [square "
            "brackets]; or mark it inferred with why.",
        ),
        Check(
            "ungrounded-title",
            "A title that stands in none of the record's quotes.",
            "Cite the words that print it, or mark it inferred with why.",
        ),
        Check(
            "ungrounded-text",
            "An honorific, a place or quoted words that stand in none of the record's quotes.",
            "Copy the words as the seed prints them, or mark the field inferred with why.",
        ),
        Check(
            "inferred-without-value",
            "A field marked inferred that has no value.",
            "Give the value, or remove it from `inferred`.",
        ),
        Check(
            "comparator-value",
            "A statistic whose value does not fit its comparator ('millions' takes none; 'exactly' needs one).",
            "Give or remove the value, or change the comparator.",
        ),
        # across files
        Check("duplicate-id", "Two records with the same id.", "Give one of them a new id."),
        Check("dangling-reference", "A reference to an id no record has.", "Use the suggested id, or add the record."),
        Check(
            "wrong-kind-reference",
            "A reference to a record in a table the field does not point to.",
            "Point it to a record of the kind the message names.",
        ),
        Check(
            "relation-kind",
            "A relation whose subject or object is of a kind the relation does not take.",
            "Choose another relation, or the right record.",
        ),
        Check(
            "dates-out-of-order",
            "An event before the event it is part of, or a figure counted before its resource was launched.",
            "Correct the date or the reference.",
        ),
        Check(
            "vanished-id",
            "An id of a published release (`releases/VERSION/build/csv/records.csv`, kept by "
            "`anso-facts release`) that is no longer in `data/` and is not retired, so users who stored it would find "
            "nothing.",
            "Restore the record, or retire the id in `data/retired.yaml` (`retired_ids`: the id, "
            "`replaced_by_id` or the `reason`, and the `version` that drops it).",
        ),
        Check(
            "unreadable-release",
            "A release kept in `releases/VERSION/` whose `build/csv/records.csv` cannot be read as a UTF-8 CSV "
            "table (a field longer than 128 KiB, bytes that are not UTF-8), so its ids cannot be held to.",
            "Restore `releases/VERSION/` as `anso-facts release` kept it (from the release archive, whose sha256 "
            "`release.json` gives).",
        ),
        Check(
            "retired-id-reused",
            "A record that takes an id declared retired.",
            "Choose a new id: a retired id keeps its old meaning for the users who stored it.",
        ),
        Check(
            "ancestor-cycle",
            "A record that is its own ancestor through parent_id, part_of_id or part-of relations.",
            "Break the cycle at the reference that is wrong.",
        ),
    )
}


# The codes after which a file yields no record at all: until it loads, what the other files say of its records
# (a reference to one of its ids, an id that seems to vanish) would only follow from it, and is not reported.
YAML_FAILURES = (  # what check.loader.parse_yaml reports of a file it cannot read (it also reports duplicate-key)
    "not-utf8",
    "yaml-syntax",
    "yaml-tab",
    "yaml-character",
    "yaml-documents",
    "yaml-alias",
    "yaml-tag",
    "yaml-too-deep",
    "yaml-key",
)
LOAD_FAILURES = frozenset({*YAML_FAILURES, "file-too-large"})


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    code: str
    message: str

    def __post_init__(self):
        assert self.code in CHECKS, f"problem code {self.code!r} is not in the catalogue"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "code": self.code, "message": self.message}

    def github_annotation(self) -> str:
        """A GitHub Actions workflow command: the pull request shows the problem on its line."""

        def escape(text: str, properties: bool = False) -> str:
            text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return text.replace(":", "%3A").replace(",", "%2C") if properties else text

        return (
            f"::error file={escape(self.file, True)},line={self.line},col={self.column},"
            f"title={escape(self.code, True)}::{escape(self.message)}"
        )


@dataclass
class YamlFile:
    """A YAML file as read: its name relative to the project root, and its text."""

    name: str
    text: str
    _marks: dict | None = field(default=None, repr=False)

    def position(self, path: tuple) -> tuple[int, int]:
        """Line and column of the value at `path`, or of the nearest value that encloses it. The text is
        parsed again for positions on first use only: the fast path keeps none, since errors are rare."""
        if self._marks is None:
            from anso_facts.support import yamlsafe

            self._marks = yamlsafe.marks(self.text)
        while path and path not in self._marks:
            path = path[:-1]
        return self._marks.get(path, (1, 1))


@dataclass(frozen=True)
class Finding:
    """A problem not yet placed: the file and the path of the offending value within it."""

    source: YamlFile
    path: tuple
    code: str
    message: str

    def place(self) -> Problem:
        line, column = self.source.position(self.path)
        return Problem(self.source.name, line, column, self.code, self.message)


def placed(found: Finding | Problem) -> Problem:
    """A rule's finding at its file:line:column (a rule yields a Problem where it has no YAML value to point at,
    such as an id of a released CSV file)."""
    return found if isinstance(found, Problem) else found.place()


def did_you_mean(name: str, candidates, most: int = 3) -> str:
    """'did you mean a or b?' with the candidates nearest to a name that matches none, or ''."""
    import difflib

    near = difflib.get_close_matches(name, sorted(candidates), n=most, cutoff=0.6)
    return f"did you mean {' or '.join(near)}?" if near else ""


def display_path(path: tuple) -> str:
    """('organizations', 2, 'cite', 0, 'quote') -> organizations[2].cite[0].quote"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def relative_name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def checks_markdown(emitters: dict[str, str]) -> str:
    """docs/checks.md: every problem code, what it catches, how to fix it and the function that reports it,
    from CHECKS and `emitters` (registry.emitter_of)."""
    lines = [
        "# Checks",
        "",
        "<!-- Generated by `anso-facts build` from `CHECKS` in src/anso_facts/model/problems.py and the rules that "
        "declare each code; do not edit. -->",
        "",
        "`anso-facts check` prints every problem as `file:line:column: code: message`, sorted, and exits 1 if "
        "there is any. `--format json` prints a list of objects with `file`, `line`, `column`, `code` and "
        "`message`; `--format github` prints GitHub Actions annotations, so that a pull request shows each "
        "problem on its line. The codes are stable: a script may rely on them.",
        "",
        "| code | catches | fix | reported by |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{c.code}` | {c.catches} | {c.fix} | `{emitters[c.code]}` |" for c in CHECKS.values()]
    return "\n".join(lines) + "\n"
