"""The heuristic core, input by input: the numbers, dates and URLs a quote states (grounding.py), and where a
quote stands in a seed's text (seedtext.py). The whole-file fixtures exercise them too; these tables say what
each one does with each form the seeds use."""

import pytest

from anso_facts.check.grounding import dates_in, numbers_in, urls_in
from anso_facts.check.seedtext import SeedText, SeedTexts, closest_words, parse_lines


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("210 national member societies", {210}),
        ("More than 16,000 computer", {16_000}),
        ("over 5,000,000 downloads", {5_000_000}),
        ("116 million", {116_000_000}),
        ("one thousand participants", {1_000}),
        ("a hundred", {100}),
        ("nine countries", {9}),
        ("twenty-five", {25}),
        ("in 2004 it", {2004}),
        ("version 2.0", set()),  # a decimal is not a count
        ("1,2,3", set()),  # nor is a list
    ],
)
def test_numbers_in(text, numbers):
    assert numbers_in(text) == numbers


@pytest.mark.parametrize(
    "text, date",
    [
        ("18 September 2020", (2020, 9, 18)),
        ("August 31, 2020", (2020, 8, 31)),
        ("31 Jan. 2020", (2020, 1, 31)),
        ("July 2020", (2020, 7, None)),
        ("Sept. 2019", (2019, 9, None)),
        ("23 July", (None, 7, 23)),
        ("September 6", (None, 9, 6)),
        ("2004", (2004, None, None)),
    ],
)
def test_dates_in(text, date):
    assert date in dates_in(text)


def test_a_day_that_no_month_has_is_no_date():
    assert dates_in("32 July") == set()


@pytest.mark.parametrize(
    "text, urls",
    [
        ("see http://www.bhbd-alliance.org.", {"http://www.bhbd-alliance.org"}),  # the full stop ends the sentence
        ("(https://bigd.big.ac.cn/ncov?lang=en)", {"https://bigd.big.ac.cn/ncov?lang=en"}),
        ('at http://a.b/c"d', {"http://a.b/c"}),
    ],
)
def test_urls_in(text, urls):
    assert urls_in(text) == urls


SEED = SeedText("The Interna-\ntional  Alliance\n\nof \u201cScience\u201d Org-\n\nanizations\n")


@pytest.mark.parametrize(
    "quote, lines, found",
    [
        ("International Alliance", (1, 2), (4, 29, 1, 2)),  # a line-end hyphen joined, a run of spaces as one
        ("Interna-tional Alliance", (1, 2), (4, 29, 1, 2)),  # or kept
        ('of "Science"', (4, 4), (31, 43, 4, 4)),  # typographic quote marks
        ("Organizations", (4, 6), (44, 60, 4, 6)),  # hyphenated across a blank line
        ("the International", (1, 2), None),  # case is exact
        ("Alliance", (1, 1), None),  # only within the cited lines
    ],
)
def test_a_quote_in_its_lines(quote, lines, found):
    match = SEED.find(quote, *lines)
    assert (match and (match.char_start, match.char_end, match.line_start, match.line_end)) == found


def test_lines_parse_as_one_line_or_a_range():
    assert parse_lines(12) == (12, 12)
    assert parse_lines("12-14") == (12, 14)


SEEDS = SeedTexts({"s": SEED.text.encode(), "gone": None})


@pytest.mark.parametrize(
    "seed, lines, found",
    [
        ("s", "1-2", (4, 29)),
        ("s", 1, None),  # not within the cited lines
        ("s", "2-1", None),  # lines reversed
        ("s", "1-7", None),  # past the seed's end
        ("gone", "1-2", None),  # no such seed's text
        ("missing", "1-2", None),
    ],
)
def test_a_citation_is_located_only_in_lines_its_seed_has(seed, lines, found):
    cite = {"seed": seed, "lines": lines, "quote": "International Alliance"}
    match = SEEDS.locate(cite)
    assert (match and (match.char_start, match.char_end)) == found
    assert (SEEDS.cited_text(cite) is not None) == (seed == "s" and lines in ("1-2", 1))


def test_the_closest_words_word_by_word_or_letter_by_letter():
    text = "the China Association for Science and Technology met".split()
    assert closest_words("Chinese Association".split(), [text], (2, 3)) is None  # one word of two: not close
    assert closest_words("China Association of Science".split(), [text], (3, 4, 5)) == text[1:5]
    assert closest_words("Chna Asociation", [text], (2,), " ".join) == ["China", "Association"]
    assert closest_words("Unrelated", [text, []], (1,), " ".join) is None
