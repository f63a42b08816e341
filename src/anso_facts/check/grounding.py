"""What numbers, dates and URLs a quote states, read as the seeds write them (a curated date: model/dates.py).

Numbers: "210", "100,000", "116 million", "one thousand", "a hundred", "nine".
Dates: "18 September 2020", "August 31, 2020", "31 Jan. 2020", "July 2020", "23 July", "September 6", "2004".
A date is a (year, month, day) tuple with None where the text leaves a part out.
"""

from __future__ import annotations

import re

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_NUMBER = {**{m: i for i, m in enumerate(_MONTHS, 1)}, **{m[:3]: i for i, m in enumerate(_MONTHS, 1)}, "sept": 9}
_MONTH = (
    r"(?P<{}>(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_YEAR = r"(?P<{}>1[0-9]{{3}}|20[0-9]{{2}})"
_DAY = r"(?P<{}>[0-3]?[0-9])"
_DATE_FORMS = [
    re.compile(p)
    for p in (
        rf"\b{_DAY.format('d')} {_MONTH.format('m')},? {_YEAR.format('y')}\b",  # 18 September 2020
        rf"\b{_MONTH.format('m')} {_DAY.format('d')}(?:st|nd|rd|th)?, {_YEAR.format('y')}\b",  # August 31, 2020
        rf"\b{_MONTH.format('m')},? {_YEAR.format('y')}\b",  # July 2020
        rf"\b{_DAY.format('d')} {_MONTH.format('m')}(?!\w)",  # 23 July
        rf"\b{_MONTH.format('m')} {_DAY.format('d')}\b(?!,? [0-9])",  # September 6
        rf"\b{_YEAR.format('y')}\b",  # 2004
    )
]

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_DIGITS = re.compile(r"(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d+)(?![\d,.]\d)(?:\s+(thousand|million|billion)\b)?")
_WORD = re.compile(r"[A-Za-z]+")


def dates_in(text: str) -> set[tuple]:
    return {date for date, _, _ in date_spans(text)}


def date_spans(text: str) -> list[tuple[tuple, int, int]]:
    """Every date the text states, with where it stands: ((year, month, day), start, end)."""
    found = []
    for form in _DATE_FORMS:
        for m in form.finditer(text):
            parts = m.groupdict()
            year = int(parts["y"]) if parts.get("y") else None
            month = _MONTH_NUMBER[parts["m"].rstrip(".").lower()] if parts.get("m") else None
            day = int(parts["d"]) if parts.get("d") else None
            if day is None or 1 <= day <= 31:
                found.append(((year, month, day), m.start(), m.end()))
    return found


def numbers_in(text: str) -> set[int]:
    return {number for number, _, _ in number_spans(text)}


def number_spans(text: str) -> list[tuple[int, int, int]]:
    """Every number the text states, with where it stands: (number, start, end)."""
    found = [
        (int(m.group(1).replace(",", "")) * _SCALES.get(m.group(2), 1), m.start(), m.end())
        for m in _DIGITS.finditer(text)
    ]
    return found + _number_words(text)


def _number_words(text: str) -> list[tuple[int, int, int]]:
    """Numbers spelled out: 'one thousand', 'a hundred', 'twenty-five', 'nine'."""
    found, total, current, start, end = [], 0, 0, None, 0
    matches = list(_WORD.finditer(text))
    words = [m.group().lower() for m in matches] + [""]
    for i, word in enumerate(words):
        match = matches[i] if i < len(matches) else None
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in _UNITS or word in _TENS:
            current += _UNITS.get(word, 0) + _TENS.get(word, 0)
        elif word in ("a", "an") and following in ("hundred", *_SCALES) and start is None:
            current = 1
        elif word == "hundred" and start is not None:
            current *= 100
        elif word in _SCALES and start is not None:
            total, current = total + current * _SCALES[word], 0
        elif word == "and" and start is not None and (following in _UNITS or following in _TENS):
            continue
        else:
            if start is not None:
                found.append((total + current, start, end))
            total, current, start = 0, 0, None
            continue
        assert match is not None
        start = match.start() if start is None else start
        end = match.end()
    return found


_URL = re.compile(r"https?://[^\s<>\"']+")
_URL_END = ".,;:!?)]}"


def urls_in(text: str) -> set[str]:
    """Every whole URL a quote states. A URL broken at a line end reads as "...- ..." in a quote whose white
    space is normalised: it is mended both ways, with and without the hyphen, as quotes are matched."""
    found = set()
    for form in {text, text.replace("- ", "-"), text.replace("- ", "")}:
        found |= {m.group().rstrip(_URL_END) for m in _URL.finditer(form)}
    return found
