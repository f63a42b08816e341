"""The curated facts, end to end: values in the built tables, and citations whose lines hold their quotes."""

import re

import pytest

import anso_facts
from anso_facts.coverage import coverage
from anso_facts.rules import check
from anso_facts.seedtext import TYPOGRAPHIC, normalise_quote
from conftest import REPO


def row(built, table, record_id):
    frame = anso_facts.load(table, built)
    return frame[frame["id"] == record_id].iloc[0]


def seed_text(built, seed_id) -> str:
    file = row(built, "seeds", seed_id)["file"]
    return (built / "seeds" / file).read_text(encoding="utf-8")


def test_every_citation_points_at_its_quote(built):
    """Independently of the matcher: the cited characters, with line breaks and white space made one space and
    a line-end hyphenation joined with or without its hyphen, are the quote."""
    for cite in anso_facts.load("citations", built).itertuples():
        text = seed_text(built, cite.seed_id)
        cited = text[cite.char_start:cite.char_end].translate(TYPOGRAPHIC)
        assert cite.line_start == text.count("\n", 0, cite.char_start) + 1 or cite.line_start < cite.line_end
        assert text.count("\n", 0, cite.char_end) + 1 <= cite.line_end
        forms = {re.sub(r"\s+", " ", re.sub(r"(?<=\w)-[ \t]*\n\s*(?=\w)", joint, cited)) for joint in ("", "-")}
        assert normalise_quote(cite.quote) in forms, (cite.id, cited)


@pytest.mark.parametrize("table, record_id, expected, quoted", [
    ("statistics", "stat-cast-national-member-societies",
     {"value": 210, "comparator": "exactly", "unit": "societies"}, "210 national member societies"),
    ("statistics", "stat-hub-ip-users", {"value": 16000, "comparator": "more-than"}, "More than 16,000 computer"),
    ("statistics", "stat-joint-action-participants", {"value": 100, "comparator": "more-than"},
     "More than a hundred scientists"),
    ("relations", "rel-cast-consultative-status-with-ecosoc",
     {"relation": "consultative-status-with", "object_id": "org-ecosoc", "since_precision": "year"},
     "In 2004, CAST was granted consultative status"),
    ("organizations", "org-cast", {"acronym": "CAST", "country": "CN"}, "China Association for Science"),
    ("events", "event-who-pheic-announcement", {"date_precision": "day"}, "31 Jan. 2020"),
    ("statistics", "stat-2019ncovr-genome-sequences-letter", {"value": 2500, "comparator": "more-than"},
     "more than 2,500 non-redundant novel coronavirus genome sequences"),
    ("statistics", "stat-2019ncovr-downloads-letter", {"value": 5_000_000, "comparator": "over"},
     "over 5 million downloads"),
    ("resources", "res-2019ncovr", {"url": "https://bigd.big.ac.cn/ncov?lang=en", "acronym": "2019nCoVR"},
     "<https://bigd.big.ac.cn/ncov?lang=en>"),
    ("roles", "role-chunli-bai-president-anso", {"organization_id": "org-anso", "title": "President"},
     "As president of ANSO"),
])
def test_facts_end_to_end(built, table, record_id, expected, quoted):
    record = row(built, table, record_id)
    for name, value in expected.items():
        assert record[name] == value
    cites = anso_facts.citations(record_id, built)
    assert any(quoted in text for text in cites["text"])


def test_one_record_for_two_spellings(built):
    aliases = anso_facts.load("aliases", built)
    cncb = aliases[aliases["organization_id"] == "org-cncb"]
    assert list(cncb["alias"]) == ["China National Center for Bioinformatics"]
    assert row(built, "organizations", "org-cncb")["name"] == "China National Center for Bioinformation"
    assert set(anso_facts.citations("org-cncb", built)["seed_id"]) == {"anso-newsletter-2020", "bai-letter-2020"}


def test_dates_keep_their_precision(built):
    relation = row(built, "relations", "rel-cast-consultative-status-with-ecosoc")
    assert str(relation["since"].date()) == "2004-01-01" and relation["since_precision"] == "year"
    event = row(built, "events", "event-who-pheic-announcement")
    assert str(event["date"].date()) == "2020-01-31"


def test_inferred_values_say_why(built):
    inferences = anso_facts.load("inferences", built)
    joint_action = inferences[inferences["record_id"] == "event-cast-covid-joint-action"]
    assert list(joint_action["field"]) == ["date"]
    assert "only a few hours after" in joint_action.iloc[0]["reason"]


@pytest.mark.parametrize("seed_id, content_lines", [("cast-igf2021-booth", 10), ("bai-letter-2020", 16)])
def test_curated_seeds_are_completely_cited(seed_id, content_lines):
    facts, _ = check(REPO)
    seed = next(c for c in coverage(facts) if c.seed_id == seed_id)
    assert seed.uncited == ()
    assert seed.content_lines == content_lines
