"""`anso-facts seed add FILE`: a new source document in one command.

The file is copied into seeds/ under the naming rule (NNN_HASH.txt: the next three-digit number, then the first
16 hex digits of its sha256), its catalogue entry is appended to seeds/seeds.yaml (the file's comments and layout
kept: the entry is added as text at its end) with the sha256 and line count computed, and data/facts/ID.yaml is
made with its header, for the facts to come. Nothing is written unless every field is good."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from anso_facts import PackageError, read_regular
from anso_facts.check.cite import double_quoted
from anso_facts.check.files import CATALOGUE
from anso_facts.check.seedtext import SeedText
from anso_facts.model.tables import DATE, SLUG
from anso_facts.model.vocabularies import Vocabularies
from anso_facts.support.atomic import write_whole

FIELDS = ("id", "title", "publisher", "published", "kind", "language", "rights")
QUESTIONS = {  # what a prompt asks for each field
    "id": "the seed's id, a lower-case slug such as who-report-2021",
    "title": "the document's title, as printed (or described, with '(untitled in the text)')",
    "publisher": "who published it",
    "published": "when it was published: YYYY, YYYY-MM or YYYY-MM-DD (empty if the text does not say)",
    "kind": "what sort of document it is",
    "language": "its language, as a BCP 47 tag such as en",
    "rights": "the rights statement for the text",
}
DEFAULT_RIGHTS = (
    "The text belongs to its publisher. It is kept here unchanged, byte for byte, only so that every "
    "fact in the dataset can be checked against it; it is not covered by the dataset's CC-BY-4.0 "
    "licence."
)
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class SeedAddError(Exception):
    """A field or file that cannot be taken: nothing was written."""


@dataclass(frozen=True)
class NewSeed:
    fields: dict[str, str]
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def line_count(self) -> int:
        return SeedText(self.data.decode("utf-8")).line_count


def next_seed_name(seeds: Path, data: bytes) -> str:
    """NNN_HASH.txt: the number after the highest of seeds/, and the first 16 hex digits of the sha256."""
    numbers = [int(m.group(1)) for p in seeds.iterdir() if (m := re.match(r"(\d{3})_", p.name))]
    return f"{max(numbers, default=-1) + 1:03d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"


def problems_of(fields: dict[str, str], data: bytes, known_ids: set[str], vocabularies: Vocabularies) -> list[str]:
    """What is wrong with a new seed's fields and text, each in a sentence that says what to do."""
    found = []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        found.append(f"the file is not UTF-8 text (byte {error.start}): save it as UTF-8")
    if not re.fullmatch(SLUG, fields["id"]):
        found.append(f"--id {fields['id']!r}: use lower-case letters and digits joined by hyphens")
    elif fields["id"] in known_ids:
        found.append(f"--id {fields['id']!r} is the id of a seed or record already")
    if fields["published"] and not re.fullmatch(DATE, fields["published"]):
        found.append(f"--published {fields['published']!r}: write YYYY, YYYY-MM or YYYY-MM-DD")
    if fields["kind"] not in vocabularies.of("seed_kinds"):
        found.append(
            f"--kind {fields['kind']!r} is not in the seed_kinds of data/vocabularies.yaml "
            f"({', '.join(vocabularies.of('seed_kinds'))}): add it there, with its definition, first"
        )
    if not re.fullmatch(LANGUAGE, fields["language"]):
        found.append(f"--language {fields['language']!r}: write a BCP 47 tag such as en or pt-BR")
    found += [f"--{name}: give it" for name in ("title", "publisher", "rights") if not fields[name].strip()]
    return found


def catalogue_entry(seed: NewSeed, name: str) -> str:
    """The seed's entry as YAML text, each text value double-quoted as `cite` writes a quote."""
    lines = [
        f"- id: {seed.fields['id']}",
        f"  file: {name}",
        f"  sha256: {seed.sha256}",
        f"  line_count: {seed.line_count}",
        f"  title: {double_quoted(seed.fields['title'])}",
        f"  publisher: {double_quoted(seed.fields['publisher'])}",
    ]
    if seed.fields["published"]:
        lines.append(f"  published: '{seed.fields['published']}'")
    lines += [
        f"  kind: {seed.fields['kind']}",
        f"  language: {seed.fields['language']}",
        f"  rights: {double_quoted(seed.fields['rights'])}",
    ]
    return "\n".join(lines) + "\n"


def facts_header(seed: NewSeed, name: str) -> str:
    return (
        f"# yaml-language-server: $schema=../../schemas/facts.schema.json\n"
        f"# Facts of seed {seed.fields['id']} ({name}): {seed.fields['title']}.\n"
        f"# Add tables of records below (see docs/curating.md); `anso-facts coverage` lists the lines to cite.\n"
    )


def add(root: Path, seed: NewSeed) -> tuple[Path, Path]:
    """Write the seed into seeds/, its entry into the catalogue and its fact file; return the seed's path and the
    fact file's. The seed and the fact file are new files (O_EXCL), the catalogue is replaced whole with its entry
    added, last; if anything fails (a full disk), the new files are removed: all is written or nothing."""
    seeds = root / CATALOGUE.parent
    name = next_seed_name(seeds, seed.data)
    facts = root / "data" / "facts" / f"{seed.fields['id']}.yaml"
    if facts.exists():
        raise SeedAddError(f"{facts.relative_to(root)} exists already")
    for folder in (seeds, facts.parent.parent, facts.parent):  # seeds/, data/, data/facts/
        if folder.is_symlink():  # its files would be written wherever it leads
            raise SeedAddError(
                f"{folder.relative_to(root)}/ is a symbolic link; seed add writes only into real folders"
            )
    try:  # never through a link: its text would be copied into the checkout's new catalogue
        catalogue = read_regular(root / CATALOGUE, root).decode("utf-8")
    except PackageError as error:
        raise SeedAddError(str(error)) from None
    written: list[Path] = []
    try:
        _write_new(seeds / name, seed.data, written)
        facts.parent.mkdir(parents=True, exist_ok=True)
        _write_new(facts, facts_header(seed, name).encode("utf-8"), written)
        write_whole(
            root / CATALOGUE, catalogue + ("" if catalogue.endswith("\n") else "\n") + catalogue_entry(seed, name)
        )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return seeds / name, facts


def _write_new(path: Path, data: bytes, written: list[Path]) -> None:
    """A new file (never one that exists), listed in `written` as soon as it is made, so that it can be removed."""
    with open(path, "xb") as file:
        written.append(path)
        file.write(data)


def next_steps(seed: NewSeed, facts: Path, root: Path) -> str:
    return "\n".join(
        [
            f"added seed {seed.fields['id']}: {seed.line_count} lines, sha256 {seed.sha256[:16]}...",
            "next:",
            "  anso-facts coverage                         # the lines of the new seed still to cite",
            f"  anso-facts cite 'WORDS' --seed {seed.fields['id']}   # a cite entry for the words a fact rests on",
            f"  edit {facts.relative_to(root)}               # add the facts, each citing its lines and words",
            "  anso-facts check                            # every quote, name, figure and date verified",
        ]
    )
