"""Synthetic projects in anso-facts' own format, for the scale benchmark.

`generate(root, records, files=100, seed=0)` writes seeds/ (one synthetic seed text per fact file, with its
catalogue entry) and data/ (the fact files, and the project's own vocabularies) so that every citation verifies:
each record cites one or two lines of its file's seed, and every value it must ground stands in its quotes (its
names, numbers and dates, and the names of the records it refers to). All tables are used, and records
refer to earlier records (also in other files). The same arguments give the same bytes.

    python benchmarks/synthetic.py ROOT RECORDS
"""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# table -> share of records
MIX = (
    ("organizations", 0.22),
    ("people", 0.12),
    ("events", 0.10),
    ("resources", 0.06),
    ("agreements", 0.02),
    ("roles", 0.10),
    ("participations", 0.12),
    ("relations", 0.08),
    ("statistics", 0.12),
    ("quotations", 0.02),
    ("statements", 0.04),
)


class FileWriter:
    """One fact file and the seed text its records cite."""

    def __init__(self, number: int, rng: random.Random, known: dict[str, list[str]], names: dict[str, str]):
        self.number, self.rng, self.known, self.names = number, rng, known, names  # names: id -> name as printed
        self.seed_id = f"synthetic-{number:03d}"
        self.lines: list[str] = []
        self.records: dict[str, list[str]] = {}
        self.printed_name = ""  # the name the record being made is printed by, if any

    def line(self, text: str) -> int:
        self.lines.append(text)
        return len(self.lines)

    def date(self) -> tuple[str, str]:
        year, month, day = self.rng.randint(2015, 2024), self.rng.randint(1, 12), self.rng.randint(1, 28)
        return f"{year:04d}-{month:02d}-{day:02d}", f"{day} {MONTHS[month - 1]} {year}"

    def pick(self, table: str) -> str | None:
        ids = self.known[table]
        return self.rng.choice(ids[-500:]) if ids else None

    def cite(self, number: int, quote: str) -> str:
        return f'  - seed: {self.seed_id}\n    lines: {number}\n    quote: "{quote}"\n'

    def add(self, table: str, index: int) -> None:
        rid = f"{table[:4]}-{self.number:03d}-{index:06d}"
        name = f"Synthetic {table[:-1].title()} {self.number}-{index}"
        maker = getattr(self, f"_{table}")
        body = maker(rid, name)
        if body is None:  # a reference it needs does not exist yet: make an organization instead
            table, rid = "organizations", f"orga-{self.number:03d}-{index:06d}"
            body = self._organizations(rid, f"Synthetic Organization {self.number}-{index}")
        self.records.setdefault(table, []).append(f"- id: {rid}\n{body}")
        self.known[table].append(rid)
        self.names[rid] = self.printed_name or rid
        self.printed_name = ""

    def _organizations(self, rid, name):
        acronym = f"SO{self.number}X{rid[-6:]}"
        self.printed_name = name
        parent = self.pick("organizations") if self.rng.random() < 0.3 else None
        words = f"The {name} ({acronym})" + (f", an institute of the {self.names[parent]}," if parent else "")
        n = self.line(f"{words} is based in Beijing and works with partners worldwide.")
        out = f"  name: {name}\n  acronym: {acronym}\n  kind: institute\n  country: CN\n"
        if parent:
            out += f"  parent_id: {parent}\n"
        return out + "  cite:\n" + self.cite(n, words.rstrip(","))

    def _people(self, rid, name):
        person = self.printed_name = f"Given{rid[-6:]} Family{self.number}"
        n = self.line(f"Prof. {person} spoke for the partners of the alliance.")
        return f"  name: {person}\n  honorific: Prof.\n  cite:\n" + self.cite(n, f"Prof. {person}")

    def _events(self, rid, name):
        iso, printed = self.date()
        self.printed_name = name
        n = self.line(f"On {printed}, the {name} took place online with partners.")
        return f"  name: {name}\n  kind: workshop\n  date: '{iso}'\n  mode: online\n  cite:\n" + self.cite(
            n, f"On {printed}, the {name} took place online"
        )

    def _resources(self, rid, name):
        iso, printed = self.date()
        url = f"https://example.org/{rid}"
        self.printed_name = name
        n = self.line(f"The {name} ({url}) was launched on {printed}.")
        return f"  name: {name}\n  kind: database\n  url: {url}\n  launch_date: '{iso}'\n  cite:\n" + self.cite(
            n, f"The {name} ({url}) was launched on {printed}."
        )

    def _agreements(self, rid, name):
        iso, printed = self.date()
        n = self.line(f"On {printed}, a MoU was signed to enhance collaboration on {name}.")
        return f"  kind: mou\n  date: '{iso}'\n  purpose: To enhance collaboration.\n  cite:\n" + self.cite(
            n, f"On {printed}, a MoU was signed"
        )

    def _roles(self, rid, name):
        person, org = self.pick("people"), self.pick("organizations")
        if not (person and org):
            return None
        iso, printed = self.date()
        words = f"On {printed}, the President of the {self.names[org]} was {self.names[person]}"
        n = self.line(f"{words}.")
        return (
            f"  person_id: {person}\n  title: President\n  organization_id: {org}\n  as_of: '{iso}'\n"
            f"  cite:\n" + self.cite(n, words)
        )

    def _participations(self, rid, name):
        event, person = self.pick("events"), self.pick("people")
        if not (event and person):
            return None
        words = f"{self.names[person]} spoke at the {self.names[event]}"
        n = self.line(f"{words} about joint research.")
        return (
            f"  event_id: {event}\n  participant_id: {person}\n  role: speaker\n  topic: Joint research\n"
            f"  cite:\n" + self.cite(n, words)
        )

    def _relations(self, rid, name):
        subject, other = self.pick("organizations"), self.pick("organizations")
        if not (subject and other) or subject == other:
            return None
        since = self.rng.randint(1990, 2020)
        words = f"Since {since}, the {self.names[subject]} has been a member of the {self.names[other]}"
        n = self.line(f"{words}.")
        return (
            f"  subject_id: {subject}\n  relation: member-of\n  object_id: {other}\n  since: '{since}'\n"
            f"  cite:\n" + self.cite(n, words)
        )

    def _statistics(self, rid, name):
        subject = self.pick("organizations")
        if not subject:
            return None
        iso, printed = self.date()
        value = self.rng.randint(2, 999_999)
        words = f"As of {printed}, the {self.names[subject]} counted more than {value:,} members."
        first = self.line(words)
        confirmed = f"The figure for the {self.names[subject]} was confirmed"
        second = self.line(f"{confirmed} by its secretariat.")
        return (
            f"  subject_id: {subject}\n  measure: members\n  value: {value}\n  unit: people\n"
            f"  comparator: more-than\n  as_of: '{iso}'\n  cite:\n"
            + self.cite(first, words)
            + self.cite(second, confirmed)
        )

    def _quotations(self, rid, name):
        speaker = self.pick("people")
        if not speaker:
            return None
        words = f"Science knows no borders, said speaker {rid}"
        n = self.line(f"{self.names[speaker]} said: \u201c{words}\u201d.")
        return f"  speaker_id: {speaker}\n  words: {words}\n  cite:\n" + self.cite(
            n, f"{self.names[speaker]} said: \u201c{words}\u201d"
        )

    def _statements(self, rid, name):
        speaker, event = self.pick("people"), self.pick("events")
        if not (speaker and event):
            return None
        words = f"At the {self.names[event]}, {self.names[speaker]} called for solidarity"
        n = self.line(f"{words} of the world science community.")
        second = self.line(f"Statement {rid} was reported in the newsletter.")
        return (
            f"  speaker_id: {speaker}\n  verb: called-for\n  summary: Solidarity of the world science "
            f"community.\n  event_id: {event}\n  cite:\n"
            + self.cite(n, words)
            + self.cite(second, f"Statement {rid} was reported")
        )

    def yaml(self) -> str:
        parts = ["# Synthetic facts for the scale benchmark.\n"]
        for table, records in self.records.items():
            parts.append(f"{table}:\n" + "\n".join(records))
        return "\n".join(parts)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def generate(root: Path, records: int, files: int = 100, seed: int = 0) -> None:
    rng = random.Random(seed)
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(parents=True, exist_ok=True)
    vocabularies = Path(__file__).resolve().parent.parent / "data" / "vocabularies.yaml"  # the project's own lists
    (root / "data" / "vocabularies.yaml").write_bytes(vocabularies.read_bytes())
    known: dict[str, list[str]] = {table: [] for table, _ in MIX}
    names: dict[str, str] = {}
    tables, weights = zip(*MIX, strict=True)
    catalogue = ["seeds:"]
    per_file = [records // files + (1 if i < records % files else 0) for i in range(files)]
    for number, count in enumerate(per_file):
        writer = FileWriter(number, rng, known, names)
        for index in range(count):
            writer.add(rng.choices(tables, weights)[0], index)
        text = writer.text().encode("utf-8")
        (root / "seeds" / f"{writer.seed_id}.txt").write_bytes(text)
        (root / "data" / f"facts-{number:03d}.yaml").write_text(writer.yaml(), encoding="utf-8")
        catalogue.append(
            f"- id: {writer.seed_id}\n  file: {writer.seed_id}.txt\n"
            f"  sha256: {hashlib.sha256(text).hexdigest()}\n  line_count: {len(writer.lines)}\n"
            f"  title: Synthetic seed {number}\n  publisher: anso-facts benchmark\n"
            f"  kind: newsletter\n  language: en\n  rights: Synthetic text, no rights reserved."
        )
    (root / "seeds" / "seeds.yaml").write_text("\n".join(catalogue) + "\n", encoding="utf-8")


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
