"""Annotations stage: every citation as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/).

The target is the seed file with two selectors that must agree: a TextQuoteSelector (the exact text at the
citation's offsets, with up to CONTEXT characters before and after) and a TextPositionSelector (its start and
end, in Unicode code points). The body is the record's page on the review site."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from .metadata import METADATA

CONTEXT = 32
FILE_NAME = "annotations.jsonld"


def _table(root: Path, name: str) -> list[dict]:
    return pq.read_table(root / "build" / "parquet" / f"{name}.parquet").to_pylist()


def seed_texts(root: Path) -> dict[str, tuple[str, str]]:
    """Seed id -> (file name, text)."""
    return {seed["id"]: (seed["file"], (root / "seeds" / seed["file"]).read_text(encoding="utf-8"))
            for seed in _table(root, "seeds")}


def annotation(cite: dict, file: str, text: str, label: str) -> dict:
    start, end = cite["char_start"], cite["char_end"]
    return {
        "id": f"urn:anso-facts:citation:{cite['id']}",
        "type": "Annotation",
        "motivation": "linking",
        "body": {"id": f"records/{cite['record_id']}.html", "type": "Text", "format": "text/html",
                 "title": label},
        "target": {
            "source": f"seeds/{file}",
            "type": "Text",
            "format": "text/plain",
            "selector": [
                {"type": "TextQuoteSelector", "exact": text[start:end],
                 "prefix": text[max(0, start - CONTEXT):start], "suffix": text[end:end + CONTEXT]},
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        },
    }


def annotation_collection(root: Path) -> dict:
    """Every citation of the built package in `root`, as one AnnotationCollection with one page."""
    texts = seed_texts(root)
    labels = {r["id"]: r["label"] for r in _table(root, "records")}
    items = [annotation(cite, *texts[cite["seed_id"]], labels[cite["record_id"]])
             for cite in _table(root, "citations")]
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": FILE_NAME,
        "type": "AnnotationCollection",
        "label": f"{METADATA['title']}: where each record's facts stand in the seeds",
        "total": len(items),
        "first": {"id": f"{FILE_NAME}#page-1", "type": "AnnotationPage", "startIndex": 0, "items": items},
    }
