"""Annotations stage: every citation, and every evidence row (the words that state a record's value), as a W3C
Web Annotation (https://www.w3.org/TR/annotation-model/).

The target is the seed file with two selectors that must agree: a TextQuoteSelector (the exact text at the
offsets, with up to CONTEXT characters before and after) and a TextPositionSelector (its start and end, in
Unicode code points). A citation's body is the record's page on the review site; an evidence row's, the record's
field and value as text ("org-cast.acronym = CAST") and the record's page. Links are relative to the site, each
name in them percent-encoded (html_contexts.segment)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

from anso_facts.model.metadata import METADATA
from anso_facts.site.data import Package
from anso_facts.site.file_names import seed_text_file
from anso_facts.site.html_contexts import segment
from anso_facts.site.render import write_one_line_json

CONTEXT = 32
FILE_NAME = "annotations.jsonld"


# Each id, field, value and file name is percent-encoded once, not once per annotation: a site may have 100,000 records
# and several annotations of each (segment is urllib's quote, the most of this stage's time when called each time)
_segment = cache(segment)


def target(file: str, text: str, start: int, end: int) -> dict:
    """The characters [start, end) of a seed's text, `file` its name in the site's seeds/."""
    return {
        "source": f"seeds/{_segment(file)}",
        "type": "Text",
        "format": "text/plain",
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": text[start:end],
                "prefix": text[max(0, start - CONTEXT) : start],
                "suffix": text[end : end + CONTEXT],
            },
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }


def record_page(record_id: str, label: str) -> dict:
    return {"id": f"records/{_segment(record_id)}.html", "type": "Text", "format": "text/html", "title": label}


def annotation(cite: dict, file: str, text: str, label: str) -> dict:
    return {
        "id": f"urn:anso-facts:citation:{cite['id']}",
        "type": "Annotation",
        "motivation": "linking",
        "body": record_page(cite["record_id"], label),
        "target": target(file, text, cite["char_start"], cite["char_end"]),
    }


def evidence_annotation(row: dict, file: str, text: str, label: str) -> dict:
    """An evidence row (the words of a quote that state a record's value) as an annotation whose body names
    the record's field and value, and links to the record's page.

    Its motivation is "identifying", of the W3C vocabulary's: the annotation says what the target's words are
    (the statement of this value of this record, an entity a reference points at, a name, a figure, a date),
    which is what "identifying" is for ("to assign an identity to the Target or identify what is being depicted
    or described in the Target"). Not "describing" (the body is no description of the words), nor "linking"
    (that is the citation's annotation: the record rests on the quote), nor "tagging" or "classifying" (the
    body is a value, not a tag or a class)."""
    record_id, field, value = row["record_id"], row["field"], row["value"]
    return {
        "id": f"urn:anso-facts:evidence:{_segment(record_id)}:{_segment(field)}:{_segment(value)}",
        "type": "Annotation",
        "motivation": "identifying",
        "body": [
            {
                "type": "TextualBody",
                "value": f"{record_id}.{field} = {value}",
                "format": "text/plain",
                "language": "en",
                "purpose": "identifying",
            },
            record_page(record_id, label),
        ],
        "target": target(file, text, row["char_start"], row["char_end"]),
    }


def annotation_items(
    citations: list[dict], labels: dict[str, str], seed_texts: dict[str, tuple[str, str]], evidence: Sequence[dict] = ()
) -> Iterator[dict]:
    """Every citation (rows of the citations table), then every evidence row (of the evidence table), as an
    annotation; `labels`: record id -> label; `seed_texts`: seed id -> (the name of its text in the site's seeds/,
    text)."""
    yield from (annotation(cite, *seed_texts[cite["seed_id"]], labels[cite["record_id"]]) for cite in citations)
    seed_of = {cite["id"]: cite["seed_id"] for cite in citations}
    for row in evidence:
        yield evidence_annotation(row, *seed_texts[seed_of[row["citation_id"]]], labels[row["record_id"]])


def annotation_collection(total: int) -> dict:
    """The AnnotationCollection of `total` annotations, with one page whose items (the last value) are empty:
    annotation_items fills them as the file is written."""
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": FILE_NAME,
        "type": "AnnotationCollection",
        "label": f"{METADATA['title']}: where each record's facts, and the words that state each value, stand in "
        "the seeds",
        "total": total,
        "first": {"id": f"{FILE_NAME}#page-1", "type": "AnnotationPage", "startIndex": 0, "items": []},
    }


def write_annotations(package: Package, root: Path, out: Path) -> None:
    """annotations.jsonld: every citation and evidence row of `package` as an annotation."""
    seed_texts = {
        seed["id"]: (seed_text_file(seed["id"]), package.checked.texts[seed["id"]].text)
        for seed in package.tables["seeds"]
    }
    citations, evidence = package.tables["citations"], package.tables["evidence"]
    items = annotation_items(citations, package.labels, seed_texts, evidence)
    write_one_line_json(out / FILE_NAME, annotation_collection(len(citations) + len(evidence)), items)
