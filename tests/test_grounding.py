"""The heuristic core, input by input: the numbers, dates and URLs a quote states (grounding.py), and where a
quote stands in a seed's text (seedtext.py). The whole-file fixtures exercise them too; these tables say what
each one does with each form the seeds use."""

import pytest

from anso_facts.check.grounding import dates_in, numbers_in, urls_in
from anso_facts.check.seedtext import SeedText


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
