"""The rules over one file's records and the seeds they cite: a citation, a date, a grounded value. Their
findings depend on that file and the seeds alone, so they are cached with the file (see run.py). A rule is a
function registered by `@rule(FILE_RULES, codes=...)` with the codes it emits (problems.CHECKS), and one bad
fixture in tests/fixtures/bad/ that shows them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from anso_facts.check.evidence import Unfound, file_evidence
from anso_facts.check.loader import FileRecords, Record
from anso_facts.check.registry import Rule, rule
from anso_facts.check.seedtext import closest_words, normalise_quote, parse_lines
from anso_facts.check.validate import unsafe_texts
from anso_facts.model import dates
from anso_facts.model.problems import Finding, display_path
from anso_facts.model.tables import TABLE_BY_NAME
from anso_facts.support.plaintext import formula_start, unsafe_character

FILE_RULES: list[Rule[FileRecords]] = []


def citations(record: Record) -> Iterator[tuple[int, dict]]:
    """(index, citation) of each of the record's citations."""
    return enumerate(record.data.get("cite", ()))


def record_finding(record: Record, subpath: tuple, code: str, message: str) -> Finding:
    """A finding at `subpath` within the record, its message led by the record's id."""
    return Finding(record.source, record.path + subpath, code, f"{record.id}: {message}")


def _dates(record: Record) -> Iterator[tuple[str, str]]:
    for f in TABLE_BY_NAME[record.table].fields:
        if f.kind == "date" and record.data.get(f.name) is not None:
            yield f.name, str(record.data[f.name])


@rule(FILE_RULES, codes=("impossible-date",))
def dates_exist(loaded: FileRecords) -> Iterator[Finding]:
    for record in loaded.records:
        for name, value in _dates(record):
            if dates.first_day(value) is None:
                yield record_finding(record, (name,), "impossible-date", f"{name} {value!r} is not a date that exists")


@rule(FILE_RULES, codes=("seed-missing", "seed-unpinned", "seed-changed", "seed-line-count"))
def seed_files_match_catalogue(loaded: FileRecords) -> Iterator[Finding]:
    for seed in loaded.table("seeds"):
        data = loaded.seed_bytes.get(seed.id)
        if data is None:
            yield record_finding(seed, ("file",), "seed-missing", f"seeds/{seed.data['file']} does not exist")
            continue
        digest = hashlib.sha256(data).hexdigest()
        counted = loaded.seed_texts[seed.id].line_count
        if "sha256" not in seed.data or "line_count" not in seed.data:
            yield record_finding(
                seed,
                (),
                "seed-unpinned",
                f"seeds/{seed.data['file']} is not pinned: add `sha256: {digest}` and `line_count: {counted}`",
            )
            continue
        if digest != seed.data["sha256"]:
            yield record_finding(
                seed,
                ("sha256",),
                "seed-changed",
                f"seeds/{seed.data['file']} has sha256 {digest}, not "
                f"the pinned one: the seed changed, so every citation "
                f"of it is in doubt",
            )
        if counted != seed.data["line_count"]:
            yield record_finding(
                seed,
                ("line_count",),
                "seed-line-count",
                f"seeds/{seed.data['file']} has {counted} lines, not {seed.data['line_count']}",
            )


def line_ranges(loaded: FileRecords) -> Iterator[tuple[Record, tuple, str, int, int]]:
    """Every cited or excluded line range: (record, subpath, seed id, first, last)."""
    for record in loaded.records:
        for i, cite in citations(record):
            yield (record, ("cite", i, "lines"), cite["seed"], *parse_lines(cite["lines"]))
        for i, exclusion in enumerate(record.data.get("excluded", ())):
            yield (record, ("excluded", i, "lines"), record.id, *parse_lines(exclusion["lines"]))


@rule(FILE_RULES, codes=("lines-reversed", "lines-outside-seed"))
def line_ranges_inside_seeds(loaded: FileRecords) -> Iterator[Finding]:
    for record, subpath, seed_id, first, last in line_ranges(loaded):
        text = loaded.seed_texts.get(seed_id)
        if first > last:
            yield record_finding(
                record, subpath, "lines-reversed", f"lines {first}-{last}: the first line is after the last"
            )
        elif text is not None and last > text.line_count:
            yield record_finding(
                record,
                subpath,
                "lines-outside-seed",
                f"lines {first}-{last}: seed {seed_id} has {text.line_count} lines",
            )


@rule(FILE_RULES, codes=("quote-not-in-lines",))
def quotes_stand_in_their_lines(loaded: FileRecords) -> Iterator[Finding]:
    for record in loaded.records:
        for i, cite in citations(record):
            if loaded.seed_texts.cited_text(cite) is None:
                continue  # reported by the rules above
            if loaded.seed_texts.locate(cite) is None:
                first, last = parse_lines(cite["lines"])
                yield record_finding(
                    record,
                    ("cite", i, "quote"),
                    "quote-not-in-lines",
                    f"quote is not in lines {first}-{last} of {cite['seed']}; {_elsewhere(loaded, cite, first, last)}",
                )


def _elsewhere(loaded: FileRecords, cite: dict, first: int, last: int) -> str:
    places = [
        f"{seed_id} lines {m.line_start}-{m.line_end}"
        for seed_id, text in loaded.seed_texts.items()
        for m in text.find_anywhere(cite["quote"])
    ]
    if places:
        return "it stands at " + ", ".join(places)
    lines = " ".join(loaded.seed_texts[cite["seed"]].line(n) for n in range(first, last + 1))
    return (
        "it stands nowhere in the seeds (matching forgives only line breaks, white space, line-end "
        "hyphens and typographic quote marks)"
        + _closest_passage(normalise_quote(cite["quote"]), normalise_quote(lines))
    )


def _closest_passage(quote: str, lines: str) -> str:
    """The passage of the cited lines most like the quote (of about as many words, compared word by word), and
    the words that differ, or '' if none is close."""
    import difflib

    mine = quote.split()
    best = closest_words(mine, [lines.split()], {max(1, len(mine) + d) for d in (-1, 0, 1)})
    if best is None:
        return ""
    differ = difflib.SequenceMatcher(None, mine, best).get_opcodes()
    changes = [
        f"{' '.join(mine[a:b]) or '(nothing)'!r} where the text has {' '.join(best[c:d]) or '(nothing)'!r}"
        for tag, a, b, c, d in differ
        if tag != "equal"
    ]
    return f"; the closest passage of those lines is {' '.join(best)!r}: the quote has {'; '.join(changes)}"


UNGROUNDED_CODE = {
    "number": "ungrounded-value",
    "date": "ungrounded-value",
    "url": "ungrounded-value",
    "name": "ungrounded-name",
    "acronym": "ungrounded-name",
    "alias": "ungrounded-name",
    "title": "ungrounded-title",
    "text": "ungrounded-text",
}


def ungrounded_message(unfound: Unfound) -> str:
    """What a curator reads of a value that none of its record's quotes states (evidence.py), and what to do."""
    where = display_path(unfound.path)
    if unfound.evidence == "reference":
        named = " or ".join(repr(words) for words in unfound.looked_for) or "no name (its own name is a description)"
        what = f"{where} {unfound.value!r} is named in none of the record's quotes (looked for {named})"
    else:
        how = " as a whole URL" if unfound.evidence == "url" else ""
        what = f"{where} {unfound.value!r} is stated in none of the record's quotes{how}"
    closest = f"; the closest words there are {unfound.closest!r}" if unfound.closest else ""
    return f"{what}{closest}: cite the words that state it, or mark it inferred with why"


@rule(FILE_RULES, codes=("ungrounded-value", "ungrounded-name", "ungrounded-title", "ungrounded-text"))
def values_are_grounded(loaded: FileRecords) -> Iterator[Finding]:
    """A name, acronym, title, figure, date or URL must stand in one of the record's quotes, unless marked
    inferred (references are the project's: see references_are_grounded)."""
    unfound = file_evidence(loaded)[1]
    records = {record.id: record for record in reversed(loaded.records)} if unfound else {}
    for value in unfound:
        yield record_finding(
            records[value.record_id], value.path, UNGROUNDED_CODE[value.evidence], ungrounded_message(value)
        )


@rule(FILE_RULES, codes=("inferred-without-value",))
def inferred_fields_have_values(loaded: FileRecords) -> Iterator[Finding]:
    for record in loaded.records:
        for name in record.data.get("inferred", {}):
            if record.data.get(name) is None:
                yield record_finding(
                    record, ("inferred", name), "inferred-without-value", f"{name} is marked inferred but has no value"
                )


@rule(FILE_RULES, codes=("comparator-value",))
def figures_have_values(loaded: FileRecords) -> Iterator[Finding]:
    """A statistic has a value, unless its comparator only gives an order of magnitude ('millions')."""
    for record in loaded.table("statistics"):
        comparator = record.data["comparator"]
        vague = comparator in loaded.vocabularies.valueless
        if vague and record.data.get("value") is not None:
            yield record_finding(record, ("value",), "comparator-value", f"comparator {comparator!r} takes no value")
        elif not vague and record.data.get("value") is None:
            yield record_finding(
                record, ("comparator",), "comparator-value", f"comparator {comparator!r} needs a value"
            )


def _suspect(value, searched: bool) -> bool:
    """Whether a record's data holds a text that starts as a formula or (where `searched`) holds an unsafe
    character: a quick look at the strings, two levels deep as records are, before the slower walk that says
    where."""
    for item in value.values():
        if isinstance(item, str):
            if formula_start(item) or (searched and unsafe_character(item)):
                return True
        elif isinstance(item, (list, dict)) and _suspect(
            item if isinstance(item, dict) else dict(enumerate(item)), searched
        ):
            return True
    return False


@rule(FILE_RULES, codes=(), uses=(unsafe_texts,))
def text_is_plain(loaded: FileRecords) -> Iterator[Finding]:
    """No text holds a control or bidirectional character, or starts as a spreadsheet formula (plaintext.py)."""
    if not loaded.records:
        return
    # YAML can hold such a character only as itself or as an escape: a file with neither needs no search per text
    source = loaded.records[0].source.text
    searched = "\\" in source or unsafe_character(source) is not None
    for record in loaded.records:
        if not _suspect(record.data, searched):
            continue
        for path, code, message in unsafe_texts(record.data, searched):
            yield record_finding(record, path, code, message)
