"""The dataset card, DATASET.md: what the data is and is not, its sources, how it was made and checked, its
tables, how to load them, its policies, licence, citation and limitations; with the Hugging Face Hub's YAML
front matter (licence, pretty name, language, size category, tags, and one `configs` entry per table pointing at
its Parquet file), so that the same file is the release archive's README and the Hub's card.

Every figure in it is computed from a built package (a folder with datapackage.json and build/): rows, seeds,
publishers, dates, counts. The prose says only what holds for any build of this project, or what the figures
show.

Written by `anso-facts build` as build/DATASET.md (not committed), put by `release` at the archive's root as
README.md, and uploaded by `publish huggingface` as the Hub repository's README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from anso_facts.build.package import dated, descriptor, row_counts, table_rows, temporal_coverage
from anso_facts.model import dates
from anso_facts.model.metadata import METADATA, bibtex, citation_text, concept_doi, doi, doi_url
from anso_facts.model.schemas import markdown_cell

# roles.as_of and relations.since say from when a state held: not in the temporal coverage (package.py), the card
# names their earliest date apart
BACKGROUND_FIELDS = (("relations", "since"), ("roles", "as_of"))
PARQUET = Path("build") / "parquet"
SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
)


def parquet_path(table: str) -> str:
    return (PARQUET / f"{table}.parquet").as_posix()


def size_category(counts: dict[str, int]) -> str:
    """The Hub's size category of the largest table (each table is a configuration of its own)."""
    largest = max(counts.values(), default=0)
    return next((name for bound, name in SIZE_CATEGORIES if largest < bound), "n>10M")


def front_matter(counts: dict[str, int]) -> dict:
    """The Hugging Face Hub's card metadata: one configuration per table, its Parquet file the train split."""
    return {
        "license": METADATA["license"]["id"].lower(),
        "pretty_name": METADATA["title"],
        "language": [METADATA["language"]],
        "size_categories": [size_category(counts)],
        "tags": METADATA["keywords"],
        # a table without rows is no configuration: `datasets` cannot make a split of nothing
        "configs": [
            {"config_name": name, "data_files": [{"split": "train", "path": parquet_path(name)}]}
            for name, rows in counts.items()
            if rows
        ],
    }


def _publishers(seeds: list[dict], organizations: list[dict]) -> dict[str, list[str]]:
    """Each seed publisher, with the organization records of the data that it names (by name or acronym)."""
    found: dict[str, list[str]] = {}
    for publisher in sorted({seed["publisher"] for seed in seeds}):
        found[publisher] = [
            org["id"]
            for org in organizations
            if org["name"] in publisher or (org["acronym"] and f"({org['acronym']})" in publisher)
        ]
    return found


def _named(publishers: dict[str, list[str]]) -> str:
    """Each publisher that is an organization of the data, with its record and its seeds' count."""
    return "; ".join(
        f"{publisher}: {', '.join(f'`{org}`' for org in orgs)}" for publisher, orgs in publishers.items() if orgs
    )


def _relations(descriptor: dict) -> list[str]:
    lines = []
    for resource in descriptor["resources"]:
        if resource["format"] != "csv":
            continue
        for key in resource["schema"].get("foreignKeys", ()):
            target = key["reference"]
            lines.append(
                f"- `{resource['name']}.{', '.join(key['fields'])}` → "
                f"`{target['resource'] or resource['name']}.{', '.join(target['fields'])}`"
            )
    return lines


@dataclass(frozen=True)
class _Figures:
    """What the card's sections are counted from, read once from the built package."""

    package: dict
    counts: dict[str, int]
    seeds: list[dict]
    publishers: dict[str, list[str]]
    coverage: str | None
    background: list[tuple[date, str]]
    hub_repo: str | None


def _figures(root: Path, hub_repo: str | None) -> _Figures:
    organizations = table_rows(root, "organizations", ["id", "name", "acronym"])
    seeds = table_rows(root, "seeds")
    return _Figures(
        package=descriptor(root),
        counts=row_counts(root),
        seeds=seeds,
        publishers=_publishers(seeds, organizations),
        coverage=temporal_coverage(root),
        background=dated(root, BACKGROUND_FIELDS),
        hub_repo=hub_repo,
    )


def _title_part(counts: dict[str, int]) -> list[str]:
    """The Hub's front matter, then the title, the description and the version with its DOI."""
    import yaml

    head = yaml.safe_dump(front_matter(counts), sort_keys=False, allow_unicode=True, width=100)
    cited = doi() or concept_doi()
    return [
        f"---\n{head}---\n",
        f"# {METADATA['title']}\n",
        f"{METADATA['description']}\n",
        f"Version {METADATA['version']}, released {METADATA['date_released']}"
        + (f"; DOI [{cited}]({doi_url(cited)})" if cited else "")
        + ". "
        "Generated from the built package by `anso-facts build`; every figure below is counted from it.\n",
    ]


def _what_it_is(figures: _Figures) -> list[str]:
    return [
        "## What the data is, and what it is not\n",
        f"It is {figures.counts.get('records', 0)} curated records (the ids in `records`) in "
        f"{len(figures.counts)} tables, taken by hand from {len(figures.seeds)} source documents (the *seeds*) "
        "and checked against their text: every value is cited to the lines and the exact words that state it, or "
        "listed as inferred with the reason. It reports what the documents say: who took part in what, which "
        "organizations and resources exist and how they relate, the figures and statements the documents "
        "give.\n",
        "It is not a survey of international science cooperation, nor of the organizations it names: only "
        "what these documents say is in it, as they say it. A figure is the publisher's claim at its date, "
        "not a measurement checked against another source. An absent fact means the documents do not state "
        "it, not that it is false.\n",
    ]


def _sources(figures: _Figures) -> list[str]:
    """The seeds, one row each, then what it means that their publishers describe themselves."""
    return [
        "## Sources and their publishers\n",
        "| seed | title | publisher | published | kind | lines |",
        "|---|---|---|---|---|---|",
        *[
            f"| `{s['id']}` | {markdown_cell(s['title'])} | {markdown_cell(s['publisher'])} | "
            f"{dates.text(s['published'], s['published_precision'] or 'day') if s['published'] else ''} | "
            f"{s['kind']} | {s['line_count']} |"
            for s in figures.seeds
        ],
        "",
        _self_publication(figures.publishers),
        "",
    ]


def _self_publication(publishers: dict[str, list[str]]) -> str:
    self_published = [p for p, orgs in publishers.items() if orgs]
    if not self_published:
        return "No seed publisher is an organization of the data."
    return (
        f"**Self-publication bias.** {'All' if len(self_published) == len(publishers) else 'Some'} of the "
        f"seeds' publishers are organizations this data describes ({_named(publishers)}). Such documents "
        "present their publishers' own work, partners and figures in the publishers' words: achievements "
        "are reported and setbacks rarely, figures are as claimed, and the cooperation they describe is "
        "seen from one side. Read the facts as what these organizations said about themselves; other "
        "sources may tell it otherwise."
    )


def _making(counts: dict[str, int]) -> list[str]:
    return [
        "## How it was made and checked\n",
        "Curators write the facts as YAML (`data/` in the archive), each record citing its seed, lines and "
        "exact quote. `anso-facts check` then holds every record to the text: each quote must stand in the "
        "lines it cites; each number, date and URL must appear in one of the record's quotes unless listed "
        "as inferred; references must resolve; seeds are pinned by sha256. `anso-facts build` writes the "
        "tables (CSV and Parquet, with a Frictionless Data Package v2 descriptor). The results: "
        f"{counts.get('citations', 0)} citations, {counts.get('inferences', 0)} inferred values with their "
        f"reasons, {counts.get('evidence', 0)} values matched to the words that ground them "
        "(`evidence`).\n",
    ]


def _tables(figures: _Figures) -> list[str]:
    """Each table with its rows and Parquet file, then the foreign keys between them."""
    counts = figures.counts
    tables = {r["name"]: r for r in figures.package["resources"] if r["format"] == "csv"}
    return [
        "## Tables\n",
        "| table | rows | one row per | Parquet file |",
        "|---|---|---|---|",
        *[
            f"| `{name}` | {rows} | {markdown_cell(tables[name]['description'])} | `{parquet_path(name)}` |"
            for name, rows in counts.items()
        ],
        "",
        *_empty_tables(counts),
        "How they relate (foreign keys; `records` maps every id to its table, so a reference that may point "
        "into several tables points there):\n",
        *_relations(figures.package),
        "",
        "Every field, type and constraint is in `datapackage.json` (and `docs/data-dictionary.md` in the archive).\n",
    ]


def _empty_tables(counts: dict[str, int]) -> list[str]:
    """Why a table without rows is missing from the front matter's configurations (none: nothing said)."""
    if all(counts.values()):
        return []
    return [
        f"A table without rows ({', '.join(f'`{n}`' for n, r in counts.items() if not r)}) is not a "
        "configuration of the Hub's card until it has some.",
        "",
    ]


def _loading(hub_repo: str | None) -> list[str]:
    return [
        "## How to load it\n",
        "With pandas or DuckDB, from the folder that holds this card (the release archive, unpacked, or a "
        "clone of the Hub repository):\n",
        '```python\nimport pandas as pd\nstatistics = pd.read_parquet("build/parquet/statistics.parquet")\n```\n',
        '```python\nimport duckdb\nduckdb.sql("""\n    select p.name, r.title, r.organization_id\n'
        "    from 'build/parquet/roles.parquet' r\n"
        '    join \'build/parquet/people.parquet\' p on p.id = r.person_id""").show()\n```\n',
        "With the Hugging Face `datasets` library, one configuration per table:\n",
        "```python\nfrom datasets import load_dataset\n"
        + (f'statistics = load_dataset("{hub_repo}", "statistics", split="train")\n' if hub_repo else "")
        + 'statistics = load_dataset(".", "statistics", split="train")  # from this folder\n```\n',
    ]


def _inferred(counts: dict[str, int]) -> list[str]:
    return [
        "## Inferred values\n",
        f"A value the text implies but does not print (a year left out, say) is kept only with the reason, in "
        f"the `inferences` table ({counts.get('inferences', 0)} rows: the record, the field and why). An "
        "organization or event the text mentions without naming it has a record whose `name` is a "
        "description in square brackets. Nothing else is added to what the seeds say.\n",
    ]


def _time_covered(coverage: str | None, background: list[tuple[date, str]]) -> list[str]:
    """The span of the dated happenings; and the earliest 'since' of a relation or title, if it comes before."""
    span = (
        f"The events, agreements, launches and figures reported span {coverage} (ISO 8601; each end as "
        "precise as the text gives it)."
        if coverage
        else "No event, agreement, launch or figure is dated."
    )
    earlier = (
        f" Some relations and titles are said to hold since earlier dates, the earliest {dates.text(*min(background))}."
        if background and coverage and min(background)[0].isoformat() < coverage
        else ""
    )
    return ["## Time covered\n", span + earlier + "\n"]


def _policies(seeds: list[dict]) -> list[str]:
    """The licences of data and code, and the seeds' own rights, which are not the data's."""
    return [
        "## Licence and rights\n",
        f"The data (the tables, the curated YAML and the catalogue) is licensed under "
        f"[{METADATA['license']['title']}]({METADATA['license']['url']}) ({METADATA['license']['id']}); the "
        f"code under {METADATA['code_license']}. The seed texts are not: they belong to their publishers and "
        "are included unchanged only so that every fact can be checked against them. Their rights "
        "statements:\n",
        *[f"- `{s['id']}`: {markdown_cell(s['rights'])}" for s in seeds],
        "",
    ]


def _citation() -> list[str]:
    concept = concept_doi()
    return [
        "## How to cite\n",
        f"> {citation_text()}\n",
        "```bibtex\n" + bibtex() + "\n```\n",
        (
            "Cite the version you used; "
            + (f"the DOI of all versions is {doi_url(concept)}. " if concept else "")
            + "cite the seed documents too where you quote them.\n"
        ),
    ]


def _versions() -> list[str]:
    return [
        "## Updates and versions\n",
        "One version number covers the code, the data and the metadata. A major version changes the schema "
        "incompatibly, a minor one adds facts, fields or tables, a patch corrects facts, citations or "
        "documentation; a release refuses a version that steps less than its changes need. A version is "
        "written once: its archive, its package and its sha256 are kept, and `versions.json` lists every "
        "version with its date, DOI, archive checksum and rows. Each archive's `changes.json` and "
        "`CHANGELOG.md` list what changed since the previous release.\n",
    ]


def _limitations(figures: _Figures) -> list[str]:
    seeds, publishers = figures.seeds, figures.publishers
    return [
        "## Known limitations\n",
        f"- {len(seeds)} documents, from {len(publishers)} publisher{'s' if len(publishers) != 1 else ''}, all "
        f"in {', '.join(sorted({s['language'] for s in seeds}))}: the data is as narrow as they are.",
        "- Dates keep the text's precision (`*_precision`): a year is stored as its first day.",
        '- A figure given only as an order of magnitude ("millions") has no `value`.',
        f"- {figures.counts.get('unsupported_words', 0)} words of free-text fields (summaries, descriptions) are "
        "not found in any quote of their record (`unsupported_words`): they paraphrase and should be read with "
        "the cited passage.",
        "- Persons and organizations are named as printed; no identifier outside the data links them.",
        "",
    ]


def dataset_card(root: Path, hub_repo: str | None = None) -> str:
    """DATASET.md for the built package in `root`; `hub_repo`: the Hub repository it is uploaded to, if any."""
    figures = _figures(root, hub_repo)
    sections = (
        _title_part(figures.counts),
        _what_it_is(figures),
        _sources(figures),
        _making(figures.counts),
        _tables(figures),
        _loading(figures.hub_repo),
        _inferred(figures.counts),
        _time_covered(figures.coverage, figures.background),
        _policies(figures.seeds),
        _citation(),
        _versions(),
        _limitations(figures),
    )
    return "\n".join(line for section in sections for line in section)
