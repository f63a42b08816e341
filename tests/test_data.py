"""The curated facts, end to end: values in the built tables, and citations whose lines hold their quotes."""

import re
import shutil

import pytest

import anso_facts
from anso_facts.check.coverage import coverage
from anso_facts.check.run import check
from anso_facts.check.seedtext import TYPOGRAPHIC, normalise_quote
from helpers import REPO


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
        cited = text[cite.char_start : cite.char_end].translate(TYPOGRAPHIC)
        assert cite.line_start == text.count("\n", 0, cite.char_start) + 1 or cite.line_start < cite.line_end
        assert text.count("\n", 0, cite.char_end) + 1 <= cite.line_end
        forms = {re.sub(r"\s+", " ", re.sub(r"(?<=\w)-[ \t]*\n\s*(?=\w)", joint, cited)) for joint in ("", "-")}
        assert normalise_quote(cite.quote) in forms, (cite.id, cited)


@pytest.mark.parametrize(
    "table, record_id, expected, quoted",
    [
        (
            "statistics",
            "stat-cast-national-member-societies",
            {"value": 210, "comparator": "exactly", "unit": "societies"},
            "210 national member societies",
        ),
        ("statistics", "stat-hub-ip-users", {"value": 16000, "comparator": "more-than"}, "More than 16,000 computer"),
        (
            "statistics",
            "stat-joint-action-participants",
            {"value": 100, "comparator": "more-than"},
            "More than a hundred scientists",
        ),
        (
            "relations",
            "rel-cast-consultative-status-with-ecosoc",
            {"relation": "consultative-status-with", "object_id": "org-ecosoc", "since_precision": "year"},
            "In 2004, CAST was granted consultative status",
        ),
        ("organizations", "org-cast", {"acronym": "CAST", "country": "CN"}, "China Association for Science"),
        ("events", "event-who-pheic-announcement", {"date_precision": "day"}, "31 Jan. 2020"),
        (
            "statistics",
            "stat-2019ncovr-genome-sequences-letter",
            {"value": 2500, "comparator": "more-than"},
            "more than 2,500 non-redundant novel coronavirus genome sequences",
        ),
        (
            "statistics",
            "stat-2019ncovr-downloads-letter",
            {"value": 5_000_000, "comparator": "over"},
            "over 5 million downloads",
        ),
        (
            "resources",
            "res-2019ncovr",
            {"url": "https://bigd.big.ac.cn/ncov?lang=en", "acronym": "2019nCoVR"},
            "<https://bigd.big.ac.cn/ncov?lang=en>",
        ),
        (
            "roles",
            "role-chunli-bai-president-anso",
            {"organization_id": "org-anso", "title": "President"},
            "As president of ANSO",
        ),
        # seed anso-newsletter-2020
        (
            "events",
            "event-zgc-forum-2020-workshop",
            {"kind": "workshop", "mode": "online", "part_of_id": "event-zgc-forum-2020", "date_precision": "day"},
            "On 18 September 2020, the High-Level Workshop",
        ),
        (
            "statistics",
            "stat-zgc-workshop-online-audience",
            {"value": 1000, "comparator": "more-than"},
            "more than one\nthousand audiences",
        ),
        (
            "statistics",
            "stat-2019ncovr-downloads-newsletter",
            {"value": 116_000_000, "comparator": "over"},
            "over 116\nmillion downloads",
        ),
        (
            "statistics",
            "stat-2019ncovr-genome-sequences-newsletter",
            {"value": 100_000, "comparator": "nearly"},
            "nearly \n100,000 non-redundant",
        ),
        (
            "statistics",
            "stat-bhbd-member-institutions",
            {"value": 27, "as_of_precision": "month"},
            "As of July \n2020, 27 institutions from 12 countries",
        ),
        (
            "roles",
            "role-prasit-palittapingarnpim-acting-executive-vice-president-nstda",
            {"title": "Acting Executive Vice President", "organization_id": "org-nstda"},
            "Acting Executive Vice Presi-",
        ),
        (
            "organizations",
            "org-fiocruz",
            {"acronym": "FIOCRUZ", "country": "BR", "kind": "foundation"},
            "Oswaldo Cruz Foun-\ndation (FIOCRUZ, Brazil)",
        ),
        (
            "relations",
            "rel-unctad-established-by-un-general-assembly",
            {"object_id": "org-un-general-assembly", "since_precision": "year"},
            "General Assembly in \n1964",
        ),
        ("relations", "rel-bhbd-hosted-by-cncb", {"relation": "hosted-by"}, "BHBD is hosted by"),
        (
            "participations",
            "part-webinar-david-james-molden-opening-speaker",
            {"role": "opening-speaker", "representing_id": "org-icimod"},
            "gave an opening speech",
        ),
        (
            "quotations",
            "quote-shirokizawa-noyori",
            {"speaker_id": "person-yoshiko-shirokizawa", "quoted_id": "person-ryoji-noyori"},
            "“Solidarity of the world’s scientific community can \nsave humankind”",
        ),
    ],
)
def test_facts_end_to_end(built, table, record_id, expected, quoted):
    record = row(built, table, record_id)
    for name, value in expected.items():
        assert record[name] == value
    cites = anso_facts.citations(record_id, built)
    assert any(" ".join(quoted.split()) in " ".join(text.split()) for text in cites["text"])


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


def test_a_figure_keeps_each_of_its_dates(built):
    """The letter's early 2019nCoVR figures and the newsletter's later ones stand side by side."""
    stats = anso_facts.load("statistics", built)
    downloads = stats[(stats["subject_id"] == "res-2019ncovr") & (stats["measure"] == "downloads")]
    found = zip(
        downloads["as_of"].dt.strftime("%Y-%m-%d"), downloads["as_of_precision"], downloads["value"], strict=True
    )
    assert sorted(found) == [("2020-01-01", "year", 5_000_000), ("2020-09-06", "day", 116_000_000)]


def test_years_the_newsletter_leaves_out_are_marked_inferred(built):
    inferences = anso_facts.load("inferences", built).set_index(["record_id", "field"])["reason"]
    for record_id, field, printed in [
        ("agr-anso-unctad-mou", "date", "On 23 July"),
        ("event-nimte-nanotec-nstda-meeting", "date", "On July 13"),
        ("stat-2019ncovr-visitors-newsletter", "as_of", "As of September 6"),
    ]:
        assert printed in inferences[(record_id, field)]


def test_a_url_mended_across_a_line_break_is_marked(built):
    platform = row(built, "resources", "res-anso-pfip")
    assert platform["url"] == "http://www.covda.tpdc.ac.cn/about_us"
    inferences = anso_facts.load("inferences", built)
    reason = inferences[(inferences["record_id"] == "res-anso-pfip") & (inferences["field"] == "url")]
    assert "co-vda" in reason.iloc[0]["reason"]


def test_a_misprint_keeps_its_printed_words_and_the_right_name(built):
    nimte = row(built, "organizations", "org-nimte")
    assert (nimte["name"], nimte["acronym"]) == ("Ningbo Institute of Materials Technology and Engineering", "NIMTE")
    assert "misprint" in nimte["note"]
    aliases = anso_facts.load("aliases", built)
    assert list(aliases[aliases["organization_id"] == "org-nimte"]["alias"]) == ["NIMET"]
    assert any("Between NIMET and NSTDA" in quote for quote in anso_facts.citations("org-nimte", built)["quote"])


def test_interleaved_columns_are_cited_in_pieces(built):
    """A sentence the extraction split around another column is cited as two passages, never one range."""
    cites = anso_facts.citations("stmt-cao-mou-unctad-platform", built)
    ranges = list(zip(cites["line_start"], cites["line_end"], strict=True))
    assert (148, 150) in ranges and (163, 163) in ranges  # (and the line naming the speaker, for the evidence)
    assert not any(first <= 150 and last >= 163 for first, last in ranges)
    assert cites["text"][ranges.index((163, 163))].startswith("security issue.")


def test_coverage_counts_only_the_lines_a_quote_stands_on(project):
    """Citing the whole seed for a few words covers the lines of those words, not the whole seed."""
    for path in [*(project / "data").iterdir()]:  # every fact file goes; the vocabularies stay
        if path.name != "vocabularies.yaml":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    (project / "data" / "forum.yaml").write_text(
        "events:\n- id: event-zgc-forum-2020\n  name: Zhongguancun Forum 2020\n  kind: forum\n  cite:\n"
        "  - seed: anso-newsletter-2020\n    lines: 1-256\n    quote: the Zhongguancun Forum 2020\n",
        encoding="utf-8",
    )
    checked, problems = check(project)
    assert problems == []
    newsletter = next(c for c in coverage(checked) if c.seed_id == "anso-newsletter-2020")
    assert newsletter.cited == {2, 3}
    assert len(newsletter.uncited) == newsletter.content_lines - 2 - len(newsletter.excluded)


@pytest.mark.parametrize(
    "seed_id, content_lines", [("cast-igf2021-booth", 10), ("bai-letter-2020", 16), ("anso-newsletter-2020", 215)]
)
def test_curated_seeds_are_completely_cited(seed_id, content_lines):
    checked, _ = check(REPO)
    seed = next(c for c in coverage(checked) if c.seed_id == seed_id)
    assert seed.uncited == ()
    assert seed.content_lines == content_lines


# The independent review's corrections (issue 13) --------------------------------------------------------------


def objects(built, subject_id, relation):
    relations = anso_facts.load("relations", built)
    chosen = relations[(relations["subject_id"] == subject_id) & (relations["relation"] == relation)]
    return sorted(chosen["object_id"])


def test_who_belongs_where_is_a_query(built):
    relations = anso_facts.load("relations", built)
    affiliated = relations[relations["relation"] == "affiliated-with"]
    from_nstda = affiliated[affiliated["object_id"] == "org-nstda"]["subject_id"]
    assert list(from_nstda) == ["person-lily-eurwilaichitr"]
    assert objects(built, "person-yiming-bao", "affiliated-with") == ["org-big", "org-cncb"]
    assert objects(built, "person-xin-zhang", "affiliated-with") == ["org-big", "org-cncb"]
    assert objects(built, "person-varol-intasanta", "affiliated-with") == ["org-nanotec"]
    records = anso_facts.load("records", built).set_index("id")["table"]
    assert set(records[affiliated["subject_id"]]) == {"people"}


def test_bhbd_founding_members_and_their_countries_are_data(built):
    relations = anso_facts.load("relations", built)
    founders = relations[(relations["relation"] == "founding-member-of") & (relations["object_id"] == "org-bhbd")]
    orgs = anso_facts.load("organizations", built).set_index("id")
    countries = sorted(orgs.loc[founders["subject_id"], "country"].dropna())
    assert countries == ["CN", "PK", "RU", "SA", "TH"]  # BIG has no country of its own: CNCB's is CN
    assert objects(built, "org-bhbd", "association-of") == ["org-anso"]
    assert row(built, "organizations", "org-bhbd")["kind"] == "non-governmental-organization"


def test_the_letter_keeps_its_authors_words(built):
    quotations = anso_facts.load("quotations", built)
    letter = quotations[quotations["id"].str.startswith("quote-bai-letter-")]
    assert set(letter["speaker_id"]) == {"person-chunli-bai"} and len(letter) == 3
    text = " ".join(seed_text(built, "bai-letter-2020").split())
    assert all(words in text for words in letter["words"])  # word for word
    assert "I believe" in letter[letter["id"] == "quote-bai-letter-sharing-pivotal"]["words"].iloc[0]


def test_summaries_say_no_more_than_the_text(built):
    assert "its members" not in row(built, "organizations", "org-cast")["description"]
    assert "summary" not in row(built, "participations", "part-zgc-workshop-yoshiko-shirokizawa-speaker")["topic"]
    assert "Secretariat" not in row(built, "statements", "stmt-nstda-green-technology-request")["summary"]
    assert "future work" not in row(built, "participations", "part-mou-signing-jinghua-cao-speaker")["topic"]
    cites = anso_facts.citations("role-chunli-bai-president-cas", built)
    assert set(cites["seed_id"]) == {"anso-newsletter-2020"}  # the letter's signature does not make him CAS's


def test_doubtful_readings_are_marked_inferred(built):
    inferences = anso_facts.load("inferences", built).set_index(["record_id", "field"])["reason"]
    participations = anso_facts.load("participations", built)
    keynotes = participations[participations["role"] == "keynote-speaker"]
    assert len(keynotes) == 8
    assert all((record_id, "role") in inferences.index for record_id in keynotes["id"])
    assert ("stmt-shirokizawa-zgc-summary", "speaker_id") in inferences.index
    for record_id in ("org-anso-secretariat", "org-bhbd-council", "org-undg", "org-un-secretariat"):
        assert "Implied by the name" in inferences[(record_id, "parent_id")]
    assert not any("July to September" in reason for reason in inferences)
