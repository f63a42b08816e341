"""Dates as the texts give them (model/dates.py): a year, a month or a day, its precision, its text at that
precision, and the days it covers."""

import datetime as dt

import pytest

from anso_facts.model import dates


@pytest.mark.parametrize(
    "value, parts, precision, first, last",
    [
        ("2020", (2020, None, None), "year", "2020-01-01", "2020-12-31"),
        ("2020-02", (2020, 2, None), "month", "2020-02-01", "2020-02-29"),
        ("2021-12", (2021, 12, None), "month", "2021-12-01", "2021-12-31"),
        ("2020-09-18", (2020, 9, 18), "day", "2020-09-18", "2020-09-18"),
    ],
)
def test_a_date_its_precision_and_the_days_it_covers(value, parts, precision, first, last):
    assert dates.parse(value) == parts
    assert dates.precision(value) == precision
    assert (dates.first_day(value).isoformat(), dates.last_day(value).isoformat()) == (first, last)
    assert dates.text(dates.first_day(value), precision) == dates.text(first, precision) == value


def test_a_date_that_does_not_exist_has_no_first_day():
    assert dates.first_day("2021-02-30") is None


def test_a_date_without_its_first_day_or_precision_has_no_text():
    assert dates.text(None, "day") is None
    assert dates.text(dt.date(2020, 7, 1), None) is None


def test_precisions_run_from_the_coarsest():
    assert dates.PRECISIONS == ("year", "month", "day")
