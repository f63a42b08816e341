"""The data model, declared once.

Every table's fields, types, keys and descriptions live here. The JSON Schemas that curators' YAML is checked
against, the Table Schemas in datapackage.json, the Arrow schemas of the Parquet files and the data dictionary
are all generated from these declarations (see schemas.py), so they cannot disagree.

Field kinds:
  id       the record's own id: a readable slug, unique across the whole package
  ref      the id of another record; `to` names the table(s) it may point to
  text     a string
  integer  a whole number
  boolean  true or false
  date     a date as the text gives it: '2004', '2020-07' or '2020-09-18'. Compiled into two columns,
           NAME (the first day of that year, month or day) and NAME_precision (year, month or day)
  url      an http(s) URL
  country  an ISO 3166-1 alpha-2 code
  list     a list of strings (curated inline, compiled into a table of its own; see `list_table`)
  filename a plain text file's name ending in .txt, without a folder
  version  a release number MAJOR.MINOR.PATCH

`evidence` says how a field's value rests on the words its record quotes (EVIDENCE); a value that must be
grounded and is not found there must be marked inferred, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

# One pattern per field kind (the JSON Schemas and the Table Schemas both use these).
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"  # no month or day 00
URL = r"^https?://\S+$"
COUNTRY = r"^[A-Z]{2}$"
FILENAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.txt$"  # a plain text file's name: no folder, no leading dot
NOT_BLANK = r"\S"
VERSION = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
MAX_INTEGER = 2**63 - 1  # what an Arrow int64 holds
MAX_ID_LENGTH = 100  # an id, and so a page's file name records/ID.html, that every file system holds


# How a field's value rests on the words its record quotes: where the build finds it (the `match` of its row
# in the `evidence` table), or why it is not looked for.
EVIDENCE = {
    "reference": "the referred record's name, acronym or an alias (for a person, also the surname) stands in a quote",
    "name": "the name stands in a quote, as printed (a name in [square brackets] is a description, not a name)",
    "acronym": "the acronym stands in a quote",
    "alias": "each alias stands in a quote",
    "title": "the title stands in a quote",
    "text": "the words stand in a quote, as printed",
    "number": "the figure is stated in a quote, in digits or words",
    "date": "the date is stated in a quote, to its precision",
    "url": "the whole URL stands in a quote",
    "vocabulary": "a term chosen from the field's list, not looked for in the text",
    "free-text": "the curator's words; those that stand in no quote are listed for reviewers",
}
GROUNDED = ("reference", "name", "acronym", "alias", "title", "text", "number", "date", "url")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()  # a fixed list of values, for the structure's own fields (a precision, a table)
    vocabulary: str = ""  # the curated list of data/vocabularies.yaml its values come from (vocabularies.py)
    to: tuple[str, ...] = ()
    evidence: str = ""  # a key of EVIDENCE; "" for a value no quote is asked for (an id, a seed's own metadata)
    example: str = ""
    hierarchical: bool = False  # a reference to the record this one is part of: no record may be its own ancestor
    computed: bool = False  # required in the table, but computed by `seed add`: its absence in the YAML is told with
    # the value to write (a rule's message), not as a missing field


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    cited: bool = True  # its records carry `cite` (seed passages) and `note`
    list_table: str = ""  # for a table with a `list` field: the name of the table it is compiled into
    primary_key: tuple[str, ...] = ("id",)
    order: tuple[str, ...] = ()  # the columns its rows are sorted by when written; by default its primary key
    # How a record of this table is named for people (the `label` column of `records`): parts in str.format
    # style, each kept only when every field it names has a value; a reference stands for the referred record's
    # label (see labels.py).
    label: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[str, ...]:
        return self.order or self.primary_key


def _id(example: str) -> Field:
    return Field(
        "id",
        "id",
        "Stable, readable identifier of this record, unique across the whole package.",
        required=True,
        example=example,
    )


CITE_TABLE = "citations"

TABLES: tuple[Table, ...] = (
    Table(
        "seeds",
        "Seeds",
        "The source documents every fact is cited from, kept byte for byte in seeds/.",
        (
            Field(
                "id", "id", "Identifier of the seed, used in citations.", required=True, example="cast-igf2021-booth"
            ),
            Field("file", "filename", "File name in seeds/.", required=True, example="002_0ae214f5d57581a8.txt"),
            Field(
                "sha256",
                "text",
                "SHA-256 of the file's bytes, pinned: a changed seed fails the check.",
                required=True,
                computed=True,
                example="32b6a24a779d1de55cb3922c6e1ec2f1212405c17ba5b6d39fa35d4c4fc3c046",
            ),
            Field("line_count", "integer", "Number of lines in the file.", required=True, computed=True, example="15"),
            Field("title", "text", "Title of the document, as printed or described.", required=True),
            Field("publisher", "text", "Who published the document.", required=True),
            Field("published", "date", "When the document was published.", example="2021"),
            Field("kind", "text", "What sort of document it is.", required=True, vocabulary="seed_kinds"),
            Field("language", "text", "Language of the text (BCP 47).", required=True, example="en"),
            Field("rights", "text", "Rights statement for the text.", required=True),
        ),
        cited=False,
        label=("{title}",),
    ),
    Table(
        "organizations",
        "Organizations",
        "Organizations named in the seeds.",
        (
            _id("org-cast"),
            Field(
                "name",
                "text",
                "Full name as printed (the most complete form the seeds give); for an organization "
                "the text mentions without naming it, a description in square brackets.",
                required=True,
                evidence="name",
                example="China Association for Science and Technology",
            ),
            Field("acronym", "text", "Acronym as printed.", evidence="acronym", example="CAST"),
            Field(
                "kind",
                "text",
                "What sort of organization it is, where the text says.",
                vocabulary="organization_kinds",
                evidence="vocabulary",
            ),
            Field(
                "country",
                "country",
                "ISO 3166-1 alpha-2 code of its country, where stated or implied.",
                evidence="vocabulary",
                example="CN",
            ),
            Field(
                "parent_id",
                "ref",
                "The organization it is part of (an institute of CAS, say).",
                to=("organizations",),
                hierarchical=True,
                evidence="reference",
            ),
            Field("description", "text", "How the seeds describe it, in short.", evidence="free-text"),
            Field("aliases", "list", "Other names and spellings the seeds use for it.", evidence="alias"),
        ),
        list_table="aliases",
        label=("{name}", " ({acronym})"),
    ),
    Table(
        "people",
        "People",
        "People named in the seeds.",
        (
            _id("person-chunli-bai"),
            Field(
                "name",
                "text",
                "Name as printed, given name first.",
                required=True,
                evidence="name",
                example="Chunli Bai",
            ),
            Field("honorific", "text", "Honorific as printed.", evidence="text", example="Prof."),
        ),
        label=("{name}",),
    ),
    Table(
        "events",
        "Events",
        "Workshops, webinars, meetings and other events.",
        (
            _id("event-zgc-forum-2020-workshop"),
            Field(
                "name",
                "text",
                "Name as printed, or a short description in square brackets where the text gives none.",
                required=True,
                evidence="name",
            ),
            Field(
                "kind",
                "text",
                "What sort of event it is.",
                required=True,
                vocabulary="event_kinds",
                evidence="vocabulary",
            ),
            Field("date", "date", "When it took place (its first day).", evidence="date", example="2020-09-18"),
            Field(
                "mode",
                "text",
                "Whether it took place online or in person.",
                vocabulary="event_modes",
                evidence="vocabulary",
            ),
            Field("place", "text", "Where it took place, as printed.", evidence="text", example="Beijing"),
            Field(
                "part_of_id",
                "ref",
                "The event it was part of.",
                to=("events",),
                hierarchical=True,
                evidence="reference",
            ),
            Field("description", "text", "What it was for, in short.", evidence="free-text"),
        ),
        label=("{name}",),
    ),
    Table(
        "resources",
        "Resources",
        "Databases, platforms, systems, web columns and initiatives.",
        (
            _id("res-2019ncovr"),
            Field(
                "name",
                "text",
                "Name as printed, or a short description in square brackets where the text gives none.",
                required=True,
                evidence="name",
                example="2019 Novel Coronavirus Resource",
            ),
            Field("acronym", "text", "Acronym as printed.", evidence="acronym", example="2019nCoVR"),
            Field(
                "kind",
                "text",
                "What sort of resource it is.",
                required=True,
                vocabulary="resource_kinds",
                evidence="vocabulary",
            ),
            Field("url", "url", "URL as printed (mended where a line break split it).", evidence="url"),
            Field("launch_date", "date", "When it was launched.", evidence="date", example="2020-01-22"),
            Field("description", "text", "What it does, in short.", evidence="free-text"),
        ),
        label=("{name}", " ({acronym})"),
    ),
    Table(
        "agreements",
        "Agreements",
        "Memoranda of understanding and other agreements.",
        (
            _id("agr-anso-unctad-mou"),
            Field(
                "kind",
                "text",
                "What sort of agreement it is.",
                required=True,
                vocabulary="agreement_kinds",
                evidence="vocabulary",
            ),
            Field("name", "text", 'What the text calls it, as printed ("MoU", say).', evidence="name", example="MoU"),
            Field("date", "date", "When it was signed.", evidence="date"),
            Field("purpose", "text", "What it is for, in short.", evidence="free-text"),
        ),
        label=("Agreement ({kind})", " of {date}"),
    ),
    Table(
        "roles",
        "Roles",
        "Titles people hold at organizations.",
        (
            _id("role-chunli-bai-president-cas"),
            Field("person_id", "ref", "The person.", required=True, to=("people",), evidence="reference"),
            Field("title", "text", "Title as printed.", required=True, evidence="title", example="President"),
            Field("organization_id", "ref", "Where the title is held.", to=("organizations",), evidence="reference"),
            Field("as_of", "date", "When the text shows the title held.", evidence="date"),
        ),
        label=("{person_id}: {title}", ", {organization_id}"),
    ),
    Table(
        "participations",
        "Participations",
        "Who took part in which event, and how.",
        (
            _id("part-zgc-workshop-bai-host"),
            Field("event_id", "ref", "The event.", required=True, to=("events",), evidence="reference"),
            Field(
                "participant_id",
                "ref",
                "The person or organization taking part.",
                required=True,
                to=("people", "organizations"),
                evidence="reference",
            ),
            Field(
                "role",
                "text",
                "How they took part.",
                required=True,
                vocabulary="participation_roles",
                evidence="vocabulary",
            ),
            Field(
                "representing_id",
                "ref",
                "The organization the participant came from or spoke for.",
                to=("organizations",),
                evidence="reference",
            ),
            Field("topic", "text", "What they spoke about, in short.", evidence="free-text"),
        ),
        label=("{participant_id}: {role} at {event_id}",),
    ),
    Table(
        "relations",
        "Relations",
        "Relationships between people, organizations, resources and agreements.",
        (
            _id("rel-cast-national-member-of-icsu"),
            Field(
                "subject_id",
                "ref",
                "The record the relation is about.",
                required=True,
                to=("people", "organizations", "resources", "events"),
                evidence="reference",
            ),
            Field(
                "relation",
                "text",
                "What the subject is to the object (see the relations of the vocabularies).",
                required=True,
                vocabulary="relations",
                evidence="vocabulary",
            ),
            Field(
                "object_id",
                "ref",
                "The record it relates to.",
                required=True,
                to=("organizations", "resources", "agreements"),
                evidence="reference",
            ),
            Field("since", "date", "Since when the relation holds.", evidence="date", example="2004"),
        ),
        label=("{subject_id} {relation} {object_id}",),
    ),
    Table(
        "statistics",
        "Statistics",
        "Figures the seeds give, with their comparator and date.",
        (
            _id("stat-cast-national-member-societies"),
            Field(
                "subject_id",
                "ref",
                "What the figure is about.",
                required=True,
                to=("organizations", "resources", "events", "agreements"),
                evidence="reference",
            ),
            Field(
                "measure",
                "text",
                "What is counted, in short.",
                required=True,
                evidence="free-text",
                example="national member societies",
            ),
            Field(
                "value",
                "integer",
                "The figure as a whole number (116 million is 116000000). Empty where the "
                "comparator is 'millions' and the text gives no number.",
                evidence="number",
                example="210",
            ),
            Field(
                "unit",
                "text",
                "What one unit of the value is.",
                required=True,
                evidence="free-text",
                example="societies",
            ),
            Field(
                "comparator",
                "text",
                "How the text qualifies the figure: exactly, more than, over, nearly, about, or only 'millions'.",
                required=True,
                vocabulary="comparators",
                evidence="vocabulary",
            ),
            Field("as_of", "date", "When the figure was true.", evidence="date", example="2020-09-06"),
        ),
        label=("{subject_id}: {measure}",),
    ),
    Table(
        "quotations",
        "Quotations",
        "Words quoted directly in the seeds.",
        (
            _id("quote-shirokizawa-noyori"),
            Field("speaker_id", "ref", "Who said or wrote them.", required=True, to=("people",), evidence="reference"),
            Field("quoted_id", "ref", "Whom the speaker quotes, if anyone.", to=("people",), evidence="reference"),
            Field("words", "text", "The words quoted, exactly.", required=True, evidence="text"),
            Field("event_id", "ref", "Where they were said.", to=("events",), evidence="reference"),
        ),
        label=("{speaker_id}: \u201c{words}\u201d",),
    ),
    Table(
        "statements",
        "Statements",
        "What a speaker or organization said, stressed or called for, in short.",
        (
            _id("stmt-bai-sdgs"),
            Field(
                "speaker_id", "ref", "Who said it.", required=True, to=("people", "organizations"), evidence="reference"
            ),
            Field(
                "verb", "text", "How it was said.", required=True, vocabulary="statement_verbs", evidence="vocabulary"
            ),
            Field("summary", "text", "What was said, in a short summary.", required=True, evidence="free-text"),
            Field("event_id", "ref", "Where it was said.", to=("events",), evidence="reference"),
        ),
        label=("{speaker_id} {verb}: {summary}",),
    ),
    Table(
        "retired_ids",
        "Retired ids",
        "Ids that were in a published package and are no longer used, with the id "
        "that replaces each or the reason it was withdrawn. A retired id is never used again.",
        (
            _id("org-example-retired"),
            Field(
                "replaced_by_id",
                "ref",
                "The record that now stands for what the retired id meant, if any.",
                to=("records",),
            ),
            Field(
                "reason",
                "text",
                "Why the id was retired: merged into another record, or withdrawn (and why).",
                required=True,
            ),
            Field(
                "version", "version", "The first version of the package without the id.", required=True, example="0.2.0"
            ),
        ),
        cited=False,
        label=("{id} (retired)", ", now {replaced_by_id}"),
    ),
)


# Tables compiled from the curated records, declared here so that they are documented like the rest.
DERIVED: tuple[Table, ...] = (
    Table(
        "records",
        "Records",
        "Every curated record's id and the table it is in: the target of references "
        "that may point into several tables.",
        (
            Field("id", "id", "The record's id.", required=True),
            Field("table", "text", "The table the record is in.", required=True, enum=tuple(t.name for t in TABLES)),
            Field(
                "label",
                "text",
                "A readable name for the record, made from its own fields and the labels of "
                "the records it refers to (see each table's `label` in model/tables.py), at most "
                "80 characters.",
                required=True,
                example="China Association for Science and Technology (CAST)",
            ),
        ),
        cited=False,
    ),
    Table(
        "aliases",
        "Aliases",
        "Other names and spellings of organizations.",
        (
            Field("organization_id", "ref", "The organization.", required=True, to=("organizations",)),
            Field("alias", "text", "The other name, as printed.", required=True),
        ),
        cited=False,
        primary_key=("organization_id", "alias"),
    ),
    Table(
        "inferences",
        "Inferences",
        "Values the seeds imply but do not print, and why they were inferred.",
        (
            Field("record_id", "ref", "The record holding the value.", required=True, to=("records",)),
            Field("field", "text", "The field whose value is inferred.", required=True),
            Field("reason", "text", "Why the value follows from the text.", required=True),
        ),
        cited=False,
        primary_key=("record_id", "field"),
    ),
    Table(
        CITE_TABLE,
        "Citations",
        "Where in the seeds each record's facts stand: the lines and the exact words.",
        (
            Field(
                "id",
                "text",
                "Identifier of the citation: the record id, '#', and the position.",
                required=True,
                example="org-cast#1",
            ),
            Field("record_id", "ref", "The record cited for.", required=True, to=("records",)),
            Field("position", "integer", "Position of the citation in the record's list (1-based).", required=True),
            Field("seed_id", "ref", "The seed cited.", required=True, to=("seeds",)),
            Field("line_start", "integer", "First cited line (1-based).", required=True),
            Field("line_end", "integer", "Last cited line (inclusive).", required=True),
            Field("quote", "text", "The exact words, as the curator wrote them.", required=True),
            Field(
                "char_start",
                "integer",
                "Offset of the quote's first character in the seed text (0-based, in Unicode code points).",
                required=True,
            ),
            Field(
                "char_end", "integer", "Offset just past the quote's last character in the seed text.", required=True
            ),
        ),
        cited=False,
        order=("record_id", "position"),
    ),
    Table(
        "evidence",
        "Evidence",
        "For every value a record grounds in its quotes (a reference, name, acronym, "
        "alias, title, figure, date or URL; see each field's evidence in the data dictionary), the words that "
        "state it: the citation and their character offsets in the seed. A value without a row here is marked "
        "inferred (see inferences), is a choice from a vocabulary, or is the curator's own text.",
        (
            Field("record_id", "ref", "The record holding the value.", required=True, to=("records",)),
            Field("field", "text", "The field.", required=True),
            Field("value", "text", "The value as text (for a reference, the referred id).", required=True),
            Field("citation_id", "ref", "The citation whose quote states it.", required=True, to=(CITE_TABLE,)),
            Field(
                "char_start",
                "integer",
                "Offset of the first character of the words in the seed text (0-based, in Unicode code points).",
                required=True,
            ),
            Field("char_end", "integer", "Offset just past the words' last character.", required=True),
            Field(
                "match",
                "text",
                "How the words were found: the value itself (name, acronym, alias, title, "
                "text, number, date, url), or for a reference the referred record's name, acronym, alias or "
                "surname.",
                required=True,
                enum=("name", "acronym", "alias", "surname", "title", "text", "number", "date", "url"),
            ),
        ),
        cited=False,
        primary_key=("record_id", "field", "value"),
    ),
    Table(
        "unsupported_words",
        "Unsupported words",
        "The words of curators' summaries, descriptions, topics and "
        "purposes that stand in none of the record's quotes nor in the labels of the records it refers to (by "
        "their stem, function words aside). Not errors: they show a reviewer where a summary goes beyond the "
        "text's words.",
        (
            Field("record_id", "ref", "The record.", required=True, to=("records",)),
            Field("field", "text", "The free-text field.", required=True),
            Field("word", "text", "The word, in lower case.", required=True),
        ),
        cited=False,
        primary_key=("record_id", "field", "word"),
    ),
)

ALL_TABLES: tuple[Table, ...] = TABLES + DERIVED
TABLE_BY_NAME = {t.name: t for t in ALL_TABLES}


def foreign_table(f: Field) -> str:
    """The table a reference field's foreign key points to: its only target, or the records registry."""
    return f.to[0] if len(f.to) == 1 else "records"
