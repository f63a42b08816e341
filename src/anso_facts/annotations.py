"""Annotations stage: every citation as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/).

The target is the seed file with two selectors that must agree: a TextQuoteSelector (the exact text at the
citation's offsets, with up to CONTEXT characters before and after) and a TextPositionSelector (its start and
end, in Unicode code points). The body is the record's page on the review site. Both are links relative to the
site, each name in them percent-encoded (html_contexts.segment)."""

from __future__ import annotations

from .html_contexts import segment
from .metadata import METADATA

CONTEXT = 32
FILE_NAME = "annotations.jsonld"


def annotation(cite: dict, file: str, text: str, label: str) -> dict:
    start, end = cite["char_start"], cite["char_end"]
    return {
        "id": f"urn:anso-facts:citation:{cite['id']}",
        "type": "Annotation",
        "motivation": "linking",
        "body": {"id": f"records/{segment(cite['record_id'])}.html", "type": "Text", "format": "text/html",
                 "title": label},
        "target": {
            "source": f"seeds/{segment(file)}",
            "type": "Text",
            "format": "text/plain",
            "selector": [
                {"type": "TextQuoteSelector", "exact": text[start:end],
                 "prefix": text[max(0, start - CONTEXT):start], "suffix": text[end:end + CONTEXT]},
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        },
    }


def annotation_collection(citations: list[dict], labels: dict[str, str],
                          seed_texts: dict[str, tuple[str, str]]) -> dict:
    """Every citation (rows of the citations table) as one AnnotationCollection with one page; `labels`: record
    id -> label; `seed_texts`: seed id -> (the name of its text in the site's seeds/, text)."""
    items = [annotation(cite, *seed_texts[cite["seed_id"]], labels[cite["record_id"]]) for cite in citations]
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": FILE_NAME,
        "type": "AnnotationCollection",
        "label": f"{METADATA['title']}: where each record's facts stand in the seeds",
        "total": len(items),
        "first": {"id": f"{FILE_NAME}#page-1", "type": "AnnotationPage", "startIndex": 0, "items": items},
    }
