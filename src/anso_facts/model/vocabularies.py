"""The controlled lists, as curated data: data/vocabularies.yaml holds every kind, role, verb, comparator and
relation a record may take, each with its definition. A field of the model names its list (`Field.vocabulary`);
the JSON Schemas, the Table Schemas, the data dictionary and the site take the terms from here, so that adding a
term is a change of data, reviewed like any other, and never a change of code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FILE = Path("data/vocabularies.yaml")
TERM = r"^[a-z0-9]+(-[a-z0-9]+)*$"
TABLES_RELATED = ("people", "organizations", "resources", "events", "agreements")  # what a relation may join


@dataclass(frozen=True)
class Relation:
    name: str
    definition: str
    subjects: tuple[str, ...]  # the tables its subject may be in
    objects: tuple[str, ...]  # the tables its object may be in
    hierarchical: bool = False  # like parent_id: no record may be part of itself through it, however far round


@dataclass(frozen=True)
class Vocabularies:
    """Every list: its terms, in the file's order, each with its definition; and what the rules need to know of
    two of them: which comparators take no value, and what each relation joins."""

    terms: dict[str, dict[str, str]] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    valueless: tuple[str, ...] = ()  # comparators whose figure is an order of magnitude only ("millions")

    def of(self, name: str) -> tuple[str, ...]:
        return tuple(self.terms.get(name, ()))

    @property
    def hierarchical(self) -> tuple[str, ...]:
        return tuple(name for name, relation in self.relations.items() if relation.hierarchical)

    def described(self, name: str) -> list[tuple[str, str]]:
        """Each term of a list with its definition, as the docs and the site show it: a relation's with the tables
        it joins."""
        described = []
        for term, definition in self.terms.get(name, {}).items():
            relation = self.relations.get(term) if name == "relations" else None
            if relation:
                definition += f" (subject in {', '.join(relation.subjects)}; object in {', '.join(relation.objects)})"
            described.append((term, definition))
        return described


def from_document(document: dict) -> Vocabularies:
    """The vocabularies of data/vocabularies.yaml, as parsed and valid against `schema()`."""
    terms: dict[str, dict[str, str]] = {}
    for name, entries in document.items():
        terms[name] = {
            term: entry if isinstance(entry, str) else entry["definition"] for term, entry in entries.items()
        }
    relations = {
        name: Relation(
            name,
            entry["definition"],
            tuple(entry["subjects"]),
            tuple(entry["objects"]),
            entry.get("hierarchical", False),
        )
        for name, entry in document.get("relations", {}).items()
    }
    valueless = tuple(
        term for term, entry in document.get("comparators", {}).items() if not entry.get("takes_value", True)
    )
    return Vocabularies(terms, relations, valueless)


LISTS = {  # every list the file holds, and what it is for
    "seed_kinds": "What sort of document a seed is.",
    "organization_kinds": "What sort of organization it is.",
    "event_kinds": "What sort of event it is.",
    "event_modes": "Whether an event took place online or in person.",
    "resource_kinds": "What sort of resource it is.",
    "agreement_kinds": "What sort of agreement it is.",
    "participation_roles": "How someone took part in an event.",
    "statement_verbs": "How a statement was made.",
    "comparators": "How the text qualifies a figure.",
    "relations": "What the subject of a relation is to its object.",
}


def _comparator_schema(definition: dict) -> dict:
    """A comparator: its definition, and whether a figure it qualifies has a value."""
    return {
        "type": "object",
        "required": ["definition"],
        "additionalProperties": False,
        "properties": {
            "definition": definition,
            "takes_value": {
                "type": "boolean",
                "description": "false for a comparator that "
                "gives an order of magnitude only, so the figure has no value",
            },
        },
    }


def _relation_schema(definition: dict) -> dict:
    """A relation: its definition, the tables its subjects and objects come from, and whether it is a
    hierarchy."""
    tables = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(TABLES_RELATED)}}
    return {
        "type": "object",
        "required": ["definition", "subjects", "objects"],
        "additionalProperties": False,
        "properties": {
            "definition": definition,
            "subjects": tables,
            "objects": tables,
            "hierarchical": {
                "type": "boolean",
                "description": "true for a relation no record may be its own ancestor through",
            },
        },
    }


def schema() -> dict:
    """The JSON Schema of data/vocabularies.yaml."""
    definition = {"type": "string", "pattern": r"\S", "description": "What the term means."}
    plain = {
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": TERM},
        "additionalProperties": definition,
    }
    properties = {name: {**plain, "description": about} for name, about in LISTS.items()}
    # comparators and relations: each term a definition with more to say than its meaning
    comparator, relation = _comparator_schema(definition), _relation_schema(definition)
    properties["comparators"] = {**plain, "additionalProperties": comparator, "description": LISTS["comparators"]}
    properties["relations"] = {**plain, "additionalProperties": relation, "description": LISTS["relations"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "anso-facts vocabularies (data/vocabularies.yaml)",
        "type": "object",
        "required": list(LISTS),
        "additionalProperties": False,
        "properties": properties,
    }
